"""Fields every item of the exchange shares: its owner, its author and its text in two languages."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.models import BaseModel

from ..choices import Language

MONEY = {"max_digits": 18, "decimal_places": 2}
TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]


class ExchangeItem(BaseModel):
    """Abstract: an item one organisation publishes on the exchange, written in one language with
    an optional translation of its title and summary into the other (both are searched)."""

    owner = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.RU
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=2000)
    title_translated = models.CharField(
        _("title in the other language"), max_length=300, blank=True
    )
    summary_translated = models.TextField(
        _("summary in the other language"), max_length=2000, blank=True
    )
    # Codes of registry.PriorityArea, as programmes' calls keep them.
    priority_areas = models.JSONField(_("priority areas"), default=list, blank=True)
    # Bumped by every edit; an edit made from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title
