"""Regressions found in the review of the navigator: each test failed before its fix."""

from __future__ import annotations

import factory
import pytest
from django.utils import translation

from innocluster.core.errors import ValidationFailed
from innocluster.navigator.evaluation import Catalogue
from innocluster.navigator.fields import check_answers
from innocluster.navigator.models import Alert, Measure, RuleVersion, Subscription
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.navigator.factories import InstitutionFactory, MeasureFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

pytestmark = pytest.mark.django_db

SME_RULE = {"field": "sme_category", "in": ["micro", "small", "medium"]}


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    """The compiled catalogue is cached per process: each test builds its own."""
    Catalogue._cached = None
    yield
    Catalogue._cached = None


@pytest.fixture
def catalogue():
    return {"sme": MeasureFactory(code="sme-grant", rules=SME_RULE, purposes=["rnd"])}


@pytest.fixture
def operator_client(client):
    client.force_login(FundOperatorFactory())
    return client


@pytest.mark.parametrize("field", ["rules", "custom"])
def test_rule_editor_refuses_json_nested_beyond_the_decoder(operator_client, catalogue, field):
    deep = "[" * 5000 + "]" * 5000
    data = {"action": "test", "rules": '{"field": "trl", "eq": 1}', field: deep}
    response = operator_client.post("/navigator/manage/sme-grant/rules/", data)
    assert response.status_code == 400
    assert "nested too deeply" in response.content.decode() or "вложен" in (
        response.content.decode()
    )
    assert Measure.objects.get(code="sme-grant").rules == SME_RULE


def test_a_comment_too_long_is_refused_next_to_its_field(operator_client, catalogue):
    data = {"action": "publish", "rules": '{"field": "trl", "ge": 3}', "comment": "x" * 501}
    response = operator_client.post("/navigator/manage/sme-grant/rules/", data)
    assert response.status_code == 400
    assert 'id="id_comment_error"' in response.content.decode()
    assert Measure.objects.get(code="sme-grant").rules == SME_RULE
    assert not RuleVersion.objects.exists()


def test_a_rule_the_form_refuses_is_not_published_as_no_criteria(operator_client, catalogue):
    # A NUL character makes the form drop the field: that must not read as "null" (no criteria).
    data = {"action": "publish", "rules": '{"field": "trl", "ge": 3}\x00', "comment": "c"}
    response = operator_client.post("/navigator/manage/sme-grant/rules/", data)
    assert response.status_code == 400
    assert Measure.objects.get(code="sme-grant").rules == SME_RULE
    assert not RuleVersion.objects.exists()


# --- query counts of the list pages that had none -----------------------------------------------


def test_alerts_query_count_does_not_grow_with_the_alerts(client, django_assert_max_num_queries):
    user = UserFactory()
    org = MemberOrganisationFactory()
    OrganisationRoleFactory(organisation=org, user=user, role="owner")
    subscription = Subscription.objects.create(organisation=org, email=user.email, created_by=user)

    def alerts(n: int) -> None:
        for _ in range(n):
            measure = MeasureFactory(provider=InstitutionFactory())
            Alert.objects.create(subscription=subscription, measure=measure, rules_version=1)

    client.force_login(user)
    alerts(2)
    with django_assert_max_num_queries(14) as small:
        assert client.get("/navigator/alerts/").status_code == 200
    alerts(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/navigator/alerts/").status_code == 200


def test_manage_query_count_does_not_grow_with_the_catalogue(client, django_assert_max_num_queries):
    client.force_login(FundOperatorFactory())
    MeasureFactory.create_batch(2, provider=factory.SubFactory(InstitutionFactory))
    with django_assert_max_num_queries(10) as small:
        assert client.get("/navigator/manage/").status_code == 200
    MeasureFactory.create_batch(20, provider=factory.SubFactory(InstitutionFactory))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/navigator/manage/").status_code == 200


# --- the contract's messages ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["--5", "5-", "²", "1" * 5000])
def test_a_malformed_whole_number_gets_the_contracts_message(text):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        check_answers({"employees": text}, lenient=True)
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("profile.employees", "must be a whole number")
    ]


