"""Solutions members submit to challenges, their files and the messages about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7
from innocluster.core.models import BaseModel

from ..choices import SolutionStatus
from .challenges import Challenge
from .common import TRL_VALIDATORS


class Solution(BaseModel):
    """A member's answer to a challenge, moving through the owner's pipeline."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="solutions")
    responder = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("responder"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("description"), max_length=10000)
    trl = models.PositiveSmallIntegerField(_("TRL"), validators=TRL_VALIDATORS)
    references = models.TextField(_("references"), blank=True)
    price_indication = models.CharField(_("price indication"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SolutionStatus.choices,
        default=SolutionStatus.RECEIVED,
        db_index=True,
    )
    # Required when the owner declines: what the responder can learn from it.
    feedback = models.TextField(_("feedback"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["challenge", "created_at"]
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")

    def __str__(self) -> str:
        return f"{self.responder_id} → {self.challenge_id}"


class SolutionAttachment(models.Model):
    """A file attached to a solution; its content is stored content-addressed like documents'
    versions."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["solution", "uploaded_at"]
        verbose_name = _("solution attachment")
        verbose_name_plural = _("solution attachments")

    def __str__(self) -> str:
        return self.filename


class SolutionMessage(BaseModel):
    """A message between the challenge's owner and the responder about one solution."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The side the author wrote for: the challenge's owner or the responder.
    author_organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)

    class Meta:
        ordering = ["solution", "created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.author_organisation_id}: {self.body[:40]}"
