"""Bulk actions on a filtered application list: they apply to EVERY application the filter
matches, not only the page on screen. The caller passes the filter (never a list of ids), so the
confirmation page, the page and the API all act on the same selection.

Actions:
- a workflow action (``workflows.ACTIONS``: ``start_screening``, ``request_revision``, ...):
  each application is moved through ``services.move`` in its own transaction; those that cannot
  move are reported with their number and the reason, the others move;
- ``assign_reviewers``: the automatic assignment (``review.assignment.assign_automatically``)
  for each call of the selection that has applications in review;
- ``remind``: a reminder to the lead of each draft (the deadline, and what is still missing) and
  of each application returned for revision (``core.notifications.notify``); other states are
  reported as skipped.

The selection's ids are read first (a move changes the very rows a live cursor would scan) and
the applications are then loaded ``CHUNK_SIZE`` at a time. One audit event records each bulk
action: who, the filter, and the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.errors import DomainError, FieldError, NotPermitted, ValidationFailed
from innocluster.core.ids import uuid7

from . import workflows
from .choices import ApplicationState
from .filters import ApplicationFilter
from .models import Application
from .permissions import may_manage_calls

CHUNK_SIZE = 200
ASSIGN = "assign_reviewers"
REMIND = "remind"
SPECIAL_ACTIONS = (ASSIGN, REMIND)
MAX_SKIPPED_IN_AUDIT = 500

REMINDER_DRAFT_TITLE = gettext_lazy(
    "Application “%(title)s”: the call closes on %(deadline)s (Moscow time)"
)
REMINDER_DRAFT_BODY = gettext_lazy(
    "Your draft application “%(title)s” to the call “%(call)s” is not submitted yet. "
    "Applications are accepted until %(deadline)s (Moscow time). Still missing: %(missing)s"
)
REMINDER_REVISION_TITLE = gettext_lazy("Application %(number)s is waiting for your revision")
REMINDER_REVISION_BODY = gettext_lazy(
    "The Fund returned the application %(number)s “%(title)s” for revision. Revise it and "
    "submit it again."
)


def action_choices() -> list[tuple[str, str]]:
    """The bulk actions an operator may choose, with their labels."""
    labels = {
        "start_screening": _("Start screening"),
        "request_revision": _("Return for revision"),
        "pass_screening": _("Pass screening (to expert review)"),
        "reject": _("Reject"),
        "send_to_board": _("Send to the board"),
        "approve": _("Approve"),
        "waitlist": _("Waitlist"),
    }
    moves = [
        (action, str(labels.get(action, action)))
        for action in dict.fromkeys(
            t.action for t in workflows.TRANSITIONS if t.permission is may_manage_calls
        )
    ]
    return [
        *moves,
        (ASSIGN, _("Assign reviewers automatically")),
        (REMIND, _("Send reminders to the leads")),
    ]


def needs_reason(action: str) -> bool:
    return any(t.needs_reason for t in workflows.TRANSITIONS if t.action == action)


@dataclass
class BulkResult:
    """What a bulk action did: how many matched, how many it changed, and each one it could not
    change (number, reason)."""

    action: str
    matched: int = 0
    done: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"id", "number", "reason"}
    details: dict = field(default_factory=dict)  # per action: e.g. assignments made per call
    audit_id: str = ""

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "matched": self.matched,
            "done": self.done,
            "skipped": self.skipped,
            "details": self.details,
        }


def check_bulk(actor, action: str, reason: str) -> str:
    """Refuse what cannot run: anyone but the Fund's operators, an unknown action, a missing
    reason where the action needs one. Returns the reason, stripped."""
    allowed, why = may_manage_calls(actor)
    if not allowed:
        raise NotPermitted(why)
    known = [code for code, _label in action_choices()]
    errors = []
    if action not in known:
        errors.append(
            FieldError("action", _("Must be one of: %s.") % ", ".join(known), "invalid_choice")
        )
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if action in known and needs_reason(action) and not reason:
        errors.append(
            FieldError("reason", _("Give the reason: it is sent to the applicants."), "required")
        )
    if len(reason) > 2000:
        errors.append(
            FieldError("reason", _("At most %(n)d characters.") % {"n": 2000}, "too_long")
        )
    if errors:
        raise ValidationFailed(errors)
    return reason


def selection(application_filter: ApplicationFilter):
    """The applications a bulk action with this filter applies to."""
    return application_filter.apply(Application.objects.all())


def run_bulk(
    actor, application_filter: ApplicationFilter, action: str, reason: str = ""
) -> BulkResult:
    """Apply ``action`` to every application ``application_filter`` matches.

    Args:
        actor: a Fund operator.
        application_filter: the list's filter (``ApplicationFilter.from_params``).
        action: a workflow action code, ``assign_reviewers`` or ``remind``.
        reason: required for the actions that need one (reject, revision, waitlist).

    Returns:
        A ``BulkResult``: matched, done, and the skipped ones with their number and reason.

    Raises:
        ``NotPermitted`` (not an operator), ``ValidationFailed`` (``action``, ``reason``); nothing
        changes then. Each application moves in its own transaction: one that cannot move is
        reported and leaves the others unaffected.
    """
    reason = check_bulk(actor, action, reason)
    ids = list(selection(application_filter).values_list("pk", flat=True))
    result = BulkResult(action=action, matched=len(ids))
    if action == ASSIGN:
        _assign(actor, ids, result)
    elif action == REMIND:
        _remind(ids, result)
    else:
        _move(actor, ids, action, reason, result)
    result.audit_id = _record(actor, application_filter, result, reason)
    return result


def _loaded(ids: list):
    """The applications of ``ids`` in their order, ``CHUNK_SIZE`` at a time."""
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        found = Application.objects.select_related("call", "lead").in_bulk(chunk)
        for pk in chunk:
            if pk in found:
                yield found[pk]


def _skip(result: BulkResult, application: Application, why: str) -> None:
    result.skipped.append(
        {"id": str(application.pk), "number": application.number or "", "reason": str(why)}
    )


def _move(actor, ids, action, reason, result: BulkResult) -> None:
    from .services import move

    for application in _loaded(ids):
        try:
            move(application, action, actor=actor, reason=reason)
        except DomainError as error:
            _skip(result, application, _why(error))
        else:
            result.done += 1


def _why(error: DomainError) -> str:
    if error.errors:
        return "; ".join(str(e.message) for e in error.errors)
    return str(error.message)


def _assign(actor, ids, result: BulkResult) -> None:
    """Automatic assignment for each call with applications of the selection in review."""
    from innocluster.review.assignment import assign_automatically

    in_review = set(
        Application.objects.filter(pk__in=ids, state=ApplicationState.IN_REVIEW).values_list(
            "pk", flat=True
        )
    )
    for application in _loaded([pk for pk in ids if pk not in in_review]):
        _skip(
            result,
            application,
            _("Only applications in expert review get reviewers; this one is “%(state)s”.")
            % {"state": ApplicationState(application.state).label},
        )
    calls = {}
    for application in _loaded([pk for pk in ids if pk in in_review]):
        calls.setdefault(application.call_id, application.call)
    per_call = {}
    for call in calls.values():
        report = assign_automatically(call, actor=actor)
        result.done += report.created
        per_call[call.code] = report.as_dict()
        for short in report.short:
            if short.application_id in in_review:
                result.skipped.append(
                    {
                        "id": str(short.application_id),
                        "number": short.number,
                        "reason": short.reason,
                    }
                )
    result.details = {"calls": per_call}


def _remind(ids, result: BulkResult) -> None:
    from innocluster.core.notifications import notify

    from .checks import submission_problems

    for application in _loaded(ids):
        url = reverse("applications:detail", args=[application.pk])
        if application.state == ApplicationState.DRAFT:
            problems = submission_problems(application)
            missing = (
                "; ".join(str(p.message) for p in problems[:10])
                if problems
                else _("nothing: the lead's signatory may sign and submit it.")
            )
            deadline = timezone.localtime(application.call.deadline).strftime("%d.%m.%Y %H:%M")
            with transaction.atomic():
                notify(
                    [application.lead],
                    "application.reminder.draft",
                    REMINDER_DRAFT_TITLE,
                    body=REMINDER_DRAFT_BODY,
                    params={
                        "title": application.title,
                        "call": application.call.title,
                        "deadline": deadline,
                        "missing": missing,
                    },
                    url=url,
                    obj=application,
                )
            result.done += 1
        elif application.state == ApplicationState.REVISION_REQUESTED:
            with transaction.atomic():
                notify(
                    [application.lead],
                    "application.reminder.revision",
                    REMINDER_REVISION_TITLE,
                    body=REMINDER_REVISION_BODY,
                    params={"number": application.number, "title": application.title},
                    url=url,
                    obj=application,
                )
            result.done += 1
        else:
            _skip(
                result,
                application,
                _(
                    "Reminders go to drafts and to applications returned for revision; this one is “%(state)s”."
                )
                % {"state": ApplicationState(application.state).label},
            )


def _record(actor, application_filter: ApplicationFilter, result: BulkResult, reason: str) -> str:
    """One audit event for the bulk action: who, the filter and the counts."""
    from innocluster.core.audit import record_action

    # Not about one object: the event names the bulk run.
    run_id = str(uuid7())
    record_action(
        actor=actor,
        action=f"application.bulk.{result.action}",
        object_type="programmes.application_bulk",
        object_id=run_id,
        after={
            "filter": application_filter.as_params(),
            "matched": result.matched,
            "done": result.done,
            "skipped": len(result.skipped),
            "skipped_numbers": [s["number"] or s["id"] for s in result.skipped][
                :MAX_SKIPPED_IN_AUDIT
            ],
        },
        summary=reason,
    )
    return run_id