def test_whole_numbers_from_a_form_are_still_read():
    assert check_answers({"employees": " 12 ", "trl": "٣"}, lenient=True).values["employees"] == 12


# --- subscriptions -------------------------------------------------------------------------------


def test_a_subscription_keeps_a_sum_with_kopecks(client, catalogue):
    user = UserFactory()
    org = MemberOrganisationFactory(region_id="RU-MOW")
    OrganisationRoleFactory(organisation=org, user=user, role="owner")
    client.force_login(user)
    data = {"organisation": str(org.pk), "trl": "5", "taxes_paid_moscow_rub": "1 200 000,50"}
    assert client.post("/navigator/subscribe/", data).status_code == 302
    subscription = Subscription.objects.get(organisation=org)
    assert subscription.answers == {"trl": 5, "taxes_paid_moscow_rub": "1200000.50"}
    assert subscription.profile["taxes_paid_moscow_rub"] == "1200000.50"


def test_the_catalogue_page_of_a_signed_in_user_is_not_cached(client, catalogue):
    # It shows the user's unread alerts, like every navigator page.
    client.force_login(UserFactory())
    response = client.get("/navigator/measures/")
    assert response.status_code == 200
    assert "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "\x00", 12, None])
def test_a_malformed_organisation_id_is_not_the_users(bad_id):
    from innocluster.navigator.selectors import organisation_for_profile

    assert organisation_for_profile(UserFactory(), bad_id) is None


def test_a_database_error_is_not_taken_for_someone_elses_organisation(monkeypatch):
    # Only a malformed id means "not theirs"; a failing database must not hide as that.
    from django.db import DatabaseError

    from innocluster.navigator import selectors

    def broken(*args, **kwargs):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(selectors.Organisation.objects, "filter", broken)
    with pytest.raises(DatabaseError):
        selectors.organisation_for_profile(UserFactory(), "00000000-0000-0000-0000-000000000000")


# --- registry changes refresh subscribers' profiles ----------------------------------------------


def test_another_threads_commit_does_not_take_the_ids_of_an_open_transaction(monkeypatch):
    """Thread A changes an organisation inside a transaction; thread B commits first. B's
    callback must not refresh A's organisation (A's change is not committed yet), and A's own
    commit must still find it to refresh (checked in A's thread: its flush would query the
    database from a second connection)."""
    from concurrent.futures import ThreadPoolExecutor

    from innocluster.navigator import signals, tasks

    enqueued: list[list[str]] = []
    monkeypatch.setattr(
        tasks, "refresh_subscription_profiles", type("Task", (), {"enqueue": enqueued.append})
    )
    monkeypatch.setattr(signals.transaction, "on_commit", lambda *args, **kwargs: None)
    org_a, org_b = MemberOrganisationFactory(), MemberOrganisationFactory()
    for org in (org_a, org_b):
        Subscription.objects.create(organisation=org, email="x@example.org")
    signals._flush_touched()  # what creating them left in this thread
    enqueued.clear()
    with ThreadPoolExecutor(max_workers=1) as thread_a:  # one thread, used twice
        thread_a.submit(signals._touched, org_a.pk).result()
        signals._touched(org_b.pk)
        signals._flush_touched()  # thread B commits
        assert enqueued == [[str(org_b.pk)]]
        # A's commit still finds its organisation to refresh.
        assert thread_a.submit(lambda: set(signals._pending())).result() == {str(org_a.pk)}


# --- the compiled catalogue ----------------------------------------------------------------------


def test_a_renamed_provider_is_shown_by_its_new_name(client, catalogue):
    from innocluster.navigator.evaluation import evaluate

    measure = catalogue["sme"]
    assert evaluate(check_answers({})).results  # the catalogue is compiled and cached
    provider = measure.provider
    provider.name_ru = "Новое имя фонда"
    provider.save()
    (result,) = evaluate(check_answers({})).results
    assert result.entry.measure.provider.name_ru == "Новое имя фонда"
