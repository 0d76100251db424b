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
