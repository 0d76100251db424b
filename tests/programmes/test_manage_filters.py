"""The operators' application filter (one class for the back office page, its bulk actions and
exports, and the API list): each filter, filters combined, and bad values named."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone, translation

from innocluster.core.errors import ValidationFailed
from innocluster.programmes.filters import ApplicationFilter, visible_applications
from innocluster.programmes.models import Application
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.programmes.backoffice_factories import (
    CallFactory,
    MemberOrganisationFactory,
    PartnerOrganisationFactory,
    make_application,
    person,
    review,
)

pytestmark = pytest.mark.django_db


def numbers(params) -> set[str]:
    query = params if isinstance(params, QueryDict) else params
    found = ApplicationFilter.from_params(query).apply(Application.objects.all())
    return {a.number or a.title for a in found}


@pytest.fixture
def world():
    call_a, call_b = CallFactory(code="alpha"), CallFactory(code="beta")
    partner = PartnerOrganisationFactory(inn="7707083893")
    lead = MemberOrganisationFactory(name_ru="ООО «Роботы Москвы»", inn="7728168971")
    now = timezone.now()
    apps = {
        "a1": make_application(
            call_a, number="A1", state="submitted", lead=lead, partners=[partner],
            title="Цифровой двойник завода", submitted_at=now - datetime.timedelta(days=20),
        ),
        "a2": make_application(
            call_a, number="A2", state="in_review", priority_area="medicine",
            title="Телемедицина для сёл", submitted_at=now - datetime.timedelta(days=5),
        ),
        "b1": make_application(
            call_b, number="B1", state="in_review", innovation_type="service",
            title="Умный склад", submitted_at=now - datetime.timedelta(days=1),
        ),
        "d": make_application(call_b, state="draft", title="Черновик склада"),
    }  # fmt: skip
    return {"apps": apps, "partner": partner, "lead": lead}


def test_no_filter_matches_everything(world):
    assert numbers({}) == {"A1", "A2", "B1", "Черновик склада"}


def test_each_filter(world):
    assert numbers({"call": "alpha"}) == {"A1", "A2"}
    assert numbers({"call": str(world["apps"]["b1"].call_id)}) == {"B1", "Черновик склада"}
    assert numbers({"state": "in_review"}) == {"A2", "B1"}
    assert numbers({"area": "medicine"}) == {"A2"}
    assert numbers({"innovation_type": "service"}) == {"B1"}
    assert numbers({"lead": "7728168971"}) == {"A1"}
    assert numbers({"lead": "роботы"}) == {"A1"}  # a name word, any case
    assert numbers({"partner": "7707083893"}) == {"A1"}
    assert numbers({"q": "склад"}) == {"B1", "Черновик склада"}
    assert numbers({"q": "a2"}) == {"A2"}  # the number, exactly
    today = timezone.localdate()
    assert numbers({"submitted_from": (today - datetime.timedelta(days=6)).isoformat()}) == {
        "A2",
        "B1",
    }
    assert numbers({"submitted_to": (today - datetime.timedelta(days=6)).isoformat()}) == {"A1"}
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert numbers({"submitted_from": yesterday, "submitted_to": yesterday}) == {"B1"}
    assert numbers({"submitted_from": today.isoformat()}) == set()


def test_several_states_repeated_or_comma_separated(world):
    assert numbers(QueryDict("state=submitted&state=draft")) == {"A1", "Черновик склада"}
    assert numbers({"state": "submitted,draft"}) == {"A1", "Черновик склада"}
    assert numbers({"state": ["submitted", "in_review"]}) == {"A1", "A2", "B1"}


def test_filters_combined(world):
    assert numbers({"call": "alpha", "state": "in_review"}) == {"A2"}
    assert numbers({"call": "beta", "q": "склад", "state": "in_review"}) == {"B1"}
    assert numbers({"call": "alpha", "area": "medicine", "state": "submitted"}) == set()


def test_disagreement_flag_follows_the_calls_threshold(world):
    a2, b1 = world["apps"]["a2"], world["apps"]["b1"]
    # threshold 20 points by default: 40 vs 90 disagree, 70 vs 80 do not
    review(a2, 40)
    review(a2, 90)
    review(b1, 70)
    review(b1, 80)
    review(b1, 10, submitted=False)  # a draft review does not count
    assert numbers({"disagreement": "yes"}) == {"A2"}
    assert numbers({"disagreement": "no"}) == {"A1", "B1", "Черновик склада"}


def test_sorting(world):
    review(world["apps"]["a2"], 50)
    review(world["apps"]["b1"], 90)
    ordered = ApplicationFilter.from_params({"order": "-score", "state": "in_review"}).apply(
        Application.objects.all()
    )
    assert [a.number for a in ordered] == ["B1", "A2"]
    ordered = ApplicationFilter.from_params({"order": "number", "call": "alpha"}).apply(
        Application.objects.all()
    )
    assert [a.number for a in ordered] == ["A1", "A2"]
    newest = ApplicationFilter.from_params({"state": "submitted,in_review"}).apply(
        Application.objects.all()
    )
    assert [a.number for a in newest] == ["B1", "A2", "A1"]


def test_bad_values_are_named(world):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        ApplicationFilter.from_params(
            {
                "state": "draft,flying",
                "area": "space",
                "innovation_type": "magic",
                "partner": "12ab",
                "submitted_from": "2026-13-01",
                "disagreement": "maybe",
                "order": "price",
                "call": "no-such-call",
            }
        )
    errors = {e.field: e for e in refused.value.errors}
    assert set(errors) == {
        "state",
        "area",
        "innovation_type",
        "partner",
        "submitted_from",
        "disagreement",
        "order",
        "call",
    }
    assert "in_review" in errors["state"].message
    assert errors["submitted_from"].code == "invalid_date"
    assert errors["call"].code == "unknown_call" and "no-such-call" in errors["call"].message


def test_a_period_ending_before_it_starts_and_control_characters(world):
    with pytest.raises(ValidationFailed) as refused:
        ApplicationFilter.from_params(
            {"submitted_from": "2026-05-02", "submitted_to": "2026-05-01"}
        )
    assert [e.field for e in refused.value.errors] == ["submitted_to"]
    with pytest.raises(ValidationFailed) as refused:
        ApplicationFilter.from_params({"q": "a\x00b"})
    assert [e.field for e in refused.value.errors] == ["q"]


def test_the_filter_round_trips_through_its_parameters(world):
    params = {"call": "alpha", "state": "submitted,in_review", "q": "двойник", "order": "number"}
    parsed = ApplicationFilter.from_params(params)
    assert parsed.as_params() == params
    assert ApplicationFilter.from_params(parsed.as_params()) == parsed
    assert ("state", "submitted") in parsed.as_query_pairs()


def test_visible_applications(world):
    lead_person = person(world["lead"], "viewer")
    partner_person = person(world["partner"], "editor")
    outsider = UserFactory()
    assert set(visible_applications(FundOperatorFactory())) == set(Application.objects.all())
    assert {a.number for a in visible_applications(lead_person)} == {"A1"}
    assert {a.number for a in visible_applications(partner_person)} == {"A1"}
    assert not visible_applications(outsider).exists()
