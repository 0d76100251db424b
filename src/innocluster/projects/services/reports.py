"""Milestone reports: the lead writes and submits them with KPI values and evidence; the Fund
accepts them with a signed act (the tranche becomes payable; the final one completes the
project) or returns them with reasons."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.errors import Conflict, FieldError, ValidationFailed
from innocluster.core.notifications import fund_staff, notify
from innocluster.documents.generation import last_signer, linked_row, refused_by
from innocluster.programmes.choices import KpiCode
from innocluster.programmes.models import Milestone

from ..choices import EDITABLE_REPORT_STATES, ReportState, TrancheState
from ..models import KpiActual, MilestoneReport, Project, ReportEvidence, Tranche
from ..permissions import may_operate, may_report
from .common import (
    _amount,
    _audit,
    _in_implementation,
    _live_project,
    _lock_project,
    _lock_report,
    _permit,
    _text,
    document_url,
    project_url,
)
from .documents import ACT_TEMPLATE, PRINT_LANG, act_context, register_document_templates

SUMMARY_MAX = 10000
KPI_CODES = set(KpiCode.values)
# Indicators that count things: a report gives whole numbers of them.
COUNTED_KPIS = {KpiCode.JOBS, KpiCode.PATENTS, KpiCode.PRODUCTS}


def report_url(report: MilestoneReport) -> str:
    return f"/projects/{report.project_id}/reports/{report.milestone_id}/"


def _stale() -> Conflict:
    return Conflict(
        _(
            "Someone else saved this report meanwhile. Reload the page to see their changes, "
            "then make yours again."
        ),
        code="stale_version",
    )


def _editable(report: MilestoneReport) -> None:
    if report.state == ReportState.ACCEPTED:
        raise Conflict(
            _("The milestone's report is already accepted: it cannot change."),
            code="already_accepted",
        )
    if report.state not in EDITABLE_REPORT_STATES:
        raise Conflict(
            _("The report is with the Fund: it can be changed only if the Fund returns it."),
            code="not_editable",
        )


def _kpi_values(kpi_values) -> tuple[dict, list[FieldError]]:
    """``{code: Decimal}`` from the input; empty values leave a KPI out."""
    errors: list[FieldError] = []
    if kpi_values is None:
        return {}, errors
    if not isinstance(kpi_values, dict):
        return {}, [FieldError("kpi_values", _("Give the values by indicator."), "type")]
    values = {}
    for code, value in kpi_values.items():
        field = f"kpi_values.{code}"
        if code not in KPI_CODES:
            errors.append(
                FieldError(
                    field,
                    _("There is no indicator “%(code)s”.") % {"code": str(code)[:40]},
                    "unknown_kpi",
                )
            )
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        amount = _amount(errors, field, value)
        if amount is not None and code in COUNTED_KPIS and amount != amount.to_integral_value():
            errors.append(FieldError(field, _("Must be a whole number."), "not_whole"))
        elif amount is not None:
            values[code] = amount
    return values, errors


def save_report(
    project: Project,
    milestone: Milestone,
    *,
    actor,
    summary: str,
    kpi_values: dict | None,
    expected_version: int | None,
) -> MilestoneReport:
    """Save the report on ``milestone``: what was done and the KPI values achieved in its
    period (added up over the accepted reports). Saved whole, against the version the editor
    loaded (0 or None for a report not yet started).

    Args:
        project: a project in implementation.
        milestone: one of its milestones without an accepted report.
        actor: a person of the lead (owner, editor, signatory).
        summary: what was done (required to submit, not to save).
        kpi_values: ``{kpi code: value}``; values are non-negative numbers, empty leaves it out.
        expected_version: the report's version the editor loaded.

    Returns:
        The report, ``draft`` (or still ``returned``), its version one higher.

    Raises:
        ValidationFailed (``milestone``, ``summary``, ``kpi_values.<code>``: unknown code,
        not a number, negative), Conflict (``not_in_implementation``, ``already_accepted``,
        ``not_editable``, ``stale_version``), NotPermitted. Nothing changes then.
    """
    _permit(may_report(actor, project))
    errors: list[FieldError] = []
    summary = _text(errors, "summary", summary, required=False, max_length=SUMMARY_MAX)
    values, kpi_errors = _kpi_values(kpi_values)
    errors += kpi_errors
    if getattr(milestone, "application_id", None) != project.application_id:
        errors.insert(
            0, FieldError("milestone", _("The project has no such milestone."), "unknown")
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_project(project)
        _in_implementation(locked)
        report = (
            MilestoneReport.objects.select_for_update()
            .filter(project=locked, milestone=milestone)
            .first()
        )
        if report is None:
            if expected_version not in (None, 0):
                raise _stale()
            last = locked.application.milestones.order_by("-number").values_list("pk", flat=True)
            try:
                with transaction.atomic():
                    report = MilestoneReport.objects.create(
                        project=locked,
                        milestone=milestone,
                        is_final=last.first() == milestone.pk,
                        summary=summary,
                        version=1,
                    )
            except IntegrityError:  # started at the same moment by another editor
                raise _stale() from None
            before = None
        else:
            _editable(report)
            if expected_version != report.version:
                raise _stale()
            before = {
                "version": report.version,
                "summary": report.summary,
                "kpi_values": {a.kpi: a.value for a in report.kpi_actuals.all()},
            }
            report.summary = summary
            report.version += 1
            report.save(update_fields=["summary", "version", "updated_at"])
            report.kpi_actuals.all().delete()
        KpiActual.objects.bulk_create(
            [KpiActual(report=report, kpi=code, value=value) for code, value in values.items()]
        )
        _audit(
            actor,
            "project.report_saved",
            locked,
            before=before,
            after={
                "report": str(report.pk),
                "milestone": str(milestone.pk),
                "version": report.version,
                "kpi_values": values,
            },
        )
    return report


def submit_report(
    report: MilestoneReport, *, actor, expected_version: int | None = None
) -> MilestoneReport:
    """Send the report to the Fund for acceptance; the Fund's staff are notified.

    Returns the report, ``submitted``. Raises ValidationFailed (``summary`` empty), Conflict
    (``not_in_implementation``, ``already_accepted``, ``not_editable``, ``stale_version`` when
    ``expected_version`` is given and differs), NotPermitted.
    """
    _permit(may_report(actor, report.project))
    with transaction.atomic():
        locked = _lock_report(report)
        _in_implementation(locked.project)
        _editable(locked)
        if expected_version is not None and expected_version != locked.version:
            raise _stale()
        if not locked.summary.strip():
            raise ValidationFailed(
                [FieldError("summary", _("Say what was done before submitting."), "required")]
            )
        before = locked.state
        locked.state = ReportState.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.return_reason = ""
        locked.version += 1
        locked.save(
            update_fields=["state", "submitted_at", "return_reason", "version", "updated_at"]
        )
        project = locked.project
        _audit(
            actor,
            "project.report_submitted",
            project,
            before={"report": str(locked.pk), "state": before},
            after={"report": str(locked.pk), "state": locked.state, "version": locked.version},
        )
        notify(
            fund_staff(administrators=True),
            "project.report_submitted",
            gettext_lazy("A milestone report on “%(title)s” waits for acceptance"),
            body=gettext_lazy("Milestone %(number)s: %(milestone)s."),
            params={
                "title": project.application.title,
                "number": locked.milestone.number,
                "milestone": locked.milestone.title,
            },
            url=report_url(locked),
            obj=project,
        )
    _copy(locked, report, "state", "submitted_at", "return_reason", "version")
    return report


def add_evidence(
    report: MilestoneReport, filename: str, content: bytes, *, actor
) -> ReportEvidence:
    """Attach a file backing the report (stored content-addressed in the documents' store).

    Returns the evidence. Raises ValidationFailed (``filename``, ``content``: a bad name,
    empty or larger than DOCUMENT_MAX_BYTES), Conflict (the report is not editable),
    NotPermitted.
    """
    from innocluster.documents import storage

    _permit(may_report(actor, report.project))
    errors: list[FieldError] = []
    name = storage.check_upload(errors, filename, content)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_report(report)
        _in_implementation(locked.project)
        _editable(locked)
        evidence = ReportEvidence.objects.create(
            report=locked, **storage.store_upload(name, content, actor)
        )
        _audit(
            actor,
            "project.evidence_added",
            locked.project,
            after={"report": str(locked.pk), "filename": name, "sha256": evidence.sha256},
        )
    return evidence


def _copy(source, target, *names) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


def tranche_change_pending(project: Project, milestone_id) -> Conflict | None:
    """The refusal to accept the report on a milestone while a supplementary agreement that
    changes its tranche's amount is on its route (once payable, the tranche could no longer
    take the new amount when the agreement is signed), or None."""
    from innocluster.documents.models import Document

    from ..choices import AgreementKind, AgreementState

    key = str(milestone_id)
    for agreement in project.agreements.filter(
        kind=AgreementKind.SUPPLEMENTARY, state=AgreementState.SIGNING
    ).order_by("sequence"):
        changes = agreement.changes.get("milestones", []) if agreement.changes else []
        if any(c.get("id") == key and c.get("tranche_rub") is not None for c in changes):
            number = (
                Document.objects.filter(pk=agreement.document_id)
                .values_list("registration_number", flat=True)
                .first()
            )
            return Conflict(
                _(
                    "Supplementary agreement %(number)s, which changes this milestone's tranche, "
                    "is being signed: accept the report once it is signed or refused."
                )
                % {"number": number or "—"},
                code="tranche_change_pending",
            )
    return None


def accept_report(report: MilestoneReport, *, actor):
    """The Fund accepts a submitted report: the act of acceptance (PDF: the milestone, its
    deliverables, the KPI values, the tranche that becomes payable) is generated and routed to
    the Fund's signatory. When it is signed (:func:`act_signed`) the report is accepted, its
    tranche payable, and a final report completes the project.

    The final report is accepted only after every earlier milestone's report.

    Returns the act (a document, ``sent``). Raises Conflict (``not_submitted``,
    ``act_pending``: an act is already on its route, ``tranche_change_pending``: a
    supplementary agreement changing the milestone's tranche is on its route,
    ``earlier_reports_open``, ``not_in_implementation``), NotPermitted; nothing changes then.
    """
    from innocluster.documents.fund import fund_organisation
    from innocluster.documents.generation import create_from_template
    from innocluster.documents.services import PartySpec, StepSpec

    _permit(may_operate(actor))
    register_document_templates()
    with transaction.atomic():
        locked = _lock_report(report)
        project = locked.project
        _in_implementation(project)
        if locked.state != ReportState.SUBMITTED:
            raise Conflict(
                _("Only a submitted report can be accepted (this one is “%(state)s”).")
                % {"state": ReportState(locked.state).label},
                code="not_submitted",
            )
        if locked.act_document_id is not None:
            raise Conflict(_("The act of acceptance is already on its route."), code="act_pending")
        pending = tranche_change_pending(project, locked.milestone_id)
        if pending is not None:
            raise pending
        if locked.is_final:
            accepted = set(
                MilestoneReport.objects.filter(
                    project=project, state=ReportState.ACCEPTED
                ).values_list("milestone_id", flat=True)
            )
            others = set(
                project.tranches.exclude(milestone=locked.milestone).values_list(
                    "milestone_id", flat=True
                )
            )
            open_reports = others - accepted
            if open_reports:
                raise Conflict(
                    _("The final report is accepted after the reports on every earlier milestone."),
                    code="earlier_reports_open",
                )
        tranche = Tranche.objects.filter(project=project, milestone=locked.milestone).first()
        values = {a.kpi: a.value for a in locked.kpi_actuals.all()}
        fund = fund_organisation()
        application = project.application
        with translation.override(PRINT_LANG):
            title = _("Act of acceptance of milestone %(n)d of the project %(number)s") % {
                "n": locked.milestone.number,
                "number": application.number,
            }
        document = create_from_template(
            ACT_TEMPLATE,
            act_context(locked, tranche, values),
            title=title[:500],
            sender=fund,
            parties=[PartySpec(application.lead)],
            route=[StepSpec(fund, order=1)],
            links=[locked, project],
            actor=actor,
        )
        locked.act_document_id = document.pk
        locked.save(update_fields=["act_document_id", "updated_at"])
        _audit(
            actor,
            "project.report_accepting",
            project,
            after={
                "report": str(locked.pk),
                "act": str(document.pk),
                "registration_number": document.registration_number,
            },
            summary=document.registration_number,
        )
        notify(
            [fund],
            "project.act_to_sign",
            gettext_lazy("The act of acceptance %(number)s waits for the Fund's signature"),
            params={"number": document.registration_number},
            url=document_url(document.pk),
            obj=project,
        )
    report.act_document_id = document.pk
    return document


def _report_for_act(document, object_id) -> MilestoneReport | None:
    return linked_row(
        MilestoneReport.objects.select_related("project__application__lead", "milestone"),
        object_id,
        document,
        field="act_document_id",
        state=ReportState.SUBMITTED,
    )


def act_signed(document, object_id: str) -> None:
    """``document_signed`` for an act of acceptance: the report is accepted, its tranche
    payable; the final report completes the project (``complete``)."""
    from innocluster.programmes.services import move

    report = _report_for_act(document, object_id)
    if report is None:
        return
    project = _live_project(report.project)
    if project is None:
        return
    signer = last_signer(document)
    now = timezone.now()
    report.state = ReportState.ACCEPTED
    report.accepted_at = now
    report.version += 1
    report.save(update_fields=["state", "accepted_at", "version", "updated_at"])
    payable = Tranche.objects.filter(
        project=project, milestone=report.milestone, state=TrancheState.PLANNED
    ).update(state=TrancheState.PAYABLE, updated_at=now)
    _audit(
        signer,
        "project.report_accepted",
        project,
        before={"report": str(report.pk), "state": ReportState.SUBMITTED},
        after={
            "report": str(report.pk),
            "state": ReportState.ACCEPTED,
            "tranche_payable": bool(payable),
        },
        summary=document.registration_number,
    )
    application = project.application
    if report.is_final:
        project.completed_at = now
        project.save(update_fields=["completed_at", "updated_at"])
        move(application, "complete", actor=None)
        _audit(signer, "project.completed", project, after={"completed_at": now})
    notify(
        [application.lead],
        "project.report_accepted",
        gettext_lazy("Your report on milestone %(number)s of “%(title)s” is accepted"),
        body=gettext_lazy("Act of acceptance %(act)s is signed; the milestone's tranche is due."),
        params={
            "number": report.milestone.number,
            "title": application.title,
            "act": document.registration_number,
        },
        url=project_url(project),
        obj=project,
    )


def act_rejected(document, object_id: str) -> None:
    """``document_rejected`` for an act: the report stays submitted, without an act, and the
    Fund's staff are told the signer's reason."""
    report = _report_for_act(document, object_id)
    if report is None:
        return
    report.act_document_id = None
    report.save(update_fields=["act_document_id", "updated_at"])
    _audit(
        refused_by(document),
        "project.act_refused",
        report.project,
        after={"report": str(report.pk), "act": str(document.pk)},
        summary=(document.status_reason or "")[:500],
    )
    notify(
        fund_staff(administrators=True),
        "project.act_refused",
        gettext_lazy("The act of acceptance %(number)s was refused"),
        body=gettext_lazy("The reason given: %(reason)s"),
        params={"number": document.registration_number, "reason": document.status_reason or "—"},
        url=report_url(report),
        obj=report.project,
    )


def return_report(report: MilestoneReport, *, actor, reason: str) -> MilestoneReport:
    """Return a submitted report to the lead for revision, with the Fund's reasons; the lead
    edits and submits it again.

    Returns the report, ``returned``. Raises ValidationFailed (``reason``), Conflict
    (``not_submitted``, ``act_pending``), NotPermitted; nothing changes then.
    """
    _permit(may_operate(actor))
    errors: list[FieldError] = []
    reason = _text(errors, "reason", reason, required=True, max_length=2000)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state != ReportState.SUBMITTED:
            raise Conflict(
                _("Only a submitted report can be returned (this one is “%(state)s”).")
                % {"state": ReportState(locked.state).label},
                code="not_submitted",
            )
        if locked.act_document_id is not None:
            raise Conflict(
                _("The act of acceptance is on its route: the report cannot be returned now."),
                code="act_pending",
            )
        locked.state = ReportState.RETURNED
        locked.return_reason = reason
        locked.version += 1
        locked.save(update_fields=["state", "return_reason", "version", "updated_at"])
        project = locked.project
        _audit(
            actor,
            "project.report_returned",
            project,
            before={"report": str(locked.pk), "state": ReportState.SUBMITTED},
            after={"report": str(locked.pk), "state": ReportState.RETURNED},
            summary=reason,
        )
        notify(
            [project.application.lead],
            "project.report_returned",
            gettext_lazy("Your report on milestone %(number)s of “%(title)s” was returned"),
            body=gettext_lazy("The Fund's reasons: %(reason)s"),
            params={
                "number": locked.milestone.number,
                "title": project.application.title,
                "reason": reason,
            },
            url=report_url(locked),
            obj=project,
        )
    _copy(locked, report, "state", "return_reason", "version")
    return report


def record_payment(tranche: Tranche, *, actor, reference: str) -> Tranche:
    """Record that the Fund paid a payable tranche (the payment order's reference).

    Returns the tranche, ``paid``. Raises ValidationFailed (``reference``), Conflict
    (``not_payable``: its milestone's report is not accepted yet, or it is paid already),
    NotPermitted; nothing changes then.
    """
    _permit(may_operate(actor))
    errors: list[FieldError] = []
    reference = _text(
        errors, "reference", reference, required=True, max_length=100, multiline=False
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = (
            Tranche.objects.select_for_update()
            .select_related("project__application__lead", "milestone")
            .get(pk=tranche.pk)
        )
        if locked.state != TrancheState.PAYABLE:
            raise Conflict(
                _("Only a payable tranche can be paid (this one is “%(state)s”).")
                % {"state": TrancheState(locked.state).label},
                code="not_payable",
            )
        locked.state = TrancheState.PAID
        locked.paid_at = timezone.now()
        locked.payment_reference = reference
        locked.save(update_fields=["state", "paid_at", "payment_reference", "updated_at"])
        project = locked.project
        _audit(
            actor,
            "project.tranche_paid",
            project,
            before={"tranche": str(locked.pk), "state": TrancheState.PAYABLE},
            after={
                "tranche": str(locked.pk),
                "state": TrancheState.PAID,
                "amount_rub": locked.amount_rub,
                "reference": reference,
            },
            summary=reference,
        )
        notify(
            [project.application.lead],
            "project.tranche_paid",
            gettext_lazy("The tranche for milestone %(number)s of “%(title)s” is paid"),
            body=gettext_lazy("%(amount)s RUB, payment %(reference)s."),
            params={
                "number": locked.milestone.number,
                "title": project.application.title,
                "amount": locked.amount_rub,
                "reference": reference,
            },
            url=project_url(project),
            obj=project,
        )
    _copy(locked, tranche, "state", "paid_at", "payment_reference")
    return tranche
