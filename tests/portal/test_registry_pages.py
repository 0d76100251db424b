"""The public registry: search, filters, errors, pagination, query counts, profiles, statistics."""

import pytest

from innocluster.registry.models import PriorityArea
from innocluster.registry.services import OrganisationInput, update_organisation
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.registry.factories import (
    MemberOrganisationFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    PartnerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


def test_registry_lists_public_organisations_only(client):
    member = MemberOrganisationFactory(name_ru="АО «Видимое»")
    OrganisationFactory(name_ru="ООО «Заявитель»")  # applicant: not public
    html = client.get("/registry/").content.decode()
    assert "АО «Видимое»" in html
    assert "ООО «Заявитель»" not in html
    assert f"/registry/{member.id}/" in html
    assert "1 организация" in html or "1 organisation" in html


def test_filters_narrow_the_results(client):
    MemberOrganisationFactory(name_ru="АО «Московское»", kind="university")
    PartnerOrganisationFactory(name_ru="АО «Казанское»", kind="company")
    html = client.get("/registry/", {"region": "RU-TA"}).content.decode()
    assert "АО «Казанское»" in html and "АО «Московское»" not in html
    html = client.get("/registry/", {"kind": "university"}).content.decode()
    assert "АО «Московское»" in html and "АО «Казанское»" not in html
    html = client.get("/registry/", {"status": "partner"}).content.decode()
    assert "АО «Казанское»" in html and "АО «Московское»" not in html


def test_area_and_okved_section_filters(client):
    ict = MemberOrganisationFactory(name_ru="АО «Айти»")
    ict.priority_areas.set([PriorityArea.objects.get(code="ict")])
    MemberOrganisationFactory(name_ru="АО «Наука»", okved_main_id="72.19")
    html = client.get("/registry/", {"area": "ict"}).content.decode()
    assert "АО «Айти»" in html and "АО «Наука»" not in html
    html = client.get("/registry/", {"okved_section": "M"}).content.decode()
    assert "АО «Наука»" in html and "АО «Айти»" not in html


def test_search_by_words_inn_and_ogrn(client):
    robot = MemberOrganisationFactory(
        name_ru="ООО «Робототехника»", description_ru="Промышленные роботы"
    )
    MemberOrganisationFactory(name_ru="ООО «Биофарм»", description_ru="Лекарства")
    for query in ["робот", robot.inn, robot.ogrn, "промышленные"]:
        html = client.get("/registry/", {"q": query}).content.decode()
        assert "ООО «Робототехника»" in html, query
        assert "ООО «Биофарм»" not in html, query


@pytest.mark.parametrize(
    ("params", "field"),
    [({"kind": "spaceship"}, "kind"), ({"status": "applicant"}, "status"),
     ({"okved_section": "ZZ"}, "okved_section"), ({"order": "inn"}, "order"),
     ({"sme_category": "huge"}, "sme_category")],
)  # fmt: skip
def test_bad_filter_is_400_with_the_error_next_to_the_field(client, params, field):
    response = client.get("/registry/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert "error-summary" in html


def test_bad_filter_message_in_english_names_the_field(en_client):
    response = en_client.get("/registry/", {"kind": "spaceship"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kind of organisation: Must be one of" in html


def test_unknown_page_number_does_not_fail(client):
    MemberOrganisationFactory()
    assert client.get("/registry/", {"page": "999"}).status_code == 200
    assert client.get("/registry/", {"page": "abc"}).status_code == 200


def test_pagination_keeps_the_filters(client):
    MemberOrganisationFactory.create_batch(30, kind="startup")
    html = client.get("/registry/", {"kind": "startup"}).content.decode()
    assert "30" in html
    assert "?kind=startup&amp;page=2" in html
    page2 = client.get("/registry/", {"kind": "startup", "page": 2}).content.decode()
    assert page2.count('<th scope="row">') == 5


def test_export_links_carry_the_filters(client):
    html = client.get("/registry/", {"kind": "startup", "region": "RU-MOW"}).content.decode()
    assert "/registry/export.csv?kind=startup&amp;region=RU-MOW" in html
    assert "/registry/export.json?kind=startup&amp;region=RU-MOW" in html


def test_registry_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    orgs = MemberOrganisationFactory.create_batch(25)
    areas = list(PriorityArea.objects.all()[:3])
    for org in orgs:
        org.priority_areas.set(areas)
    with django_assert_max_num_queries(6):
        response = client.get("/registry/")
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        client.get("/registry/", {"q": "тестовая", "area": "ict", "region": "RU-MOW"})


def test_registry_list_query_count_for_a_signed_in_user(
    client, user, django_assert_max_num_queries
):
    MemberOrganisationFactory.create_batch(25)
    client.force_login(user)
    # session, user, count, page ids, rows, facets..., and the header's unread notifications
    with django_assert_max_num_queries(9):
        assert client.get("/registry/").status_code == 200


def test_profile_shows_names_in_the_active_language(client, en_client):
    org = MemberOrganisationFactory(name_ru="АО «Нейрон»", name_en="Neuron JSC")
    assert "<h1>АО «Нейрон»</h1>" in client.get(f"/registry/{org.id}/").content.decode()
    html = en_client.get(f"/registry/{org.id}/").content.decode()
    assert "<h1>Neuron JSC</h1>" in html
    assert "Member number" in html and org.member_number in html


def test_profile_falls_back_to_russian_without_an_english_name(en_client):
    org = MemberOrganisationFactory(name_ru="АО «Только русское»", name_en="")
    assert "<h1>АО «Только русское»</h1>" in en_client.get(f"/registry/{org.id}/").content.decode()


def test_contacts_only_for_signed_in_users(client, user):
    org = MemberOrganisationFactory(contact_phone="+7 495 123-45-67")
    assert "+7 495 123-45-67" not in client.get(f"/registry/{org.id}/").content.decode()
    client.force_login(user)
    assert "+7 495 123-45-67" in client.get(f"/registry/{org.id}/").content.decode()


def test_applicant_organisation_is_404_for_strangers_and_visible_to_its_owner(client):
    role = OrganisationRoleFactory(organisation=OrganisationFactory())
    url = f"/registry/{role.organisation.id}/"
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(role.user)
    assert client.get(url).status_code == 200


def test_unknown_organisation_is_404(client):
    assert client.get("/registry/01234567-89ab-7def-8123-456789abcdef/").status_code == 404


def test_fund_staff_see_the_history(client):
    org = MemberOrganisationFactory()
    owner = OrganisationRoleFactory(organisation=org).user
    update_organisation(
        owner,
        org,
        OrganisationInput(legal_form=org.legal_form, name_ru="АО «Новое имя»", region="RU-MOW",
                          okved_main="62.01"),
    )  # fmt: skip
    client.force_login(owner)
    assert "organisation.updated" not in client.get(f"/registry/{org.id}/").content.decode()
    client.force_login(FundOperatorFactory())
    html = client.get(f"/registry/{org.id}/").content.decode()
    assert "organisation.updated" in html
    assert "История изменений" in html or "History of changes" in html


def test_owner_edits_the_profile_through_the_service(client):
    role = OrganisationRoleFactory()
    org = role.organisation
    client.force_login(role.user)
    html = client.get(f"/registry/{org.id}/").content.decode()
    assert f"/registry/{org.id}/edit/" in html
    form = client.get(f"/registry/{org.id}/edit/")
    assert form.status_code == 200
    response = client.post(
        f"/registry/{org.id}/edit/",
        {"kind": "startup", "name_ru": "АО «Переименовано»", "region": "RU-MOW",
         "okved_main": "62.01", "priority_areas": ["energy"], "employees": "40"},
    )  # fmt: skip
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name_ru == "АО «Переименовано»" and org.employees == 40
    assert [a.code for a in org.priority_areas.all()] == ["energy"]


def test_edit_errors_are_shown_next_to_the_field(client):
    role = OrganisationRoleFactory()
    client.force_login(role.user)
    response = client.post(
        f"/registry/{role.organisation.id}/edit/",
        {"kind": "startup", "name_ru": "X", "region": "RU-MOW", "okved_main": "99.99"},
    )
    assert response.status_code == 400
    assert 'id="id_okved_main_error"' in response.content.decode()


def test_strangers_may_not_edit(client, user):
    org = MemberOrganisationFactory()
    assert client.get(f"/registry/{org.id}/edit/").status_code == 302  # sign in first
    client.force_login(user)
    assert client.get(f"/registry/{org.id}/edit/").status_code == 403
    assert f"/registry/{org.id}/edit/" not in client.get(f"/registry/{org.id}/").content.decode()


def test_statistics_are_tables_in_both_languages(client, en_client):
    MemberOrganisationFactory.create_batch(2)
    PartnerOrganisationFactory()
    response = client.get("/registry/statistics/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="col"' in html and '<th scope="row">' in html
    assert "Москва" in html
    html = en_client.get("/registry/statistics/").content.decode()
    assert "By priority area" in html and "Moscow" in html


def test_home_page_shows_key_numbers_and_the_ways_in(client, en_client):
    MemberOrganisationFactory.create_batch(3)
    html = client.get("/").content.decode()
    assert 'href="/join/"' in html and 'href="/registry/"' in html
    assert '<span class="figure">3</span>' in html
    html = en_client.get("/").content.decode()
    assert "Join the cluster" in html and '<html lang="en"' in html


@pytest.mark.parametrize(
    "params",
    [{"q": '"('}, {"q": "* OR NEAR("}, {"q": "x" * 201}, {"q": "\x00"}, {"region": "<script>"},
     {"area": "nope"}, {"page": "-1"}, {"okved_section": "ы"}, {"q": "  "}],
)  # fmt: skip
def test_malformed_registry_queries_never_fail(client, params):
    MemberOrganisationFactory()
    response = client.get("/registry/", params)
    assert response.status_code in (200, 400)
    assert "<script>" not in response.content.decode().split("</header>")[1]
