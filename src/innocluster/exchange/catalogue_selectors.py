"""Reads of the catalogue, always scoped to what the reader may see.

A published or archived listing is public (an archived one is no longer listed, but its address
still answers, for history); a draft is seen by its owner's people only, 404 for everyone else.
The listings of an owner no longer admitted to the cluster (suspended, withdrawn) are seen only
by its own people and the Fund's staff.
Expressions of interest are seen by the people of the item's owner (received) and of the
interested organisation (sent). Of a challenge, only its public fields (title, summary) are
ever shown here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError
from innocluster.registry.areas import PRIORITY_AREA_CODES
from innocluster.registry.choices import ADMITTED_STATUSES

from .catalogue_services import parse_uuid
from .choices import InterestTarget, IpKind, ListingStatus, PriceModel
from .models import Challenge, ExpressionOfInterest, Product, TechnologyOffer
from .permissions import is_fund_staff, organisation_ids

PAGE_SIZE = 25
ITEM_URLS = {
    InterestTarget.CHALLENGE: "/exchange/challenges/{id}/",
    InterestTarget.TECHNOLOGY: "/exchange/technologies/{id}/",
    InterestTarget.PRODUCT: "/exchange/products/{id}/",
}
MATCHING_URLS = {
    InterestTarget.TECHNOLOGY: "/matching/technologies/{id}/",
    InterestTarget.PRODUCT: "/matching/products/{id}/",
}


def lang() -> str:
    return "en" if (get_language() or "ru").startswith("en") else "ru"


def in_language(item, stem: str) -> str:
    """``title`` or ``summary`` in the reader's language: the original when it is written in
    it, else its translation when there is one, else the original."""
    original = getattr(item, stem)
    if item.language == lang():
        return original
    return getattr(item, f"{stem}_translated", "") or original


def area_labels(codes) -> list[str]:
    from innocluster.programmes.selectors import AREA_LABELS

    return [str(AREA_LABELS.get(code, code)) for code in codes or []]


def area_choices() -> list[tuple[str, str]]:
    from innocluster.programmes.selectors import AREA_LABELS

    return [(code, str(AREA_LABELS.get(code, code))) for code in PRIORITY_AREA_CODES]


def ip_labels(codes) -> list[str]:
    labels = dict(IpKind.choices)
    return [str(labels.get(code, code)) for code in codes or []]


def price_label(code: str) -> str:
    return str(dict(PriceModel.choices).get(code, code))


# --- filters ----------------------------------------------------------------------------------


@dataclass
class CatalogueFilter:
    """The catalogue's filter; the pages and the API read the same parameters."""

    area: str = ""
    ip_kind: str = ""
    trl_min: int | None = None

    def query(self) -> str:
        from urllib.parse import urlencode

        pairs = [("area", self.area), ("ip_kind", self.ip_kind)]
        if self.trl_min is not None:
            pairs.append(("trl_min", str(self.trl_min)))
        return urlencode([(k, v) for k, v in pairs if v])


def parse_filter(params, *, technologies: bool) -> tuple[CatalogueFilter, list[FieldError]]:
    """The filter from request parameters (``area``, ``ip_kind`` for technologies, ``trl_min``);
    each bad value named with its rule (and left out of the filter)."""
    result = CatalogueFilter()
    errors: list[FieldError] = []
    area = (params.get("area") or "").strip()
    if area:
        if area in PRIORITY_AREA_CODES:
            result.area = area
        else:
            errors.append(
                FieldError(
                    "area",
                    _("must be one of: %(codes)s") % {"codes": ", ".join(PRIORITY_AREA_CODES)},
                    "invalid_choice",
                )
            )
    if technologies:
        ip_kind = (params.get("ip_kind") or "").strip()
        if ip_kind:
            if ip_kind in IpKind.values:
                result.ip_kind = ip_kind
            else:
                errors.append(
                    FieldError(
                        "ip_kind",
                        _("must be one of: %(codes)s") % {"codes": ", ".join(IpKind.values)},
                        "invalid_choice",
                    )
                )
    trl = params.get("trl_min")
    if trl not in (None, ""):
        text = str(trl).strip()
        if text.isascii() and text.isdigit() and len(text) < 3 and 1 <= int(text) <= 9:
            result.trl_min = int(text)
        else:
            errors.append(FieldError("trl_min", _("must be a whole number from 1 to 9"), "invalid"))
    return result, errors


def _with_code(queryset, name: str, code: str):
    """Rows whose JSON list ``name`` holds ``code``: its text holds the quoted code, alike on
    SQLite and PostgreSQL."""
    return queryset.annotate(**{f"_{name}_text": Cast(name, TextField())}).filter(
        **{f"_{name}_text__contains": f'"{code}"'}
    )


def apply_filter(queryset, chosen: CatalogueFilter):
    if chosen.area:
        queryset = _with_code(queryset, "priority_areas", chosen.area)
    if chosen.ip_kind:
        queryset = _with_code(queryset, "ip_kinds", chosen.ip_kind)
    if chosen.trl_min is not None:
        queryset = queryset.filter(trl__gte=chosen.trl_min)
    return queryset


