"""Review endpoints: experts' assignments and reviews, a call's ranking, board sessions.

People act here (experts, the Fund's operators, board members): an organisation's API token
is refused (403 ``person_only``). What a caller may not see answers 404: an expert sees only
their own assignments; rankings are the Fund's operators'; a board session is its members' and
the operators'. Refusals are problem details naming the offending fields.
"""

from __future__ import annotations

from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from innocluster.api.auth import ANY_AUTH, caller_person, found
from innocluster.api.schemas import ERRORS, require_json_object
from innocluster.core.errors import NotFound

from . import board, selectors, services
from .choices import AssignmentStatus
from .models import BoardDecision
from .ranking import funding_line, rank_call
from .schemas import (
    AssignmentOut,
    DecisionIn,
    DeclineIn,
    RankingOut,
    ReviewIn,
    SessionIn,
    SessionOut,
    VoteIn,
)
from .scoring import save_review

router = Router(tags=["review"])


def assignment_out(a) -> dict:
    review = getattr(a, "review", None)
    application = a.application
    return {
        "id": a.pk,
        "status": a.status,
        "application": {
            "id": application.pk,
            "number": application.number,
            "title": application.title,
            "call": application.call.code,
        },
        "assigned_at": a.assigned_at,
        "answered_at": a.answered_at,
        "decline_reason": a.decline_reason,
        "decline_comment": a.decline_comment,
        "review": (
            {
                "scores": review.scores,
                "comments": review.comments,
                "total": review.total,
                "submitted_at": review.submitted_at,
            }
            if review is not None
            else None
        ),
        "url": f"/review/assignments/{a.pk}/",
    }


class AssignmentQuery(Schema):
    status: AssignmentStatus | None = NinjaField(
        None, description="only assigned, submitted or declined ones"
    )


@router.get(
    "/review/assignments",
    response={200: list[AssignmentOut], **ERRORS},
    auth=ANY_AUTH,
    summary="The signed-in expert's own assignments, with their reviews",
)
def list_assignments(request, filters: Query[AssignmentQuery]):
    rows = selectors.my_assignments(caller_person(request))
    if filters.status:
        rows = rows.filter(status=filters.status)
    return [assignment_out(a) for a in rows]


def _own(request, assignment_id: str):
    return found(selectors.assignment_for(caller_person(request), assignment_id))


@router.get(
    "/review/assignments/{assignment_id}",
    response={200: AssignmentOut, **ERRORS},
    auth=ANY_AUTH,
    summary="One of the expert's assignments",
)
def get_assignment(request, assignment_id: str):
    return assignment_out(_own(request, assignment_id))


