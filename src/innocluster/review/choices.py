"""Stable codes of the expert review (never translated; the labels are)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssignmentStatus(models.TextChoices):
    """An expert's assignment to one application."""

    ASSIGNED = "assigned", pgettext_lazy("assignment", "Assigned")  # to review
    DECLINED = "declined", pgettext_lazy("assignment", "Declined")  # with a reason
    SUBMITTED = "submitted", pgettext_lazy("assignment", "Review submitted")  # scored


class DeclineReason(models.TextChoices):
    """Why an expert declined an assignment."""

    CONFLICT = "conflict", _("Conflict of interest")
    CAPACITY = "capacity", _("No capacity")
    OTHER = "other", pgettext_lazy("decline reason", "Other")


class ExpertKind(models.TextChoices):
    """Whose expert: the Fund's own staff see outcomes; external experts never do."""

    INTERNAL = "internal", _("The Fund's expert")
    EXTERNAL = "external", _("External expert")


class Vote(models.TextChoices):
    """A board member's vote on an application."""

    FOR = "for", pgettext_lazy("vote", "For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")
