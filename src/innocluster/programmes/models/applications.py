"""Applications: the consortium, the budget, milestones, KPI targets and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7
from innocluster.core.models import BaseModel

from ..choices import (
    ApplicationState,
    CostCategory,
    KpiCode,
    MemberRole,
    ParticipationStatus,
)
from .calls import MONEY, Call


class Application(BaseModel):
    """A consortium's application to a call. The lead drafts it; ``state`` moves only through
    ``workflows.TRANSITIONS``; ``version`` grows with every saved edit (optimistic locking: an
    edit based on an older version is refused, so two members editing at once lose nothing).

    ``answers`` holds the call's form fields (``Call.form_version``)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    lead = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="led_applications"
    )
    number = models.CharField(_("number"), max_length=32, blank=True, db_index=True)
    title = models.CharField(_("project title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    priority_area = models.CharField(_("priority area"), max_length=32, blank=True)
    innovation_type = models.CharField(_("innovation type"), max_length=32, blank=True)
    answers = models.JSONField(_("answers to the form"), default=dict, blank=True)
    state = models.CharField(
        _("state"),
        max_length=32,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The signed submission (the application's snapshot as PDF, its JSON attached).
    submission_document_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["call", "state"])]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.number or self.title


class ConsortiumMember(models.Model):
    """An organisation in an application's consortium: the lead, or a partner invited by INN
    whose signatory confirms participation with a signed consent document."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="consortium_places"
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    status = models.CharField(
        _("participation"),
        max_length=16,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.INVITED,
    )
    consent_document_id = models.UUIDField(null=True, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["application", "role", "invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"], name="programmes_member_once"
            )
        ]
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")

    def __str__(self) -> str:
        return f"{self.application_id}:{self.organisation_id} ({self.role})"


class BudgetLine(models.Model):
    """One cost category in one year: what the grant pays and what the consortium pays."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(_("cost category"), max_length=32, choices=CostCategory.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    grant_rub = models.DecimalField(_("from the grant, RUB"), default=0, **MONEY)
    cofinancing_rub = models.DecimalField(_("co-financing, RUB"), default=0, **MONEY)

    class Meta:
        ordering = ["application", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "category", "year"], name="programmes_budget_line_once"
            )
        ]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return f"{self.category} {self.year}"


class Milestone(models.Model):
    """A planned stage of the project: its deliverables, its due date and the grant tranche
    paid when its report is accepted."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="milestones"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    deliverables = models.TextField(_("deliverables"), blank=True)
    due_on = models.DateField(_("due"))
    tranche_rub = models.DecimalField(_("grant tranche, RUB"), default=0, **MONEY)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="programmes_milestone_once"
            )
        ]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class KpiTarget(models.Model):
    """A result the consortium commits to: jobs, revenue, taxes, patents, products."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="kpi_targets"
    )
    kpi = models.CharField(_("indicator"), max_length=32, choices=KpiCode.choices)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["application", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kpi"], name="programmes_kpi_once")
        ]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")

    def __str__(self) -> str:
        return f"{self.kpi}={self.target}"


class Attachment(models.Model):
    """A file attached to an application, for one of the call's required documents or as
    supporting material; its content is stored content-addressed like documents' versions."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    required_document = models.CharField(_("required document"), max_length=64, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename
