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


def may_run_board(user, *_args) -> tuple[bool, str]:
    """The Fund's operators prepare board sessions and record decisions (as the secretary)."""
    return may_manage_calls(user)


def is_session_member(user, session) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and session.members.filter(pk=user.pk).exists()
    )


def may_see_session(user, session) -> bool:
    """The Fund's operators and the session's board members (404 for everyone else)."""
    return is_fund_staff(user) or is_session_member(user, session)


def may_vote(user, session) -> tuple[bool, str]:
    """Only a board member of that session votes, while the session is open."""
    if not is_session_member(user, session):
        return False, _("Only a board member of this session may vote.")
    if session.closed_at is not None:
        return False, _("The session is closed: votes can no longer change.")
    return True, ""
