"""An application's life as one table: from each state, the states it may move to, the action's
stable code, who may do it, the condition that must hold and whether a reason is required.
``services.move`` is the only code that changes ``Application.state``; it checks the row here,
writes an audit event, and runs the action's effects.

State codes are stable identifiers (choices.ApplicationState); never rename one in place.
The table grows with the capability: review, board and implementation moves join it as those
parts are built. ``diagram()`` draws it (docs/programmes.md holds the output).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ApplicationState as S
from .choices import CallStatus
from .permissions import may_manage_calls, may_sign_for_lead, system_only

Check = Callable[..., tuple[bool, str]]


def _ok(*_args) -> tuple[bool, str]:
    return True, ""


def _before_deadline(application) -> tuple[bool, str]:
    """The call is open by the server's clock (never the client's)."""
    call = application.call
    if call.status_at(timezone.now()) != CallStatus.OPEN:
        return False, _(
            "The call is not open: applications could be submitted until %(deadline)s."
        ) % {"deadline": timezone.localtime(call.deadline).strftime("%d.%m.%Y %H:%M")}
    return True, ""


def _complete(application) -> tuple[bool, str]:
    """Everything the call asks for is there and adds up (checks.submission_problems)."""
    from .checks import submission_problems

    problems = submission_problems(application)
    if problems:
        return False, problems[0].message
    return True, ""


def _reviewed(application) -> tuple[bool, str]:
    """Every assigned expert has submitted a review (review.selectors.reviews_complete)."""
    from innocluster.review.selectors import reviews_complete

    return reviews_complete(application)


def _submission_signed(application) -> tuple[bool, str]:
    """The lead's signatory signed what the last submission registered (its JSON and PDF):
    until then the Fund has nothing binding to screen."""
    from .services.documents import unsigned_submission

    if unsigned_submission(application):
        return False, _(
            "The submission is not signed yet: the lead's signatory signs its documents first."
        )
    return True, ""


def _board_decided(outcome: str) -> Check:
    """The board's decision: recorded on an open session's agenda
    (``review.board.record_decision``), never a bare state change by an operator."""

    def guard(application) -> tuple[bool, str]:
        from innocluster.review.models import BoardDecision

        recorded = BoardDecision.objects.filter(
            application=application, outcome=outcome, session__closed_at__isnull=True
        )
        if recorded.exists():
            return True, ""
        return False, _("The board decides this on its session's agenda, with the votes.")

    return guard


def _open_and_complete(application) -> tuple[bool, str]:
    allowed, reason = _before_deadline(application)
    if not allowed:
        return allowed, reason
    return _complete(application)


def _agreement_prepared(application) -> tuple[bool, str]:
    """The project and its agreement are made by ``projects.services.prepare_agreement``, which
    creates the project first: a bare move would leave an application without its project."""
    from innocluster.projects.models import Project

    if Project.objects.filter(application_id=application.pk).exists():
        return True, ""
    return False, _("Prepare the grant agreement with its own button: it creates the project.")


def _termination_recorded(application) -> tuple[bool, str]:
    """``projects.services.terminate`` records the project's termination and reasons first."""
    from innocluster.projects.models import Project

    if Project.objects.filter(application_id=application.pk, terminated_at__isnull=False).exists():
        return True, ""
    return False, _("Terminate the project on its page, with the reasons.")


@dataclass(frozen=True)
class Transition:
    """One allowed move: ``permission(actor, application)`` and ``guard(application)``."""

    source: str
    target: str
    action: str
    permission: Check
    guard: Check = _ok
    needs_reason: bool = False


TRANSITIONS: list[Transition] = [
    # the lead's signatory signs and submits, while the call is open
    Transition(S.DRAFT, S.SUBMITTED, "submit", may_sign_for_lead, _open_and_complete),
    # the Fund checks the formal requirements
    Transition(S.SUBMITTED, S.SCREENING, "start_screening", may_manage_calls, _submission_signed),
    Transition(
        S.SCREENING, S.REVISION_REQUESTED, "request_revision", may_manage_calls, needs_reason=True
    ),
    Transition(S.SCREENING, S.IN_REVIEW, "pass_screening", may_manage_calls),
    Transition(S.SCREENING, S.REJECTED, "reject", may_manage_calls, needs_reason=True),
    # returned for revision: the lead resubmits (the deadline was for the first submission)
    Transition(S.REVISION_REQUESTED, S.SUBMITTED, "resubmit", may_sign_for_lead, _complete),
    # reviewed: on the board's agenda
    Transition(S.IN_REVIEW, S.BOARD, "send_to_board", may_manage_calls, _reviewed),
    # the board's decision, recorded by the Fund (once: a decided application is not decided
    # again, except a waitlisted one when money frees up or the call ends)
    Transition(S.BOARD, S.APPROVED, "approve", may_manage_calls, _board_decided(S.APPROVED)),
    Transition(S.BOARD, S.REJECTED, "reject", may_manage_calls, _board_decided(S.REJECTED), True),
    Transition(
        S.BOARD, S.WAITLISTED, "waitlist", may_manage_calls, _board_decided(S.WAITLISTED), True
    ),
    Transition(S.WAITLISTED, S.APPROVED, "approve", may_manage_calls),
    Transition(S.WAITLISTED, S.REJECTED, "reject", may_manage_calls, needs_reason=True),
    # the Fund prepares the grant agreement (projects.services.prepare_agreement)
    Transition(S.APPROVED, S.AGREEMENT, "prepare_agreement", may_manage_calls, _agreement_prepared),
    # the agreement's route is fully signed by the lead and the Fund: the project starts
    Transition(S.AGREEMENT, S.IN_IMPLEMENTATION, "start_implementation", system_only),
    # the Fund stops the project, with its reasons, before or during implementation
    Transition(
        S.AGREEMENT,
        S.TERMINATED,
        "terminate",
        may_manage_calls,
        _termination_recorded,
        needs_reason=True,
    ),
    Transition(
        S.IN_IMPLEMENTATION,
        S.TERMINATED,
        "terminate",
        may_manage_calls,
        _termination_recorded,
        needs_reason=True,
    ),
    # the act accepting the final report is signed: the project is implemented
    Transition(S.IN_IMPLEMENTATION, S.COMPLETED, "complete", system_only),
]

ACTIONS = {t.action for t in TRANSITIONS}


def find(source: str, action: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None


def can_do(actor, application, action: str) -> tuple[bool, str]:
    """Whether ``actor`` may take ``action`` on ``application`` now, and if not, why."""
    transition = find(application.state, action)
    if transition is None:
        return False, _("An application in state “%(state)s” cannot be moved by “%(action)s”.") % {
            "state": S(application.state).label,
            "action": action,
        }
    allowed, reason = transition.permission(actor, application)
    if not allowed:
        return False, reason
    return transition.guard(application)


def available(actor, application) -> list[Transition]:
    """The moves ``actor`` may make on ``application`` now (for the page's buttons)."""
    return [
        t
        for t in TRANSITIONS
        if t.source == application.state and can_do(actor, application, t.action)[0]
    ]


def diagram() -> str:
    """The table as a Mermaid state diagram (docs/programmes.md)."""
    lines = ["stateDiagram-v2"]
    for t in TRANSITIONS:
        lines.append(f"    {t.source} --> {t.target}: {t.action}")
    return "\n".join(lines)
