"""The full-page cache of the public pages (core/pagecache.py): what is cached, for whom, what
invalidates it, and that visitors served from it can still post the page's forms."""

from __future__ import annotations

import json
import random
import re
import secrets
import string

import pytest
from django.core.cache import caches
from django.test import Client

from innocluster.core import pagecache
from innocluster.portal.accessibility import COOKIE_NAME as A11Y_COOKIE
from innocluster.registry import demo_identifiers as ids
from innocluster.registry.forms import RegistryFilterForm
from innocluster.registry.models import AnnualRevenue, Region
from innocluster.registry.services import (
    JoinRequest,
    OrganisationInput,
    apply_for_membership,
    update_organisation,
)
from innocluster.registry.views import CachedChoicesFilterForm
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/registry/", "/registry/?q=x&kind=startup", "/registry/statistics/"]


@pytest.fixture(autouse=True)
def _empty_page_cache():
    for alias in (pagecache.PAGES_CACHE, pagecache.SHARED_PAGES_CACHE, "default"):
        caches[alias].clear()


def served(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_visitors_get_the_stored_page_the_second_time(client, url):
    MemberOrganisationFactory()
    first = served(client, url)
    second = served(client, url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert not first.cookies and not second.cookies  # no CSRF or session cookie: storable
    assert "Cookie" in second["Vary"]


def test_a_profile_is_cached_and_shows_an_update_at_once(client):
    org = MemberOrganisationFactory(name_ru="АО «Старое имя»")
    owner = OrganisationRoleFactory(organisation=org).user
    url = f"/registry/{org.id}/"
    served(client, url)
    assert served(client, url)["X-Page-Cache"] == "hit"
    update_organisation(
        owner,
        org,
        OrganisationInput(legal_form=org.legal_form, name_ru="АО «Новое имя»", region="RU-MOW",
                          okved_main="62.01"),
    )  # fmt: skip
    html = served(client, url).content.decode()
    assert "АО «Новое имя»" in html and "АО «Старое имя»" not in html


def test_a_newly_admitted_member_appears_in_the_cached_list_at_once(client, user):
    MemberOrganisationFactory(name_ru="АО «Первое»")
    served(client, "/registry/")
    assert served(client, "/registry/")["X-Page-Cache"] == "hit"
    rng = random.Random(3)
    application = apply_for_membership(
        OrganisationInput(legal_form="legal_entity", kind="startup", name_ru="ООО «Новичок»",
                          inn=ids.legal_entity_inn(rng), ogrn=ids.legal_entity_ogrn(rng),
                          kpp="772801001", region="RU-MOW", okved_main="62.01",
                          priority_areas=["ict"], employees=5),
        JoinRequest(applicant=user, accept_agreement=True),
    )  # fmt: skip
    assert application.organisation.status == "member"
    html = served(client, "/registry/").content.decode()
    assert "ООО «Новичок»" in html and "АО «Первое»" in html


def test_related_rows_move_the_registry_version():
    org = MemberOrganisationFactory()
    before = pagecache.registry_version()
    AnnualRevenue.objects.create(organisation=org, year=2020, revenue_rub=1000)
    after_revenue = pagecache.registry_version()
    org.priority_areas.clear()
    assert len({before, after_revenue, pagecache.registry_version()}) == 3


def test_signed_in_users_never_get_a_cached_page(client, user):
    org = MemberOrganisationFactory()
    for url in [*PUBLIC_PAGES, f"/registry/{org.id}/"]:
        served(Client(), url)
        served(Client(), url)  # stored for anonymous visitors
        client.force_login(user)
        response = served(client, url)
        assert "X-Page-Cache" not in response
        assert user.email in response.content.decode()  # their own header, not the stored one


def test_visitors_with_a_session_or_pending_messages_bypass_the_cache(client):
    served(client, "/registry/")
    for name in ("sessionid", "messages"):
        visitor = Client()
        visitor.cookies[name] = "x"
        assert "X-Page-Cache" not in served(visitor, "/registry/")


def test_languages_and_accessibility_variants_do_not_mix(client, en_client):
    russian = served(client, "/registry/").content.decode()
    english = served(en_client, "/registry/").content.decode()
    assert '<html lang="ru"' in russian and '<html lang="en"' in english
    a11y = Client()
    a11y.cookies[A11Y_COOKIE] = json.dumps({"enabled": True, "font_size": "large"})
    high_contrast = served(a11y, "/registry/").content.decode()
    assert "a11y-font-large" in high_contrast
    again = served(Client(), "/registry/")
    assert again["X-Page-Cache"] == "hit" and "a11y-font-large" not in again.content.decode()
    assert '<html lang="en"' in served(en_client, "/registry/").content.decode()


def test_parameter_order_does_not_matter(client):
    served(client, "/registry/?kind=startup&region=RU-MOW")
    assert served(client, "/registry/?region=RU-MOW&kind=startup")["X-Page-Cache"] == "hit"


def test_errors_and_missing_pages_are_not_stored(client):
    invalid = "/registry/?q=" + "x" * 201
    assert client.get(invalid).status_code == 400
    assert client.get(invalid).get("X-Page-Cache") is None
    missing = "/registry/01234567-89ab-7def-8123-456789abcdef/"
    assert client.get(missing).status_code == 404
    assert client.get(missing).status_code == 404


def _hidden_fields(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', html)


def test_a_visitor_served_from_the_cache_can_switch_language_and_accessibility():
    served(Client(), "/registry/")
    visitor = Client(enforce_csrf_checks=True)
    page = served(visitor, "/registry/")
    assert page["X-Page-Cache"] == "hit"
    fields = _hidden_fields(page.content.decode())
    assert len(fields) == 2 and all('value=""' in f and "data-csrf-cookie" in f for f in fields)
    assert "csrftoken" not in visitor.cookies
    # What the page's script does: a random secret in the CSRF cookie and in the field.
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    visitor.cookies["csrftoken"] = token
    switched = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/registry/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302 and visitor.cookies["ic_lang"].value == "en"
    assert '<html lang="en"' in served(visitor, "/registry/").content.decode()
    # Without script: the accessibility toolbar needs no token.
    no_script = Client(enforce_csrf_checks=True)
    served(no_script, "/registry/")
    toggled = no_script.post("/accessibility/", {"enabled": "on", "next": "/registry/"})
    assert toggled.status_code == 302 and A11Y_COOKIE in toggled.cookies
    assert "a11y" in served(no_script, "/registry/").content.decode().split(">")[1]


def test_pages_not_from_the_cache_keep_the_ordinary_csrf_token(client, user):
    client.force_login(user)
    fields = _hidden_fields(client.get("/registry/").content.decode())
    assert fields and all("data-csrf-cookie" not in f and 'value=""' not in f for f in fields)


def test_the_demo_generator_moves_the_registry_version():
    from innocluster.registry import demo

    before = pagecache.registry_version()
    demo.run(orgs=0, users=False)
    assert pagecache.registry_version() != before


def test_the_cached_filter_choices_are_the_forms_own(client, en_client):
    for data in (None, {"region": "RU-MOW", "kind": "startup"}):
        cached, fresh = CachedChoicesFilterForm(data), RegistryFilterForm(data)
        for name, field in fresh.fields.items():
            choices = getattr(field.widget, "choices", None)
            if choices is not None:
                expected = [(value, str(label)) for value, label in choices]
                assert cached.fields[name].widget.choices == expected
    html = served(client, "/registry/?region=RU-MOW").content.decode()
    assert '<option value="RU-MOW" selected>' in html


def test_a_renamed_region_shows_in_the_filters_at_once(client):
    served(client, "/registry/")
    region = Region.objects.get(code="RU-TA")
    region.name_ru = "Республика Тестовая"
    region.save()
    assert "Республика Тестовая" in served(client, "/registry/?kind=startup").content.decode()
    assert "Республика Тестовая" in served(client, "/registry/").content.decode()


def test_worker_processes_share_the_pages(client, monkeypatch):
    """A page rendered by one server process is served by the others (the shared store)."""
    monkeypatch.setattr(pagecache, "_isolated", lambda: False)
    monkeypatch.setattr(pagecache, "SHARED_CACHE", "default")  # versions: not other tests'
    served(client, "/registry/?kind=university")
    caches[pagecache.PAGES_CACHE].clear()  # as in another process
    assert served(client, "/registry/?kind=university")["X-Page-Cache"] == "hit"


def test_unknown_query_parameters_are_served_but_not_cached(client):
    first = client.get("/registry/", {"utm_source": "x1"})
    second = client.get("/registry/", {"utm_source": "x1"})
    assert first.status_code == second.status_code == 200
    assert second.get("X-Page-Cache") != "hit"
    client.get("/registry/", {"q": "робот"})
    assert client.get("/registry/", {"q": "робот"}).get("X-Page-Cache") == "hit"
