"""The applications API: the back office's filter over what the caller may see (the Fund's
staff: all; a member's session or token: its consortia's), one application, the exports, and
bulk actions for the Fund's staff; errors as problem+json naming the parameter."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from innocluster.accounts.services import issue_api_token
from innocluster.programmes.models import Application
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.programmes.backoffice_factories import (
    CallFactory,
    PartnerOrganisationFactory,
    make_application,
    person,
    review,
)
from tests.programmes.factories import state_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications"


@pytest.fixture
def world():
    call = CallFactory(code="api-a")
    partner = PartnerOrganisationFactory(inn="7707083893")
    mine = make_application(call, number="API-1", state="in_review", partners=[partner])
    review(mine, 64)
    theirs = make_application(call, number="API-2", state="submitted")
    elsewhere = make_application(number="API-3", state="draft")
    return {"call": call, "partner": partner, "mine": mine, "theirs": theirs, "other": elsewhere}


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_staff_see_every_application_filtered_and_paginated(world):
    client = _client(FundOperatorFactory())
    body = client.get(URL, {"call": "api-a", "order": "number"}).json()
    assert body["count"] == 2
    assert [a["number"] for a in body["results"]] == ["API-1", "API-2"]
    first = body["results"][0]
    assert first["state"] == "in_review" and first["call"] == "api-a"
    assert first["partners"][0]["inn"] == "7707083893"
    assert Decimal(first["grant_rub"]) == Decimal("3000000")
    assert float(first["score"]) == 64
    assert first["url"] == f"/api/v1/applications/{world['mine'].pk}"
    page = client.get(URL, {"limit": 1, "offset": 1, "order": "number"}).json()
    assert page["count"] == 3 and [a["number"] for a in page["results"]] == ["API-2"]
    several = client.get(URL, {"state": ["draft", "submitted"]}).json()
    assert {a["number"] for a in several["results"]} == {"API-2", "API-3"}


def test_members_see_their_consortias_applications_only(world):
    partner_person = person(world["partner"], "viewer")
    client = _client(partner_person)
    body = client.get(URL).json()
    assert [a["number"] for a in body["results"]] == ["API-1"]
    assert client.get(f"{URL}/{world['mine'].pk}").status_code == 200
    response = client.get(f"{URL}/{world['theirs'].pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    outsider = _client(UserFactory())
    assert outsider.get(URL).json()["count"] == 0


def test_a_token_sees_its_organisations_applications(world):
    owner = person(world["partner"], "owner")
    _token, raw = issue_api_token(owner, world["partner"], "crm", ["read"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [a["number"] for a in client.get(URL).json()["results"]] == ["API-1"]
    _token, raw = issue_api_token(owner, world["partner"], "profile only", ["profile"])
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(URL)
    assert response.status_code == 403 and response.json()["code"] == "missing_scope"


def test_anonymous_callers_are_refused():
    response = Client().get(URL)
    assert response.status_code == 401


def test_bad_filters_are_problems_naming_the_parameter(world):
    client = _client(FundOperatorFactory())
    response = client.get(URL, {"state": "flying", "submitted_to": "31.12.2026"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"state", "submitted_to"}
    assert client.get(URL, {"q": "a\x00b"}).status_code in (400, 422)
    assert client.get(URL, {"limit": "many"}).status_code == 422
    assert client.get(f"{URL}/not-a-uuid").status_code in (404, 422)


def test_one_application_in_detail(world):
    client = _client(FundOperatorFactory())
    body = client.get(f"{URL}/{world['mine'].pk}").json()
    assert body["number"] == "API-1"
    assert body["budget"][0]["category"] == "salaries"
    assert body["lead"]["id"] == str(world["mine"].lead_id)


def test_exports_follow_the_filter_and_visibility(world):
    staff = _client(FundOperatorFactory())
    response = staff.get(f"{URL}/export.csv", {"call": "api-a", "order": "number"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["API-1", "API-2"]
    response = staff.get(f"{URL}/export.xlsx", {"call": "api-a", "order": "number"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["API-1", "API-2"]
    # the exports carry the reviews' scores and ranks: never an applicant's
    member = _client(person(world["partner"], "viewer"))
    assert member.get(f"{URL}/export.xlsx").status_code == 403
    assert member.get(f"{URL}/export.csv").status_code == 403


def test_applicants_never_see_their_scores(world):
    member = _client(person(world["partner"], "viewer"))
    (listed,) = member.get(URL).json()["results"]
    assert listed["number"] == "API-1" and listed["score"] is None
    assert member.get(f"{URL}/{world['mine'].pk}").json()["score"] is None
    # nor learn them by filtering or ordering
    for params in ({"order": "-score"}, {"disagreement": "yes"}, {"disagreement": "no"}):
        response = member.get(URL, params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"] in params
    staff = _client(FundOperatorFactory())
    assert float(staff.get(f"{URL}/{world['mine'].pk}").json()["score"]) == 64


def test_bulk_for_staff_with_partial_failures(world):
    operator = FundOperatorFactory()
    client = _client(operator)
    before = state_of(world["mine"])
    response = client.post(
        f"{URL}/bulk",
        {"filter": {"call": "api-a"}, "action": "start_screening", "expected": 2},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["matched"], body["done"]) == (2, 1)
    assert body["skipped"][0]["number"] == "API-1"
    assert Application.objects.get(pk=world["theirs"].pk).state == "screening"
    assert state_of(world["mine"])["row"] == before["row"]


def test_bulk_refusals(world):
    member = person(world["mine"].lead, "owner")
    response = _client(member).post(
        f"{URL}/bulk",
        {"filter": {}, "action": "start_screening", "expected": 3},
        content_type="application/json",
    )
    assert response.status_code == 403
    staff = _client(FundOperatorFactory())
    response = staff.post(
        f"{URL}/bulk",
        {"filter": {"state": "nope"}, "action": "reject", "expected": 0},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "state"
    response = staff.post(
        f"{URL}/bulk",
        {"filter": {}, "action": "reject", "expected": 3},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    # a mistyped filter parameter is named, never taken for "every application"
    response = staff.post(
        f"{URL}/bulk",
        {"filter": {"stat": "submitted"}, "action": "reject", "reason": "x", "expected": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "filter.stat"
    # the count the caller saw must still hold
    response = staff.post(
        f"{URL}/bulk",
        {"filter": {"call": "api-a"}, "action": "start_screening", "expected": 5},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "count_changed"
    response = staff.post(
        f"{URL}/bulk", {"filter": {}, "action": "remind"}, content_type="application/json"
    )
    assert response.status_code == 422  # no expected count
    assert Application.objects.get(pk=world["theirs"].pk).state == "submitted"


def test_the_list_query_count_stays_flat(world, django_assert_max_num_queries):
    client = _client(FundOperatorFactory())
    with django_assert_max_num_queries(12) as few:
        assert client.get(URL).status_code == 200
    for _ in range(20):
        make_application(world["call"], partners=[PartnerOrganisationFactory()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(URL).json()
    assert len(body["results"]) == 23 and all(a["partners"] for a in body["results"][:20])


def test_a_partner_that_declined_is_out_of_the_consortium(client, world):
    from innocluster.programmes.models import ConsortiumMember

    viewer = person(world["partner"], "viewer")
    ConsortiumMember.objects.filter(
        application=world["mine"], organisation=world["partner"]
    ).update(status="declined")
    member = _client(viewer)
    assert member.get(URL).json()["count"] == 0
    assert member.get(f"{URL}/{world['mine'].pk}").status_code == 404
    client.force_login(viewer)
    assert client.get(f"/applications/{world['mine'].pk}/").status_code == 404
