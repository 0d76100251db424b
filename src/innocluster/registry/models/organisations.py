"""Organisations, their yearly figures and the people who act for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innocluster.core.models import BaseModel

from ..choices import (
    PUBLIC_STATUSES,
    LegalForm,
    MembershipStatus,
    OrganisationKind,
    OrgRole,
    SmeCategory,
)


class OrganisationQuerySet(models.QuerySet):
    def in_public_registry(self):
        """Organisations the public registry lists: admitted, or admitted and suspended."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """What ``user`` may open: the public registry, plus their own organisations;
        Fund staff see every organisation."""
        if user is not None and user.is_authenticated:
            if user.is_fund_staff:
                return self.all()
            return self.filter(Q(status__in=PUBLIC_STATUSES) | Q(roles__user=user)).distinct()
        return self.in_public_registry()

    def administered_by(self, user):
        return self.filter(roles__user=user, roles__role=OrgRole.OWNER)


class Organisation(BaseModel):
    """A company, university, institute, city body or person known to the cluster.

    The membership status lives here (with its history in ``MembershipStatusChange``) because the
    registry filters on it constantly; an organisation is a member or not, never twice.
    """

    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    kind = models.CharField(
        _("kind"), max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.COMPANY
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    inn = models.CharField(_("INN"), max_length=12, null=True, blank=True, unique=True)
    ogrn = models.CharField(_("OGRN or OGRNIP"), max_length=15, null=True, blank=True, unique=True)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    country = models.CharField(_("country"), max_length=2, default="RU")
    foreign_registration_number = models.CharField(
        _("national registration number"), max_length=64, blank=True
    )
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    okved_main = models.ForeignKey(
        "registry.OkvedCode",
        verbose_name=_("main OKVED 2 code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept beside okved_main so the registry filters by section without a join.
    okved_section = models.CharField(_("OKVED 2 section"), max_length=1, blank=True, db_index=True)
    okved_extra = models.ManyToManyField(
        "registry.OkvedCode", verbose_name=_("further OKVED 2 codes"), blank=True, related_name="+"
    )
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    sme_category = models.CharField(
        _("SME category"), max_length=8, choices=SmeCategory.choices, blank=True, db_index=True
    )
    # True when the organisation stated its category itself rather than having it computed.
    sme_category_declared = models.BooleanField(default=False)
    priority_areas = models.ManyToManyField(
        "registry.PriorityArea",
        verbose_name=_("priority areas"),
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)

    status = models.CharField(
        _("membership status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLICANT,
    )
    member_number = models.CharField(
        _("member number"), max_length=20, null=True, blank=True, unique=True
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    # Lower-cased names, identifiers and descriptions: what the registry's word search reads
    # (SQLite FTS5 and PostgreSQL full-text indexes are built over it, see registry/search.py).
    search_document = models.TextField(blank=True, editable=False)
    # One token per filterable value (registry/search.py: facet_tokens), indexed beside it.
    search_facets = models.TextField(blank=True, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["status", "name_ru"]),
            # The registry's sort orders; search.SearchResult walks them for dense matches.
            models.Index(fields=["name_ru", "id"]),
            models.Index(fields=["member_since", "id"]),
            models.Index(fields=["status", "region"]),
            models.Index(fields=["status", "kind"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "ru").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ru

    @property
    def description(self) -> str:
        if (get_language() or "ru").startswith("en") and self.description_en:
            return self.description_en
        return self.description_ru

    @property
    def is_admitted(self) -> bool:
        return self.status in (MembershipStatus.MEMBER, MembershipStatus.PARTNER)

    def build_search_document(self) -> str:
        parts = [
            self.name_ru,
            self.name_en,
            self.inn or "",
            self.ogrn or "",
            self.foreign_registration_number,
            self.description_ru,
            self.description_en,
        ]
        return " ".join(p for p in parts if p).lower()

    def save(self, *args, **kwargs):
        self.okved_section = (
            self.okved_main.section if self.okved_main_id and self.okved_main else ""
        )
        self.search_document = self.build_search_document()
        self.search_facets = self.build_search_facets()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "search_document",
                "search_facets",
                "okved_section",
            }
        super().save(*args, **kwargs)

    def build_search_facets(self, area_codes=None) -> str:
        from ..search import facet_tokens

        if area_codes is None:
            area_codes = (
                [] if self._state.adding else self.priority_areas.values_list("code", flat=True)
            )
        return " ".join(
            facet_tokens(
                status=self.status,
                region=self.region_id,
                kind=self.kind,
                sme_category=self.sme_category,
                okved_section=self.okved_section,
                legal_form=self.legal_form,
                areas=area_codes,
            )
        )


class AnnualRevenue(models.Model):
    """An organisation's revenue for one calendar year, in roubles."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="revenues"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revenue_rub = models.DecimalField(_("revenue, RUB"), max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_revenue_per_year")
        ]
        verbose_name = _("annual revenue")
        verbose_name_plural = _("annual revenues")

    def __str__(self) -> str:
        return f"{self.year}: {self.revenue_rub}"


class OrganisationRole(models.Model):
    """A person's role inside an organisation (owner, signatory, editor, viewer)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=OrgRole.choices)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user", "role"], name="one_role_once")
        ]
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


@receiver(m2m_changed, sender=Organisation.priority_areas.through)
def _refresh_facets_after_area_change(sender, instance, action, reverse, **kwargs):
    """Priority areas are filterable facets: re-index the organisation when they change."""
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        Organisation.objects.filter(pk=instance.pk).update(
            search_facets=instance.build_search_facets()
        )
