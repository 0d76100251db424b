"""Project pages (mounted at /projects/): the list, a project's page with the actions its viewer
may take now, the milestone report form, and the POST endpoints of each action.

Thin, as everywhere: parse with a form, call one service, render. A project the user may not
see answers 404; a refused action shows the page again with the reason next to the field, and
nothing has changed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innocluster.core.audit import history_of
from innocluster.core.errors import DomainError
from innocluster.core.views import signed_in
from innocluster.portal.forms import place_errors
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application

from . import exports, selectors, services
from .choices import HISTORY_LABELS, AgreementKind, AgreementState, ReportState, TrancheState
from .forms import (
    EvidenceForm,
    PaymentForm,
    ProjectFilterForm,
    ReasonForm,
    ReportForm,
    SupplementaryForm,
)
from .models import ReportEvidence
from .permissions import may_operate, may_report

PAGE_SIZE = 50


# --- the list ----------------------------------------------------------------------------------


@require_safe
@signed_in
def project_list(request):
    """The projects the user may see (the Fund's staff: all), filtered by state, call and
    overdue reports, each with the days its oldest overdue report is late."""
    form, projects = _filtered(request)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [p.pk for p in page.object_list]
    late = selectors.overdue_days_by_project(ids)
    waiting = exports.awaiting_by_project(ids)
    rows = [
        {"project": p, "late": late.get(p.pk, 0), "waiting": waiting.get(p.pk, 0)}
        for p in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/list.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page,
            "query": query.urlencode(),
            "is_operator": request.user.is_fund_staff,
        },
    )


def _filtered(request):
    """The list's filter form and the projects it selects (all the user's when it is invalid:
    the form shows why)."""
    form = ProjectFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.projects_for(
        request.user,
        state=filters.get("state") or "",
        overdue=bool(filters.get("overdue")),
        call=filters.get("call") or "",
        awaiting=bool(filters.get("awaiting")),
    )
    return form, projects


@require_safe
@signed_in
def project_export(request, fmt: str):
    """The filtered list as CSV (UTF-8 with BOM, semicolons) or XLSX; the download is
    recorded (who, which filters)."""
    from django.http import FileResponse

    from innocluster.core.audit import record_export

    form, projects = _filtered(request)
    params = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    record_export(actor=request.user, kind=f"projects.{fmt}", params=params)
    if fmt == "xlsx":
        return FileResponse(
            exports.xlsx_file(projects),
            as_attachment=True,
            filename=exports.filename("xlsx"),
            content_type=exports.XLSX_MEDIA_TYPE,
        )
    response = HttpResponse(exports.csv_bytes(projects), content_type=exports.CSV_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


# --- a project's page --------------------------------------------------------------------------


def _project(request, project_id):
    return selectors.project_for(request.user, project_id)


def _agreements(project) -> list[dict]:
    from innocluster.documents.models import Document

    agreements = sorted(project.agreements.all(), key=lambda a: (a.sequence, a.created_at))
    ids = [a.document_id for a in agreements if a.document_id]
    numbers = dict(Document.objects.filter(pk__in=ids).values_list("pk", "registration_number"))
    return [{"agreement": a, "number": numbers.get(a.document_id, "")} for a in agreements]


def _operator_actions(user, project) -> dict:
    """The Fund's actions on the project, each ``(allowed, reason)``."""
    allowed, why = may_operate(user)
    state = project.application.state
    agreements = list(project.agreements.all())
    main_refused = state == ApplicationState.AGREEMENT and not any(
        a.kind == AgreementKind.MAIN and a.state != AgreementState.REFUSED for a in agreements
    )
    pending = any(
        a.kind == AgreementKind.SUPPLEMENTARY and a.state == AgreementState.SIGNING
        for a in agreements
    )
    in_implementation = state == ApplicationState.IN_IMPLEMENTATION
    if not allowed:
        supplementary = terminate = (False, why)
    else:
        if not in_implementation:
            supplementary = (False, _("Only a project in implementation can be changed."))
        elif pending:
            supplementary = (False, _("Another supplementary agreement is being signed."))
        else:
            supplementary = (True, "")
        if state in (ApplicationState.AGREEMENT, ApplicationState.IN_IMPLEMENTATION):
            terminate = (True, "")
        else:
            terminate = (False, _("The project has ended."))
    return {
        "reissue": allowed and main_refused,
        "supplementary": supplementary,
        "terminate": terminate,
    }


