"""The board session's page: members vote, operators decide (a second approval refused, shown
clearly, nothing changed), closing sends the minutes, and the page shows them signed."""

from __future__ import annotations

import datetime

import pytest

from innocluster.documents.models import Document
from innocluster.documents.signing import sign_simple
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application
from innocluster.review.board import create_session, record_decision
from innocluster.review.models import BoardDecision, BoardVote
from tests.accounts.factories import UserFactory
from tests.review.board_factories import PASSWORD, board_member, board_setup
from tests.review.pages import get, post
from tests.review.scoring_factories import expert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def setup():
    return board_setup()


@pytest.fixture
def session(setup):
    return create_session(
        setup.call, held_on=datetime.date(2026, 12, 10), members=setup.members, actor=setup.operator
    )


def item(session, application):
    return session.decisions.get(application=application)


def test_only_operators_and_the_sessions_members_see_it(client, setup, session):
    path = f"/review/board/{session.pk}/"
    for outsider in (board_member(), expert().user, UserFactory()):
        assert get(client, outsider, path).status_code == 404
    member_page = get(client, setup.members[0], path).content.decode()
    operator_page = get(client, setup.operator, path).content.decode()
    assert 'name="vote"' in member_page and 'name="outcome"' not in member_page
    assert 'name="outcome"' in operator_page and 'name="vote"' not in operator_page
    for body in (member_page, operator_page):
        assert body.index(setup.best.number) < body.index(setup.middle.number)
        assert "above the line" in body


def test_a_member_votes_and_changes_the_vote(client, setup, session):
    best = item(session, setup.best)
    path = f"/review/board/{session.pk}/items/{best.pk}/vote/"
    assert post(client, setup.members[0], path, {"vote": "against"}).status_code == 302
    assert post(client, setup.members[0], path, {"vote": "for"}).status_code == 302
    assert list(BoardVote.objects.values_list("vote", flat=True)) == ["for"]
    body = get(client, setup.members[0], f"/review/board/{session.pk}/").content.decode()
    assert "1 / 0 / 0" in body
    outsider = post(client, board_member(), path, {"vote": "for"})
    assert outsider.status_code == 404
    refused = post(client, setup.operator, path, {"vote": "for"})
    assert refused.status_code == 403
    assert "Only a board member of this session may vote." in refused.content.decode()
    assert BoardVote.objects.count() == 1


