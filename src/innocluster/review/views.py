"""Experts' pages (mounted at /review/): their assignments, and one assignment: the application
as an expert may see it, the scoring form, declining, declaring a conflict, and after their
own submission the other reviews ``scoring.visible_reviews`` allows.

An expert sees only their own assignments: anyone else's answers 404. No page shows an
application's state or the board's outcome to an expert.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innocluster.core.errors import DomainError
from innocluster.portal.forms import place_errors

from . import selectors, services
from .choices import AssignmentStatus
from .forms import ConflictForm, DeclineForm
from .permissions import expert_of
from .scoring import SCORING_STATES, save_review, visible_reviews


def field_errors(exc: DomainError) -> dict:
    """{field: message} of a refusal, for the template to put next to each field."""
    return {e.field: str(e.message) for e in exc.errors}


@login_required
@require_safe
def my_assignments(request):
    """The expert's assignments: to do, submitted, declined."""
    expert = expert_of(request.user)
    groups = {status: [] for status in AssignmentStatus.values}
    if expert is not None:
        for assignment in selectors.my_assignments(request.user):
            groups[assignment.status].append(assignment)
    return render(
        request,
        "review/my_assignments.html",
        {
            "expert": expert,
            "todo": groups[AssignmentStatus.ASSIGNED],
            "submitted": groups[AssignmentStatus.SUBMITTED],
            "declined": groups[AssignmentStatus.DECLINED],
        },
    )


def _assignment(request, assignment_id):
    assignment = selectors.assignment_for(request.user, assignment_id)
    if assignment is None:
        raise Http404
    return assignment


def review_tables(criteria, reviews) -> list[dict]:
    """Reviews as tables of criterion, score and comment (the experts are not named)."""
    return [
        {
            "total": r.total,
            "overall": (r.comments or {}).get("", ""),
            "rows": [
                {
                    "name": c.name,
                    "score": (r.scores or {}).get(c.code),
                    "comment": (r.comments or {}).get(c.code, ""),
                }
                for c in criteria
            ],
        }
        for r in reviews
    ]


def _criteria_rows(criteria, review, posted=None, errors=None):
    """Each criterion with its value and comment (as posted, else as saved) and its errors."""
    errors = errors or {}
    scores = review.scores if review else {}
    comments = review.comments if review else {}
    rows = []
    for criterion in criteria:
        code = criterion.code
        if posted is not None:
            score = posted.get(f"score-{code}", "")
            comment = posted.get(f"comment-{code}", "")
        else:
            score = scores.get(code, "")
            comment = comments.get(code, "")
        rows.append(
            {
                "criterion": criterion,
                "score": score,
                "comment": comment,
                "score_error": errors.get(f"scores.{code}", ""),
                "comment_error": errors.get(f"comments.{code}", ""),
            }
        )
    return rows


def labelled(data: dict) -> dict:
    """The snapshot's codes as people read them (area, innovation type, categories, KPIs)."""
    from innocluster.programmes.choices import CostCategory, InnovationType, KpiCode
    from innocluster.registry.models import PriorityArea

    def label(choices, code):
        return choices(code).label if code in choices.values else code

    area = PriorityArea.objects.filter(code=data.get("priority_area") or "").first()
    return {
        **data,
        "priority_area": area.name if area else data.get("priority_area"),
        "innovation_type": label(InnovationType, data.get("innovation_type")),
        "budget": [
            {**line, "category": label(CostCategory, line["category"])}
            for line in data.get("budget", [])
        ],
        "kpi_targets": [
            {**t, "kpi": label(KpiCode, t["kpi"])} for t in data.get("kpi_targets", [])
        ],
    }


def _detail(request, assignment, *, status=200, posted=None, errors=None, message="", **forms):
    from innocluster.programmes.services import snapshot

    application = assignment.application
    review = getattr(assignment, "review", None)  # None before the first save
    criteria = list(application.call.criteria.all())
    errors = errors or {}
    others = []
    if assignment.status == AssignmentStatus.SUBMITTED:
        others = review_tables(
            criteria,
            [
                r
                for r in visible_reviews(request.user, application)
                if r.assignment_id != assignment.pk and r.submitted_at is not None
            ],
        )
    may_score = (
        assignment.status == AssignmentStatus.ASSIGNED and application.state in SCORING_STATES
    )
    overall = (
        posted.get("comment-overall", "")
        if posted is not None
        else ((review.comments or {}).get("", "") if review else "")
    )
    return render(
        request,
        "review/assignment.html",
        {
            "assignment": assignment,
            "application": application,
            "data": labelled(snapshot(application)),
            "review": review,
            "criteria_rows": _criteria_rows(criteria, review, posted, errors),
            "overall_comment": overall,
            "overall_error": errors.get("comments", ""),
            "errors": errors,
            "message": message,
            "may_score": may_score,
            "may_answer": assignment.status == AssignmentStatus.ASSIGNED,
            "others": others,
            "decline_form": forms.get("decline_form") or DeclineForm(),
            "conflict_form": forms.get("conflict_form")
            or ConflictForm(prefix="conflict", organisations=_consortium(application)),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignment_detail(request, assignment_id):
    """The application as the expert may see it and the scoring form (save a draft, submit)."""
    assignment = _assignment(request, assignment_id)
    if request.method != "POST":
        return _detail(request, assignment)
    submit = request.POST.get("action") == "submit"
    criteria = list(assignment.application.call.criteria.all())
    scores = {c.code: request.POST.get(f"score-{c.code}", "") for c in criteria}
    comments = {c.code: request.POST.get(f"comment-{c.code}", "") for c in criteria}
    comments[""] = request.POST.get("comment-overall", "")
    try:
        save_review(assignment, actor=request.user, scores=scores, comments=comments, submit=submit)
    except DomainError as exc:
        return _detail(
            request,
            assignment,
            status=exc.status,
            posted=request.POST,
            errors=field_errors(exc),
            message=str(exc.message),
        )
    messages.success(
        request, _("Your review is submitted.") if submit else _("Your draft is saved.")
    )
    return redirect("review:assignment", assignment_id=assignment.pk)


@login_required
@require_POST
def decline(request, assignment_id):
    """The expert declines with a reason (conflict, capacity, other)."""
    assignment = _assignment(request, assignment_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_assignment(
                assignment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, _("You declined this application."))
            return redirect("review:mine")
    return _detail(request, assignment, status=422, decline_form=form)


def _consortium(application) -> list:
    """The organisations of the application's consortium (a conflict may name one of them)."""
    from innocluster.programmes.choices import ParticipationStatus
    from innocluster.registry.models import Organisation

    return list(
        Organisation.objects.filter(
            pk__in=application.members.exclude(status=ParticipationStatus.DECLINED).values(
                "organisation_id"
            )
        ).order_by("name_ru", "id")
    )


@login_required
@require_POST
def declare_conflict(request, assignment_id):
    """The expert declares a conflict of interest with the application (withdrawn from it)."""
    assignment = _assignment(request, assignment_id)
    organisations = _consortium(assignment.application)
    form = ConflictForm(request.POST, prefix="conflict", organisations=organisations)
    if form.is_valid():
        chosen = form.cleaned_data["organisation"]
        organisation = next((o for o in organisations if str(o.pk) == chosen), None)
        try:
            services.declare_conflict(
                assignment.expert,
                application=None if organisation else assignment.application,
                organisation=organisation,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            place_errors(form, exc)
        else:
            messages.success(
                request, _("Your conflict of interest is recorded; you are withdrawn from it.")
            )
            return redirect("review:mine")
    return _detail(request, assignment, status=422, conflict_form=form)
