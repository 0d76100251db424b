"""A document's life as one table: from each status, the statuses it may move to, who may move
it and the condition that must hold.

State codes are stable identifiers (choices.DocumentStatus); never rename one in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import DocumentStatus as S
from .choices import StepStatus
from .permissions import may_manage_document, signs_on_route

Check = Callable[..., tuple[bool, str]]


def _ok(*args, **kwargs) -> tuple[bool, str]:
    return True, ""


def _has_content_and_route(document) -> tuple[bool, str]:
    if document.current_version_id is None:
        return False, _("The document has no content.")
    if not document.steps.exists():
        return False, _("The signing route has no steps.")
    return True, ""


def _some_signed_some_open(document) -> tuple[bool, str]:
    statuses = list(document.steps.values_list("status", flat=True))
    if StepStatus.SIGNED in statuses and any(
        s in (StepStatus.PENDING, StepStatus.WAITING) for s in statuses
    ):
        return True, ""
    return False, _("Some but not all steps must be signed.")


def _all_signed(document) -> tuple[bool, str]:
    statuses = list(document.steps.values_list("status", flat=True))
    if statuses and all(s == StepStatus.SIGNED for s in statuses):
        return True, ""
    return False, _("Every step must be signed.")


def _a_step_rejected(document) -> tuple[bool, str]:
    if document.steps.filter(status=StepStatus.REJECTED).exists():
        return True, ""
    return False, _("A step must be rejected.")


@dataclass(frozen=True)
class Transition:
    """One allowed move: ``permission(actor, document)`` and ``guard(document)``."""

    source: str
    target: str
    action: str
    permission: Check
    guard: Check = _ok
    needs_reason: bool = False


TRANSITIONS: list[Transition] = [
    # prepared: the sender sends it along its route (or withdraws the draft)
    Transition(S.DRAFT, S.SENT, "send", may_manage_document, _has_content_and_route),
    Transition(S.DRAFT, S.REVOKED, "revoke", may_manage_document, needs_reason=True),
    # on its route: signatures move it forward, a signer's refusal stops it
    Transition(S.SENT, S.PARTLY_SIGNED, "sign", signs_on_route, _some_signed_some_open),
    Transition(S.SENT, S.SIGNED, "sign", signs_on_route, _all_signed),
    Transition(S.PARTLY_SIGNED, S.SIGNED, "sign", signs_on_route, _all_signed),
    Transition(S.SENT, S.REJECTED, "reject", signs_on_route, _a_step_rejected, needs_reason=True),
    Transition(
        S.PARTLY_SIGNED, S.REJECTED, "reject", signs_on_route, _a_step_rejected, needs_reason=True
    ),
    # on its route: withdrawn by the sender or the Fund, with a reason (the deal it was for has
    # ended); no signer is asked any more, signatures already given stay verifiable
    Transition(S.SENT, S.REVOKED, "revoke", may_manage_document, needs_reason=True),
    Transition(S.PARTLY_SIGNED, S.REVOKED, "revoke", may_manage_document, needs_reason=True),
    # in force: withdrawn by the sender or the Fund, with a reason
    Transition(S.SIGNED, S.REVOKED, "revoke", may_manage_document, needs_reason=True),
]

# From each status, the statuses it may move to (for pages and `documents check`).
ALLOWED: dict[str, set[str]] = {}
for _t in TRANSITIONS:
    ALLOWED.setdefault(_t.source, set()).add(_t.target)


def find_transition(source: str, target: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.source == source and transition.target == target:
            return transition
    return None


def can_move(actor, document, target: str) -> tuple[bool, str]:
    """Whether ``actor`` may move ``document`` to ``target`` now, and if not, why."""
    transition = find_transition(document.status, target)
    if transition is None:
        return False, _("A document in status “%(source)s” cannot become “%(target)s”.") % {
            "source": S(document.status).label,
            "target": S(target).label,
        }
    allowed, reason = transition.permission(actor, document)
    if not allowed:
        return False, reason
    return transition.guard(document)
