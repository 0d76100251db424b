"""Subscriptions: a member is told, in the portal and by e-mail, when a published rule makes a
measure eligible for it, once; ``eligible`` follows every change; profiles follow the registry."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from innocluster.navigator import services, subscriptions, tasks
from innocluster.navigator.models import Alert, Subscription
from innocluster.registry.models import AnnualRevenue
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.navigator.factories import MeasureFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

pytestmark = pytest.mark.django_db

# The factories' organisations are in Moscow with 12 employees.
IN_MOSCOW = {"field": "region", "in": ["RU-MOW"]}
IN_KAZAN = {"field": "region", "eq": "RU-TA"}
BIG = {"field": "employees", "ge": 250}


def subscribe(region="RU-MOW", employees=12, language="ru", answers=None, **org):
    owner = UserFactory(preferred_language=language)
    organisation = MemberOrganisationFactory(region_id=region, employees=employees, **org)
    OrganisationRoleFactory(organisation=organisation, user=owner, role="owner")
    return services.subscribe(organisation, actor=owner, answers=answers)


@pytest.fixture
def operator():
    return FundOperatorFactory()


@pytest.fixture
def publish(operator, django_capture_on_commit_callbacks):
    """Publish a rule as an operator, running the subscribers' task it enqueues on commit."""

    def run(measure, rules):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            version = services.publish_rules(measure, rules, actor=operator, comment="test")
        return version

    return run


def test_subscribing_remembers_the_measures_eligible_today():
    open_to_all = MeasureFactory(rules=None)
    in_moscow = MeasureFactory(rules=IN_MOSCOW)
    MeasureFactory(rules=IN_KAZAN)
    MeasureFactory(rules=IN_MOSCOW, status="closed")
    MeasureFactory(rules={"all": [IN_MOSCOW, {"field": "trl", "ge": 5}]})  # unknown: no TRL

    subscription = subscribe()

    assert sorted(subscription.eligible) == sorted([open_to_all.code, in_moscow.code])
    assert subscription.profile["region"] == "RU-MOW"


def test_a_rule_that_makes_a_measure_eligible_alerts_and_mails_once(publish):
    measure = MeasureFactory(rules=IN_KAZAN, name_ru="Грант «Старт-Москва»")
    subscription = subscribe()
    assert measure.code not in subscription.eligible

    version = publish(measure, IN_MOSCOW)

    alerts = Alert.objects.filter(subscription=subscription)
    assert [(a.measure_id, a.rules_version) for a in alerts] == [(measure.pk, version.number)]
    assert alerts[0].emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [subscription.email]
    assert "Грант «Старт-Москва»" in message.subject
    assert "Грант «Старт-Москва»" in message.body
    assert subscription.organisation.name_ru in message.body
    assert f"/navigator/measures/{measure.code}/" in message.body
    subscription.refresh_from_db()
    assert measure.code in subscription.eligible

    # The task again for the same version (a retry): nothing new.
    mail.outbox.clear()
    assert tasks.notify_subscribers.call(measure.code, version.number) == 0
    assert Alert.objects.count() == 1
    assert mail.outbox == []

    # A later version that keeps it eligible announces nothing either.
    publish(measure, {"any": [IN_MOSCOW, IN_KAZAN]})
    assert Alert.objects.count() == 1
    assert mail.outbox == []


def test_a_rule_that_makes_a_measure_ineligible_forgets_it_silently(publish):
    measure = MeasureFactory(rules=IN_MOSCOW)
    other = MeasureFactory(rules=None)
    subscription = subscribe()
    assert sorted(subscription.eligible) == sorted([measure.code, other.code])

    publish(measure, {"all": [IN_MOSCOW, BIG]})

    subscription.refresh_from_db()
    assert sorted(subscription.eligible) == [other.code]
    assert not Alert.objects.exists()
    assert mail.outbox == []

    # Eligible again: announced again.
    publish(measure, IN_MOSCOW)
    subscription.refresh_from_db()
    assert sorted(subscription.eligible) == sorted([measure.code, other.code])
    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 1


