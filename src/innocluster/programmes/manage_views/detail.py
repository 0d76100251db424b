"""The operator's view of one application: everything it holds, its documents, reviews and
history, the workflow moves the operator may make now, and its full file as one PDF."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.audit import history_of, record_export
from innocluster.core.errors import DomainError
from innocluster.core.views import fund_staff_only
from innocluster.portal.forms import add_domain_error

from .. import full_file, workflows
from ..choices import ApplicationState
from ..permissions import may_manage_calls
from ..selectors import area_labels, innovation_type_labels, money
from .common import TEMPLATES, get_application
from .forms import MoveForm

HISTORY_LIMIT = 200
# Moves the projects app makes with its own documents (the agreement, the termination): offered
# on the project's page and by the "prepare" button here, never as a bare state change.
PROJECT_ACTIONS = frozenset({"prepare_agreement", "terminate"})


def _moves(user, application):
    """The moves the operator may make now, and those from this state that are blocked now
    (with why), so the page says why a button is missing."""
    available, blocked = [], []
    for transition in workflows.TRANSITIONS:
        if transition.source != application.state or transition.permission is not may_manage_calls:
            continue
        if transition.action in PROJECT_ACTIONS:
            continue
        allowed, why = workflows.can_do(user, application, transition.action)
        target = ApplicationState(transition.target).label
        item = {"transition": transition, "target_label": target, "why": why}
        (available if allowed else blocked).append(item)
    return available, blocked


def _context(request, application, move_form=None, failed_action=""):
    from innocluster.documents.selectors import documents_linked_to
    from innocluster.review.scoring import visible_reviews

    budget = list(application.budget_lines.all())
    grant = sum((line.grant_rub for line in budget), Decimal(0))
    cofinancing = sum((line.cofinancing_rub for line in budget), Decimal(0))
    available, blocked = _moves(request.user, application)
    criteria = list(application.call.criteria.all())
    reviews = list(visible_reviews(request.user, application).select_related("assignment__expert"))
    for review in reviews:
        review.rows = [
            (c.name, review.scores.get(c.code), (review.comments or {}).get(c.code, ""))
            for c in criteria
        ]
        review.overall = (review.comments or {}).get("", "")
    return {
        "application": application,
        "call": application.call,
        "members": application.members.select_related("organisation").order_by(
            "role", "invited_at"
        ),
        "budget": budget,
        "grant": money(grant),
        "cofinancing": money(cofinancing),
        "milestones": application.milestones.all(),
        "kpis": application.kpi_targets.all(),
        "attachments": application.attachments.all(),
        "documents": documents_linked_to(application)
        .select_related("current_version")
        .order_by("created_at"),
        "reviews": reviews,
        "events": list(history_of(application)[:HISTORY_LIMIT]),
        "area": ", ".join(area_labels([application.priority_area]))
        if application.priority_area
        else "",
        "innovation_type": ", ".join(innovation_type_labels([application.innovation_type]))
        if application.innovation_type
        else "",
        "answers": sorted((application.answers or {}).items()),
        "moves": available,
        "blocked": blocked,
        "move_form": move_form or MoveForm(),
        "failed_action": failed_action,
        # The projects app builds the agreement from an approved application.
        "prepare_agreement_url": reverse("projects:prepare", args=[application.pk])
        if application.state == ApplicationState.APPROVED
        else "",
        "project_url": _project_url(application),
    }


def _project_url(application) -> str:
    from innocluster.projects.models import Project

    project_id = Project.objects.filter(application=application).values_list("pk", flat=True)
    found = project_id.first()
    return reverse("projects:detail", args=[found]) if found else ""


@require_safe
@fund_staff_only
def application_detail(request, application_id):
    application = get_application(application_id)
    return render(request, TEMPLATES + "detail.html", _context(request, application))


@require_POST
@fund_staff_only
def application_move(request, application_id):
    """One workflow move (services.move); a refusal is shown next to the form, nothing changes."""
    from ..services import move

    application = get_application(application_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        context = _context(request, application, form, request.POST.get("action", ""))
        return render(request, TEMPLATES + "detail.html", context, status=422)
    action = form.cleaned_data["action"]
    try:
        move(application, action, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        add_domain_error(form, error)
        application = get_application(application_id)  # as it is: unchanged
        context = _context(request, application, form, action)
        return render(request, TEMPLATES + "detail.html", context, status=error.status)
    messages.success(
        request,
        _("The application is now: %(state)s.")
        % {"state": ApplicationState(application.state).label},
    )
    return redirect("manage_applications:detail", application_id=application.pk)


@require_safe
@fund_staff_only
def application_file(request, application_id):
    """The application's full file as one PDF (full_file.build); the download is recorded."""
    application = get_application(application_id)
    pdf = full_file.build(application, request.user)
    record_export(
        actor=request.user,
        kind="application.full_file",
        params={"application": str(application.pk)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = (application.number or str(application.pk)).replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="application-{name}.pdf"'
    return response
