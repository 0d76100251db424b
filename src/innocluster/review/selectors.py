"""Reads of the expert review that other apps use (through these functions, not the tables)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import AssignmentStatus
from .models import Assignment


def reviews_complete(application) -> tuple[bool, str]:
    """Whether ``application``'s review is done: at least one review submitted and none still
    pending (declined assignments do not count)."""
    statuses = list(
        Assignment.objects.filter(application=application)
        .exclude(status=AssignmentStatus.DECLINED)
        .values_list("status", flat=True)
    )
    pending = statuses.count(AssignmentStatus.ASSIGNED)
    if pending:
        return False, _("%(n)d of the assigned reviews are not submitted yet.") % {"n": pending}
    if not statuses:
        return False, _("No expert has reviewed the application yet.")
    return True, ""


# --------------------------------------------------------------------------- pages and API


def my_assignments(user):
    """The expert's own assignments, newest first, with what the list shows (one query)."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(expert__user=user)
        .select_related("application__call", "review")
        .order_by("-assigned_at", "id")
    )


def assignment_for(user, assignment_id):
    """The assignment if it is ``user``'s own (as the expert), else None: 404 for anyone
    else, operators included (independence: they read reviews on the call's page)."""
    import uuid

    try:
        assignment_id = uuid.UUID(str(assignment_id))
    except ValueError:
        return None
    return (
        my_assignments(user)
        .select_related("expert__user", "application__lead")
        .filter(pk=assignment_id)
        .first()
    )


def staff_call(user, code: str):
    """The call for the Fund's operators; None for anyone else (404) or an unknown code."""
    from innocluster.programmes.models import Call
    from innocluster.programmes.permissions import is_fund_staff
    from innocluster.programmes.selectors import CODE_RE

    # Anything that cannot be a code is as absent as a wrong one (a NUL would make PostgreSQL
    # refuse the query).
    if not is_fund_staff(user) or not isinstance(code, str) or not CODE_RE.match(code):
        return None
    return Call.objects.filter(code=code).first()


def review_rows(call, *, states):
    """The call's applications in ``states`` with their assignments (experts and users) and
    submitted reviews' totals prefetched: a constant number of queries per page."""
    from django.db.models import Prefetch

    from innocluster.programmes.models import Application

    assignments = Assignment.objects.select_related("expert__user", "review").order_by(
        "assigned_at", "id"
    )
    return (
        Application.objects.filter(call=call, state__in=list(states))
        .select_related("lead")
        .prefetch_related(Prefetch("assignments", queryset=assignments, to_attr="review_team"))
        .order_by("number", "id")
    )


def session_for(user, session_id):
    """The board session if ``user`` may see it (the Fund's operators, its members), else
    None."""
    import uuid

    from .models import BoardSession
    from .permissions import may_see_session

    try:
        session_id = uuid.UUID(str(session_id))
    except ValueError:
        return None
    session = BoardSession.objects.select_related("call").filter(pk=session_id).first()
    if session is None or not may_see_session(user, session):
        return None
    return session


def board_members():
    """The people who may sit on a board session: active users with the board member role."""
    from innocluster.accounts.choices import PlatformRole
    from innocluster.accounts.models import User

    return User.objects.filter(is_active=True, platform_role=PlatformRole.BOARD_MEMBER).order_by(
        "full_name", "email"
    )
