"""Challenges (technology requests) and the NDAs responders accept to read their details."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.models import BaseModel

from ..choices import ChallengeOutcome, ChallengeStatus, Visibility
from .common import MONEY, TRL_VALIDATORS, ExchangeItem

# The fields a challenge under NDA shows only to its owner and to organisations that accepted
# the NDA. Every read path (pages, API, search, snippets, exports) goes through
# Challenge.protected_text_visible_to (selectors) before showing any of them.
PROTECTED_FIELDS = ("details", "expected_result", "requirements")


class Challenge(ExchangeItem):
    """A technology request a corporation or city body publishes for companies to answer."""

    details = models.TextField(_("the problem in detail"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    trl_min = models.PositiveSmallIntegerField(
        _("minimum TRL"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    # Codes of choices.OwnerOffer: what the owner offers whoever solves it.
    owner_offers = models.JSONField(_("the owner offers"), default=list, blank=True)
    budget_min_rub = models.DecimalField(_("budget from, RUB"), null=True, blank=True, **MONEY)
    budget_max_rub = models.DecimalField(_("budget up to, RUB"), null=True, blank=True, **MONEY)
    deadline = models.DateField(_("deadline for solutions"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # The agreement a responder accepts before the protected fields open (visibility "nda").
    nda_text = models.TextField(_("non-disclosure agreement"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ChallengeStatus.choices,
        default=ChallengeStatus.DRAFT,
        db_index=True,
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ChallengeOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome, in words"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        indexes = [models.Index(fields=["status", "visibility", "-published_at"])]
        constraints = [
            models.CheckConstraint(
                name="exchange_challenge_budget_order",
                condition=models.Q(budget_min_rub__isnull=True)
                | models.Q(budget_max_rub__isnull=True)
                | models.Q(budget_min_rub__lte=models.F("budget_max_rub")),
            )
        ]


class NdaAcceptance(BaseModel):
    """An organisation's electronic acceptance of a challenge's NDA, by a person who may act for
    it. The accepted text is kept by its hash, so a later edit of the NDA is not what was
    accepted."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="nda_acceptances"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nda_sha256 = models.CharField(_("hash of the accepted text"), max_length=64)

    class Meta:
        verbose_name = _("NDA acceptance")
        verbose_name_plural = _("NDA acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"], name="exchange_nda_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} NDA {self.challenge_id}"
