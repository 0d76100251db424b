"""The board session's page (/review/board/<uuid>/): the agenda with scores and the funding
line's suggestion, the members' vote buttons, the secretary's decision forms, closing the
session, and the minutes' document with its signatures.

The Fund's operators and the session's members see it; everyone else gets 404. A refused
vote or decision re-renders the page with the reason next to that item's form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.errors import DomainError
from innocluster.programmes.permissions import is_fund_staff

from . import board, selectors
from .forms import OUTCOME_CHOICES
from .models import BoardDecision, BoardVote
from .permissions import is_session_member


def _session(request, session_id):
    session = selectors.session_for(request.user, session_id)
    if session is None:
        raise Http404
    return session


def _decision(session, decision_id) -> BoardDecision:
    decision = (
        BoardDecision.objects.filter(session=session, pk=decision_id)
        .select_related("session", "application")
        .first()
    )
    if decision is None:
        raise Http404
    return decision


def _minutes(session) -> dict | None:
    """The minutes' document and who has signed (read through document circulation)."""
    if session.minutes_document_id is None:
        return None
    from innocluster.documents.models import Document

    document = Document.objects.filter(pk=session.minutes_document_id).first()
    if document is None:
        return None
    steps = list(document.steps.select_related("user").order_by("order", "id"))
    return {"document": document, "steps": steps}


def _page(request, session, *, status=200, failed=None, error="", errors=None, posted=None):
    """The agenda; ``failed``: the decision whose form was refused, with ``errors``."""
    decisions = list(session.decisions.select_related("application__lead").order_by("position"))
    counts = board.vote_counts(decisions)
    mine = dict(
        BoardVote.objects.filter(decision__session=session, member=request.user).values_list(
            "decision_id", "vote"
        )
    )
    staff = is_fund_staff(request.user)
    member = is_session_member(request.user, session)
    items = []
    for d in decisions:
        is_failed = failed is not None and d.pk == failed
        items.append(
            {
                "decision": d,
                "votes": counts[d.pk],
                "my_vote": mine.get(d.pk, ""),
                "error": error if is_failed else "",
                "errors": (errors or {}) if is_failed else {},
                "posted": posted if is_failed else None,
            }
        )
    return render(
        request,
        "review/session.html",
        {
            "session": session,
            "call": session.call,
            "members": list(session.members.order_by("full_name", "email")),
            "items": items,
            "staff": staff,
            "member": member,
            "open": session.closed_at is None,
            "outcomes": OUTCOME_CHOICES,
            "minutes": _minutes(session),
            "close_error": error if failed == "close" else "",
            "undecided": sum(1 for d in decisions if not d.outcome),
            "budget_left": board.agenda_budget(session.call) if staff else None,
        },
        status=status,
    )


@login_required
@require_safe
def session_list(request):
    """The board sessions a member sits on (every session for the Fund's operators)."""
    from innocluster.accounts.choices import PlatformRole

    from .models import BoardSession

    staff = is_fund_staff(request.user)
    if not staff and request.user.platform_role != PlatformRole.BOARD_MEMBER:
        raise Http404
    sessions = BoardSession.objects.select_related("call").order_by("-held_on", "-created_at")
    if not staff:
        sessions = sessions.filter(members=request.user)
    return render(
        request, "review/sessions.html", {"sessions": list(sessions[:200]), "staff": staff}
    )


@login_required
@require_safe
def session_page(request, session_id):
    return _page(request, _session(request, session_id))


@login_required
@require_safe
def item_page(request, session_id, decision_id):
    """One agenda item: the application as submitted and its experts' reviews (unnamed), for
    the members to read before they vote."""
    from innocluster.programmes.services import snapshot

    from .models import Review
    from .views import labelled, review_tables

    session = _session(request, session_id)
    decision = _decision(session, decision_id)
    application = decision.application
    reviews = Review.objects.filter(
        assignment__application=application, submitted_at__isnull=False
    ).order_by("submitted_at", "id")
    return render(
        request,
        "review/item.html",
        {
            "session": session,
            "decision": decision,
            "application": application,
            "data": labelled(snapshot(application)),
            "reviews": review_tables(list(session.call.criteria.all()), reviews),
        },
    )


@login_required
@require_POST
def vote(request, session_id, decision_id):
    session = _session(request, session_id)
    decision = _decision(session, decision_id)
    try:
        board.cast_vote(decision, member=request.user, vote=request.POST.get("vote", ""))
    except DomainError as exc:
        return _page(
            request, session, status=exc.status, failed=decision.pk, error=str(exc.message)
        )
    messages.success(request, _("Your vote is recorded."))
    return redirect("review:session", session_id=session.pk)


@login_required
@require_POST
def decide(request, session_id, decision_id):
    session = _session(request, session_id)
    decision = _decision(session, decision_id)
    try:
        board.record_decision(
            decision,
            outcome=request.POST.get("outcome", ""),
            grant_rub=request.POST.get("grant_rub", ""),
            reasons=request.POST.get("reasons", ""),
            actor=request.user,
        )
    except DomainError as exc:
        return _page(
            request,
            session,
            status=exc.status,
            failed=decision.pk,
            error=str(exc.message),
            errors={e.field: str(e.message) for e in exc.errors},
            posted=request.POST,
        )
    messages.success(request, _("The decision is recorded and the applicant is told."))
    return redirect("review:session", session_id=session.pk)


@login_required
@require_POST
def withdraw(request, session_id, decision_id):
    session = _session(request, session_id)
    decision = _decision(session, decision_id)
    try:
        board.withdraw_item(decision, actor=request.user)
    except DomainError as exc:
        return _page(
            request, session, status=exc.status, failed=decision.pk, error=str(exc.message)
        )
    messages.success(request, _("The application is taken off the agenda."))
    return redirect("review:session", session_id=session.pk)


@login_required
@require_POST
def close(request, session_id):
    session = _session(request, session_id)
    try:
        board.close_session(session, actor=request.user)
    except DomainError as exc:
        return _page(request, session, status=exc.status, failed="close", error=str(exc.message))
    messages.success(request, _("The session is closed; the minutes are sent to the members."))
    return redirect("review:session", session_id=session.pk)
