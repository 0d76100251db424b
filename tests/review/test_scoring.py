"""Scoring a review: validation naming the field with nothing changed, submission and the
weighted total, and independence (who sees which reviews)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.programmes.choices import ApplicationState
from innocluster.review.choices import AssignmentStatus, ExpertKind
from innocluster.review.models import Assignment, Review
from innocluster.review.scoring import save_review, visible_reviews, weighted_total
from tests.accounts.factories import UserFactory
from tests.review.scoring_factories import (
    FundOperatorFactory,
    application_in_review,
    assign,
    expert,
    review_call,
)

pytestmark = pytest.mark.django_db

FULL = {"novelty": 8, "team": 5}


@pytest.fixture
def application():
    return application_in_review(review_call())


def snapshot(assignment):
    fresh = Assignment.objects.get(pk=assignment.pk)
    return {
        "status": fresh.status,
        "reviews": list(Review.objects.values_list("scores", "comments", "total", "submitted_at")),
        "audit": AuditEvent.objects.count(),
    }


def refused(exc_info) -> dict:
    return {e.field: e.code for e in exc_info.value.errors}


# --------------------------------------------------------------------------- saving


def test_a_draft_may_be_partial_and_changed(application):
    assignment = assign(application)
    user = assignment.expert.user
    review = save_review(assignment, actor=user, scores={"novelty": 7}, comments={"": "Хорошо"})
    assert review.scores == {"novelty": 7}
    assert review.total is None and review.submitted_at is None
    review = save_review(assignment, actor=user, scores={"novelty": " 6 ", "team": 3})
    assert Review.objects.get().scores == {"novelty": 6, "team": 3}
    assert Assignment.objects.get().status == AssignmentStatus.ASSIGNED
    assert list(
        AuditEvent.objects.filter(object_id=str(review.pk)).values_list("action", flat=True)
    ) == ["review.save_draft", "review.save_draft"]


def test_submitting_stores_the_weighted_total_and_marks_the_assignment(application):
    assignment = assign(application)
    review = save_review(
        assignment, actor=assignment.expert.user, scores=FULL, comments={"novelty": "Ново"},
        submit=True,
    )  # fmt: skip
    # (2·80 + 1·50) / 3 = 70
    assert review.total == Decimal("70.000")
    assert review.submitted_at is not None
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert assignment.answered_at == review.submitted_at
    event = AuditEvent.objects.get(action="review.submit")
    assert event.object_id == str(review.pk)
    assert event.after["total"] == "70.000"


def test_the_total_is_normalised_by_each_criterion_scale():
    call = review_call(
        criteria=[
            {"code": "a", "name_ru": "А", "weight": Decimal(1), "scale_min": 1, "scale_max": 5},
            {"code": "b", "name_ru": "Б", "weight": Decimal(3), "scale_min": 0, "scale_max": 100},
        ]
    )
    criteria = list(call.criteria.all())
    # a: (4−1)/4 = 75; b: 40 → (75 + 3·40) / 4 = 48.75
    assert weighted_total(criteria, {"a": 4, "b": 40}) == Decimal("48.750")
    assert weighted_total(criteria, {"a": 1, "b": 0}) == Decimal("0.000")
    assert weighted_total(criteria, {"a": 5, "b": 100}) == Decimal("100.000")


def test_weights_all_zero_fall_back_to_the_plain_mean():
    call = review_call(
        criteria=[
            {"code": "a", "name_ru": "А", "weight": Decimal(0), "scale_min": 0, "scale_max": 10},
            {"code": "b", "name_ru": "Б", "weight": Decimal(0), "scale_min": 0, "scale_max": 10},
        ]
    )
    assert weighted_total(list(call.criteria.all()), {"a": 10, "b": 5}) == Decimal("75.000")


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"novelty": 11, "team": 5}, {"scores.novelty": "out_of_scale"}),
        ({"novelty": -1, "team": 5}, {"scores.novelty": "out_of_scale"}),
        ({"novelty": 8, "team": 5, "price": 3}, {"scores.price": "unknown"}),
        ({"novelty": 7.5, "team": 5}, {"scores.novelty": "type"}),
        ({"novelty": "seven", "team": 5}, {"scores.novelty": "type"}),
        ({"novelty": True, "team": 5}, {"scores.novelty": "type"}),
        ({"novelty": [8], "team": 5}, {"scores.novelty": "type"}),
        ({"novelty": "--5", "team": 5}, {"scores.novelty": "type"}),
        ({"novelty": "٣", "team": 5}, {"scores.novelty": "type"}),
        ({"novelty": "-3", "team": 5}, {"scores.novelty": "out_of_scale"}),
        ({"novelty": 10**30, "team": 5}, {"scores.novelty": "out_of_scale"}),
        ({"novelty": float("nan"), "team": 5}, {"scores.novelty": "type"}),
        ({"novelty": 8}, {"scores.team": "required"}),
        ({}, {"scores.novelty": "required", "scores.team": "required"}),
        ("8,5", {"scores": "type"}),
    ],
)
def test_bad_scores_are_refused_naming_the_field_and_nothing_changes(application, scores, expected):
    assignment = assign(application)
    user = assignment.expert.user
    save_review(assignment, actor=user, scores={"novelty": 2})
    before = snapshot(assignment)
    with pytest.raises(ValidationFailed) as exc_info:
        save_review(assignment, actor=user, scores=scores, submit=True)
    assert refused(exc_info) == expected
    assert snapshot(assignment) == before


def test_drafts_refuse_unknown_and_out_of_scale_scores_too(application):
    assignment = assign(application)
    before = snapshot(assignment)
    with pytest.raises(ValidationFailed) as exc_info:
        save_review(assignment, actor=assignment.expert.user, scores={"novelty": 99, "x": 1})
    assert refused(exc_info) == {"scores.novelty": "out_of_scale", "scores.x": "unknown"}
    assert snapshot(assignment) == before


@pytest.mark.parametrize(
    ("comments", "expected"),
    [
        ({"price": "?"}, {"comments.price": "unknown"}),
        ({"novelty": "x" * 5001}, {"comments.novelty": "too_long"}),
        ({"": "bad\x00text"}, {"comments": "invalid"}),
        ({"team": 5}, {"comments.team": "type"}),
        (["text"], {"comments": "type"}),
    ],
)
def test_bad_comments_are_refused_naming_the_field(application, comments, expected):
    assignment = assign(application)
    before = snapshot(assignment)
    with pytest.raises(ValidationFailed) as exc_info:
        save_review(assignment, actor=assignment.expert.user, scores=FULL, comments=comments)
    assert refused(exc_info) == expected
    assert snapshot(assignment) == before


def test_only_the_assigned_expert_may_score(application):
    assignment = assign(application)
    other = assign(application)
    before = snapshot(assignment)
    for intruder in (other.expert.user, FundOperatorFactory(), UserFactory()):
        with pytest.raises(NotPermitted):
            save_review(assignment, actor=intruder, scores=FULL, submit=True)
    assert snapshot(assignment) == before


def test_a_declined_assignment_cannot_be_scored(application):
    assignment = assign(application, status=AssignmentStatus.DECLINED, decline_reason="capacity")
    with pytest.raises(NotPermitted):
        save_review(assignment, actor=assignment.expert.user, scores=FULL)
    assert not Review.objects.exists()


def test_a_submitted_review_cannot_change(application):
    assignment = assign(application)
    user = assignment.expert.user
    save_review(assignment, actor=user, scores=FULL, submit=True)
    before = snapshot(assignment)
    for submit in (False, True):
        with pytest.raises(Conflict) as exc_info:
            save_review(assignment, actor=user, scores={"novelty": 1, "team": 1}, submit=submit)
        assert exc_info.value.code == "submitted"
    assert snapshot(assignment) == before


def test_reviews_are_written_only_during_expert_review():
    application = application_in_review(review_call(), state=ApplicationState.BOARD)
    assignment = assign(application)
    with pytest.raises(Conflict) as exc_info:
        save_review(assignment, actor=assignment.expert.user, scores=FULL)
    assert exc_info.value.code == "not_in_review"
    assert not Review.objects.exists()


# --------------------------------------------------------------------------- independence


@pytest.fixture
def panel(application):
    """Three experts on one application: two external, one internal; only the first external
    has submitted."""
    first = assign(application, expert(ExpertKind.EXTERNAL))
    second = assign(application, expert(ExpertKind.EXTERNAL))
    internal = assign(application, expert(ExpertKind.INTERNAL))
    save_review(first, actor=first.expert.user, scores=FULL, submit=True)
    save_review(second, actor=second.expert.user, scores={"novelty": 3})
    return application, first, second, internal


def owners(reviews) -> set:
    return {r.assignment_id for r in reviews}


def test_an_expert_sees_only_their_own_review_before_submitting(panel):
    application, first, second, internal = panel
    assert owners(visible_reviews(second.expert.user, application)) == {second.pk}
    assert owners(visible_reviews(internal.expert.user, application)) == set()


def test_an_internal_expert_sees_the_others_submitted_reviews_after_submitting(panel):
    application, first, second, internal = panel
    save_review(internal, actor=internal.expert.user, scores=FULL, submit=True)
    seen = owners(visible_reviews(internal.expert.user, application))
    # the first's submitted review; never the second's draft
    assert seen == {internal.pk, first.pk}


def test_external_experts_never_see_outcomes(panel):
    application, first, second, internal = panel
    save_review(internal, actor=internal.expert.user, scores=FULL, submit=True)
    save_review(second, actor=second.expert.user, scores=FULL, submit=True)
    assert owners(visible_reviews(first.expert.user, application)) == {first.pk}
    assert owners(visible_reviews(second.expert.user, application)) == {second.pk}


def test_operators_see_every_review_and_others_none(panel):
    application, first, second, internal = panel
    assert owners(visible_reviews(FundOperatorFactory(), application)) == {first.pk, second.pk}
    assert not visible_reviews(UserFactory(), application).exists()
    assert not visible_reviews(expert(ExpertKind.INTERNAL).user, application).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not visible_reviews(AnonymousUser(), application).exists()


def test_an_operator_assigned_as_expert_is_held_to_independence(panel):
    application, first, second, internal = panel
    operator = FundOperatorFactory()
    mine = assign(application, expert(ExpertKind.INTERNAL, user=operator))
    assert owners(visible_reviews(operator, application)) == set()
    save_review(mine, actor=operator, scores=FULL, submit=True)
    assert owners(visible_reviews(operator, application)) == {first.pk, mine.pk}


def test_a_declined_expert_sees_nothing(panel):
    application, *_ = panel
    declined = assign(application, status=AssignmentStatus.DECLINED, decline_reason="conflict")
    assert not visible_reviews(declined.expert.user, application).exists()


def test_the_fund_is_told_when_the_last_review_is_in(application):
    from innocluster.core.models import Notification

    operator = FundOperatorFactory()
    first, second = assign(application), assign(application)
    save_review(first, actor=first.expert.user, scores=FULL, submit=True)
    told = Notification.objects.filter(kind="review.reviews_complete", recipient=operator)
    assert not told.exists()  # one review still to come
    save_review(second, actor=second.expert.user, scores=FULL, submit=True)
    (note,) = told
    assert note.url == f"/review/calls/{application.call.code}/"
