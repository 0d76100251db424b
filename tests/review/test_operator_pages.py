"""The operators' pages: a call's applications with their experts (query count bounded),
automatic assignment with its report, manual assignment (a conflicted expert refused with the
reason shown, nothing changed), sending to the board, the ranking with the funding line in
rank order or optimal, and convening the board."""

from __future__ import annotations

import pytest

from innocluster.core.models import Notification
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application
from innocluster.review.choices import AssignmentStatus
from innocluster.review.models import Assignment, BoardSession
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.review.board_factories import board_setup, reviewed
from tests.review.factories import ConflictDeclarationFactory, review_state
from tests.review.pages import get, post
from tests.review.scoring_factories import application_in_review, assign, expert, review_call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def operator():
    return FundOperatorFactory()


def test_only_operators_see_a_calls_review(client):
    call = review_call()
    for user in (expert().user, UserFactory()):
        for path in ("", "ranking/"):
            assert get(client, user, f"/review/calls/{call.code}/{path}").status_code == 404
        assert (
            post(client, user, f"/review/calls/{call.code}/assign-automatically/").status_code
            == 404
        )
    assert get(client, FundOperatorFactory(), "/review/calls/no-such-call/").status_code == 404


def test_the_call_page_lists_experts_per_application_in_bounded_queries(
    client, operator, django_assert_max_num_queries
):
    call = review_call()
    first = application_in_review(call)
    declined = assign(first, status=AssignmentStatus.DECLINED, decline_reason="capacity")
    assign(first)
    client.force_login(operator)
    with django_assert_max_num_queries(14):
        small = client.get(f"/review/calls/{call.code}/")
    for _ in range(8):
        a = application_in_review(call)
        assign(a)
        assign(a, status=AssignmentStatus.SUBMITTED)
    with django_assert_max_num_queries(14):
        response = client.get(f"/review/calls/{call.code}/")
    assert small.status_code == response.status_code == 200
    body = response.content.decode()
    assert first.number in body and str(declined.expert.user) in body
    assert "short of experts" in body  # 3 reviewers per application, fewer assigned


def test_automatic_assignment_shows_its_report_and_tells_the_experts(client, operator):
    call = review_call(reviewers_per_application=1)
    application = application_in_review(call)
    pool = expert()
    response = post(client, operator, f"/review/calls/{call.code}/assign-automatically/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Report of the automatic assignment" in body and "New assignments: 1" in body
    assert Assignment.objects.get().application_id == application.pk
    note = Notification.objects.get(kind="review.assigned")
    assert note.recipient == pool.user and note.url == "/review/"


def test_a_conflicted_expert_is_refused_with_the_reason_and_nothing_changes(client, operator):
    call = review_call()
    application = application_in_review(call)
    conflicted = expert()
    ConflictDeclarationFactory(
        expert=conflicted, organisation=application.lead, reason="Brother-in-law"
    )
    before = review_state()
    response = post(
        client,
        operator,
        f"/review/calls/{call.code}/assign/",
        {"application": str(application.pk), "expert": str(conflicted.pk)},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "conflict of interest" in body and "Brother-in-law" in body
    assert 'aria-describedby="id_expert_error"' in body
    assert review_state() == before
    assert not Notification.objects.exists()


def test_a_manual_assignment_tells_the_expert(client, operator):
    call = review_call()
    application = application_in_review(call)
    chosen = expert()
    response = post(
        client,
        operator,
        f"/review/calls/{call.code}/assign/",
        {"application": str(application.pk), "expert": str(chosen.pk)},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    note = Notification.objects.get(kind="review.assigned")
    assert note.recipient == chosen.user
    assert note.url == f"/review/assignments/{assignment.pk}/"


def test_withdrawing_a_submitted_review_is_refused(client, operator):
    call = review_call()
    done = assign(application_in_review(call), status=AssignmentStatus.SUBMITTED)
    response = post(client, operator, f"/review/calls/{call.code}/assignments/{done.pk}/withdraw/")
    assert response.status_code == 409
    assert "the assignment stays" in response.content.decode()
    assert Assignment.objects.filter(pk=done.pk).exists()


def test_reviewed_applications_go_to_the_board(client, operator):
    call = review_call()
    ready = reviewed(call, [80], state=ApplicationState.IN_REVIEW)
    waiting = application_in_review(call)
    assign(waiting)
    response = post(client, operator, f"/review/calls/{call.code}/send-to-board/")
    assert response.status_code == 200
    assert Application.objects.get(pk=ready.pk).state == ApplicationState.BOARD
    assert Application.objects.get(pk=waiting.pk).state == ApplicationState.IN_REVIEW
    body = response.content.decode()
    assert ready.number in body and waiting.number in body  # sent, and left with why


def test_the_ranking_shows_both_funding_lines(client):
    setup = board_setup()
    path = f"/review/calls/{setup.call.code}/ranking/"
    in_order = get(client, setup.operator, path).content.decode()
    optimal = get(client, setup.operator, path + "?optimal=1").content.decode()
    assert in_order.index(setup.best.number) < in_order.index(setup.middle.number)
    assert in_order.index(setup.middle.number) < in_order.index(setup.low.number)
    assert in_order.count("status-approved") == 1  # only the best above the line
    assert optimal.count("status-approved") == 2  # the best and the low one
    used = "<dt>Used by the applications above the line</dt><dd>%s RUB</dd>"
    assert used % "3,000,000" in in_order and used % "5,000,000" in optimal


def test_convening_the_board_from_the_ranking(client):
    setup = board_setup()
    response = post(
        client,
        setup.operator,
        f"/review/calls/{setup.call.code}/board-sessions/new/",
        {"held_on": "2026-12-10", "members": [str(m.pk) for m in setup.members], "optimal": "on"},
    )
    session = BoardSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/review/board/{session.pk}/"
    assert session.optimal is True
    assert [d.application_id for d in session.decisions.order_by("position")] == [
        setup.best.pk,
        setup.middle.pk,
        setup.low.pk,
    ]


def test_a_session_without_members_is_refused_on_the_page(client):
    setup = board_setup()
    response = post(
        client,
        setup.operator,
        f"/review/calls/{setup.call.code}/board-sessions/new/",
        {"held_on": "2026-12-10"},
    )
    assert response.status_code == 422
    assert 'id="error-summary"' in response.content.decode()
    assert not BoardSession.objects.exists()


def test_the_index_of_calls_in_review(client, operator, django_assert_max_num_queries):
    reviewing = review_call()
    application_in_review(reviewing)
    application_in_review(reviewing)
    quiet = review_call()
    client.force_login(operator)
    with django_assert_max_num_queries(6):
        response = client.get("/review/calls/")
    body = response.content.decode()
    assert f"/review/calls/{reviewing.code}/" in body
    assert f"/review/calls/{quiet.code}/" not in body
    assert get(client, expert().user, "/review/calls/").status_code == 404