def _project_page(request, project, *, forms=None, status=200):
    user = request.user
    rows = selectors.milestone_rows(project)
    operator = may_operate(user)[0]
    reporter = may_report(user, project)
    forms = forms or {}
    context = {
        "project": project,
        "application": project.application,
        "rows": rows,
        "agreements": _agreements(project),
        "kpis": selectors.project_kpis(project),
        "history": [
            {"event": e, "label": HISTORY_LABELS.get(e.action, e.action)}
            for e in history_of(project)[:50]
        ],
        "is_operator": operator,
        "may_report": reporter,
        "in_implementation": project.application.state == ApplicationState.IN_IMPLEMENTATION,
        "late_count": sum(1 for r in rows if r["late"]),
        "signing_agreement": next(
            (
                a
                for a in project.agreements.all()
                if a.state == AgreementState.SIGNING and a.document_id
            ),
            None,
        ),
    }
    if operator:
        actions = _operator_actions(user, project)
        context.update(
            {
                "actions": actions,
                "supplementary_form": forms.get("supplementary")
                or SupplementaryForm(tranches=[r["tranche"] for r in rows], prefix="supplementary"),
                "terminate_form": forms.get("terminate") or ReasonForm(prefix="terminate"),
                "payment_forms": {
                    r["tranche"].pk: forms.get(f"pay-{r['tranche'].pk}")
                    or PaymentForm(prefix=f"pay-{r['tranche'].pk}")
                    for r in rows
                    if r["tranche"].state == TrancheState.PAYABLE
                },
            }
        )
        for row in rows:
            row["payment_form"] = context["payment_forms"].get(row["tranche"].pk)
    return render(request, "projects/detail.html", context, status=status)


@require_safe
@signed_in
def project_detail(request, project_id):
    """The project: agreements, milestones with tranches and reports, overdue flags, KPI targets
    against actual values, history, and the actions the viewer may take now."""
    return _project_page(request, _project(request, project_id))


def _safe_back(request, fallback: str) -> str:
    target = request.META.get("HTTP_REFERER") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _refused(request, exc: DomainError, back: str):
    return render(
        request,
        "projects/refused.html",
        {"message": exc.message, "errors": exc.errors, "back": back},
        status=exc.status,
    )


@require_POST
@signed_in
def prepare(request, application_id):
    """Prepare the grant agreement of an approved application (the back office's application
    page posts here); refused: a page saying why."""
    if not request.user.is_fund_staff:
        raise Http404
    application = get_object_or_404(Application, pk=application_id)
    try:
        project = services.prepare_agreement(application, actor=request.user)
    except DomainError as exc:
        return _refused(request, exc, _safe_back(request, "/projects/"))
    messages.success(request, _("The grant agreement is prepared and sent to the lead to sign."))
    return redirect("projects:detail", project_id=project.pk)


def _staff_form(request, project_id, form_name, make_form, action, success):
    """Run a Fund action's form through its service; refused: the project page with the error
    at its field, status 422 (bad input) or the refusal's."""
    if not request.user.is_fund_staff:
        raise Http404
    project = _project(request, project_id)
    form, field_map = make_form(project)
    status = 422
    if form.is_valid():
        try:
            with transaction.atomic():
                action(project, form)
        except DomainError as exc:
            # An action whose field names depend on the input sets its own map on the form.
            place_errors(form, exc, getattr(form, "service_field_map", field_map))
            status = exc.status
        else:
            messages.success(request, success)
            return redirect("projects:detail", project_id=project.pk)
    return _project_page(request, project, forms={form_name: form}, status=status)


@require_POST
@signed_in
def reissue(request, project_id):
    """Issue the grant agreement again after the lead refused it."""
    if not request.user.is_fund_staff:
        raise Http404
    project = _project(request, project_id)
    try:
        services.prepare_agreement(project.application, actor=request.user)
    except DomainError as exc:
        return _refused(request, exc, f"/projects/{project.pk}/")
    messages.success(request, _("The grant agreement is issued again."))
    return redirect("projects:detail", project_id=project.pk)


