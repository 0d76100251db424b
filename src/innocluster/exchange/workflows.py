"""The lives of a challenge and of a solution, each as one table: from each state, the states it
may move to, the action's stable code, who may do it, the condition that must hold and what the
move requires. ``services.move_challenge`` and ``services.move_solution`` are the only code that
changes their status; they check the row here and write an audit event.

State codes are stable identifiers (choices.ChallengeStatus, choices.SolutionStatus); never
rename one in place. ``diagram()`` draws a table as a Mermaid state diagram.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .choices import ChallengeStatus as C
from .choices import SolutionStatus as S
from .permissions import may_manage_challenge

Check = Callable[..., tuple[bool, str]]


def _ok(*_args) -> tuple[bool, str]:
    return True, ""


def _publishable(challenge) -> tuple[bool, str]:
    """Everything a published challenge needs is there (services.publish_problems)."""
    from .services.challenges import publish_problems

    problems = publish_problems(challenge)
    if problems:
        return False, str(problems[0].message)
    return True, ""


def _challenge_not_closed(solution) -> tuple[bool, str]:
    if solution.challenge.status in (C.DRAFT, C.CLOSED):
        return False, _("The challenge is closed: its solutions no longer move.")
    return True, ""


@dataclass(frozen=True)
class Transition:
    """One allowed move: ``permission(actor, obj)`` and ``guard(obj)``. ``needs`` names what
    the move asks for: ``deadline`` (a new future deadline), ``outcome`` (an outcome and a
    note), ``feedback`` (the owner's feedback to the responder)."""

    source: str
    target: str
    action: str
    label: object
    permission: Check
    guard: Check = _ok
    needs: tuple = ()


def _owner_of_solution(actor, solution) -> tuple[bool, str]:
    return may_manage_challenge(actor, solution.challenge)


CHALLENGE_TRANSITIONS: list[Transition] = [
    # the owner publishes a complete draft: it takes solutions until its deadline
    Transition(
        C.DRAFT, C.OPEN, "publish", gettext_lazy("Publish"), may_manage_challenge, _publishable
    ),
    # the owner stops taking solutions to choose among them, or takes them again
    Transition(
        C.OPEN,
        C.EVALUATING,
        "evaluate",
        gettext_lazy("Stop taking solutions and evaluate"),
        may_manage_challenge,
    ),
    Transition(
        C.EVALUATING,
        C.OPEN,
        "reopen",
        gettext_lazy("Reopen with a new deadline"),
        may_manage_challenge,
        needs=("deadline",),
    ),
    # a chosen solution is piloted
    Transition(
        C.EVALUATING,
        C.PILOTING,
        "start_pilot",
        gettext_lazy("Start piloting"),
        may_manage_challenge,
    ),
    # finished, with an outcome and a note
    Transition(
        C.OPEN,
        C.CLOSED,
        "close",
        gettext_lazy("Close"),
        may_manage_challenge,
        needs=("outcome",),
    ),
    Transition(
        C.EVALUATING,
        C.CLOSED,
        "close",
        gettext_lazy("Close"),
        may_manage_challenge,
        needs=("outcome",),
    ),
    Transition(
        C.PILOTING,
        C.CLOSED,
        "close",
        gettext_lazy("Close"),
        may_manage_challenge,
        needs=("outcome",),
    ),
]

SOLUTION_TRANSITIONS: list[Transition] = [
    Transition(
        S.RECEIVED,
        S.SHORTLISTED,
        "shortlist",
        gettext_lazy("Shortlist"),
        _owner_of_solution,
        _challenge_not_closed,
    ),
    Transition(
        S.SHORTLISTED,
        S.PILOT_PROPOSED,
        "propose_pilot",
        gettext_lazy("Propose a pilot"),
        _owner_of_solution,
        _challenge_not_closed,
    ),
    Transition(
        S.PILOT_PROPOSED,
        S.ACCEPTED,
        "accept",
        gettext_lazy("Accept"),
        _owner_of_solution,
        _challenge_not_closed,
    ),
    # any undecided solution may be declined, always with feedback for the responder
    *[
        Transition(
            source,
            S.DECLINED,
            "decline",
            pgettext_lazy("solution action", "Decline"),
            _owner_of_solution,
            needs=("feedback",),
        )
        for source in (S.RECEIVED, S.SHORTLISTED, S.PILOT_PROPOSED)
    ],
]


def find(table: list[Transition], source: str, action: str) -> Transition | None:
    for transition in table:
        if transition.source == source and transition.action == action:
            return transition
    return None


def can_do(table: list[Transition], actor, obj, action: str) -> tuple[bool, str]:
    """Whether ``actor`` may take ``action`` on ``obj`` (a challenge or a solution) now."""
    transition = find(table, obj.status, action)
    if transition is None:
        return False, _("Nothing in state “%(state)s” can be moved by “%(action)s”.") % {
            "state": obj.get_status_display(),
            "action": action,
        }
    allowed, reason = transition.permission(actor, obj)
    if not allowed:
        return False, reason
    return transition.guard(obj)


def available(table: list[Transition], actor, obj) -> list[Transition]:
    """The moves ``actor`` may make on ``obj`` now (for the page's buttons)."""
    return [t for t in table if t.source == obj.status and can_do(table, actor, obj, t.action)[0]]


def deadline_passed(challenge, today=None) -> bool:
    """Solutions are taken through the deadline's day (Moscow)."""
    today = today or timezone.localdate()
    return challenge.deadline is not None and challenge.deadline < today


def diagram(table: list[Transition]) -> str:
    lines = ["stateDiagram-v2"]
    for t in table:
        lines.append(f"    {t.source} --> {t.target}: {t.action}")
    return "\n".join(lines)
