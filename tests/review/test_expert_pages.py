"""The experts' pages: their own assignments only, the application as they may see it, the
scoring form (errors name the criterion, nothing saved), declining and declaring a conflict,
and the other reviews only after their own submission (never outcomes for external experts)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from innocluster.core.models import Notification
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application
from innocluster.review.choices import AssignmentStatus, ExpertKind
from innocluster.review.models import Assignment, ConflictDeclaration, Review
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.review.scoring_factories import application_in_review, assign, expert, review_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    return application_in_review(review_call())


def url(assignment, suffix=""):
    return f"/review/assignments/{assignment.pk}/{suffix}"


def page(client, user, path, **kwargs):
    client.force_login(user)
    with translation.override("en"):
        return client.get(path, HTTP_ACCEPT_LANGUAGE="en", **kwargs)


def post(client, user, path, data):
    client.force_login(user)
    return client.post(path, data, HTTP_ACCEPT_LANGUAGE="en")


def snapshot():
    return {
        "assignments": sorted(
            Assignment.objects.values_list("id", "status", "decline_reason", "decline_comment")
        ),
        "reviews": sorted(Review.objects.values_list("id", "scores", "comments", "submitted_at")),
        "conflicts": ConflictDeclaration.objects.count(),
    }


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


# --------------------------------------------------------------------------- the list


def test_an_expert_lists_only_their_own_assignments(
    client, application, django_assert_max_num_queries
):
    mine = assign(application)
    other_call = review_call()
    for _ in range(5):
        assign(application_in_review(other_call), mine.expert)
    declined = assign(
        application_in_review(other_call),
        mine.expert,
        status=AssignmentStatus.DECLINED,
        decline_reason="capacity",
    )
    someone_elses = assign(application_in_review(other_call))
    client.force_login(mine.expert.user)
    with django_assert_max_num_queries(8):
        response = client.get("/review/")
    assert response.status_code == 200
    body = response.content.decode()
    assert url(mine) in body and url(declined) in body
    assert url(someone_elses) not in body
    assert body.count("/review/assignments/") == 7


def test_someone_outside_the_pool_is_told_so(client):
    response = page(client, UserFactory(), "/review/")
    assert response.status_code == 200
    assert "not in the Fund's expert pool" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, application):
    response = client.get(url(assign(application)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------- one assignment


def test_another_experts_assignment_is_404_even_for_operators(client, application):
    theirs = assign(application)
    for user in (expert().user, FundOperatorFactory(), UserFactory()):
        assert page(client, user, url(theirs)).status_code == 404
        assert post(client, user, url(theirs), {"action": "save"}).status_code == 404
    assert page(client, theirs.expert.user, "/review/assignments/not-a-uuid/").status_code == 404


def test_the_expert_sees_the_application_and_a_form_per_criterion(client, application):
    mine = assign(application)
    response = page(client, mine.expert.user, url(mine))
    body = response.content.decode()
    assert response.status_code == 200
    assert application.title in body
    assert 'name="score-novelty"' in body and 'name="score-team"' in body
    assert "Score from 0 to 10 (weight 2)" in body
    assert "Submit the review" in body


def test_a_submission_missing_a_score_names_the_criterion_and_saves_nothing(client, application):
    mine = assign(application)
    before = snapshot()
    response = post(
        client,
        mine.expert.user,
        url(mine),
        {"action": "submit", "score-novelty": "7", "score-team": "", "comment-team": "Сильная"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Team: Every criterion must be scored before submitting." in body
    assert 'aria-describedby="score-team-error"' in body
    assert 'value="7"' in body and "Сильная" in body  # what was typed stays
    assert snapshot() == before


def test_a_score_off_its_scale_is_refused(client, application):
    mine = assign(application)
    before = snapshot()
    response = post(client, mine.expert.user, url(mine), {"action": "save", "score-novelty": "11"})
    assert response.status_code == 422
    assert "Novelty: Must be from 0 to 10." in response.content.decode()
    assert snapshot() == before


def test_a_draft_then_a_submission(client, application):
    mine = assign(application)
    user = mine.expert.user
    response = post(client, user, url(mine), {"action": "save", "score-novelty": "6"})
    assert response.status_code == 302
    assert Review.objects.get().scores == {"novelty": 6}
    response = post(
        client,
        user,
        url(mine),
        {"action": "submit", "score-novelty": "8", "score-team": "5", "comment-overall": "OK"},
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.total == Decimal("70.000") and review.comments == {"": "OK"}
    body = page(client, user, url(mine)).content.decode()
    assert "Submit the review" not in body and "70.000" in body


def _submitted(application, kind, total, scores):
    who = expert(kind)
    a = assign(application, who, status=AssignmentStatus.SUBMITTED)
    Review.objects.create(
        assignment=a, scores=scores, total=Decimal(total), submitted_at=timezone.now(),
        comments={"novelty": f"comment of {total}"},
    )  # fmt: skip
    return a


@pytest.mark.parametrize("kind", [ExpertKind.INTERNAL, ExpertKind.EXTERNAL])
def test_other_reviews_only_after_ones_own_and_never_for_external_experts(
    client, application, kind
):
    _submitted(application, ExpertKind.EXTERNAL, "33.333", {"novelty": 3, "team": 4})
    mine = assign(application, expert(kind))
    before = page(client, mine.expert.user, url(mine)).content.decode()
    assert "comment of 33.333" not in before
    post(
        client, mine.expert.user, url(mine),
        {"action": "submit", "score-novelty": "9", "score-team": "9"},
    )  # fmt: skip
    after = page(client, mine.expert.user, url(mine)).content.decode()
    if kind == ExpertKind.INTERNAL:
        assert "comment of 33.333" in after and "33.333" in after
    else:
        assert "comment of 33.333" not in after
        assert "No other review is shown to you." in after


def test_an_external_expert_never_sees_the_outcome(client, application):
    mine = _submitted(application, ExpertKind.EXTERNAL, "80", {"novelty": 8, "team": 8})
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.APPROVED)
    for path in ("/review/", url(mine)):
        body = page(client, mine.expert.user, path).content.decode()
        assert "Approved" not in body and "approved" not in body


# --------------------------------------------------------------------------- declining


def test_declining_with_a_reason_tells_the_operators(client, application):
    mine = assign(application)
    operator = FundOperatorFactory()
    response = post(
        client, mine.expert.user, url(mine, "decline/"), {"reason": "capacity", "comment": ""}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.DECLINED and mine.decline_reason == "capacity"
    note = Notification.objects.get(kind="review.declined")
    assert note.recipient == operator
    assert note.url == f"/review/calls/{application.call.code}/"


def test_declining_for_another_reason_needs_a_comment(client, application):
    mine = assign(application)
    before = snapshot()
    response = post(client, mine.expert.user, url(mine, "decline/"), {"reason": "other"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "This field is required." in body and 'id="error-summary"' in body
    assert snapshot() == before
    assert not Notification.objects.filter(kind="review.declined").exists()


def test_declaring_a_conflict_withdraws_the_expert(client, application):
    mine = assign(application)
    response = post(
        client, mine.expert.user, url(mine, "conflict/"), {"conflict-reason": "Бывший работодатель"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.DECLINED and mine.decline_reason == "conflict"
    assert ConflictDeclaration.objects.get().application_id == application.pk


def test_a_conflict_with_a_consortium_organisation_covers_its_applications(client, application):
    mine = assign(application)
    other = application_in_review(review_call(), lead=application.lead)
    later = assign(other, mine.expert)
    body = page(client, mine.expert.user, url(mine)).content.decode()
    assert "This application only" in body and application.lead.name in body
    response = post(
        client,
        mine.expert.user,
        url(mine, "conflict/"),
        {"conflict-organisation": str(application.lead.pk), "conflict-reason": "Совладелец"},
    )
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert declaration.organisation_id == application.lead_id
    assert declaration.application_id is None
    for assignment in (mine, later):  # every open assignment with that organisation
        assignment.refresh_from_db()
        assert assignment.status == AssignmentStatus.DECLINED


def test_a_conflict_with_a_stranger_organisation_is_refused(client, application):
    mine = assign(application)
    before = snapshot()
    stranger = application_in_review(review_call()).lead
    response = post(
        client, mine.expert.user, url(mine, "conflict/"),
        {"conflict-organisation": str(stranger.pk)},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before