@router.put(
    "/review/assignments/{assignment_id}",
    response={200: AssignmentOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Save the review as a draft, or submit it (submit: true)",
    description=(
        "Scores are whole numbers on each criterion's scale; a draft may be partial, a "
        "submission scores every criterion and cannot be changed afterwards. Refusals name "
        "the field: `scores.<code>`, `comments.<code>`."
    ),
)
def put_review(request, assignment_id: str, payload: ReviewIn):
    require_json_object(request)
    assignment = _own(request, assignment_id)
    save_review(
        assignment,
        actor=request.auth,
        scores=payload.scores,
        comments=payload.comments,
        submit=payload.submit,
    )
    return assignment_out(_own(request, assignment_id))


@router.post(
    "/review/assignments/{assignment_id}/decline",
    response={200: AssignmentOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Decline the assignment with a reason: conflict, capacity or other",
)
def decline(request, assignment_id: str, payload: DeclineIn):
    assignment = _own(request, assignment_id)
    services.decline_assignment(
        assignment, actor=request.auth, reason=payload.reason, comment=payload.comment
    )
    return assignment_out(_own(request, assignment_id))


class RankingQuery(Schema):
    optimal: bool = NinjaField(False, description="the optimal selection instead of rank order")


@router.get(
    "/review/calls/{code}/ranking",
    response={200: RankingOut, **ERRORS},
    auth=ANY_AUTH,
    summary="A call's ranking and its funding line (the Fund's operators)",
)
def ranking(request, code: str, filters: Query[RankingQuery]):
    call = found(selectors.staff_call(caller_person(request), code))
    result = rank_call(call)
    line = funding_line(result, board.agenda_budget(call), optimal=filters.optimal)
    funded = {e.application_id for e in line.funded}
    return {
        "call": call.code,
        "optimal": filters.optimal,
        "threshold": result.threshold,
        "budget_rub": line.budget,
        "used_rub": line.total_requested,
        "remaining_rub": line.remaining,
        "exact": line.exact,
        "unit_rub": line.unit_rub,
        "entries": [
            {
                "application": e.application_id,
                "number": e.number,
                "title": e.title,
                "state": e.state,
                "rank": e.rank,
                "score": e.score,
                "reviews": e.reviews,
                "spread": e.spread,
                "disagreement": e.disagreement,
                "requested_rub": e.requested_rub,
                "funded": e.application_id in funded,
            }
            for e in result.entries
        ],
    }


# --------------------------------------------------------------------------- board sessions


def session_out(session) -> dict:
    from innocluster.documents.models import Document

    decisions = list(session.decisions.select_related("application").order_by("position"))
    counts = board.vote_counts(decisions)
    minutes = None
    if session.minutes_document_id:
        document = Document.objects.filter(pk=session.minutes_document_id).first()
        if document is not None:
            minutes = {
                "id": document.pk,
                "registration_number": document.registration_number,
                "status": document.status,
                "url": f"/documents/{document.pk}/",
            }
    return {
        "id": session.pk,
        "call": session.call.code,
        "held_on": session.held_on,
        "optimal": session.optimal,
        "open": session.closed_at is None,
        "closed_at": session.closed_at,
        "members": [
            {"id": m.pk, "name": m.full_name or m.email}
            for m in session.members.order_by("full_name", "email")
        ],
        "minutes": minutes,
        "minutes_signed_at": session.minutes_signed_at,
        "items": [
            {
                "id": d.pk,
                "position": d.position,
                "application": {
                    "id": d.application.pk,
                    "number": d.application.number,
                    "title": d.application.title,
                    "call": session.call.code,
                },
                "rank": d.rank,
                "score": d.score,
                "requested_rub": d.requested_rub,
                "suggested": d.suggested,
                "votes": counts[d.pk],
                "outcome": d.outcome,
                "grant_rub": d.grant_rub,
                "reasons": d.reasons,
                "decided_at": d.decided_at,
            }
            for d in decisions
        ],
        "url": board.session_url(session),
    }


def _session(request, session_id: str):
    return found(selectors.session_for(caller_person(request), session_id))


def _item(session, item_id: str) -> BoardDecision:
    import uuid

    try:
        item_id = uuid.UUID(str(item_id))
    except ValueError:
        raise NotFound() from None
    return found(BoardDecision.objects.filter(session=session, pk=item_id).first())


@router.post(
    "/review/calls/{code}/board-sessions",
    response={201: SessionOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Convene the board on the call's applications before it, in rank order",
)
def create_session(request, code: str, payload: SessionIn):
    call = found(selectors.staff_call(caller_person(request), code))
    session = board.create_session(
        call,
        held_on=payload.held_on,
        members=payload.members,
        actor=request.auth,
        optimal=payload.optimal,
    )
    return Status(201, session_out(session))


@router.get(
    "/review/board-sessions/{session_id}",
    response={200: SessionOut, **ERRORS},
    auth=ANY_AUTH,
    summary="A board session: its agenda, votes, decisions and minutes",
)
def get_session(request, session_id: str):
    return session_out(_session(request, session_id))


@router.post(
    "/review/board-sessions/{session_id}/items/{item_id}/vote",
    response={200: SessionOut, **ERRORS},
    auth=ANY_AUTH,
    summary="A member's vote on an agenda item (again: the vote changes, until decided)",
)
def vote(request, session_id: str, item_id: str, payload: VoteIn):
    session = _session(request, session_id)
    board.cast_vote(_item(session, item_id), member=request.auth, vote=payload.vote)
    return session_out(session)


@router.post(
    "/review/board-sessions/{session_id}/items/{item_id}/decision",
    response={200: SessionOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Record the board's decision: approved (with the grant), rejected or waitlisted",
)
def decide(request, session_id: str, item_id: str, payload: DecisionIn):
    session = _session(request, session_id)
    board.record_decision(
        _item(session, item_id),
        outcome=payload.outcome,
        grant_rub=payload.grant_rub,
        reasons=payload.reasons,
        actor=request.auth,
    )
    return session_out(session)


@router.delete(
    "/review/board-sessions/{session_id}/items/{item_id}",
    response={200: SessionOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Take an undecided application off an open session's agenda (operators)",
)
def withdraw_item(request, session_id: str, item_id: str):
    session = _session(request, session_id)
    board.withdraw_item(_item(session, item_id), actor=request.auth)
    return session_out(session)


@router.post(
    "/review/board-sessions/{session_id}/close",
    response={200: SessionOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Close the session and send its minutes to every member for signature",
)
def close(request, session_id: str):
    session = _session(request, session_id)
    board.close_session(session, actor=request.auth)
    session.refresh_from_db()
    return session_out(session)
