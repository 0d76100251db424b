"""A project: an approved application under a grant agreement, its agreements and tranches."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from innocluster.core.models import BaseModel
from innocluster.programmes.choices import ParticipationStatus

from ..choices import AgreementKind, AgreementState, TrancheState

MONEY = {"max_digits": 18, "decimal_places": 2}


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The Fund's staff see every project; anyone else (or an organisation's API token) the
        projects of the consortia in which they hold a role (a member that declined to take part is not in the consortium)."""
        from innocluster.accounts.models import ApiToken

        if isinstance(user, ApiToken):  # a system acting for its organisation
            return self.for_organisations([user.organisation_id])
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_fund_staff:
            return self
        from innocluster.registry.models import OrganisationRole

        return self.for_organisations(
            OrganisationRole.objects.filter(user=user).values("organisation_id")
        )

    def for_organisations(self, organisation_ids):
        """Projects whose consortium includes one of ``organisation_ids`` (ids or a subquery)."""
        from innocluster.programmes.models import ConsortiumMember

        members = ConsortiumMember.objects.filter(
            application=OuterRef("application"), organisation_id__in=organisation_ids
        ).exclude(status=ParticipationStatus.DECLINED)
        return self.filter(Exists(members))


class Project(BaseModel):
    """An approved application on its way to implementation: the grant awarded, the co-financing
    promised, and when its agreement came into force and how it ended. Its state is the
    application's (``agreement``, ``in_implementation``, ``completed``, ``terminated``), moved
    only through ``programmes.services.move``."""

    application = models.OneToOneField(
        "programmes.Application", on_delete=models.PROTECT, related_name="project"
    )
    grant_rub = models.DecimalField(_("grant awarded, RUB"), **MONEY)
    cofinancing_rub = models.DecimalField(_("co-financing, RUB"), **MONEY)
    started_on = models.DateField(_("agreement in force since"), null=True, blank=True)
    completed_at = models.DateTimeField(_("implemented"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated"), null=True, blank=True)
    termination_reason = models.TextField(_("reasons for termination"), blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return str(self.application)


class Agreement(BaseModel):
    """The grant agreement (``main``, sequence 0) or a supplementary one (1, 2, ...), as a
    document on its signing route: the lead signs, then the Fund. A supplementary agreement's
    ``changes`` (milestones' new due dates and tranche amounts) apply only when it is in force."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    sequence = models.PositiveSmallIntegerField(_("number"), default=0)
    document_id = models.UUIDField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=AgreementState.choices, default=AgreementState.SIGNING
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    class Meta:
        ordering = ["project", "sequence", "created_at"]
        constraints = [
            # A refused agreement may be issued again under its number.
            models.UniqueConstraint(
                fields=["project", "sequence"],
                condition=~Q(state="refused"),
                name="projects_agreement_sequence_once",
            )
        ]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.project_id}:{self.kind}:{self.sequence}"


class Tranche(BaseModel):
    """A grant payment tied to one milestone: payable once the milestone's report is accepted.

    ``due_on`` is the milestone's due date as agreed: the application's at first, then as the
    supplementary agreements in force set it (the application itself stays as submitted)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    milestone = models.ForeignKey(
        "programmes.Milestone", on_delete=models.PROTECT, related_name="tranches"
    )
    amount_rub = models.DecimalField(_("amount, RUB"), **MONEY)
    due_on = models.DateField(_("report due"))
    state = models.CharField(
        _("state"), max_length=16, choices=TrancheState.choices, default=TrancheState.PLANNED
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["project", "due_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "milestone"], name="projects_tranche_once_per_milestone"
            )
        ]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")

    def __str__(self) -> str:
        return f"{self.project_id}:{self.milestone_id}={self.amount_rub}"
