"""The catalogue of support measures, their versioned eligibility rules, saved results and
subscriptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7
from innocluster.core.models import BaseModel
from innocluster.core.text import in_language

from .choices import InstitutionLevel, MeasureForm, MeasureStatus

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


class Institution(BaseModel):
    """A provider of support measures: the cluster Fund, a city fund, a federal development
    institution."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    level = models.CharField(
        _("level"), max_length=16, choices=InstitutionLevel.choices, default=InstitutionLevel.OTHER
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name")


class MeasureQuerySet(models.QuerySet):
    def relevant(self, today):
        """Measures a business could still use: not closed, and not past their closing date."""
        return self.exclude(status=MeasureStatus.CLOSED).exclude(closes_on__lt=today)


class Measure(BaseModel):
    """A support measure of one institution: what it gives, for what, on which terms, and who
    may have it (``rules``, the published eligibility rule; its history is ``RuleVersion``).

    Terms are as of ``as_of`` in the source at ``source_url``; staff last checked them on
    ``verified_on``. Amounts are roubles. ``min_project_budget_rub`` and
    ``cofinancing_min_share`` are also eligibility criteria (checked against the need)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    provider = models.ForeignKey(
        Institution, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="measures"
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    form = models.CharField(_("form"), max_length=16, choices=MeasureForm.choices)
    purposes = models.JSONField(_("purposes"), default=list, blank=True)
    amount_min_rub = models.DecimalField(_("minimum amount, RUB"), **MONEY)
    amount_max_rub = models.DecimalField(_("maximum amount, RUB"), **MONEY)
    cost_share_max = models.DecimalField(
        _("maximum share of costs covered"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    amount_note_ru = models.TextField(_("amount: caps and conditions (Russian)"), blank=True)
    amount_note_en = models.TextField(_("amount: caps and conditions (English)"), blank=True)
    rate_percent_min = models.DecimalField(
        _("interest rate from, % a year"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    rate_percent_max = models.DecimalField(
        _("interest rate up to, % a year"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    term_months = models.PositiveIntegerField(_("term, months"), null=True, blank=True)
    cofinancing_min_share = models.DecimalField(
        _("minimum co-financing share"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    min_project_budget_rub = models.DecimalField(_("minimum project budget, RUB"), **MONEY)
    priority_areas = models.JSONField(_("priority areas"), default=list, blank=True)
    stages = models.JSONField(_("stages"), default=list, blank=True)
    legal_act = models.CharField(_("legal act"), max_length=500, blank=True)
    source_url = models.CharField(_("source"), max_length=500, blank=True)
    as_of = models.DateField(_("terms as of"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    how_to_apply_ru = models.TextField(_("how to apply (Russian)"), blank=True)
    how_to_apply_en = models.TextField(_("how to apply (English)"), blank=True)
    apply_url = models.CharField(_("where to apply"), max_length=500, blank=True)
    rules = models.JSONField(_("eligibility rule"), null=True, blank=True)
    rules_version = models.PositiveIntegerField(_("rule version"), default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("support measure")
        verbose_name_plural = _("support measures")

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def name(self) -> str:
        return in_language(self, "name")

    @property
    def description(self) -> str:
        return in_language(self, "description")

    @property
    def amount_note(self) -> str:
        return in_language(self, "amount_note")

    @property
    def how_to_apply(self) -> str:
        return in_language(self, "how_to_apply")


class RuleVersion(models.Model):
    """One published version of a measure's eligibility rule: who published it, when, and why.
    Rows are only ever inserted."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="rule_versions")
    number = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("eligibility rule"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(_("author"), max_length=255, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["measure", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "number"], name="navigator_rule_version_once"
            )
        ]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")

    def __str__(self) -> str:
        return f"{self.measure_id} v{self.number}"


class SavedResult(models.Model):
    """A navigator answer someone saved to come back to or share: the answers, not the results
    (opening it evaluates again against today's catalogue). Anyone with the link can open it,
    so it holds no names, only the answers."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    profile = models.JSONField(default=dict)
    need = models.JSONField(default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved navigator result")
        verbose_name_plural = _("saved navigator results")

    def __str__(self) -> str:
        return str(self.id)


class Subscription(BaseModel):
    """An organisation asks to be told when a new or changed measure becomes eligible for it.

    ``profile`` is the organisation's navigator profile as last built from the registry plus
    its own answers; ``eligible`` the codes that were eligible at the last evaluation, so that
    only measures that *become* eligible are announced."""

    organisation = models.OneToOneField(
        "registry.Organisation", on_delete=models.CASCADE, related_name="navigator_subscription"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(_("e-mail for notices"))
    answers = models.JSONField(_("answers beyond the registry"), default=dict, blank=True)
    profile = models.JSONField(default=dict)
    eligible = models.JSONField(default=list)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("navigator subscription")
        verbose_name_plural = _("navigator subscriptions")

    def __str__(self) -> str:
        return f"{self.organisation_id} <{self.email}>"


class Alert(models.Model):
    """A notice, in the portal, that a measure became eligible for a subscribed organisation."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="alerts")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    rules_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("navigator alert")
        verbose_name_plural = _("navigator alerts")

    def __str__(self) -> str:
        return f"{self.measure_id} for {self.subscription_id}"
