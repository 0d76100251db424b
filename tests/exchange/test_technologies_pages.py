"""The technology pages: the catalogue with its filters for everyone, drafts only for their
owner's people, the edit pages only for those who may change the offer, refusals next to the
fields they name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innocluster.exchange.models import TechnologyOffer
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    DraftTechnologyFactory,
    TechnologyOfferFactory,
    UniversityFactory,
    person_of,
)

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_published_offers_for_anonymous_visitors(client):
    published = TechnologyOfferFactory(title="Лазерный сканер")
    draft = DraftTechnologyFactory(title="Черновик сканера")
    page = client.get(reverse("exchange:technologies")).content.decode()
    assert "Лазерный сканер" in page and "Черновик сканера" not in page
    assert client.get(reverse("exchange:technology", args=[published.pk])).status_code == 200
    assert client.get(reverse("exchange:technology", args=[draft.pk])).status_code == 404


def test_the_catalogue_shows_the_english_translation_in_english(client):
    TechnologyOfferFactory(title="Лазерный сканер", title_translated="Laser scanner")
    client.cookies["ic_lang"] = "en"
    page = client.get(reverse("exchange:technologies")).content.decode()
    assert "Laser scanner" in page and "Лазерный сканер" not in page


def test_filters_by_area_ip_kind_and_trl(client):
    TechnologyOfferFactory(title="Alpha", priority_areas=["ict"], ip_kinds=["software"],
                           patent_numbers=[], trl=3)  # fmt: skip
    TechnologyOfferFactory(title="Beta", priority_areas=["medicine"], trl=7)
    url = reverse("exchange:technologies")

    def titles(**params):
        page = client.get(url, params).content.decode()
        return {t for t in ("Alpha", "Beta") if f">{t}<" in page}

    assert titles() == {"Alpha", "Beta"}
    assert titles(area="ict") == {"Alpha"}
    assert titles(ip_kind="patent") == {"Beta"}
    assert titles(trl_min="5") == {"Beta"}
    page = client.get(url, {"area": "space", "trl_min": "12"}).content.decode()
    assert "trl_min" in page and "area" in page  # both bad filters named
    assert titles(area="space") == {"Alpha", "Beta"}


def test_the_catalogue_pages_by_25(client):
    TechnologyOfferFactory.create_batch(27)
    first = client.get(reverse("exchange:technologies")).content.decode()
    assert first.count('<article class="card"') == 25
    second = client.get(reverse("exchange:technologies"), {"page": 2}).content.decode()
    assert second.count('<article class="card"') == 2


def test_the_owner_sees_the_draft_its_actions_and_the_matching_link(client):
    draft = DraftTechnologyFactory()
    owner = person_of(draft.owner)
    client.force_login(owner)
    page = client.get(reverse("exchange:technology", args=[draft.pk])).content.decode()
    assert reverse("exchange:technology_edit", args=[draft.pk]) in page
    assert 'id="interested-heading"' in page
    catalogue = client.get(reverse("exchange:technologies")).content.decode()
    assert draft.title in catalogue  # in "Your drafts"
    published = TechnologyOfferFactory(owner=draft.owner)
    page = client.get(reverse("exchange:technology", args=[published.pk])).content.decode()
    assert f"/matching/technologies/{published.pk}/" in page


def test_a_member_sees_the_interest_form_and_no_owner_actions(client):
    offer = TechnologyOfferFactory()
    client.force_login(person_of(CompanyFactory()))
    page = client.get(reverse("exchange:technology", args=[offer.pk])).content.decode()
    assert reverse("exchange:interest_new") in page
    assert reverse("exchange:technology_edit", args=[offer.pk]) not in page
    assert "/matching/technologies/" not in page


def test_others_cannot_open_the_edit_page(client):
    offer = TechnologyOfferFactory()
    client.force_login(person_of(CompanyFactory()))
    assert client.get(reverse("exchange:technology_edit", args=[offer.pk])).status_code == 404
    response = client.post(reverse("exchange:technology_archive", args=[offer.pk]))
    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.status == "published"


def test_a_company_is_told_it_cannot_offer_technologies(client):
    client.cookies["ic_lang"] = "en"  # the texts below are the English ones
    client.force_login(person_of(CompanyFactory()))
    response = client.get(reverse("exchange:technology_new"))
    assert response.status_code == 403
    assert "universities and research institutes" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("exchange:technology_new"))
    assert response.status_code == 302 and "login" in response["Location"]


def form_data(**changes):
    data = {
        "language": "ru",
        "title": "Катализатор для водородной энергетики",
        "summary": "Платиновый катализатор с пониженным содержанием металла.",
        "description": "Снижение загрузки платины на 40 процентов.",
        "priority_areas": ["energy", "materials"],
        "ip_kinds": ["patent", "know_how"],
        "patent_numbers": "RU 2712345 C1\n2798765",
        "trl": "5",
        "licensing_terms": "Лицензия",
        "partnership_terms": "",
        "lab_competencies": "",
    }
    data.update(changes)
    return data


def test_a_university_creates_publishes_and_edits_an_offer(client):
    university = UniversityFactory()
    client.force_login(person_of(university))
    response = client.post(reverse("exchange:technology_new"), {**form_data(), "publish": "1"})
    offer = TechnologyOffer.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{offer.pk}/")
    assert offer.status == "published" and offer.patent_numbers == ["RU 2712345 C1", "RU 2798765"]
    url = reverse("exchange:technology_edit", args=[offer.pk])
    assert "RU 2798765" in client.get(url).content.decode()
    response = client.post(url, {**form_data(trl="6"), "version": "1"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.trl == 6 and offer.version == 2
    # The same form again, from version 1: refused as stale, nothing changes.
    response = client.post(url, {**form_data(trl="8"), "version": "1"})
    assert 'data-error-code="stale_version"' in response.content.decode()
    offer.refresh_from_db()
    assert offer.trl == 6


def test_a_bad_patent_number_is_shown_next_to_its_field_and_nothing_is_saved(client):
    client.cookies["ic_lang"] = "en"  # the texts below are the English ones
    university = UniversityFactory()
    client.force_login(person_of(university))
    response = client.post(
        reverse("exchange:technology_new"), form_data(patent_numbers="RU 2712345 C1\n12-34")
    )
    page = response.content.decode()
    assert response.status_code == 200 and "error-summary" in page
    assert "[1]" in page and "7 digits beginning with 2" in page
    assert not TechnologyOffer.objects.exists()


def test_publishing_an_incomplete_draft_names_the_missing_fields(client):
    draft = DraftTechnologyFactory(summary="", licensing_terms="")
    client.force_login(person_of(draft.owner))
    response = client.post(reverse("exchange:technology_publish", args=[draft.pk]), follow=True)
    page = response.content.decode()
    assert "summary" in page and "licensing_terms" in page
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_saving_a_draft_and_publishing_it_incomplete_keeps_the_changes_and_says_why(client):
    draft = DraftTechnologyFactory(summary="")
    client.force_login(person_of(draft.owner))
    data = form_data(summary="", title="Новое название")
    response = client.post(
        reverse("exchange:technology_edit", args=[draft.pk]),
        {**data, "version": "1", "publish": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "message-error" in page and "summary" in page
    draft.refresh_from_db()
    assert draft.title == "Новое название" and draft.status == "draft" and draft.version == 2


def test_the_catalogue_reads_the_same_number_of_queries_for_3_or_25_offers(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = UniversityFactory()
    client.force_login(person_of(owner))
    TechnologyOfferFactory.create_batch(3, owner=owner)
    DraftTechnologyFactory(owner=owner)
    url = reverse("exchange:technologies")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    TechnologyOfferFactory.create_batch(22)
    DraftTechnologyFactory.create_batch(3, owner=owner)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_offers_of_an_owner_no_longer_admitted_only_its_people_and_the_fund_see(client, status):
    from tests.accounts.factories import FundOperatorFactory

    offer = TechnologyOfferFactory(title="Сканер приостановленного")
    offer.owner.status = status
    offer.owner.save()
    listing, detail = (
        reverse("exchange:technologies"),
        reverse("exchange:technology", args=[offer.pk]),
    )
    assert offer.title not in client.get(listing).content.decode()
    assert offer.title not in client.get(reverse("exchange:home")).content.decode()
    assert client.get(detail).status_code == 404
    assert offer.title not in client.get("/api/v1/technologies").content.decode()
    assert client.get(f"/api/v1/technologies/{offer.pk}").status_code == 404
    for user in (person_of(offer.owner, "viewer"), FundOperatorFactory()):
        client.force_login(user)
        assert offer.title in client.get(listing).content.decode()
        assert client.get(detail).status_code == 200
