"""The exchange's outcomes among the cluster's KPIs (insights.kpis.exchange_outcomes)."""

from decimal import Decimal

import pytest

from innocluster.insights.kpis import exchange_outcomes

from .factories import ChallengeFactory, DraftChallengeFactory, SolutionFactory

pytestmark = pytest.mark.django_db


def test_outcomes_count_what_the_exchange_led_to(django_assert_max_num_queries):
    assert exchange_outcomes().challenges_published == 0
    assert exchange_outcomes().adoption_rate is None
    adopted = ChallengeFactory(status="closed", outcome="adopted", priority_areas=["energy"])
    ChallengeFactory(status="closed", outcome="not_adopted", priority_areas=["medicine"])
    open_one = ChallengeFactory(priority_areas=["energy"])
    DraftChallengeFactory()
    SolutionFactory(challenge=adopted, status="accepted")
    SolutionFactory(challenge=adopted, status="declined")
    SolutionFactory(challenge=open_one, status="pilot_proposed")
    SolutionFactory(challenge=open_one, status="received")
    with django_assert_max_num_queries(2):
        outcomes = exchange_outcomes()
    assert outcomes.as_dict() == {
        "challenges_published": 3,
        "challenges_open": 1,
        "challenges_closed": 2,
        "challenges_closed_adopted": 1,
        "solutions_received": 4,
        "pilots_proposed": 2,
        "solutions_accepted": 1,
        "adoption_rate": Decimal("0.500"),
    }
    energy = exchange_outcomes(area="energy")
    assert energy.challenges_published == 2 and energy.solutions_received == 4
    assert exchange_outcomes(area="medicine").solutions_received == 0


def test_the_fund_sees_the_exchange_outcomes_on_the_dashboard_and_in_the_api(client):
    client.cookies["ic_lang"] = "en"  # the texts below are the English ones
    from tests.accounts.factories import FundOperatorFactory

    adopted = ChallengeFactory(status="closed", outcome="adopted", priority_areas=["energy"])
    SolutionFactory(challenge=adopted, status="accepted")
    ChallengeFactory(priority_areas=["medicine"])
    client.force_login(FundOperatorFactory())
    page = client.get("/manage/kpis/").content.decode()
    assert "Challenges closed with a solution adopted" in page
    exchange = client.get("/api/v1/kpis").json()["exchange"]
    assert exchange["challenges_published"] == 2
    assert exchange["solutions_accepted"] == 1
    in_medicine = client.get("/api/v1/kpis", {"area": "medicine"}).json()["exchange"]
    assert in_medicine["challenges_published"] == 1
    assert in_medicine["solutions_accepted"] == 0
