"""GET/POST /api/v1/technologies and GET /api/v1/technologies/{id}: published for everyone,
drafts for their owner only; unknown keys and bad values refused with 422 naming each field
and its rule, nothing stored."""

from __future__ import annotations

import pytest

from innocluster.exchange.models import TechnologyOffer
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    DraftTechnologyFactory,
    TechnologyOfferFactory,
    UniversityFactory,
    person_of,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/technologies"
BODY = {
    "title": "Сверхпроводящий кабель",
    "summary": "ВТСП-кабель для городских подстанций.",
    "description": "Кабель на ленте второго поколения.",
    "priority_areas": ["energy"],
    "ip_kinds": ["patent"],
    "patent_numbers": ["RU2712345C1"],
    "trl": 6,
    "licensing_terms": "Лицензия",
}


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def fields(response) -> dict:
    assert response["Content-Type"] == "application/problem+json"
    return {e["field"]: e["code"] for e in response.json()["errors"]}


def test_the_list_and_one_offer_for_anyone(client):
    offer = TechnologyOfferFactory(priority_areas=["ict"], trl=4)
    TechnologyOfferFactory(priority_areas=["medicine"], trl=8)
    draft = DraftTechnologyFactory()
    data = client.get(URL).json()
    assert data["count"] == 2 and draft.pk not in {r["id"] for r in data["results"]}
    assert client.get(URL, {"area": "ict"}).json()["count"] == 1
    assert client.get(URL, {"trl_min": "5"}).json()["count"] == 1
    assert client.get(URL, {"ip_kind": "patent"}).json()["count"] == 2
    one = client.get(f"{URL}/{offer.pk}").json()
    assert one["patent_numbers"] == ["RU 2712345 C1"] and one["owner"]["kind"] == "university"
    assert client.get(f"{URL}/{draft.pk}").status_code == 404
    assert client.get(f"{URL}/not-a-uuid").status_code == 404


def test_bad_filters_are_named(client):
    response = client.get(URL, {"area": "space", "ip_kind": "secret", "trl_min": "0"})
    assert response.status_code == 422
    assert set(fields(response)) == {"area", "ip_kind", "trl_min"}


def test_the_owner_reads_its_draft(client):
    draft = DraftTechnologyFactory()
    client.force_login(person_of(draft.owner, "viewer"))
    assert client.get(f"{URL}/{draft.pk}").json()["status"] == "draft"


def test_a_university_posts_and_publishes_an_offer(client):
    university = UniversityFactory()
    client.force_login(person_of(university))
    response = post(client, {**BODY, "publish": True})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "published" and data["patent_numbers"] == ["RU 2712345 C1"]
    assert data["url"] == f"/exchange/technologies/{data['id']}/"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({**BODY, "colour": "red"}, {"colour": "extra_forbidden"}),
        ({**BODY, "trl": "high"}, {"trl": "int_parsing"}),
        ({**BODY, "trl": 12}, {"trl": "invalid"}),
        (
            {**BODY, "patent_numbers": ["RU 212345 C1"]},
            {"patent_numbers[0]": "invalid_patent_number"},
        ),
        ({**BODY, "ip_kinds": ["secret"]}, {"ip_kinds[0]": "invalid_choice"}),
        ({k: v for k, v in BODY.items() if k != "title"}, {"title": "missing"}),
        ({**BODY, "summary": "", "publish": True}, {"summary": "required"}),
    ],
)
def test_bad_input_is_refused_with_422_naming_the_field(client, body, expected):
    university = UniversityFactory()
    client.force_login(person_of(university))
    response = post(client, body)
    assert response.status_code == 422
    assert fields(response) == expected
    assert not TechnologyOffer.objects.exists()


def test_a_company_is_refused_with_the_reason(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the reason is read in English
    client.force_login(person_of(CompanyFactory()))
    response = post(client, BODY)
    assert response.status_code == 403
    assert "universities and research institutes" in response.json()["detail"]
    assert not TechnologyOffer.objects.exists()


def test_anonymous_posting_is_refused(client):
    assert post(client, BODY).status_code == 401


def test_someone_acting_for_two_universities_names_the_owner(client):
    first, second = UniversityFactory(), UniversityFactory()
    person = person_of(first)
    from innocluster.registry.models import OrganisationRole

    OrganisationRole.objects.create(organisation=second, user=person, role="editor")
    client.force_login(person)
    response = post(client, BODY)
    assert response.status_code == 422 and fields(response) == {"owner": "required"}
    response = post(client, {**BODY, "owner": str(second.pk)})
    assert response.status_code == 201 and response.json()["owner"]["id"] == str(second.pk)
