"""Who may do what in the expert review: predicates return (allowed, reason)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from innocluster.programmes.permissions import is_fund_staff, may_manage_calls


def expert_of(user):
    """The user's ``Expert`` row (``request.user.expert``), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.expert
    except ObjectDoesNotExist:  # not in the pool
        return None


def may_manage_review(user, *_args) -> tuple[bool, str]:
    """The Fund's operators build the pool and assign experts (as they run calls)."""
    return may_manage_calls(user)


def may_answer_assignment(user, assignment) -> tuple[bool, str]:
    """Only the assigned expert accepts or declines their assignment."""
    expert = expert_of(user)
    if expert is not None and expert.pk == assignment.expert_id:
        return True, ""
    return False, _("Only the assigned expert may answer this assignment.")


def may_declare_conflict(user, expert) -> tuple[bool, str]:
    """An expert declares their own conflicts; the Fund's operators record them on their
    behalf."""
    if is_fund_staff(user):
        return True, ""
    mine = expert_of(user)
    if mine is not None and mine.pk == expert.pk:
        return True, ""
    return False, _("Only the expert or the Fund's operators may declare the expert's conflicts.")
