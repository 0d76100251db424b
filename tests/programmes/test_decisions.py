"""From expert review to the board's decision, through the workflow table: the agenda only
after every review is in; each decision once; rejecting or waitlisting needs a reason."""

from __future__ import annotations

import pytest
from django.utils import translation

from innocluster.core.audit import history_of
from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.programmes import services
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.programmes.factories import board_decided
from tests.review.factories import ExpertFactory, assignment, in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed():
    application = in_review()
    assignment(application, ExpertFactory(), status="submitted")
    assignment(application, ExpertFactory(), status="declined", decline_reason="capacity")
    return application


def test_the_board_sees_an_application_only_when_its_reviews_are_in():
    operator = FundOperatorFactory()
    application = in_review()
    pending = assignment(application, ExpertFactory())
    with pytest.raises(Conflict), translation.override("en"):
        services.move(application, "send_to_board", actor=operator)
    application.refresh_from_db()
    assert application.state == "in_review"
    pending.status = "submitted"
    pending.save()
    services.move(application, "send_to_board", actor=operator)
    application.refresh_from_db()
    assert application.state == "board"


def test_with_no_review_at_all_it_stays_in_review():
    application = in_review()
    with pytest.raises(Conflict) as refused, translation.override("en"):
        services.move(application, "send_to_board", actor=FundOperatorFactory())
    assert "No expert has reviewed" in str(refused.value.message)


def test_only_the_board_decides_what_is_before_it(reviewed):
    operator = FundOperatorFactory()
    services.move(reviewed, "send_to_board", actor=operator)
    for action, reason in (("approve", ""), ("reject", "No"), ("waitlist", "Later")):
        with pytest.raises(Conflict) as refused, translation.override("en"):
            services.move(reviewed, action, actor=operator, reason=reason)
        assert refused.value.code == "guard_failed"
        assert "The board decides this" in str(refused.value.message)
    reviewed.refresh_from_db()
    assert reviewed.state == "board"
    board_decided(reviewed, "waitlisted")
    with pytest.raises(Conflict):  # the board waitlisted it: approving is not what it decided
        services.move(reviewed, "approve", actor=operator)


def test_an_application_is_approved_once(reviewed):
    operator = FundOperatorFactory()
    services.move(reviewed, "send_to_board", actor=operator)
    board_decided(reviewed, "approved")
    services.move(reviewed, "approve", actor=operator)
    reviewed.refresh_from_db()
    assert reviewed.state == "approved" and reviewed.decided_at is not None
    decided_at = reviewed.decided_at
    with pytest.raises(Conflict) as again:
        services.move(reviewed, "approve", actor=operator)
    assert again.value.code == "invalid_transition"
    reviewed.refresh_from_db()
    assert (reviewed.state, reviewed.decided_at) == ("approved", decided_at)


def test_rejecting_or_waitlisting_at_the_board_needs_a_reason(reviewed):
    operator = FundOperatorFactory()
    services.move(reviewed, "send_to_board", actor=operator)
    for action in ("reject", "waitlist"):
        with pytest.raises(ValidationFailed):
            services.move(reviewed, action, actor=operator)
        reviewed.refresh_from_db()
        assert reviewed.state == "board"
    board_decided(reviewed, "waitlisted")
    services.move(reviewed, "waitlist", actor=operator, reason="Below the funding line")
    services.move(reviewed, "approve", actor=operator)  # money freed up
    reviewed.refresh_from_db()
    assert reviewed.state == "approved"
    moves = [
        (e.action, e.before["state"], e.after["state"], e.summary) for e in history_of(reviewed)
    ]
    assert moves[:3] == [
        ("application.approve", "waitlisted", "approved", ""),
        ("application.waitlist", "board", "waitlisted", "Below the funding line"),
        ("application.send_to_board", "in_review", "board", ""),
    ]


def test_only_the_funds_operators_record_decisions(reviewed):
    with pytest.raises(NotPermitted):
        services.move(reviewed, "send_to_board", actor=UserFactory())
    reviewed.refresh_from_db()
    assert reviewed.state == "in_review"
