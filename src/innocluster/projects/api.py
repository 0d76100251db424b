"""Projects endpoints: the caller's projects, one project (agreements, tranches, reports, KPI
targets against actual values), saving and submitting a milestone report, and the Fund's
accept / return.

A person signed in, or an organisation's API token (scope ``read``) reading its consortia's
projects; the Fund's staff see every project. A project the caller may not see answers 404.
Writes are people's only (the lead's people report; the Fund's staff accept and return).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja.files import UploadedFile

from innocluster.api.auth import ANY_AUTH, caller_person, caller_with_scope, found
from innocluster.api.schemas import ERRORS, require_json_object
from innocluster.core.errors import Conflict, FieldError, NotFound, NotPermitted, ValidationFailed

from . import selectors, services
from .schemas import (
    ActOut,
    AgreementPrepareIn,
    PaymentIn,
    ProjectDetailOut,
    ProjectPage,
    ProjectQuery,
    ProjectReasonIn,
    ReportIn,
    ReportOut,
    TrancheOut,
)

router = Router(tags=["projects"])
STATES = {s.value for s in selectors.PROJECT_STATES}


def _local(moment):
    return timezone.localtime(moment) if moment else None


def project_out(project, overdue_days: int = 0) -> dict:
    application = project.application
    return {
        "id": project.pk,
        "application": application.pk,
        "number": application.number,
        "title": application.title,
        "state": application.state,
        "call": application.call.code,
        "lead": {
            "id": str(application.lead_id),
            "name": application.lead.name_ru,
            "inn": application.lead.inn,
        },
        "grant_rub": project.grant_rub,
        "cofinancing_rub": project.cofinancing_rub,
        "started_on": project.started_on,
        "completed_at": _local(project.completed_at),
        "terminated_at": _local(project.terminated_at),
        "overdue_days": overdue_days,
        "url": f"/api/v1/projects/{project.pk}",
    }


def report_out(report) -> dict:
    return {
        "id": report.pk,
        "milestone": report.milestone_id,
        "is_final": report.is_final,
        "state": report.state,
        "summary": report.summary,
        "kpi_values": {a.kpi: a.value for a in report.kpi_actuals.all()},
        "version": report.version,
        "submitted_at": _local(report.submitted_at),
        "accepted_at": _local(report.accepted_at),
        "return_reason": report.return_reason,
        "act_document": report.act_document_id,
        "evidence": [
            {"id": str(e.pk), "filename": e.filename, "sha256": e.sha256, "size": e.size}
            for e in report.evidence.all()
        ],
    }


@router.get(
    "/projects",
    response={200: ProjectPage, **ERRORS},
    auth=ANY_AUTH,
    summary="Projects the caller may see, filtered",
)
def list_projects(request, filters: Query[ProjectQuery]):
    """The caller's projects (the Fund's staff: every one), newest first, filtered by state,
    call and overdue reports, paginated by ``limit``/``offset``."""
    if filters.state and filters.state not in STATES:
        raise ValidationFailed(
            [
                FieldError(
                    "state",
                    _("Give one of: %(states)s.") % {"states": ", ".join(sorted(STATES))},
                    "invalid_choice",
                )
            ]
        )
    projects = selectors.projects_for(
        caller_with_scope(request, "read"),
        state=filters.state,
        overdue=filters.overdue,
        call=filters.call,
        awaiting=filters.awaiting,
    )
    count = projects.count()
    page = list(projects[filters.offset : filters.offset + filters.limit])
    late = selectors.overdue_days_by_project([p.pk for p in page])
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [project_out(p, late.get(p.pk, 0)) for p in page],
    }


def _found(request, project_id):
    return found(selectors.find_project(caller_with_scope(request, "read"), project_id))


def _detail(project) -> dict:
    rows = selectors.milestone_rows(project)
    data = project_out(project, max((r["late"] for r in rows), default=0))
    data.update(
        {
            "termination_reason": project.termination_reason,
            "agreements": [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    "sequence": a.sequence,
                    "state": a.state,
                    "document": a.document_id,
                    "changes": a.changes or {},
                    "reason": a.reason,
                    "signed_at": _local(a.signed_at),
                }
                for a in sorted(project.agreements.all(), key=lambda a: (a.sequence, a.created_at))
            ],
            "tranches": [
                {
                    "id": r["tranche"].pk,
                    "milestone": r["milestone"].pk,
                    "milestone_number": r["milestone"].number,
                    "amount_rub": r["tranche"].amount_rub,
                    "due_on": r["tranche"].due_on,
                    "state": r["tranche"].state,
                    "paid_at": _local(r["tranche"].paid_at),
                    "payment_reference": r["tranche"].payment_reference,
                    "overdue_days": r["late"],
                }
                for r in rows
            ],
            "reports": [report_out(r["report"]) for r in rows if r["report"] is not None],
            "kpis": [
                {"kpi": k["kpi"], "target": k["target"], "actual": k["actual"]}
                for k in selectors.project_kpis(project)
            ],
        }
    )
    return data


@router.get(
    "/projects/{project_id}",
    response={200: ProjectDetailOut, **ERRORS},
    auth=ANY_AUTH,
    summary="One project: agreements, tranches, reports and KPIs",
)
def get_project(request, project_id: uuid.UUID):
    return _detail(_found(request, project_id))


def _report_of(project, milestone_id):
    for report in project.reports.all():
        if report.milestone_id == milestone_id:
            return report
    return None


def _milestone(project, milestone_id):
    for tranche in project.tranches.all():
        if tranche.milestone_id == milestone_id:
            return tranche.milestone
    raise NotFound()


@router.post(
    "/projects/{project_id}/reports/{milestone_id}",
    response={200: ReportOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Save (and optionally submit) the report on a milestone (the lead's people)",
)
def save_report(request, project_id: uuid.UUID, milestone_id: uuid.UUID, payload: ReportIn):
    """Saves the report whole against ``expected_version`` (0 for a new one): a stale version is
    refused with 409 ``stale_version``; bad KPI values with 422 naming ``kpi_values.<code>``; a
    body that is not a JSON object with 422 naming ``body``.
    With ``submit`` the report also goes to the Fund (both or neither)."""
    user = caller_person(request)
    require_json_object(request)
    project = _found(request, project_id)
    milestone = _milestone(project, milestone_id)
    with transaction.atomic():
        report = services.save_report(
            project,
            milestone,
            actor=user,
            summary=payload.summary,
            kpi_values=payload.kpi_values,
            expected_version=payload.expected_version,
        )
        if payload.submit:
            services.submit_report(report, actor=user)
    project = _found(request, project_id)
    return report_out(_report_of(project, milestone_id))


def _staff(request):
    user = caller_person(request)
    if not user.is_fund_staff:
        raise NotPermitted(_("Only the Fund's operators may do this."))
    return user


def _submitted_report(project, milestone_id):
    report = _report_of(project, milestone_id)
    if report is None:
        raise Conflict(_("There is no report on this milestone yet."), code="no_report")
    return report


@router.post(
    "/projects/{project_id}/reports/{milestone_id}/accept",
    response={200: ActOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Accept a submitted report: the act of acceptance goes to the Fund's signatory",
)
def accept_report(request, project_id: uuid.UUID, milestone_id: uuid.UUID):
    user = _staff(request)
    project = _found(request, project_id)
    act = services.accept_report(_submitted_report(project, milestone_id), actor=user)
    project = _found(request, project_id)
    return {
        "report": report_out(_report_of(project, milestone_id)),
        "act_document": act.pk,
        "registration_number": act.registration_number,
    }


@router.post(
    "/projects/{project_id}/reports/{milestone_id}/return",
    response={200: ReportOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Return a submitted report to the lead, with reasons",
)
def return_report(
    request, project_id: uuid.UUID, milestone_id: uuid.UUID, payload: ProjectReasonIn
):
    user = _staff(request)
    project = _found(request, project_id)
    services.return_report(
        _submitted_report(project, milestone_id), actor=user, reason=payload.reason
    )
    project = _found(request, project_id)
    return report_out(_report_of(project, milestone_id))


@router.post(
    "/projects",
    response={201: ProjectDetailOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Prepare the grant agreement of an approved application (the Fund's staff)",
)
def prepare_project(request, payload: AgreementPrepareIn):
    """Creates the project and its tranches and sends the grant agreement to the lead's
    signatory, then the Fund; 409 ``not_approved`` for an application in another state."""
    from innocluster.programmes.models import Application

    user = _staff(request)
    application = found(Application.objects.filter(pk=payload.application).first())
    project = services.prepare_agreement(application, actor=user)
    return 201, _detail(_found(request, project.pk))


@router.post(
    "/projects/{project_id}/reports/{milestone_id}/evidence",
    response={201: ReportOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Attach an evidence file to the report on a milestone (multipart; the lead's people)",
)
def add_evidence(request, project_id: uuid.UUID, milestone_id: uuid.UUID, file: File[UploadedFile]):
    """The report is started (empty) if it is not yet; a file on a submitted or accepted report
    is refused with 409."""
    user = caller_person(request)
    project = _found(request, project_id)
    milestone = _milestone(project, milestone_id)
    with transaction.atomic():
        report = _report_of(project, milestone_id)
        if report is None:
            report = services.save_report(
                project, milestone, actor=user, summary="", kpi_values={}, expected_version=0
            )
        # One byte past the limit at most: the service refuses it as too large.
        content = file.read(settings.DOCUMENT_MAX_BYTES + 1)
        services.add_evidence(report, file.name or "", content, actor=user)
    return 201, report_out(_report_of(_found(request, project_id), milestone_id))


@router.post(
    "/projects/{project_id}/tranches/{tranche_id}/payment",
    response={200: TrancheOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Record the payment of a payable tranche (the Fund's staff)",
)
def record_payment(request, project_id: uuid.UUID, tranche_id: uuid.UUID, payload: PaymentIn):
    user = _staff(request)
    project = _found(request, project_id)
    tranche = found(next((t for t in project.tranches.all() if t.pk == tranche_id), None))
    services.record_payment(tranche, actor=user, reference=payload.reference)
    detail = _detail(_found(request, project_id))
    return next(t for t in detail["tranches"] if t["id"] == tranche_id)


@router.post(
    "/projects/{project_id}/terminate",
    response={200: ProjectDetailOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Terminate the project, with reasons (the Fund's staff)",
)
def terminate_project(request, project_id: uuid.UUID, payload: ProjectReasonIn):
    user = _staff(request)
    project = _found(request, project_id)
    services.terminate(project, actor=user, reason=payload.reason)
    return _detail(_found(request, project_id))
