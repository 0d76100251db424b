"""The Fund's operators' review pages (mounted at /review/calls/<code>/): each application's
experts and review states, automatic and manual assignment, sending reviewed applications to
the board, the ranking with the funding line, and convening a board session.

Everyone but the Fund's operators gets 404. A refused action re-renders the page with the
reason next to the form, and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.errors import DomainError
from innocluster.programmes.choices import ApplicationState

from . import board, selectors, services
from .assignment import assign_automatically
from .choices import AssignmentStatus
from .forms import AssignForm, SessionForm
from .models import Assignment, Expert
from .ranking import funding_line, rank_call
from .sending import send_to_board

PAGE_SIZE = 50
OVERVIEW_STATES = (ApplicationState.IN_REVIEW, ApplicationState.BOARD)


def _call(request, code):
    call = selectors.staff_call(request.user, code)
    if call is None:
        raise Http404
    return call


def _active_experts():
    return Expert.objects.filter(active=True).select_related("user").order_by("created_at", "pk")


def _rows(applications, needed: int) -> list[dict]:
    rows = []
    for application in applications:
        team = application.review_team
        active = [a for a in team if a.status != AssignmentStatus.DECLINED]
        submitted = [a for a in team if a.status == AssignmentStatus.SUBMITTED]
        rows.append(
            {
                "application": application,
                "team": team,
                "short": len(active) < needed,
                "complete": bool(active) and len(submitted) == len(active),
                "submitted": len(submitted),
                "active": len(active),
            }
        )
    return rows


def _overview(request, call, *, status=200, assign_form=None, assign_error="", **extra):
    paginator = Paginator(selectors.review_rows(call, states=OVERVIEW_STATES), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    in_review = list(
        call.applications.filter(state=ApplicationState.IN_REVIEW).order_by("number", "id")
    )
    experts = list(_active_experts())
    context = {
        "call": call,
        "page": page,
        "rows": _rows(page.object_list, call.reviewers_per_application),
        "assign_form": assign_form or AssignForm(applications=in_review, experts=experts),
        "assign_error": assign_error,
        "sessions": list(call.board_sessions.order_by("-held_on", "-created_at")),
        "in_review": len(in_review),
    }
    context.update(extra)
    return render(request, "review/call.html", context, status=status)


@login_required
@require_safe
def call_index(request):
    """The calls with applications in review, before the board or decided, with their counts
    (one query)."""
    from django.db.models import Count, Q

    from innocluster.programmes.models import Call
    from innocluster.programmes.permissions import is_fund_staff

    if not is_fund_staff(request.user):
        raise Http404
    states = [ApplicationState.IN_REVIEW, ApplicationState.BOARD]
    decided = [ApplicationState.APPROVED, ApplicationState.REJECTED, ApplicationState.WAITLISTED]
    calls = (
        Call.objects.annotate(
            in_review=Count("applications", filter=Q(applications__state=states[0])),
            board=Count("applications", filter=Q(applications__state=states[1])),
            decided=Count("applications", filter=Q(applications__state__in=decided)),
        )
        .filter(Q(in_review__gt=0) | Q(board__gt=0) | Q(decided__gt=0))
        .order_by("-deadline", "code")
    )
    return render(request, "review/calls.html", {"calls": list(calls[:200])})


@login_required
@require_safe
def call_overview(request, code):
    """Per application its experts and review states; the short ones flagged."""
    return _overview(request, _call(request, code))


@login_required
@require_POST
def run_assignment(request, code):
    """Run the automatic assignment and show its report."""
    call = _call(request, code)
    report = assign_automatically(call, actor=request.user)
    return _overview(request, call, report=report)


@login_required
@require_POST
def assign(request, code):
    """Assign one expert by hand; a conflicted expert is refused with the reason shown."""
    call = _call(request, code)
    in_review = list(
        call.applications.filter(state=ApplicationState.IN_REVIEW).order_by("number", "id")
    )
    form = AssignForm(request.POST, applications=in_review, experts=list(_active_experts()))
    if not form.is_valid():
        return _overview(request, call, status=422, assign_form=form)
    application = next(a for a in in_review if str(a.pk) == form.cleaned_data["application"])
    expert = Expert.objects.get(pk=form.cleaned_data["expert"])
    try:
        services.assign_expert(application, expert, actor=request.user)
    except DomainError as exc:
        form.add_error("expert", str(exc.message))
        return _overview(
            request, call, status=exc.status, assign_form=form, assign_error=str(exc.message)
        )
    messages.success(
        request,
        _("%(expert)s is assigned to %(number)s.")
        % {"expert": expert.user, "number": application.number},
    )
    return redirect("review:call", code=call.code)


@login_required
@require_POST
def unassign(request, code, assignment_id):
    call = _call(request, code)
    assignment = Assignment.objects.filter(pk=assignment_id, application__call=call).first()
    if assignment is None:
        raise Http404
    try:
        services.unassign(assignment, actor=request.user)
    except DomainError as exc:
        return _overview(request, call, status=exc.status, action_error=str(exc.message))
    messages.success(request, _("The assignment is withdrawn."))
    return redirect("review:call", code=call.code)


@login_required
@require_POST
def send_board(request, code):
    """Send one application (``application``) or every reviewed one to the board."""
    call = _call(request, code)
    chosen = request.POST.get("application")
    only = None
    if chosen:
        only = list(
            call.applications.filter(pk__in=[chosen] if _is_uuid(chosen) else []).values_list(
                "pk", flat=True
            )
        )
    report = send_to_board(call, actor=request.user, applications=only)
    return _overview(request, call, send_report=report)


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _ranking_context(call, optimal: bool) -> dict:
    ranking = rank_call(call)
    for entry in ranking.entries:
        entry.state_label = ApplicationState(entry.state).label
    budget = board.agenda_budget(call)
    line = funding_line(ranking, budget, optimal=optimal)
    funded = {e.application_id for e in line.funded}
    return {
        "call": call,
        "ranking": ranking,
        "line": line,
        "funded": funded,
        "optimal": optimal,
        "budget": budget,
        "sessions": list(call.board_sessions.order_by("-held_on", "-created_at")),
        "awaiting_board": sum(1 for e in ranking.entries if e.state == ApplicationState.BOARD),
    }


@login_required
@require_safe
def ranking_page(request, code):
    """The ranking and the funding line: in rank order, or optimal with ``?optimal=1``."""
    call = _call(request, code)
    optimal = request.GET.get("optimal", "") in ("1", "true", "on", "yes")
    context = _ranking_context(call, optimal)
    context["session_form"] = SessionForm(
        initial={"optimal": optimal}, members=selectors.board_members()
    )
    return render(request, "review/ranking.html", context)


@login_required
@require_POST
def create_session(request, code):
    """Convene the board on the ranking's agenda."""
    call = _call(request, code)
    form = SessionForm(request.POST, members=selectors.board_members())
    status = 422
    if form.is_valid():
        try:
            session = board.create_session(
                call,
                held_on=form.cleaned_data["held_on"],
                members=form.cleaned_data["members"],
                actor=request.user,
                optimal=form.cleaned_data["optimal"],
            )
        except DomainError as exc:
            status = exc.status
            for error in exc.errors:
                name = error.field.split("[")[0]
                form.add_error(name if name in form.fields else None, error.message)
            if not exc.errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The board session is convened; its members are told."))
            return redirect(reverse("review:session", args=[session.pk]))
    context = _ranking_context(call, bool(form.data.get("optimal")))
    context["session_form"] = form
    return render(request, "review/ranking.html", context, status=status)
