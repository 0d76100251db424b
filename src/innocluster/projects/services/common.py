"""What every project use case shares: permission checks, row locks, text and money checks, the
audit record and the people to notify."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import partial

from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, FieldError, NotPermitted
from innocluster.core.text import clean_text
from innocluster.programmes.choices import ApplicationState, ParticipationStatus

from ..models import MilestoneReport, Project

# The largest amount or KPI value accepted (18 digits with 2 decimals).
MAX_VALUE = Decimal("9999999999999999.99")


def _permit(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise NotPermitted(reason)


def _lock_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update()
        .select_related("application__lead", "application__call")
        .get(pk=project.pk)
    )


def _live_project(project: Project) -> Project | None:
    """The project locked, or None once the Fund has terminated it: a document signed after
    that changes nothing."""
    locked = _lock_project(project)
    return None if locked.terminated_at is not None else locked


def _lock_report(report: MilestoneReport) -> MilestoneReport:
    return (
        MilestoneReport.objects.select_for_update()
        .select_related("project__application__lead", "milestone")
        .get(pk=report.pk)
    )


def _in_implementation(project: Project) -> None:
    state = project.application.state
    if state != ApplicationState.IN_IMPLEMENTATION:
        raise Conflict(
            _("The project is “%(state)s”: this is possible only while it is in implementation.")
            % {"state": ApplicationState(state).label},
            code="not_in_implementation",
        )


# A project's text (summaries, reasons): line breaks allowed unless the caller says otherwise.
_text = partial(clean_text, multiline=True)


def _amount(errors: list, field: str, value) -> Decimal | None:
    """A non-negative Decimal with at most two decimals, or None (an error recorded)."""
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        errors.append(FieldError(field, _("Must be a number."), "not_a_number"))
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, _("Must be a number."), "not_a_number"))
        return None
    if not amount.is_finite():
        errors.append(FieldError(field, _("Must be a number."), "not_a_number"))
        return None
    if amount < 0:
        errors.append(FieldError(field, _("Must not be negative."), "negative"))
        return None
    if amount > MAX_VALUE:
        errors.append(FieldError(field, _("The number is too large."), "too_large"))
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors.append(FieldError(field, _("At most two decimal places."), "too_precise"))
        return None
    return amount.quantize(Decimal("0.01"))


def _audit(actor, action: str, project: Project, *, before=None, after=None, summary=""):
    record_event(
        actor=actor, action=action, obj=project, before=before, after=after, summary=summary
    )


def consortium(project: Project) -> list:
    """The consortium's organisations (the lead first), without those that declined."""
    members = (
        project.application.members.exclude(status=ParticipationStatus.DECLINED)
        .select_related("organisation")
        .order_by("role", "invited_at")
    )
    return [m.organisation for m in members]


def project_url(project: Project) -> str:
    return f"/projects/{project.pk}/"


def document_url(document_id) -> str:
    return f"/documents/{document_id}/"