# --- listings ---------------------------------------------------------------------------------


def _owner_shown_to(actor) -> Q | None:
    """Whose listings ``actor`` sees besides those of admitted owners: every owner for the
    Fund's staff (None: no condition), their own organisations for everyone else."""
    if is_fund_staff(actor):
        return None
    condition = Q(owner__status__in=ADMITTED_STATUSES)
    ids = organisation_ids(actor) if actor is not None else set()
    if ids:
        condition |= Q(owner_id__in=ids)
    return condition


def listed(model, chosen: CatalogueFilter | None = None, actor=None) -> QuerySet:
    """The catalogue for ``actor``: published listings, newest first, filtered. Those of an
    owner no longer admitted only its own people and the Fund's staff see."""
    queryset = model.objects.filter(status=ListingStatus.PUBLISHED).select_related("owner")
    owners = _owner_shown_to(actor)
    if owners is not None:
        queryset = queryset.filter(owners)
    if chosen is not None:
        queryset = apply_filter(queryset, chosen)
    return queryset.order_by("-published_at", "-created_at", "id")


def visible(model, actor) -> QuerySet:
    """Every listing ``actor`` may open: published and archived ones (of admitted owners, but
    for the Fund's staff), and their own organisations' listings, drafts included."""
    ids = organisation_ids(actor)
    condition = ~Q(status=ListingStatus.DRAFT)
    if not is_fund_staff(actor):
        condition &= Q(owner__status__in=ADMITTED_STATUSES)
    if ids:
        condition |= Q(owner_id__in=ids)
    return model.objects.filter(condition).select_related("owner")


def item_for(model, actor, item_id):
    """The listing if ``actor`` may see it; Http404 otherwise (also for a malformed id)."""
    pk = parse_uuid(item_id)
    item = visible(model, actor).filter(pk=pk).first() if pk else None
    if item is None:
        raise Http404
    return item


def technology_for(actor, item_id) -> TechnologyOffer:
    return item_for(TechnologyOffer, actor, item_id)


def product_for(actor, item_id) -> Product:
    return item_for(Product, actor, item_id)


def own_unlisted(model, actor) -> QuerySet:
    """The drafts and archived listings of ``actor``'s organisations (the catalogue page shows
    them to their owners)."""
    ids = organisation_ids(actor)
    if not ids:
        return model.objects.none()
    return (
        model.objects.filter(owner_id__in=ids)
        .exclude(status=ListingStatus.PUBLISHED)
        .select_related("owner")
        .order_by("-updated_at")
    )


# --- expressions of interest ------------------------------------------------------------------


def interests_in(kind: str, item) -> QuerySet[ExpressionOfInterest]:
    """The organisations interested in one item (its owner's page shows them)."""
    return ExpressionOfInterest.objects.filter(target_kind=kind, target_id=item.pk).select_related(
        "organisation", "created_by"
    )


def sent_interest(actor, kind: str, item) -> ExpressionOfInterest | None:
    """The interest one of ``actor``'s organisations already expressed in the item, if any."""
    ids = organisation_ids(actor)
    if not ids:
        return None
    return (
        ExpressionOfInterest.objects.filter(
            target_kind=kind, target_id=item.pk, organisation_id__in=ids
        )
        .select_related("organisation")
        .first()
    )


def _targets(rows) -> dict:
    """(kind, id) -> the item's public title and summary, one query per kind."""
    wanted: dict[str, set] = {}
    for row in rows:
        wanted.setdefault(row.target_kind, set()).add(row.target_id)
    found = {}
    models = {
        InterestTarget.CHALLENGE: Challenge,
        InterestTarget.TECHNOLOGY: TechnologyOffer,
        InterestTarget.PRODUCT: Product,
    }
    for kind, ids in wanted.items():
        # Only public fields: a challenge's protected text never reaches the inbox.
        for item in (
            models[kind]
            .objects.filter(pk__in=ids)
            .only("id", "title", "title_translated", "language", "owner_id")
        ):
            found[(kind, item.pk)] = item
    return found


def _rows(queryset) -> list[dict]:
    rows = list(queryset)
    targets = _targets(rows)
    labels = dict(InterestTarget.choices)
    result = []
    for row in rows:
        item = targets.get((row.target_kind, row.target_id))
        result.append(
            {
                "interest": row,
                "kind_label": labels.get(row.target_kind, row.target_kind),
                "title": in_language(item, "title") if item else _("(removed)"),
                "url": ITEM_URLS[row.target_kind].format(id=row.target_id),
            }
        )
    return result


def inbox(actor) -> dict:
    """The expressions of interest ``actor``'s organisations received and sent, newest first."""
    ids = organisation_ids(actor)
    if not ids:
        return {"received": [], "sent": []}
    base = ExpressionOfInterest.objects.select_related("organisation", "target_owner", "created_by")
    return {
        "received": _rows(base.filter(target_owner_id__in=ids).order_by("-created_at")[:500]),
        "sent": _rows(base.filter(organisation_id__in=ids).order_by("-created_at")[:500]),
    }