def test_a_decision_form_error_is_next_to_its_field(client, setup, session):
    middle = item(session, setup.middle)
    response = post(
        client,
        setup.operator,
        f"/review/board/{session.pk}/items/{middle.pk}/decide/",
        {"outcome": "rejected", "reasons": ""},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="reasons-{middle.pk}-error"' in body
    assert "Give the reasons for rejecting or waitlisting." in body
    assert Application.objects.get(pk=setup.middle.pk).state == ApplicationState.BOARD


def test_a_second_approval_is_refused_clearly_and_changes_nothing(client, setup, session):
    best = item(session, setup.best)
    path = f"/review/board/{session.pk}/items/{best.pk}/decide/"
    first = post(client, setup.operator, path, {"outcome": "approved", "grant_rub": "3000000"})
    assert first.status_code == 302
    assert Application.objects.get(pk=setup.best.pk).state == ApplicationState.APPROVED
    before = list(BoardDecision.objects.values_list("outcome", "grant_rub", "decided_at"))
    second = post(client, setup.operator, path, {"outcome": "approved", "grant_rub": "2000000"})
    assert second.status_code == 409
    body = second.content.decode()
    assert 'role="alert"' in body and f'id="item-{best.pk}-error"' in body
    assert "cannot be moved by “approve”" in body
    assert list(BoardDecision.objects.values_list("outcome", "grant_rub", "decided_at")) == before


def test_closing_sends_the_minutes_and_the_page_shows_them_signed(
    client, setup, session, django_capture_on_commit_callbacks
):
    close_path = f"/review/board/{session.pk}/close/"
    refused = post(client, setup.operator, close_path)
    assert refused.status_code == 409
    assert "Record a decision on every application first" in refused.content.decode()
    for application, outcome in (
        (setup.best, "approved"),
        (setup.middle, "waitlisted"),
        (setup.low, "rejected"),
    ):
        record_decision(
            item(session, application),
            outcome=outcome,
            grant_rub="1000000" if outcome == "approved" else None,
            reasons="" if outcome == "approved" else "Причина",
            actor=setup.operator,
        )
    assert post(client, setup.operator, close_path).status_code == 302
    session.refresh_from_db()
    minutes = Document.objects.get(pk=session.minutes_document_id)
    body = get(client, setup.members[0], f"/review/board/{session.pk}/").content.decode()
    assert f"/documents/{minutes.pk}/" in body and minutes.registration_number in body
    assert "Signed by every board member" not in body
    assert 'name="vote"' not in body  # closed: no more votes
    for member in setup.members:
        with django_capture_on_commit_callbacks(execute=True):
            sign_simple(minutes, member, password=PASSWORD)
    body = get(client, setup.members[1], f"/review/board/{session.pk}/").content.decode()
    assert "Signed by every board member" in body


def test_members_read_each_application_and_its_reviews(client, setup, session):
    best = item(session, setup.best)
    path = f"/review/board/{session.pk}/items/{best.pk}/"
    body = get(client, setup.members[0], path).content.decode()
    assert setup.best.title in body and "Review 2: weighted total 90.000" in body
    assert "Novelty" in body
    assert get(client, board_member(), path).status_code == 404
    other = item(session, setup.low)
    assert (
        get(client, setup.operator, f"/review/board/{session.pk}/items/{other.pk}/").status_code
        == 200
    )


def test_the_list_of_sessions(client, setup, session):
    mine = get(client, setup.members[0], "/review/board/").content.decode()
    assert f"/review/board/{session.pk}/" in mine
    assert (
        f"/review/board/{session.pk}/"
        not in get(client, board_member(), "/review/board/").content.decode()
    )
    assert (
        f"/review/board/{session.pk}/"
        in get(client, setup.operator, "/review/board/").content.decode()
    )
    assert get(client, expert().user, "/review/board/").status_code == 404


def test_the_session_page_reads_in_bounded_queries(client, setup, django_assert_max_num_queries):
    from tests.review.board_factories import reviewed

    small = create_session(
        setup.call, held_on=datetime.date(2026, 12, 10), members=setup.members, actor=setup.operator
    )
    client.force_login(setup.operator)
    with django_assert_max_num_queries(12):
        assert client.get(f"/review/board/{small.pk}/").status_code == 200
    for total in range(10):
        reviewed(setup.call, [60 + total])
    large = create_session(
        setup.call, held_on=datetime.date(2026, 12, 11), members=setup.members, actor=setup.operator
    )
    assert large.decisions.count() == 10
    with django_assert_max_num_queries(12):
        assert client.get(f"/review/board/{large.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/review/calls/{setup.call.code}/ranking/").status_code == 200


def test_members_open_the_minutes_in_document_circulation(client, setup, session):
    from innocluster.review.board import close_session

    for application in (setup.best, setup.middle, setup.low):
        record_decision(
            item(session, application), outcome="rejected", reasons="Нет", actor=setup.operator
        )
    session = close_session(session, actor=setup.operator)
    response = get(client, setup.members[0], f"/documents/{session.minutes_document_id}/")
    assert response.status_code == 200


def test_operators_take_an_item_off_the_agenda(client, setup, session):
    middle = item(session, setup.middle)
    member_page = get(client, setup.members[0], f"/review/board/{session.pk}/").content.decode()
    assert "Take off the agenda" not in member_page and "Budget left" not in member_page
    operator_page = get(client, setup.operator, f"/review/board/{session.pk}/").content.decode()
    assert "Budget left for approvals" in operator_page and "10,000,000 RUB" in operator_page
    path = f"/review/board/{session.pk}/items/{middle.pk}/withdraw/"
    assert post(client, setup.members[0], path).status_code == 403
    assert session.decisions.filter(pk=middle.pk).exists()
    assert post(client, setup.operator, path).status_code == 302
    assert not session.decisions.filter(pk=middle.pk).exists()