def test_inactive_subscriptions_and_profiles_that_do_not_fit_get_nothing(publish):
    measure = MeasureFactory(rules=IN_KAZAN)
    active = subscribe()
    inactive = subscribe()
    Subscription.objects.filter(pk=inactive.pk).update(active=False)
    elsewhere = subscribe(region="RU-SPE")
    unknown = subscribe(employees=None)

    publish(measure, {"all": [IN_MOSCOW, {"field": "employees", "lt": 100}]})

    assert list(Alert.objects.values_list("subscription_id", flat=True)) == [active.pk]
    assert [m.to for m in mail.outbox] == [[active.email]]
    for subscription in (inactive, elsewhere, unknown):
        subscription.refresh_from_db()
        assert measure.code not in subscription.eligible


def test_a_closed_measure_is_announced_to_nobody_and_forgotten(publish):
    measure = MeasureFactory(rules=IN_MOSCOW)
    subscription = subscribe()
    assert measure.code in subscription.eligible
    measure.status = "closed"
    measure.save()

    publish(measure, {"any": [IN_MOSCOW, IN_KAZAN]})

    subscription.refresh_from_db()
    assert measure.code not in subscription.eligible
    assert not Alert.objects.exists()
    assert mail.outbox == []


def test_a_task_for_an_older_rule_version_does_nothing(publish):
    measure = MeasureFactory(rules=IN_KAZAN)
    subscription = subscribe()
    first = publish(measure, IN_MOSCOW)
    publish(measure, IN_KAZAN)
    subscription.refresh_from_db()
    assert measure.code not in subscription.eligible
    mail.outbox.clear()

    assert tasks.notify_subscribers.call(measure.code, first.number) == 0
    subscription.refresh_from_db()
    assert measure.code not in subscription.eligible
    assert mail.outbox == []


def test_the_mail_is_in_the_subscribers_language_or_in_both(publish):
    measure = MeasureFactory(rules=IN_KAZAN, name_ru="Грант «Старт»", name_en="Start grant")
    english = subscribe(language="en")
    nobody = subscribe()
    Subscription.objects.filter(pk=nobody.pk).update(created_by=None)

    publish(measure, IN_MOSCOW)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Start grant" in by_address[english.email].subject
    assert "Грант «Старт»" not in by_address[english.email].body
    assert english.organisation.name_en in by_address[english.email].body
    both = by_address[nobody.email]
    assert "Грант «Старт»" in both.subject and "Start grant" in both.subject
    ru, english_part = both.body.split("— English —")
    assert "Грант «Старт»" in ru and nobody.organisation.name_ru in ru
    assert "Start grant" in english_part and nobody.organisation.name_en in english_part


def test_rules_on_dates_okved_and_the_derived_sme_category(publish):
    measure = MeasureFactory(rules=IN_KAZAN)
    young_it = subscribe(
        registered_on=datetime.date(2024, 1, 15), okved_main_id="62.01", sme_category=""
    )
    old = subscribe(registered_on=datetime.date(2001, 5, 1), okved_main_id="62.01")
    rule = {
        "all": [
            {"field": "registered_on", "age_at_most": {"years": 5}},
            {"field": "okved_main", "okved": ["J"]},
            # 12 employees and no revenue on record: the category stays unknown ...
            {"any": [{"field": "sme_category", "in": ["micro", "small"]}, IN_MOSCOW]},
        ]
    }

    publish(measure, rule)

    assert list(Alert.objects.values_list("subscription_id", flat=True)) == [young_it.pk]
    old.refresh_from_db()
    assert measure.code not in old.eligible


def test_profiles_are_rebuilt_from_the_registry_keeping_the_own_answers():
    subscription = subscribe(answers={"trl": 6})
    organisation = subscription.organisation
    organisation.employees = 300
    organisation.save()

    assert tasks.refresh_subscription_profiles.call() == 1

    subscription.refresh_from_db()
    assert subscription.profile["employees"] == 300
    assert subscription.profile["trl"] == 6
    assert tasks.refresh_subscription_profiles.call() == 0


