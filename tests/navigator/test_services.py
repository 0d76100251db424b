"""Navigator services at their edges: who may act, and answers as stored (sums with kopecks)."""

from __future__ import annotations

import pytest
from django.test import Client

from innocluster.core.errors import NotPermitted, ValidationFailed
from innocluster.navigator import services
from innocluster.navigator.models import Alert, Subscription
from tests.accounts.factories import UserFactory
from tests.navigator.factories import MeasureFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_and_org():
    owner = UserFactory()
    organisation = MemberOrganisationFactory()
    OrganisationRoleFactory(organisation=organisation, user=owner, role="owner")
    return owner, organisation


def test_answers_with_kopecks_are_kept_when_subscribing(owner_and_org):
    owner, organisation = owner_and_org
    subscription = services.subscribe(
        organisation, actor=owner, answers={"taxes_paid_moscow_rub": "1200000.50"}
    )
    assert subscription.profile["taxes_paid_moscow_rub"] == "1200000.50"


def test_a_subscription_refuses_a_wrong_answer_and_stores_nothing(owner_and_org):
    owner, organisation = owner_and_org
    with pytest.raises(ValidationFailed) as refused:
        services.subscribe(organisation, actor=owner, answers={"trl": 12})
    assert [e.field for e in refused.value.errors] == ["profile.trl"]
    assert not Subscription.objects.exists()


def test_only_the_organisations_people_mark_its_alerts_read(owner_and_org):
    owner, organisation = owner_and_org
    subscription = services.subscribe(organisation, actor=owner)
    measure = MeasureFactory()
    first = Alert.objects.create(subscription=subscription, measure=measure, rules_version=1)
    second = Alert.objects.create(subscription=subscription, measure=measure, rules_version=2)
    with pytest.raises(NotPermitted):
        services.mark_alerts_read(organisation, actor=UserFactory())
    assert services.mark_alerts_read(organisation, actor=owner, alert_ids=[first.pk]) == 1
    second.refresh_from_db()
    assert second.read_at is None
    assert services.mark_alerts_read(organisation, actor=owner) == 1
    assert services.mark_alerts_read(organisation, actor=owner) == 0


def test_the_api_catalogue_searches_names_as_the_page_does():
    MeasureFactory(code="umnik-like", name_ru="Грант «Умник»", name_en="Smart grant")
    MeasureFactory(code="other", name_ru="Заём", name_en="Loan")
    found = Client().get("/api/v1/navigator/measures", {"q": "умник"}).json()
    assert [m["code"] for m in found] == ["umnik-like"]


def test_control_characters_in_catalogue_filters_are_refused_or_ignored_never_a_500():
    MeasureFactory(code="plain", form="grant")
    api = Client().get("/api/v1/navigator/measures", {"form": "grant\x00"})
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "form"
    page = Client().get("/navigator/measures/", {"form": "grant\x00", "q": "a\x00"})
    assert page.status_code < 500


def test_a_measure_code_with_a_nul_is_not_found():
    assert Client().get("/api/v1/navigator/measures/a%00b").status_code == 404