@require_POST
@signed_in
def supplementary(request, project_id):
    """Propose a supplementary agreement (new due dates and tranche amounts)."""

    def make_form(project):
        tranches = sorted(project.tranches.all(), key=lambda t: t.milestone.number)
        return SupplementaryForm(request.POST, tranches=tranches, prefix="supplementary"), {}

    def action(project, form):
        changes, form.service_field_map = form.changes()
        services.propose_supplementary(
            project, changes, actor=request.user, reason=form.cleaned_data["reason"]
        )

    return _staff_form(
        request,
        project_id,
        "supplementary",
        make_form,
        action,
        _("The supplementary agreement is sent to the lead to sign."),
    )


@require_POST
@signed_in
def terminate(request, project_id):
    """Terminate the project, with reasons."""
    return _staff_form(
        request,
        project_id,
        "terminate",
        lambda project: (ReasonForm(request.POST, prefix="terminate"), {}),
        lambda project, form: services.terminate(
            project, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The project is terminated; the consortium is told why."),
    )


@require_POST
@signed_in
def pay(request, project_id, tranche_id):
    """Record the payment of a payable tranche."""

    def make_form(project):
        return PaymentForm(request.POST, prefix=f"pay-{tranche_id}"), {}

    def action(project, form):
        tranche = next((t for t in project.tranches.all() if t.pk == tranche_id), None)
        if tranche is None:
            raise Http404
        services.record_payment(
            tranche, actor=request.user, reference=form.cleaned_data["reference"]
        )

    return _staff_form(
        request, project_id, f"pay-{tranche_id}", make_form, action, _("The payment is recorded.")
    )


# --- a milestone's report ----------------------------------------------------------------------


def _milestone_row(project, milestone_id) -> dict:
    for row in selectors.milestone_rows(project):
        if row["milestone"].pk == milestone_id:
            return row
    raise Http404


def _report_form_initial(report) -> dict:
    if report is None:
        return {"version": 0}
    initial = {"summary": report.summary, "version": report.version}
    for actual in report.kpi_actuals.all():
        initial[f"kpi_{actual.kpi}"] = actual.value
    return initial


def _report_page(request, project, row, *, forms=None, status=200):
    user = request.user
    report = row["report"]
    forms = forms or {}
    reporter = may_report(user, project)
    operator = may_operate(user)[0]
    in_implementation = project.application.state == ApplicationState.IN_IMPLEMENTATION
    if not reporter[0]:
        # The Fund reads the report; telling it that only the lead reports says nothing new.
        edit = (False, "") if operator else reporter
    elif not in_implementation:
        edit = (False, _("The project is not in implementation."))
    elif report is not None and report.state == ReportState.ACCEPTED:
        edit = (False, _("The report is accepted."))
    elif report is not None and report.state == ReportState.SUBMITTED:
        edit = (False, _("The report is with the Fund."))
    else:
        edit = (True, "")
    decide = (False, "")
    accept_blocked = ""  # why only returning is possible now
    if operator:
        if report is None or report.state != ReportState.SUBMITTED:
            decide = (False, _("Only a submitted report can be accepted or returned."))
        elif report.act_document_id:
            decide = (False, _("The act of acceptance is on its route."))
        else:
            decide = (True, "")
            pending = services.tranche_change_pending(project, row["milestone"].pk)
            accept_blocked = pending.message if pending is not None else ""
    context = {
        "project": project,
        "application": project.application,
        "row": row,
        "milestone": row["milestone"],
        "tranche": row["tranche"],
        "report": report,
        "kpi_rows": [
            {"kpi": a.kpi, "label": a.get_kpi_display(), "value": a.value}
            for a in (report.kpi_actuals.all() if report else [])
        ],
        "edit": edit,
        "decide": decide,
        "accept_blocked": accept_blocked,
        "is_operator": operator,
        "report_form": forms.get("report") or ReportForm(initial=_report_form_initial(report)),
        "evidence_form": forms.get("evidence") or EvidenceForm(),
        "return_form": forms.get("return") or ReasonForm(prefix="return"),
        "accept_form": forms.get("accept"),
    }
    return render(request, "projects/report.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def report(request, project_id, milestone_id):
    """The report on one milestone: the lead's form (save, or save and submit), its evidence,
    and for the Fund accept / return. A stale edit is refused with a clear message."""
    project = _project(request, project_id)
    row = _milestone_row(project, milestone_id)
    if request.method != "POST":
        return _report_page(request, project, row)
    allowed, why = may_report(request.user, project)
    if not allowed:
        raise PermissionDenied(why)  # they see the project, but only the lead reports
    form = ReportForm(request.POST)
    status = 422
    if form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            with transaction.atomic():
                saved = services.save_report(
                    project,
                    row["milestone"],
                    actor=request.user,
                    summary=form.cleaned_data["summary"],
                    kpi_values=form.kpi_values(),
                    expected_version=form.cleaned_data.get("version") or 0,
                )
                if submit:
                    services.submit_report(saved, actor=request.user)
        except DomainError as exc:
            place_errors(form, exc, ReportForm.field_map())
            status = exc.status
        else:
            messages.success(
                request,
                _("The report is submitted to the Fund.") if submit else _("The report is saved."),
            )
            return redirect("projects:report", project_id=project.pk, milestone_id=milestone_id)
    return _report_page(request, project, row, forms={"report": form}, status=status)


@require_POST
@signed_in
def evidence_upload(request, project_id, milestone_id):
    """Attach an evidence file to the report (saved first if it is not started yet)."""
    project = _project(request, project_id)
    row = _milestone_row(project, milestone_id)
    form = EvidenceForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                report = row["report"]
                if report is None:
                    report = services.save_report(
                        project,
                        row["milestone"],
                        actor=request.user,
                        summary="",
                        kpi_values={},
                        expected_version=0,
                    )
                # One byte past the limit at most: the service refuses it as too large.
                content = upload.read(settings.DOCUMENT_MAX_BYTES + 1)
                services.add_evidence(report, upload.name, content, actor=request.user)
        except DomainError as exc:
            place_errors(form, exc, {"filename": "file", "content": "file"})
            status = exc.status
        else:
            messages.success(request, _("The file is attached to the report."))
            return redirect("projects:report", project_id=project.pk, milestone_id=milestone_id)
    return _report_page(request, project, row, forms={"evidence": form}, status=status)


@require_safe
@signed_in
def evidence_download(request, project_id, evidence_id):
    """An evidence file, for whoever may see the project."""
    from innocluster.documents import storage

    project = _project(request, project_id)
    evidence = get_object_or_404(ReportEvidence, pk=evidence_id, report__project=project)
    try:
        data = storage.get(evidence.sha256)
    except storage.ContentCorrupted:  # a missing or damaged stored file is not served
        return HttpResponse(
            _("The stored file is missing or damaged."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type=evidence.media_type)
    response["Content-Disposition"] = _attachment(evidence.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, filename)


def _report_decision(request, project_id, milestone_id, name, form, action, success):
    if not request.user.is_fund_staff:
        raise Http404
    project = _project(request, project_id)
    row = _milestone_row(project, milestone_id)
    status = 422
    if form is None or form.is_valid():
        try:
            if row["report"] is None:
                from innocluster.core.errors import Conflict

                raise Conflict(_("There is no report on this milestone yet."), code="no_report")
            action(row["report"], form)
        except DomainError as exc:
            # Accepting has no fields: a bound empty form carries the refusal to the page.
            form = form or Form(data={})
            place_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, success)
            return redirect("projects:report", project_id=project.pk, milestone_id=milestone_id)
    return _report_page(request, project, row, forms={name: form}, status=status)


@require_POST
@signed_in
def accept(request, project_id, milestone_id):
    """Accept the report: the act of acceptance goes to the Fund's signatory."""
    return _report_decision(
        request,
        project_id,
        milestone_id,
        "accept",
        None,
        lambda report, form: services.accept_report(report, actor=request.user),
        _("The act of acceptance is sent to the Fund's signatory."),
    )


@require_POST
@signed_in
def return_report(request, project_id, milestone_id):
    """Return the report to the lead, with reasons."""
    return _report_decision(
        request,
        project_id,
        milestone_id,
        "return",
        ReasonForm(request.POST, prefix="return"),
        lambda report, form: services.return_report(
            report, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The report is returned to the lead."),
    )
