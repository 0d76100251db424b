"""The workflow: ``move``, the only way an application's state changes, and its effects on
submission (the application's number, the registered JSON and PDF submission documents)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innocluster.core.errors import Conflict, FieldError, ValidationFailed
from innocluster.core.sequences import next_number

from .. import workflows
from ..checks import submission_problems
from ..choices import ApplicationState, CallStatus, CostCategory, KpiCode, MemberRole
from ..models import Application, Call
from . import notices
from .common import _audit, _lock, _permit, _text
from .documents import (
    PRINT_LANG,
    SUBMISSION_DOC_TYPE,
    SUBMISSION_TEMPLATE,
    _answers_for_print,
    register_document_templates,
    snapshot,
)

SUBMIT_ACTIONS = ("submit", "resubmit")
DECISION_STATES = (
    ApplicationState.APPROVED,
    ApplicationState.REJECTED,
    ApplicationState.WAITLISTED,
)


def move(application: Application, action: str, *, actor, reason: str = "") -> Application:
    """Take ``action`` on ``application`` (``workflows.TRANSITIONS``): the only way its state
    changes.

    Checks that the action is allowed from the current state, the actor's permission, the
    guard (for submit: the call open by the server's clock and ``checks.submission_problems``
    empty) and the reason where one is needed. Sets ``submitted_at`` / ``decided_at``, writes an
    audit event with the state before and after, and runs the effects: on submit and resubmit
    the application gets its number (``<CALL-CODE>-0001``, first submission only) and its
    snapshot is registered in document circulation (JSON, then a PDF that names the JSON's
    registration number and SHA-256), routed to the lead's signatory and linked to the
    application.

    Returns the application, moved. Raises ``Conflict`` (``invalid_transition``: not from this
    state; ``call_closed``: after the deadline; ``guard_failed``), ``ValidationFailed`` (the
    submission's problems, or a missing ``reason``) or ``NotPermitted``; nothing changes then.
    """
    with transaction.atomic():
        locked = _lock(application)
        transition = workflows.find(locked.state, action)
        if transition is None:
            raise Conflict(workflows.can_do(actor, locked, action)[1], code="invalid_transition")
        _permit(transition.permission(actor, locked))
        reason = (reason or "").strip()
        if transition.needs_reason:
            errors: list[FieldError] = []
            reason = _text(errors, "reason", reason, required=True, max_length=2000, multiline=True)
            if errors:
                raise ValidationFailed(errors)
        allowed, why = transition.guard(locked)
        if not allowed:
            now = timezone.now()
            if action == "submit" and locked.call.status_at(now) != CallStatus.OPEN:
                raise Conflict(why, code="call_closed")
            problems = submission_problems(locked) if action in SUBMIT_ACTIONS else []
            if problems:
                raise ValidationFailed(
                    problems, message=_("The application cannot be submitted yet.")
                )
            raise Conflict(why, code="guard_failed")
        source = locked.state
        now = timezone.now()
        locked.state = transition.target
        if action in SUBMIT_ACTIONS:
            locked.submitted_at = now
            if not locked.number:
                locked.number = _next_application_number(locked.call)
        if transition.target in DECISION_STATES:
            locked.decided_at = now
        locked.save()
        after = {"state": locked.state}
        if action in SUBMIT_ACTIONS:
            pdf, data = _register_submission(locked, actor)
            locked.submission_document_id = pdf.pk
            locked.save(update_fields=["submission_document_id", "updated_at"])
            after.update(
                {
                    "number": locked.number,
                    "submission_document": str(pdf.pk),
                    "registration_number": pdf.registration_number,
                    "pdf_sha256": pdf.current_version.sha256,
                    "data_document": str(data.pk),
                    "data_sha256": data.current_version.sha256,
                }
            )
        _audit(
            actor,
            f"application.{action}",
            locked,
            before={"state": source},
            after=after,
            summary=reason,
        )
        if action in SUBMIT_ACTIONS:
            notices.submission_to_sign(locked, pdf)
        else:
            notices.state_changed(locked, action, reason, source)
    for name in (
        "state",
        "number",
        "submitted_at",
        "decided_at",
        "submission_document_id",
        "updated_at",
    ):
        setattr(application, name, getattr(locked, name))
    return application


def _next_application_number(call: Call) -> str:
    value = next_number(f"programmes.application.{call.code}")
    return f"{call.code.upper()}-{value:04d}"


def _register_submission(application: Application, actor):
    """Register the submission: the JSON snapshot, then the PDF naming it; both routed to the
    lead's signatory and linked to the application. Returns ``(pdf, json)`` documents."""
    from innocluster.documents.fund import fund_organisation
    from innocluster.documents.generation import create_from_data, create_from_template
    from innocluster.documents.services import PartySpec, StepSpec

    register_document_templates()
    lead = application.lead
    fund = fund_organisation()
    data = snapshot(application)
    with translation.override(PRINT_LANG):
        title = _("Application %(number)s: %(title)s") % {
            "number": application.number,
            "title": application.title,
        }
        data_title = _("Data of the application %(number)s") % {"number": application.number}
    route = [StepSpec(lead, order=1)]
    json_document = create_from_data(
        SUBMISSION_DOC_TYPE,
        data,
        title=data_title[:500],
        sender=lead,
        parties=[PartySpec(fund)],
        route=route,
        links=[application],
        actor=actor,
    )
    with translation.override(PRINT_LANG):
        printed = {
            **data,
            "consortium": [
                {**m, "role": str(MemberRole(m["role"]).label)} for m in data["consortium"]
            ],
            "budget": [
                {**line, "category": str(CostCategory(line["category"]).label)}
                for line in data["budget"]
            ],
            "kpi_targets": [
                {**t, "kpi": str(KpiCode(t["kpi"]).label)} for t in data["kpi_targets"]
            ],
        }
    pdf_document = create_from_template(
        SUBMISSION_TEMPLATE,
        {
            "application": printed,
            "call_title": application.call.title_ru,
            "lead_name": lead.name_ru,
            "answers_rows": _answers_for_print(application),
            "data_registration_number": json_document.registration_number,
            "data_sha256": json_document.current_version.sha256,
        },
        title=title[:500],
        sender=lead,
        parties=[PartySpec(fund)],
        route=[StepSpec(lead, order=1)],
        links=[application],
        actor=actor,
    )
    return pdf_document, json_document


def submission_signed(document, object_id: str) -> None:
    """``document_signed`` for a submission's JSON or PDF: once both are signed, the Fund is
    told the application is in (once: the second signature completes the pair)."""
    from .documents import unsigned_submission

    application = Application.objects.select_related("call", "lead").filter(pk=object_id).first()
    if application is None or application.state != ApplicationState.SUBMITTED:
        return
    if document.created_at < application.submitted_at or unsigned_submission(application):
        return
    notices.submitted(application)