def test_a_registry_change_refreshes_the_subscribers_profile(django_capture_on_commit_callbacks):
    subscription = subscribe()
    organisation = subscription.organisation

    with django_capture_on_commit_callbacks(execute=True):
        organisation.employees = 40
        organisation.save()
        AnnualRevenue.objects.create(organisation=organisation, year=2025, revenue_rub=90_000_000)

    subscription.refresh_from_db()
    assert subscription.profile["employees"] == 40
    assert Decimal(str(subscription.profile["revenue_rub"])) == 90_000_000


def test_an_alert_not_yet_mailed_is_mailed_by_a_retry_and_only_once(publish):
    measure = MeasureFactory(rules=IN_KAZAN)
    subscribe()
    version = publish(measure, IN_MOSCOW)
    Alert.objects.update(emailed_at=None)  # as if the mail task had failed
    mail.outbox.clear()

    assert tasks.notify_subscribers.call(measure.code, version.number) == 0

    assert len(mail.outbox) == 1
    assert Alert.objects.get().emailed_at is not None
    mail.outbox.clear()
    assert tasks.mail_subscribers.call(measure.code, version.number) == 0
    assert mail.outbox == []


def test_two_measures_becoming_eligible_keep_both_codes(publish):
    first, second = MeasureFactory(rules=IN_KAZAN), MeasureFactory(rules=IN_KAZAN)
    subscription = subscribe()

    publish(first, IN_MOSCOW)
    publish(second, IN_MOSCOW)

    subscription.refresh_from_db()
    assert sorted(subscription.eligible) == sorted([first.code, second.code])


def test_the_row_by_row_fallback_for_other_databases():
    one, two = subscribe(), subscribe()

    assert set(subscriptions._write_eligible_rows([one.pk, two.pk], "new-measure", True)) == {
        one.pk,
        two.pk,
    }
    assert subscriptions._write_eligible_rows([one.pk], "new-measure", True) == []
    assert subscriptions._write_eligible_rows([one.pk], "new-measure", False) == [one.pk]
    one.refresh_from_db()
    two.refresh_from_db()
    assert "new-measure" not in one.eligible
    assert "new-measure" in two.eligible


def test_rules_on_the_revenue_the_registry_knows(publish):
    measure = MeasureFactory(rules=IN_KAZAN)
    small = subscribe()
    AnnualRevenue.objects.create(organisation=small.organisation, year=2025, revenue_rub=90_000_000)
    small = services.subscribe(small.organisation, actor=small.created_by)
    big = subscribe()
    AnnualRevenue.objects.create(organisation=big.organisation, year=2025, revenue_rub=9 * 10**9)
    big = services.subscribe(big.organisation, actor=big.created_by)

    publish(measure, {"field": "revenue_rub", "le": 800_000_000})

    assert list(Alert.objects.values_list("subscription_id", flat=True)) == [small.pk]


def test_one_alert_per_subscription_and_rule_version(publish):
    measure = MeasureFactory(rules=IN_KAZAN)
    subscription = subscribe()
    version = publish(measure, IN_MOSCOW)
    Subscription.objects.filter(pk=subscription.pk).update(eligible=[])  # forgotten somehow
    mail.outbox.clear()

    assert tasks.notify_subscribers.call(measure.code, version.number) == 0

    subscription.refresh_from_db()
    assert subscription.eligible == [measure.code]
    assert Alert.objects.count() == 1
    assert mail.outbox == []


def test_the_workers_daily_round_catches_bulk_registry_changes(monkeypatch):
    from innocluster.core.management.commands import worker

    subscription = subscribe()
    # a bulk write (an import, the demo) fires no signals
    type(subscription.organisation).objects.filter(pk=subscription.organisation_id).update(
        employees=500
    )
    monkeypatch.setattr(worker, "_last_run", {})
    worker.enqueue_periodic_tasks()
    subscription.refresh_from_db()
    assert subscription.profile["employees"] == 500
    # once a day: the next round the same day leaves it alone
    type(subscription.organisation).objects.filter(pk=subscription.organisation_id).update(
        employees=7
    )
    worker.enqueue_periodic_tasks()
    subscription.refresh_from_db()
    assert subscription.profile["employees"] == 500
