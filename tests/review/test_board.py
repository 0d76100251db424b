"""Board sessions: the agenda in rank order with the funding line's suggestion, votes, decisions
that move applications (a second approval refused, nothing changed), and the minutes routed to
every member and shown as signed once all have signed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent, Notification
from innocluster.documents.choices import DocumentStatus
from innocluster.documents.models import Document
from innocluster.documents.signing import sign_simple
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application
from innocluster.review.board import (
    REASONS_MAX,
    cast_vote,
    close_session,
    create_session,
    record_decision,
)
from innocluster.review.models import BoardDecision, BoardSession, BoardVote
from tests.accounts.factories import BoardMemberFactory, ExpertFactory, UserFactory
from tests.review.board_factories import PASSWORD, board_member, board_setup, reviewed

pytestmark = pytest.mark.django_db
HELD_ON = datetime.date(2026, 12, 10)


@pytest.fixture
def setup():
    return board_setup()


def session_of(setup, **extra):
    return create_session(
        setup.call, held_on=HELD_ON, members=setup.members, actor=setup.operator, **extra
    )


def state_of(*applications) -> dict:
    return {
        "states": [Application.objects.get(pk=a.pk).state for a in applications],
        "decisions": list(
            BoardDecision.objects.order_by("id").values_list("outcome", "grant_rub", "reasons")
        ),
        "votes": list(BoardVote.objects.order_by("id").values_list("vote", flat=True)),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def fields(exc_info) -> dict:
    return {e.field: e.code for e in exc_info.value.errors}


# --------------------------------------------------------------------------- the agenda


def test_the_agenda_follows_the_ranking_with_the_funding_line(setup):
    reviewed(setup.call, [99], state=ApplicationState.IN_REVIEW)  # not before the board yet
    session = session_of(setup)
    items = list(session.decisions.order_by("position"))
    assert [d.application_id for d in items] == [setup.best.pk, setup.middle.pk, setup.low.pk]
    assert [d.rank for d in items] == [2, 3, 4]  # ranked among the whole call's candidates
    assert [d.score for d in items] == [Decimal("90.000"), Decimal("70.000"), Decimal("50.000")]
    assert [d.requested_rub for d in items] == [
        Decimal("3000000"),
        Decimal("8000000"),
        Decimal("2000000"),
    ]
    # In rank order the line stops at the first request that does not fit.
    assert [d.suggested for d in items] == [True, False, False]
    assert set(session.members.all()) == set(setup.members)


def test_the_optimal_line_is_a_choice(setup):
    session = session_of(setup, optimal=True)
    items = list(session.decisions.order_by("position"))
    assert session.optimal is True
    assert [d.suggested for d in items] == [True, False, True]


def test_members_are_told_of_the_session(setup):
    session = session_of(setup)
    rows = Notification.objects.filter(kind="review.board_session")
    assert {r.recipient_id for r in rows} == {m.pk for m in setup.members}
    assert all(r.url == f"/review/board/{session.pk}/" for r in rows)


def test_only_board_members_who_can_sign_may_sit(setup):
    stranger = UserFactory()
    no_org = BoardMemberFactory()
    with pytest.raises(ValidationFailed) as exc_info:
        create_session(
            setup.call,
            held_on="10.12.2026",
            members=[setup.members[0], stranger, no_org],
            actor=setup.operator,
        )
    assert fields(exc_info) == {
        "held_on": "invalid",
        "members[1]": "not_board",
        "members[2]": "cannot_sign",
    }
    assert BoardSession.objects.count() == 0


def test_only_operators_convene_the_board(setup):
    with pytest.raises(NotPermitted):
        create_session(setup.call, held_on=HELD_ON, members=setup.members, actor=setup.members[0])
    assert BoardSession.objects.count() == 0


def test_an_application_is_on_one_open_agenda_only(setup):
    session_of(setup)
    with pytest.raises(Conflict) as exc_info:
        session_of(setup)
    assert exc_info.value.code == "empty_agenda"
    assert BoardSession.objects.count() == 1


# --------------------------------------------------------------------------- votes


def test_members_vote_and_may_change_their_vote_until_decided(setup):
    session = session_of(setup)
    item = session.decisions.get(application=setup.best)
    cast_vote(item, member=setup.members[0], vote="against")
    cast_vote(item, member=setup.members[0], vote="for")
    cast_vote(item, member=setup.members[1], vote="abstain")
    assert sorted(item.votes.values_list("vote", flat=True)) == ["abstain", "for"]
    record_decision(item, outcome="approved", grant_rub="3000000", actor=setup.operator)
    before = state_of(setup.best)
    with pytest.raises(Conflict) as exc_info:
        cast_vote(item, member=setup.members[1], vote="for")
    assert exc_info.value.code == "decided"
    assert state_of(setup.best) == before


def test_only_the_sessions_members_vote(setup):
    session = session_of(setup)
    item = session.decisions.first()
    before = state_of(setup.best)
    for outsider in (board_member(), setup.operator, ExpertFactory()):
        with pytest.raises(NotPermitted):
            cast_vote(item, member=outsider, vote="for")
    with pytest.raises(ValidationFailed) as exc_info:
        cast_vote(item, member=setup.members[0], vote="maybe")
    assert fields(exc_info) == {"vote": "invalid_choice"}
    assert state_of(setup.best) == before


# --------------------------------------------------------------------------- decisions


def test_a_decision_moves_the_application_and_tells_the_lead(setup):
    session = session_of(setup)
    item = session.decisions.get(application=setup.best)
    with translation.override("en"):
        record_decision(item, outcome="approved", grant_rub="2500000.50", actor=setup.operator)
    item.refresh_from_db()
    assert item.outcome == "approved" and item.grant_rub == Decimal("2500000.50")
    assert Application.objects.get(pk=setup.best.pk).state == ApplicationState.APPROVED
    note = Notification.objects.get(kind="review.board_decision")
    assert "Approved" in note.title_en and setup.best.number in note.title_en
    assert "2 500 000.50" in note.body_en.replace("\u00a0", " ")

    low = session.decisions.get(application=setup.low)
    record_decision(low, outcome="rejected", reasons="Слабая команда", actor=setup.operator)
    assert Application.objects.get(pk=setup.low.pk).state == ApplicationState.REJECTED
    note = Notification.objects.filter(kind="review.board_decision").latest("created_at")
    assert "Слабая команда" in note.body_ru


def test_a_second_approval_is_refused_and_nothing_changes(setup):
    session = session_of(setup)
    item = session.decisions.get(application=setup.best)
    record_decision(item, outcome="approved", grant_rub="3000000", actor=setup.operator)
    before = state_of(setup.best)
    with pytest.raises(Conflict) as exc_info:
        record_decision(item, outcome="approved", grant_rub="3000000", actor=setup.operator)
    assert exc_info.value.code == "invalid_transition"
    assert state_of(setup.best) == before


def test_refused_decisions_name_the_field(setup):
    session = session_of(setup)
    item = session.decisions.get(application=setup.middle)  # requests 8 mln; max grant 9 mln
    before = state_of(setup.middle)
    cases = [
        ({"outcome": "maybe"}, {"outcome": "invalid_choice"}),
        ({"outcome": "approved"}, {"grant_rub": "required"}),
        ({"outcome": "approved", "grant_rub": "abc"}, {"grant_rub": "invalid"}),
        ({"outcome": "approved", "grant_rub": "0"}, {"grant_rub": "too_small"}),
        ({"outcome": "approved", "grant_rub": "8000000.01"}, {"grant_rub": "above_request"}),
        ({"outcome": "rejected", "reasons": "  "}, {"reasons": "required"}),
        ({"outcome": "waitlisted"}, {"reasons": "required"}),
        ({"outcome": "rejected", "reasons": "Н" * (REASONS_MAX + 1)}, {"reasons": "too_long"}),
        ({"outcome": "rejected", "reasons": "Нет\x00"}, {"reasons": "invalid"}),
        (
            {"outcome": "rejected", "reasons": "Нет", "grant_rub": "5"},
            {"grant_rub": "not_approved"},
        ),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ValidationFailed) as exc_info:
            record_decision(item, actor=setup.operator, **kwargs)
        assert fields(exc_info) == expected, kwargs
    assert state_of(setup.middle) == before


def test_the_grant_stays_within_the_calls_maximum():
    setup = board_setup(max_grant="5000000")
    session = session_of(setup)
    item = session.decisions.get(application=setup.middle)
    with pytest.raises(ValidationFailed) as exc_info:
        record_decision(item, outcome="approved", grant_rub="6000000", actor=setup.operator)
    assert fields(exc_info) == {"grant_rub": "above_max_grant"}


def test_the_grants_stay_within_what_is_left_of_the_calls_budget():
    setup = board_setup(budget="10000000")
    session = session_of(setup)
    best = session.decisions.get(application=setup.best)
    middle = session.decisions.get(application=setup.middle)
    record_decision(best, outcome="approved", grant_rub="3000000", actor=setup.operator)
    before = state_of(setup.middle)
    with pytest.raises(ValidationFailed) as exc_info:  # 8 mln asked, 7 mln left
        record_decision(middle, outcome="approved", grant_rub="7000000.01", actor=setup.operator)
    assert fields(exc_info) == {"grant_rub": "above_budget"}
    assert state_of(setup.middle) == before
    record_decision(middle, outcome="approved", grant_rub="7000000", actor=setup.operator)


def test_only_operators_record_decisions(setup):
    session = session_of(setup)
    item = session.decisions.first()
    before = state_of(setup.best)
    with pytest.raises(NotPermitted):
        record_decision(item, outcome="approved", grant_rub="1", actor=setup.members[0])
    assert state_of(setup.best) == before


def test_a_waitlisted_application_may_be_approved_later_in_the_session(setup):
    session = session_of(setup)
    item = session.decisions.get(application=setup.low)
    record_decision(item, outcome="waitlisted", reasons="Нет средств", actor=setup.operator)
    record_decision(item, outcome="approved", grant_rub="2000000", actor=setup.operator)
    assert Application.objects.get(pk=setup.low.pk).state == ApplicationState.APPROVED


# --------------------------------------------------------------------------- minutes


def pdf_text(document) -> str:
    import io

    from pypdf import PdfReader

    from innocluster.documents import storage

    content = storage.get(document.current_version.sha256)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def decide_all(setup, session):
    items = {d.application_id: d for d in session.decisions.all()}
    cast_vote(items[setup.best.pk], member=setup.members[0], vote="for")
    cast_vote(items[setup.best.pk], member=setup.members[1], vote="for")
    cast_vote(items[setup.middle.pk], member=setup.members[0], vote="against")
    cast_vote(items[setup.middle.pk], member=setup.members[1], vote="abstain")
    record_decision(
        items[setup.best.pk], outcome="approved", grant_rub="3000000", actor=setup.operator
    )
    record_decision(
        items[setup.middle.pk], outcome="waitlisted", reasons="Бюджет", actor=setup.operator
    )
    record_decision(
        items[setup.low.pk], outcome="rejected", reasons="Мало баллов", actor=setup.operator
    )


def test_closing_needs_every_decision(setup):
    session = session_of(setup)
    before = state_of(setup.best)
    with pytest.raises(Conflict) as exc_info:
        close_session(session, actor=setup.operator)
    assert exc_info.value.code == "undecided"
    assert setup.best.number in str(exc_info.value.message)
    session.refresh_from_db()
    assert session.closed_at is None and session.minutes_document_id is None
    assert Document.objects.count() == 0
    assert state_of(setup.best) == before


def test_the_minutes_carry_the_votes_and_go_to_every_member(
    setup, django_capture_on_commit_callbacks
):
    from innocluster.review.board import minutes_context

    session = session_of(setup)
    decide_all(setup, session)
    decisions = list(session.decisions.select_related("application").order_by("position"))
    context = minutes_context(session, decisions, setup.members)
    rows = {r["number"]: r for r in context["rows"]}
    best, middle = rows[setup.best.number], rows[setup.middle.number]
    assert (best["votes_for"], best["votes_against"], best["votes_abstain"]) == (2, 0, 0)
    assert (middle["votes_for"], middle["votes_against"], middle["votes_abstain"]) == (0, 1, 1)
    with translation.override("ru"):
        approved_ru = str(ApplicationState.APPROVED.label)
    assert best["outcome"] == approved_ru != "Approved"  # printed in Russian
    assert rows[setup.low.number]["reasons"] == "Мало баллов"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        close_session(session, actor=setup.operator)
    session.refresh_from_db()
    assert session.closed_at is not None
    minutes = Document.objects.get(pk=session.minutes_document_id)
    assert minutes.doc_type == "board_minutes"
    assert minutes.status == DocumentStatus.SENT
    text = pdf_text(minutes)
    assert setup.best.number in text and "Мало баллов" in text and "Бюджет" in text
    assert setup.call.title_ru in text and "10.12.2026" in text
    assert "2 / 0 / 0" in text and "0 / 1 / 1" in text  # votes for / against / abstained
    steps = list(minutes.steps.all())
    assert {s.user_id for s in steps} == {m.pk for m in setup.members}
    assert {s.order for s in steps} == {1}  # in parallel
    assert minutes.links.filter(object_type="review.boardsession", object_id=str(session.pk))
    notes = Notification.objects.filter(kind="review.board_minutes")
    assert {n.recipient_id for n in notes} == {m.pk for m in setup.members}
    assert {n.url for n in notes} == {f"/documents/{minutes.pk}/"}
    assert {m.to[0] for m in mail.outbox} >= {m.email for m in setup.members}

    # Once every member signs, the session shows its minutes signed.
    sign_simple(minutes, setup.members[0], password=PASSWORD)
    session.refresh_from_db()
    assert session.minutes_signed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        sign_simple(minutes, setup.members[1], password=PASSWORD)
    session.refresh_from_db()
    assert session.minutes_signed_at is not None
    assert Document.objects.get(pk=minutes.pk).status == DocumentStatus.SIGNED


def test_a_closed_session_changes_no_more(setup):
    session = session_of(setup)
    decide_all(setup, session)
    close_session(session, actor=setup.operator)
    item = session.decisions.get(application=setup.middle)
    before = state_of(setup.middle)
    with pytest.raises(NotPermitted):
        cast_vote(item, member=setup.members[0], vote="for")
    with pytest.raises(Conflict) as exc_info:
        record_decision(item, outcome="approved", grant_rub="1000", actor=setup.operator)
    assert exc_info.value.code == "session_closed"
    with pytest.raises(Conflict) as exc_info:
        close_session(session, actor=setup.operator)
    assert exc_info.value.code == "closed"
    assert state_of(setup.middle) == before


def test_an_undecided_item_may_be_taken_off_the_agenda(setup):
    from innocluster.review.board import withdraw_item

    session = session_of(setup)
    middle = session.decisions.get(application=setup.middle)
    cast_vote(middle, member=setup.members[0], vote="for")
    with pytest.raises(NotPermitted):
        withdraw_item(middle, actor=setup.members[0])
    withdraw_item(middle, actor=setup.operator)
    assert not session.decisions.filter(application=setup.middle).exists()
    assert not BoardVote.objects.exists()
    assert Application.objects.get(pk=setup.middle.pk).state == ApplicationState.BOARD
    best = session.decisions.get(application=setup.best)
    record_decision(best, outcome="approved", grant_rub="3000000", actor=setup.operator)
    before = state_of(setup.best)
    with pytest.raises(Conflict) as exc_info:
        withdraw_item(best, actor=setup.operator)
    assert exc_info.value.code == "decided"
    assert state_of(setup.best) == before
    # the withdrawn application may go on the next session's agenda
    low = session.decisions.get(application=setup.low)
    record_decision(low, outcome="rejected", reasons="Нет", actor=setup.operator)
    close_session(session, actor=setup.operator)
    again = session_of(setup)
    assert [d.application_id for d in again.decisions.all()] == [setup.middle.pk]
