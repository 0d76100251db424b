"""A member's navigator profile comes from the registry, and the evaluation takes it as it is."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from innocluster.navigator.fields import check_answers
from innocluster.navigator.models import SavedResult, Subscription
from innocluster.navigator.profile import profile_for_organisation
from innocluster.registry.models import AnnualRevenue
from tests.registry.factories import MemberOrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_registry_fills_in_what_it_knows():
    org = MemberOrganisationFactory(employees=40, registered_on=datetime.date(2019, 4, 2))
    org.priority_areas.set(["ict", "energy"])
    for year, amount in ((2023, "100000000.40"), (2024, "150000000"), (2025, "210000000.60")):
        AnnualRevenue.objects.create(organisation=org, year=year, revenue_rub=Decimal(amount))
    profile = profile_for_organisation(org)
    assert profile["revenue_rub"] == 210_000_001  # the latest year, in whole roubles
    assert profile["revenue_3y_rub"] == 460_000_001
    assert profile["employees"] == 40
    assert profile["registered_on"] == "2019-04-02"
    assert profile["priority_areas"] == ["energy", "ict"]
    assert profile["cluster_member"] is True
    answers = check_answers(profile)  # the strict JSON check of the API accepts it
    assert answers.values["sme_category"] in ("small", profile.get("sme_category"))


def test_three_years_of_revenue_are_summed_only_when_all_three_are_known():
    org = MemberOrganisationFactory()
    for year in (2021, 2024, 2025):
        AnnualRevenue.objects.create(organisation=org, year=year, revenue_rub=Decimal(1000))
    profile = profile_for_organisation(org)
    assert profile["revenue_rub"] == 1000
    assert "revenue_3y_rub" not in profile


def test_unknown_facts_are_left_out_not_guessed():
    org = MemberOrganisationFactory(employees=None, registered_on=None, sme_category="")
    profile = profile_for_organisation(org)
    for name in ("employees", "registered_on", "revenue_rub", "sme_category", "trl"):
        assert name not in profile


def test_the_demo_member_is_subscribed_and_has_a_shareable_result(settings, tmp_path):
    from innocluster.registry import demo

    settings.VAR_DIR = tmp_path
    demo.run(orgs=3)
    subscription = Subscription.objects.get(organisation__name_ru="ООО «Демо Инновации»")
    assert subscription.active and subscription.email == "member@" + demo.EMAIL_DOMAIN
    assert subscription.profile["trl"] == 5
    saved = SavedResult.objects.get(owner__email=subscription.email)
    page = Client().get(f"/navigator/results/{saved.pk}/")
    assert page.status_code == 200
    demo.run(orgs=3)  # again: kept, not doubled
    assert Subscription.objects.count() == 1
    assert SavedResult.objects.count() == 1
