"""Milestone reports: actual KPI values, evidence files, and overdue reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7
from innocluster.core.models import BaseModel
from innocluster.programmes.choices import KpiCode

from ..choices import ReportState
from .projects import Project


class MilestoneReport(BaseModel):
    """The lead's report on one milestone: what was done and the KPI values achieved in the
    period. The Fund accepts it with a signed act (its tranche becomes payable) or returns it
    with reasons; ``version`` grows with every saved edit (optimistic locking, as
    ``Application.version``). One report per milestone, revised in place when returned."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    milestone = models.ForeignKey(
        "programmes.Milestone", on_delete=models.PROTECT, related_name="reports"
    )
    is_final = models.BooleanField(_("final report"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    summary = models.TextField(_("what was done"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    return_reason = models.TextField(_("reasons for returning"), blank=True)
    # The act of acceptance on its route (set when the Fund accepts; cleared if it is refused).
    act_document_id = models.UUIDField(null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["project", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "milestone"], name="projects_report_once_per_milestone"
            )
        ]
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")

    def __str__(self) -> str:
        return f"{self.project_id}:{self.milestone_id} ({self.state})"


class KpiActual(models.Model):
    """A KPI value achieved in one report's period (additive): a project's actual value of a
    KPI is the sum over its accepted reports."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    report = models.ForeignKey(
        MilestoneReport, on_delete=models.CASCADE, related_name="kpi_actuals"
    )
    kpi = models.CharField(_("indicator"), max_length=32, choices=KpiCode.choices)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["report", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kpi"], name="projects_kpi_actual_once")
        ]
        verbose_name = _("actual KPI value")
        verbose_name_plural = _("actual KPI values")

    def __str__(self) -> str:
        return f"{self.kpi}={self.value}"


class ReportEvidence(models.Model):
    """A file backing a report (photos, test protocols, invoices); its content is stored
    content-addressed in the documents' store, like application attachments."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    report = models.ForeignKey(MilestoneReport, on_delete=models.CASCADE, related_name="evidence")
    filename = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.filename


class ReportReminder(models.Model):
    """When the lead was last reminded of an overdue report on a milestone: at most once in
    ``tasks.REMINDER_INTERVAL``."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reminders")
    milestone = models.ForeignKey(
        "programmes.Milestone", on_delete=models.CASCADE, related_name="+"
    )
    reminded_at = models.DateTimeField(_("reminded"))
    count = models.PositiveIntegerField(_("reminders sent"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "milestone"], name="projects_reminder_once_per_milestone"
            )
        ]
        verbose_name = _("overdue report reminder")
        verbose_name_plural = _("overdue report reminders")

    def __str__(self) -> str:
        return f"{self.project_id}:{self.milestone_id}@{self.reminded_at:%Y-%m-%d}"
