"""The expert pool: competences, declared affiliations and conflicts, load caps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7
from innocluster.core.models import BaseModel

from ..choices import ExpertKind


class Expert(BaseModel):
    """A person in the Fund's expert pool: the priority areas and keywords they are competent
    in, the organisations they are affiliated with (never assigned to those organisations'
    applications), and how many applications of one call they may review at most."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ExpertKind.choices, default=ExpertKind.EXTERNAL
    )
    areas = models.JSONField(_("priority areas"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    affiliations = models.ManyToManyField(
        "registry.Organisation", verbose_name=_("affiliations"), blank=True, related_name="+"
    )
    load_cap = models.PositiveSmallIntegerField(_("applications per call at most"), default=10)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return str(self.user)


class ConflictDeclaration(models.Model):
    """An expert's declared conflict of interest with an organisation (any application it takes
    part in), or with one application."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "programmes.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="declared_conflicts",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False)
                | models.Q(application__isnull=False),
                name="review_conflict_names_something",
            )
        ]
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")

    def __str__(self) -> str:
        return f"{self.expert_id}: {self.organisation_id or self.application_id}"
