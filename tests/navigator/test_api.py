"""POST /api/v1/navigator/evaluate and the catalogue endpoints, as a partner system uses them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from innocluster.navigator.models import Measure
from tests.accounts.factories import FundOperatorFactory
from tests.navigator.factories import InstitutionFactory, MeasureFactory
from tests.registry.factories import MemberOrganisationFactory

pytestmark = pytest.mark.django_db

SME = {"field": "sme_category", "in": ["micro", "small", "medium"]}
MOSCOW = {"field": "region", "eq": "RU-MOW"}
YOUNG = {"field": "registered_on", "age_at_most": {"years": 2}}


def evaluate(profile=None, need=None, lang="ru", extra=None, **headers):
    body = {"profile": profile or {}, "need": need or {}, "lang": lang, **(extra or {})}
    return Client().post(
        "/api/v1/navigator/evaluate", body, content_type="application/json", **headers
    )


@pytest.fixture
def catalogue():
    fund = InstitutionFactory(code="city-fund", name_ru="Городской фонд", name_en="City Fund")
    return {
        "sme-moscow": MeasureFactory(
            code="sme-moscow", provider=fund, rules={"all": [SME, MOSCOW]}, form="grant"
        ),
        "young-loan": MeasureFactory(
            code="young-loan",
            provider=fund,
            form="loan",
            purposes=["working_capital"],
            rate_percent_min=3,
            rules={"all": [YOUNG]},
        ),
        "big-project": MeasureFactory(
            code="big-project",
            provider=fund,
            form="loan",
            purposes=["production_expansion"],
            min_project_budget_rub=125_000_000,
            cofinancing_min_share="0.2",
            rules=None,
        ),
    }


def by_code(body):
    return {r["code"]: r for r in body["results"]}


def test_an_anonymous_business_learns_what_fits_and_why(catalogue):
    response = evaluate(
        {"sme_category": "small", "region": "RU-MOW", "registered_on": "2019-05-01"},
        lang="en",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    results = by_code(body)
    assert results["sme-moscow"]["status"] == "eligible"
    assert results["young-loan"]["status"] == "ineligible"
    assert results["big-project"]["status"] == "unknown"
    assert body["counts"] == {"eligible": 1, "unknown": 1, "ineligible": 1}
    # one reason per criterion: which criterion, the value it needed, the value given
    region = next(r for r in results["sme-moscow"]["reasons"] if r["field"] == "region")
    assert region == {
        "criterion": "Region",
        "field": "region",
        "required": "Moscow",  # regions by name, in the requested language
        "given": "Moscow",
        "outcome": "met",
        "group": None,
    }
    (age,) = results["young-loan"]["reasons"]
    assert age["outcome"] == "not_met"
    assert age["required"] == "no more than 2 years ago"
    assert age["given"] == "2019-05-01"
    # eligible first
    assert body["results"][0]["code"] == "sme-moscow"


def test_reasons_come_in_russian_by_default(catalogue):
    body = evaluate({"sme_category": "large"}).json()
    (sme,) = [r for r in by_code(body)["sme-moscow"]["reasons"] if r["field"] == "sme_category"]
    assert sme["criterion"] == "Категория МСП"
    assert sme["outcome"] == "not_met"
    assert "Крупное предприятие" in sme["given"]


def test_a_missing_answer_alone_decides_nothing(catalogue):
    body = evaluate({}).json()
    results = by_code(body)
    assert {r["status"] for r in body["results"]} == {"unknown"}
    assert results["sme-moscow"]["missing"] == ["sme_category", "region"]
    assert results["big-project"]["missing"] == ["project_budget_rub", "own_funds_share"]


def test_next_question_is_the_field_that_decides_most_measures(catalogue):
    MeasureFactory(code="moscow-2", rules={"all": [MOSCOW]})
    MeasureFactory(code="moscow-3", rules={"any": [MOSCOW, {"field": "employees", "ge": 5}]})
    body = evaluate({}, lang="en").json()
    assert body["next_question"] == "region"
    assert body["question"]["field"] == "region"
    assert body["question"]["text"] == "In which region is it registered?"
    # once answered, it is no longer asked
    assert evaluate({"region": "RU-MOW"}).json()["next_question"] != "region"


def test_everything_answered_means_no_next_question(catalogue):
    body = evaluate(
        {"sme_category": "small", "region": "RU-MOW", "registered_on": "2025-01-10"},
        {"project_budget_rub": 200_000_000, "own_funds_share": 0.5},
    ).json()
    assert body["next_question"] is None
    assert {r["status"] for r in body["results"]} == {"eligible"}


def test_the_measures_own_terms_are_checked_against_the_need(catalogue):
    body = evaluate({}, {"project_budget_rub": 40_000_000, "own_funds_share": 0.5}).json()
    big = by_code(body)["big-project"]
    assert big["status"] == "ineligible"
    budget = next(r for r in big["reasons"] if r["field"] == "project_budget_rub")
    assert budget["outcome"] == "not_met"
    assert budget["given"].replace("\xa0", " ").startswith("40")


def test_the_sme_category_is_derived_from_staff_and_revenue(catalogue):
    body = evaluate({"employees": 40, "revenue_rub": 300_000_000, "region": "RU-MOW"}).json()
    assert body["derived"] == {"sme_category": "small"}
    assert by_code(body)["sme-moscow"]["status"] == "eligible"
    # staff alone cannot prove an SME: revenue could make it large
    body = evaluate({"employees": 40, "region": "RU-MOW"}).json()
    assert body["derived"] == {}
    assert by_code(body)["sme-moscow"]["status"] == "unknown"
    # but 300 staff is large whatever the revenue
    body = evaluate({"employees": 300, "region": "RU-MOW"}).json()
    assert by_code(body)["sme-moscow"]["status"] == "ineligible"


def test_ranking_follows_the_need(catalogue):
    MeasureFactory(code="other-loan", form="loan", purposes=["working_capital"], rules=None)
    profile = {"sme_category": "small", "region": "RU-MOW", "registered_on": "2025-03-01"}
    need = {"forms": ["loan"], "purposes": ["working_capital"], "amount_rub": 1_000_000}
    body = evaluate(profile, need).json()
    eligible = [r["code"] for r in body["results"] if r["status"] == "eligible"]
    assert eligible[0] == "young-loan"  # a loan for working capital, at 3%
    assert eligible[-1] == "sme-moscow"  # a grant for R&D: neither form nor purpose
    scores = [r["score"] for r in body["results"] if r["status"] == "eligible"]
    assert scores == sorted(scores, reverse=True)


def test_nothing_eligible_is_never_a_dead_end(catalogue):
    body = evaluate(
        {"sme_category": "large", "region": "RU-SPE", "registered_on": "2001-01-01"},
        {"project_budget_rub": 1_000_000, "own_funds_share": 0.05},
        lang="en",
    ).json()
    assert body["counts"]["eligible"] == 0
    assert body["closest"], "the closest measures are shown"
    closest = body["closest"][0]
    assert closest["status"] == "ineligible"
    assert [r for r in closest["reasons"] if r["outcome"] == "not_met"]
    kinds = [h["kind"] for h in body["other_help"]]
    assert "fund_operators" in kinds


def test_closed_and_expired_measures_are_not_offered(catalogue):
    Measure.objects.filter(code="sme-moscow").update(status="closed")
    Measure.objects.filter(code="young-loan").update(
        closes_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    codes = set(by_code(evaluate({}).json()))
    assert codes == {"big-project"}


@pytest.mark.parametrize(
    ("profile", "need", "field", "words"),
    [
        ({"employes": 5}, {}, "profile.employes", "not a known field"),
        ({"trl": 12}, {}, "profile.trl", "at most 9"),
        ({"trl": "five"}, {}, "profile.trl", "whole number"),
        ({"employees": "12"}, {}, "profile.employees", "whole number"),
        ({}, {"amount_rub": -5}, "need.amount_rub", "negative"),
        ({"registered_on": "2999-01-01"}, {}, "profile.registered_on", "future"),
        ({"registered_on": "yesterday"}, {}, "profile.registered_on", "YYYY-MM-DD"),
        ({"region": "Moscow"}, {}, "profile.region", "ISO 3166-2"),
        ({"okved_main": "abc"}, {}, "profile.okved_main", "OKVED"),
        ({"priority_areas": ["space"]}, {}, "profile.priority_areas", "unknown codes"),
        ({"sme_register": "maybe"}, {}, "profile.sme_register", "true or false"),
        ({}, {"own_funds_share": 1.5}, "need.own_funds_share", "0 to 1"),
        ({"person_age": -1}, {}, "profile.person_age", "at least 0"),
    ],
)
def test_bad_input_is_refused_naming_the_field(catalogue, profile, need, field, words):
    response = evaluate(profile, need, lang="en", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert field in errors, errors
    assert words in errors[field]


def test_every_offending_field_is_named_at_once(catalogue):
    response = evaluate({"trl": 0, "employees": -3}, {"amount_rub": "lots"})
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"profile.trl", "profile.employees", "need.amount_rub"}


def test_unknown_top_level_keys_and_languages_are_refused(catalogue):
    assert evaluate({}, {}, extra={"extra_key": 1}).status_code == 422
    assert evaluate({}, {}, lang="de").status_code == 422
    response = Client().post(
        "/api/v1/navigator/evaluate", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)


def test_the_catalogue_lists_measures_with_their_rules(catalogue):
    response = Client().get("/api/v1/navigator/measures?form=loan")
    assert response.status_code == 200
    codes = [m["code"] for m in response.json()]
    assert codes == ["big-project", "young-loan"]
    detail = Client().get("/api/v1/navigator/measures/young-loan").json()
    assert detail["rules"] == {"all": [YOUNG]}
    assert detail["provider"] == {"code": "city-fund", "name": "Городской фонд"}
    purpose = Client().get("/api/v1/navigator/measures?purpose=production_expansion").json()
    assert [m["code"] for m in purpose] == ["big-project"]
    assert Client().get("/api/v1/navigator/measures/no-such").status_code == 404


def test_a_members_token_reads_its_profile_from_the_registry(catalogue):
    from innocluster.accounts.services import issue_api_token

    org = MemberOrganisationFactory(employees=12, registered_on=datetime.date(2020, 3, 1))
    org.priority_areas.set(["ict"])
    _token, raw = issue_api_token(FundOperatorFactory(), org, "navigator", ["read"])
    response = Client().get("/api/v1/navigator/profile", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    profile = response.json()["profile"]
    assert profile["employees"] == 12
    assert profile["registered_on"] == "2020-03-01"
    assert profile["cluster_member"] is True
    assert profile["priority_areas"] == ["ict"]
    # the profile is accepted as it is by the evaluation
    assert evaluate(profile).status_code == 200
    assert Client().get("/api/v1/navigator/profile").status_code == 401


def test_an_edit_to_a_measure_shows_up_in_the_next_evaluation(catalogue):
    assert by_code(evaluate({"region": "RU-SPE"}).json())["sme-moscow"]["status"] == "ineligible"
    measure = Measure.objects.get(code="sme-moscow")
    measure.rules = {"all": [SME]}
    measure.save()
    assert by_code(evaluate({"region": "RU-SPE"}).json())["sme-moscow"]["status"] == "unknown"
