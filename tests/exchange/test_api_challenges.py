"""The challenges API: listing and reading what the caller may see (protected details null),
posting (unknown keys and bad values refused with each field named, nothing stored), the NDA,
solutions and who reads them."""

import base64

import pytest
from django.test import Client

from innocluster.accounts.services import issue_api_token
from innocluster.exchange import services
from innocluster.exchange.models import Challenge, NdaAcceptance, Solution
from tests.accounts.factories import FundOperatorFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

from .factories import (
    MARKER,
    ChallengeFactory,
    DraftChallengeFactory,
    MembersChallengeFactory,
    NdaChallengeFactory,
    SolutionFactory,
    future,
    person_of,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(**overrides) -> dict:
    data = {
        "title": "Цифровой двойник насосной станции",
        "summary": "Моделирование режимов работы.",
        "details": f"Схемы и телеметрия {MARKER}",
        "visibility": "nda",
        "nda_text": "Не раскрывать.",
        "priority_areas": ["ict", "energy"],
        "trl_min": 5,
        "deadline": future().isoformat(),
        "owner_offers": ["pilot"],
        "budget_min_rub": "100000.00",
        "budget_max_rub": "900000.00",
    }
    data.update(overrides)
    return data


def fields(response) -> set:
    return {e["field"] for e in response.json().get("errors", [])}


def test_list_is_paginated_filtered_and_scoped():
    ChallengeFactory(priority_areas=["energy"])
    ChallengeFactory(priority_areas=["medicine"], status="evaluating")
    MembersChallengeFactory()
    DraftChallengeFactory()
    data = Client().get("/api/v1/challenges").json()
    assert data["count"] == 2
    assert Client().get("/api/v1/challenges?area=energy").json()["count"] == 1
    assert Client().get("/api/v1/challenges?status=evaluating").json()["count"] == 1
    assert Client().get("/api/v1/challenges?visibility=members").json()["count"] == 0
    member = login(person_of(MemberOrganisationFactory(), "viewer"))
    assert member.get("/api/v1/challenges").json()["count"] == 3
    page = member.get("/api/v1/challenges?limit=1&offset=1").json()
    assert page["limit"] == 1 and len(page["results"]) == 1


def test_bad_list_filters_are_named():
    response = Client().get("/api/v1/challenges?status=draft&area=astrology&visibility=x")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert fields(response) == {"status", "area", "visibility"}


def test_a_members_only_or_draft_challenge_is_404_for_outsiders():
    for challenge in (MembersChallengeFactory(), DraftChallengeFactory()):
        response = Client().get(f"/api/v1/challenges/{challenge.pk}")
        assert response.status_code == 404
    assert Client().get("/api/v1/challenges/nonsense").status_code == 404


def test_post_a_draft_and_publish_one():
    org = MemberOrganisationFactory()
    client = login(person_of(org, "editor"))
    response = client.post("/api/v1/challenges", body(), content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["owner"]["id"] == str(org.pk)
    assert data["details"] == f"Схемы и телеметрия {MARKER}" and data["details_protected"] is False
    response = client.post("/api/v1/challenges", body(publish=True), content_type=JSON)
    assert response.status_code == 201 and response.json()["status"] == "open"


def test_unknown_keys_and_bad_values_are_refused_and_nothing_is_stored():
    client = login(person_of(MemberOrganisationFactory(), "editor"))
    response = client.post(
        "/api/v1/challenges",
        body(colour="red", trl_min=12, visibility="secret", deadline="soon"),
        content_type=JSON,
    )
    assert response.status_code == 422
    assert {"colour", "trl_min", "visibility", "deadline"} <= fields(response)
    response = client.post(
        "/api/v1/challenges",
        body(priority_areas=["astrology"], budget_min_rub="10", budget_max_rub="5"),
        content_type=JSON,
    )
    assert response.status_code == 422
    assert fields(response) == {"priority_areas", "budget_max_rub"}
    response = client.post(
        "/api/v1/challenges",
        body(summary="", nda_text="", deadline="2000-01-01", publish=True),
        content_type=JSON,
    )
    assert response.status_code == 422
    assert fields(response) == {"summary", "nda_text", "deadline"}
    for raw in ("[]", "null", "{", '"x"'):
        assert client.post("/api/v1/challenges", raw, content_type=JSON).status_code in (400, 422)
    assert not Challenge.objects.exists()


def test_posting_needs_someone_acting_for_an_admitted_organisation():
    assert Client().post("/api/v1/challenges", body(), content_type=JSON).status_code == 401
    staff = login(FundOperatorFactory())
    assert staff.post("/api/v1/challenges", body(), content_type=JSON).status_code == 403
    person = person_of(MemberOrganisationFactory(), "owner")
    OrganisationRoleFactory(user=person, role="editor")
    response = login(person).post("/api/v1/challenges", body(), content_type=JSON)
    assert response.status_code == 422 and fields(response) == {"owner"}
    assert not Challenge.objects.exists()


def test_an_organisation_token_with_the_profile_scope_posts():
    org = MemberOrganisationFactory()
    _, raw = issue_api_token(person_of(org, "owner"), org, "ERP", ["read", "profile"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = Client().post("/api/v1/challenges", body(), content_type=JSON, **auth)
    assert response.status_code == 201, response.content
    _, read_only = issue_api_token(person_of(org, "owner"), org, "BI", ["read"])
    response = Client().post(
        "/api/v1/challenges", body(), content_type=JSON, HTTP_AUTHORIZATION=f"Bearer {read_only}"
    )
    assert response.status_code == 403
    challenge = Challenge.objects.get()
    data = Client().get(f"/api/v1/challenges/{challenge.pk}", **auth).json()
    assert data["details_protected"] is False  # the token's organisation owns it
    assert (
        Client().get("/api/v1/challenges", HTTP_AUTHORIZATION="Bearer ic_nope").status_code == 401
    )


def test_nda_acceptance_then_solutions():
    challenge = NdaChallengeFactory()
    responder = MemberOrganisationFactory()
    person = person_of(responder, "editor")
    client = login(person)
    url = f"/api/v1/challenges/{challenge.pk}"
    solution = {"description": "Наше решение", "trl": 6}
    refused = client.post(f"{url}/solutions", solution, content_type=JSON)
    assert refused.status_code == 409 and refused.json()["code"] == "nda_required"
    assert client.get(url).json()["details"] is None
    response = client.post(f"{url}/nda-acceptance", {"accept": False}, content_type=JSON)
    assert response.status_code == 422 and fields(response) == {"accept"}
    assert not NdaAcceptance.objects.exists()
    response = client.post(f"{url}/nda-acceptance", {"accept": True}, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["organisation"]["id"] == str(responder.pk)
    assert MARKER in client.get(url).json()["details"]
    pdf = base64.b64encode(b"%PDF-1.4 x").decode()
    response = client.post(
        f"{url}/solutions",
        {**solution, "attachments": [{"filename": "a.pdf", "content_base64": pdf}]},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert response.json()["attachments"][0]["filename"] == "a.pdf"
    duplicate = client.post(f"{url}/solutions", solution, content_type=JSON)
    assert duplicate.status_code == 422 and fields(duplicate) == {"description"}
    bad = client.post(
        f"{url}/solutions",
        {
            "description": "Другое",
            "trl": 6,
            "attachments": [{"filename": "a.exe", "content_base64": pdf}],
        },
        content_type=JSON,
    )
    assert bad.status_code == 422 and fields(bad) == {"attachments[0]"}
    unknown = client.post(f"{url}/solutions", {**solution, "x": 1}, content_type=JSON)
    assert unknown.status_code == 422 and "x" in fields(unknown)
    assert Solution.objects.count() == 1


def test_solutions_list_owner_all_responder_theirs():
    challenge = ChallengeFactory()
    first = SolutionFactory(challenge=challenge)
    SolutionFactory(challenge=challenge)
    url = f"/api/v1/challenges/{challenge.pk}/solutions"
    owner = login(person_of(challenge.owner, "viewer"))
    assert len(owner.get(url).json()) == 2
    responder = login(person_of(first.responder, "viewer"))
    assert [s["id"] for s in responder.get(url).json()] == [str(first.pk)]
    stranger = login(person_of(MemberOrganisationFactory()))
    assert stranger.get(url).json() == []
    assert Client().get(url).status_code == 401


def test_the_list_takes_the_same_few_queries_for_many_challenges(django_assert_max_num_queries):
    person = person_of(MemberOrganisationFactory(), "editor")
    for _ in range(3):
        services.accept_nda(NdaChallengeFactory(), person, accept=True)
    for _ in range(20):
        ChallengeFactory()
    client = login(person)
    with django_assert_max_num_queries(10):
        data = client.get("/api/v1/challenges?limit=50").json()
    assert data["count"] == 23
    assert sum(1 for item in data["results"] if item["details"]) == 23
