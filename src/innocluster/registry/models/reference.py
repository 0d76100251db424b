"""Reference vocabularies with stable string codes, loaded by ``innocluster load_reference``."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    """Abstract: a name in Russian and English, shown in the active language."""

    name_ru = models.CharField(_("name (Russian)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "ru").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ru


class PriorityArea(Bilingual):
    """One of the cluster's ten priority innovation areas (reference/priority-areas.md)."""

    code = models.CharField(_("code"), max_length=32, primary_key=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")


class Region(Bilingual):
    """A Russian federal subject by its ISO 3166-2:RU code, such as ``RU-MOW``."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    federal_district = models.CharField(_("federal district"), max_length=64, blank=True)

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class OkvedCode(Bilingual):
    """An OKVED 2 (OK 029-2014) entry: a section letter A..U or a dotted code like ``62.01``."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    section = models.CharField(_("section"), max_length=1, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["section", "code"]
        verbose_name = _("OKVED 2 code")
        verbose_name_plural = _("OKVED 2 codes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_section(self) -> bool:
        return len(self.code) == 1


class TechnologyReadinessLevel(Bilingual):
    """TRL 1..9 on the usual NASA/EU scale."""

    level = models.PositiveSmallIntegerField(_("level"), primary_key=True)
    description_ru = models.TextField(blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        ordering = ["level"]
        verbose_name = _("technology readiness level")
        verbose_name_plural = _("technology readiness levels")

    def __str__(self) -> str:
        return f"TRL {self.level}: {self.name}"
