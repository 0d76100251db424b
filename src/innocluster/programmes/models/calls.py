"""Programmes, calls, their versioned application forms and evaluation criteria."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7
from innocluster.core.models import BaseModel
from innocluster.core.text import in_language

from ..choices import CallStatus

MONEY = {"max_digits": 18, "decimal_places": 2}


class Programme(BaseModel):
    """A support programme of the Fund (e.g. grants for joint projects); calls belong to one."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name")


class ApplicationForm(BaseModel):
    """An application form: its fields are data (``FormVersion.fields``), versioned, so a call
    keeps the version it opened with while the form evolves for later calls."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")

    def __str__(self) -> str:
        return self.code


class FormVersion(models.Model):
    """One published version of an application form; never changed once a call uses it.

    ``fields``: a list of ``{"name", "type" (text, textarea, number, money, date, choice,
    choices, boolean), "label": {"ru", "en"}, "required", "max_length"?, "choices"?: [{"code",
    "label": {"ru", "en"}}]}`` (checked by ``forms_schema.check_form_fields``)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    form = models.ForeignKey(ApplicationForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    fields = models.JSONField(_("fields"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="programmes_form_version_once")
        ]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")

    def __str__(self) -> str:
        return f"{self.form_id} v{self.number}"


class Call(BaseModel):
    """A call for applications: its dates (the deadline is an instant; pages show it in
    Europe/Moscow), budget, eligible areas and innovation types, consortium rules, money rules,
    form version, criteria, required documents and the number of reviewers per application.

    Its phase (``status``) follows from ``published_at``, ``opens_at`` and ``deadline``."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    deadline = models.DateTimeField(_("deadline"))
    budget_rub = models.DecimalField(_("budget, RUB"), **MONEY)
    priority_areas = models.JSONField(_("priority areas"), default=list, blank=True)
    innovation_types = models.JSONField(_("innovation types"), default=list, blank=True)
    min_members = models.PositiveSmallIntegerField(_("consortium: at least"), default=1)
    max_members = models.PositiveSmallIntegerField(_("consortium: at most"), default=5)
    min_sme_members = models.PositiveSmallIntegerField(_("consortium: SMEs at least"), default=0)
    lead_must_be_member = models.BooleanField(_("the lead must be a cluster member"), default=True)
    cofinancing_min_share = models.DecimalField(
        _("minimum co-financing share"), max_digits=5, decimal_places=4, default=0
    )
    max_grant_rub = models.DecimalField(_("maximum grant, RUB"), **MONEY)
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="calls", null=True, blank=True
    )
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=3
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (spread of reviewers' scores, 0-100 points)"),
        max_digits=6,
        decimal_places=2,
        default=20,
    )

    class Meta:
        ordering = ["-opens_at", "code"]
        # The services check these with clear messages; the database holds them for any other
        # writer (the admin, a script).
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at")),
                name="programmes_call_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(max_grant_rub__lte=models.F("budget_rub")),
                name="programmes_call_grant_within_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(min_members__lte=models.F("max_members")),
                name="programmes_call_consortium_range",
            ),
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self, "title")

    @property
    def description(self) -> str:
        return in_language(self, "description")

    def status_at(self, moment=None) -> str:
        """The call's phase at ``moment`` (now by default), by the server's clock."""
        moment = moment or timezone.now()
        if self.published_at is None:
            return CallStatus.DRAFT
        if moment < self.opens_at:
            return CallStatus.UPCOMING
        if moment < self.deadline:
            return CallStatus.OPEN
        return CallStatus.CLOSED

    @property
    def status(self) -> str:
        return self.status_at()


class Criterion(models.Model):
    """An evaluation criterion of a call, with its weight and scale."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=64)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=1)
    scale_min = models.SmallIntegerField(_("lowest score"), default=0)
    scale_max = models.SmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="programmes_criterion_once")
        ]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")

    def __str__(self) -> str:
        return f"{self.call_id}:{self.code}"

    @property
    def name(self) -> str:
        return in_language(self, "name")
