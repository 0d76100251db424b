"""Assignments of experts to applications, and their reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7

from ..choices import AssignmentStatus, DeclineReason
from .experts import Expert


class Assignment(models.Model):
    """An expert asked to review one application: made automatically (``automatic``) or by an
    operator; declined by the expert with a reason, or done when the review is submitted."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    application = models.ForeignKey(
        "programmes.Application", on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
    )
    automatic = models.BooleanField(default=False)
    competence = models.DecimalField(
        _("competence match"), max_digits=6, decimal_places=3, default=0
    )
    decline_reason = models.CharField(
        _("reason"), max_length=16, choices=DeclineReason.choices, blank=True
    )
    decline_comment = models.CharField(_("comment"), max_length=500, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="review_assignment_once")
        ]
        indexes = [models.Index(fields=["expert", "status"])]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.expert_id} → {self.application_id}"


class Review(models.Model):
    """An expert's scores per criterion (``scores``: {criterion code: score}) and comments
    (``comments``: {criterion code: text}, "" for the overall one). Independent: nobody else's
    review is shown to an expert before their own is submitted."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(_("scores"), default=dict)
    comments = models.JSONField(_("comments"), default=dict, blank=True)
    total = models.DecimalField(
        _("weighted score"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review {self.assignment_id}"
