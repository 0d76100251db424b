"""Bulk actions on the filtered application list: they apply to every matching application, not
only the page on screen; the count is confirmed first; those that cannot take the action are
reported with their number and the reason and nothing else changes; one audit event each."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from innocluster.core.errors import NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent, Notification
from innocluster.programmes import bulk
from innocluster.programmes.filters import ApplicationFilter
from innocluster.programmes.models import Application
from innocluster.review.models import Assignment
from tests.accounts.factories import FundOperatorFactory
from tests.programmes.backoffice_factories import (
    CallFactory,
    make_application,
    person,
)
from tests.programmes.factories import state_of
from tests.review.factories import ExpertFactory, call_in_review

pytestmark = pytest.mark.django_db
BULK = reverse("manage_applications:bulk")


@pytest.fixture
def operator(client, monkeypatch):
    from innocluster.programmes.manage_views import common

    monkeypatch.setattr(common, "PAGE_SIZE", 2)  # five matches: three pages
    user = FundOperatorFactory()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def states(*applications) -> list[str]:
    return [Application.objects.get(pk=a.pk).state for a in applications]


def test_a_bulk_move_applies_to_every_match_beyond_the_first_page(client, operator):
    call = CallFactory(code="bulk-a")
    matching = [make_application(call, state="submitted") for _ in range(5)]
    other = make_application(state="submitted")  # another call: not in the filter
    page = client.get(reverse("manage_applications:list"), {"call": "bulk-a"})
    assert len(page.context["page_obj"].object_list) == 2
    assert page.context["page_obj"].paginator.count == 5

    data = {"call": "bulk-a", "state": "submitted", "action": "start_screening"}
    confirm = client.post(BULK, data)
    assert confirm.status_code == 200
    assert confirm.context["matched"] == 5
    assert "will be applied to 5 applications" in confirm.content.decode()
    assert states(*matching) == ["submitted"] * 5  # nothing happens before the confirmation

    done = client.post(BULK, {**data, "expected": 5, "confirm": "on"})
    assert done.status_code == 200
    assert done.context["result"].done == 5 and not done.context["result"].skipped
    assert states(*matching) == ["screening"] * 5
    assert states(other) == ["submitted"]


def test_partial_failures_are_reported_and_nothing_else_changes(client, operator):
    call = CallFactory(code="bulk-b")
    movable = [make_application(call, state="submitted") for _ in range(3)]
    stuck = [make_application(call, state="in_review", number=f"STUCK-{i}") for i in range(2)]
    before = [state_of(a) for a in stuck]
    data = {"call": "bulk-b", "action": "start_screening", "expected": 5, "confirm": "on"}
    response = client.post(BULK, data)
    result = response.context["result"]
    assert (result.matched, result.done) == (5, 3)
    assert sorted(s["number"] for s in result.skipped) == ["STUCK-0", "STUCK-1"]
    assert all("cannot be moved" in s["reason"] for s in result.skipped)
    html = response.content.decode()
    assert "STUCK-0" in html and "cannot be moved" in html
    assert states(*movable) == ["screening"] * 3
    after = [state_of(a) for a in stuck]
    # the stuck ones are untouched but for the bulk event counted in state_of's audit total
    assert [a["row"] for a in after] == [b["row"] for b in before]
    assert not AuditEvent.objects.filter(object_id__in=[str(a.pk) for a in stuck]).exists()


def test_a_count_changed_since_the_confirmation_page_asks_again(client, operator):
    call = CallFactory(code="bulk-c")
    applications = [make_application(call, state="submitted") for _ in range(3)]
    data = {"call": "bulk-c", "action": "start_screening", "expected": 2, "confirm": "on"}
    response = client.post(BULK, data)
    assert response.context["changed_from"] == 2 and response.context["matched"] == 3
    assert "changed from 2 to 3" in response.content.decode()
    assert states(*applications) == ["submitted"] * 3
    assert not AuditEvent.objects.filter(action__startswith="application.bulk").exists()


def test_an_action_needing_a_reason_is_refused_without_one(client, operator):
    application = make_application(state="screening")
    before = state_of(application)
    response = client.post(BULK, {"action": "reject", "reason": " ", "confirm": "on"})
    assert response.status_code == 422
    assert "Give the reason" in response.content.decode()
    assert state_of(application) == before


def test_a_reason_travels_to_each_move_and_one_audit_event_records_the_bulk_action(
    client, operator
):
    call = CallFactory(code="bulk-d")
    applications = [make_application(call, state="screening") for _ in range(3)]
    data = {
        "call": "bulk-d",
        "action": "request_revision",
        "reason": "Приложите устав",
        "expected": 3,
        "confirm": "on",
    }
    client.post(BULK, data)
    assert states(*applications) == ["revision_requested"] * 3
    moves = AuditEvent.objects.filter(action="application.request_revision")
    assert moves.count() == 3 and {e.summary for e in moves} == {"Приложите устав"}
    event = AuditEvent.objects.get(action="application.bulk.request_revision")
    assert event.actor == operator and event.summary == "Приложите устав"
    assert event.after["filter"] == {"call": "bulk-d"}
    assert (event.after["matched"], event.after["done"], event.after["skipped"]) == (3, 3, 0)


def test_reminders_go_to_drafts_and_returned_applications(
    client, operator, django_capture_on_commit_callbacks
):
    call = CallFactory(code="bulk-e")
    draft = make_application(call, state="draft", title="Черновик")
    returned = make_application(call, state="revision_requested")
    submitted = make_application(call, state="submitted")
    draft_person = person(draft.lead, "editor")
    returned_person = person(returned.lead, "owner")
    person(submitted.lead, "owner")
    data = {"call": "bulk-e", "action": "remind", "expected": 3, "confirm": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BULK, data)
    result = response.context["result"]
    assert result.done == 2 and [s["number"] for s in result.skipped] == [submitted.number]
    draft_note = Notification.objects.get(recipient=draft_person)
    assert draft_note.kind == "application.reminder.draft"
    assert "Черновик" in draft_note.title_en and "Still missing" in draft_note.body_en
    assert draft_note.url == f"/applications/{draft.pk}/"  # where the lead acts
    assert Notification.objects.get(recipient=returned_person).kind == (
        "application.reminder.revision"
    )
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [draft_person.email, returned_person.email]
    )


def test_assigning_reviewers_to_the_selections_calls():
    operator = FundOperatorFactory()
    call = call_in_review(code="bulk-f", reviewers_per_application=2)
    in_review = [make_application(call, state="in_review") for _ in range(2)]
    screening = make_application(call, state="screening")
    for _ in range(3):
        ExpertFactory()
    application_filter = ApplicationFilter.from_params({"call": "bulk-f"})
    with translation.override("en"):
        result = bulk.run_bulk(operator, application_filter, bulk.ASSIGN)
    assert result.matched == 3
    assert result.done == Assignment.objects.count() == 4
    assert {a.application_id for a in Assignment.objects.all()} == {a.pk for a in in_review}
    assert [s["number"] for s in result.skipped] == [screening.number]
    assert "bulk-f" in result.details["calls"]


def test_only_the_funds_operators_run_bulk_actions(client):
    application = make_application(state="submitted")
    member = person(application.lead, "owner")
    before = state_of(application)
    with pytest.raises(NotPermitted):
        bulk.run_bulk(member, ApplicationFilter.from_params({}), "start_screening")
    client.force_login(member)
    response = client.post(BULK, {"action": "start_screening", "confirm": "on", "expected": 1})
    assert response.status_code == 404
    assert state_of(application) == before


def test_an_unknown_action_is_named():
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        bulk.run_bulk(FundOperatorFactory(), ApplicationFilter.from_params({}), "explode")
    assert refused.value.errors[0].field == "action"


def test_export_as_a_bulk_action_downloads_the_filtered_list(client, operator):
    response = client.post(BULK, {"call": "x-call", "state": "draft", "action": "export_xlsx"})
    assert response.status_code == 400  # an unknown call is named, nothing exported
    CallFactory(code="x-call")
    response = client.post(BULK, {"call": "x-call", "state": "draft", "action": "export_xlsx"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("manage_applications:export", args=["xlsx"]))
    assert "call=x-call" in response["Location"] and "state=draft" in response["Location"]
