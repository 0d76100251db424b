"""The catalogue: universities' technology offers, members' products and services, and the
expressions of interest anyone's item receives."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.models import BaseModel

from ..choices import InterestTarget, ListingStatus, PriceModel
from .common import TRL_VALIDATORS, ExchangeItem


class TechnologyOffer(ExchangeItem):
    """A technology a university or research institute offers for licensing or partnership."""

    description = models.TextField(_("what the technology is"), max_length=20000)
    # Codes of choices.IpKind.
    ip_kinds = models.JSONField(_("intellectual property"), default=list, blank=True)
    # Patent numbers as given, normalised (e.g. "RU 2712345"); required when ip_kinds has a patent.
    patent_numbers = models.JSONField(_("patent numbers"), default=list, blank=True)
    trl = models.PositiveSmallIntegerField(_("TRL"), validators=TRL_VALIDATORS)
    licensing_terms = models.TextField(_("licensing terms"), blank=True)
    partnership_terms = models.TextField(_("partnership terms"), blank=True)
    # Labs and equipment the owner offers for shared use.
    lab_competencies = models.TextField(_("labs and equipment for shared use"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ListingStatus.choices,
        default=ListingStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("technology offer")
        verbose_name_plural = _("technology offers")


class Product(ExchangeItem):
    """A member's product or service in the marketplace catalogue."""

    description = models.TextField(_("description"), max_length=20000)
    trl = models.PositiveSmallIntegerField(
        _("TRL"), null=True, blank=True, validators=TRL_VALIDATORS
    )
    references = models.TextField(_("references"), blank=True)
    price_model = models.CharField(
        _("price model"), max_length=16, choices=PriceModel.choices, default=PriceModel.ON_REQUEST
    )
    price_note = models.CharField(_("price, in words"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ListingStatus.choices,
        default=ListingStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")


class ExpressionOfInterest(BaseModel):
    """An organisation's interest in a challenge, a technology offer or a product, sent to the
    item's owner."""

    target_kind = models.CharField(_("about"), max_length=16, choices=InterestTarget.choices)
    target_id = models.UUIDField(_("item"))
    # The item's owner, kept here so an owner's inbox is one indexed query.
    target_owner = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message"), max_length=3000, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        indexes = [models.Index(fields=["target_owner", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["target_kind", "target_id", "organisation"],
                name="exchange_interest_once_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.target_kind}:{self.target_id}"
