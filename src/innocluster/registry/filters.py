"""The registry's filters: one class for the public page, the back office and the API list."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed
from innocluster.core.text import has_control_characters

from .choices import PUBLIC_STATUSES, MembershipStatus, OrganisationKind, SmeCategory
from .search import (
    SearchResult,
    facet_tokens,
    filter_by_words,
    full_text_serves,
    search_words,
)

REGION_CODE = re.compile(r"^RU-[A-Z]{2,3}$")
AREA_CODE = re.compile(r"^[a-z_]{2,32}$")
ORDERINGS = {
    "name": ("name_ru", "id"),
    "-name": ("-name_ru", "-id"),
    "member_since": ("member_since", "id"),
    "-member_since": ("-member_since", "-id"),
}


@dataclass
class RegistryFilter:
    """Search words and filters over organisations; every field is optional."""

    q: str = ""
    area: str = ""
    kind: str = ""
    region: str = ""
    okved_section: str = ""
    sme_category: str = ""
    status: str = ""
    order: str = "name"

    @classmethod
    def from_params(cls, params, *, staff: bool = False) -> RegistryFilter:
        """Build from query parameters; raise ``ValidationFailed`` naming each bad one.
        ``staff`` allows filtering by every status, not only the public ones."""
        values = {f.name: (params.get(f.name) or "").strip() for f in fields(cls)}
        values["order"] = values["order"] or "name"
        result = cls(**values)
        errors = [
            FieldError(name, _("Must not contain control characters."), "invalid")
            for name, value in values.items()
            if has_control_characters(value)
        ]
        if errors:  # nothing else is safe to look at
            raise ValidationFailed(errors)
        allowed_statuses = MembershipStatus.values if staff else [str(s) for s in PUBLIC_STATUSES]
        if result.status and result.status not in allowed_statuses:
            errors.append(
                FieldError(
                    "status",
                    _("Must be one of: %s.") % ", ".join(allowed_statuses),
                    "invalid_choice",
                )
            )
        if result.kind and result.kind not in OrganisationKind.values:
            errors.append(
                FieldError(
                    "kind",
                    _("Must be one of: %s.") % ", ".join(OrganisationKind.values),
                    "invalid_choice",
                )
            )
        if result.sme_category and result.sme_category not in SmeCategory.values:
            errors.append(
                FieldError(
                    "sme_category",
                    _("Must be one of: %s.") % ", ".join(SmeCategory.values),
                    "invalid_choice",
                )
            )
        if result.okved_section and not (
            len(result.okved_section) == 1 and "A" <= result.okved_section.upper() <= "U"
        ):
            errors.append(
                FieldError(
                    "okved_section",
                    _("An OKVED 2 section is one letter from A to U."),
                    "invalid_choice",
                )
            )
        if result.region and not REGION_CODE.match(result.region.upper()):
            errors.append(
                FieldError(
                    "region", _("A region is an ISO 3166-2:RU code such as RU-MOW."), "invalid"
                )
            )
        if result.area and not AREA_CODE.match(result.area):
            errors.append(
                FieldError("area", _("A priority area is a code such as ict."), "invalid")
            )
        if result.order not in ORDERINGS:
            errors.append(
                FieldError(
                    "order", _("Must be one of: %s.") % ", ".join(ORDERINGS), "invalid_choice"
                )
            )
        if len(result.q) > 200:
            errors.append(FieldError("q", _("At most 200 characters."), "too_long"))
        if errors:
            raise ValidationFailed(errors)
        result.okved_section = result.okved_section.upper()
        result.region = result.region.upper()
        return result

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.q,
                self.area,
                self.kind,
                self.region,
                self.okved_section,
                self.sme_category,
                self.status,
            ]
        )

    @property
    def identifier(self) -> str:
        """The INN or OGRN the query is, if it is one (looked up exactly, not searched)."""
        digits = self.q.replace(" ", "")
        return digits if digits.isdigit() and len(digits) in (10, 12, 13, 15) else ""

    def search_result(self, *, public_only: bool) -> SearchResult | None:
        """The matching ids from the full-text index (None for an identifier lookup, and for the
        back office's unfiltered list, which plain indexes serve best)."""
        if self.identifier:
            return None
        facets = facet_tokens(
            status=self.status,
            region=self.region,
            kind=self.kind,
            sme_category=self.sme_category,
            okved_section=self.okved_section,
            areas=[self.area] if self.area else [],
            public=public_only,
        )
        words = search_words(self.q)
        if not full_text_serves(words, facets):
            return None
        return SearchResult(words, facets, self.order)

    def apply(self, queryset):
        if self.q:
            if self.identifier:
                queryset = queryset.filter(inn=self.identifier) | queryset.filter(
                    ogrn=self.identifier
                )
            else:
                queryset = filter_by_words(queryset, self.q)
        if self.area:
            queryset = queryset.filter(priority_areas__code=self.area)
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.region:
            queryset = queryset.filter(region_id=self.region)
        if self.okved_section:
            queryset = queryset.filter(okved_section=self.okved_section)
        if self.sme_category:
            queryset = queryset.filter(sme_category=self.sme_category)
        if self.status:
            queryset = queryset.filter(status=self.status)
        return queryset.order_by(*ORDERINGS[self.order])

    def as_params(self) -> dict[str, str]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) and not (f.name == "order" and self.order == "name")
        }
