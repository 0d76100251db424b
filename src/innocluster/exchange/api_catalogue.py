"""Catalogue endpoints: technology offers and products (lists, one item, posting one) and
expressions of interest.

Reading needs no sign-in: the lists hold published items; one item answers for published and
archived ones, and for a draft only to its owner's people (404 to everyone else). A person's
session, or an organisation's API token (scope ``read``), counts as the organisation's. Writing
needs a person acting for an admitted organisation, or its token with the ``profile`` scope;
technology offers come from universities and research institutes only. Unknown keys and bad
values are refused with 422 naming each field and its rule; nothing is stored then.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from innocluster.api.auth import ANY_AUTH, caller_with_scope, optional_reader
from innocluster.api.schemas import ERRORS
from innocluster.core.errors import FieldError, NotFound, NotPermitted, ValidationFailed
from innocluster.registry.models import Organisation

from . import catalogue_selectors as selectors
from . import catalogue_services as services
from .catalogue_permissions import TECHNOLOGY_OWNER_KINDS
from .catalogue_schemas import (
    InterestIn,
    InterestOut,
    ProductIn,
    ProductOut,
    ProductPage,
    TechnologyIn,
    TechnologyOut,
    TechnologyPage,
)
from .models import Product, TechnologyOffer
from .permissions import acting_organisations

router = Router(tags=["exchange"])
WRITE_SCOPE = "profile"


def _reader(request):
    return optional_reader(request)


def _common(item) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "owner": {"id": item.owner.pk, "name": item.owner.name, "kind": item.owner.kind},
        "language": item.language,
        "title": item.title,
        "summary": item.summary,
        "title_translated": item.title_translated,
        "summary_translated": item.summary_translated,
        "description": item.description,
        "priority_areas": list(item.priority_areas),
        "published_at": item.published_at,
        "version": item.version,
    }


def technology_json(item: TechnologyOffer) -> dict:
    return {
        **_common(item),
        "url": f"/exchange/technologies/{item.pk}/",
        "ip_kinds": list(item.ip_kinds),
        "patent_numbers": list(item.patent_numbers),
        "trl": item.trl,
        "licensing_terms": item.licensing_terms,
        "partnership_terms": item.partnership_terms,
        "lab_competencies": item.lab_competencies,
    }


def product_json(item: Product) -> dict:
    return {
        **_common(item),
        "url": f"/exchange/products/{item.pk}/",
        "trl": item.trl,
        "references": item.references,
        "price_model": item.price_model,
        "price_note": item.price_note,
    }


class CatalogueQuery(Schema):
    area: str = NinjaField("", max_length=32, description="A priority area code")
    trl_min: str = NinjaField("", max_length=4, description="The lowest TRL, 1 to 9")
    limit: int = NinjaField(25, ge=1, le=200)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


class TechnologyQuery(CatalogueQuery):
    ip_kind: str = NinjaField("", max_length=16, description="patent, know_how or software")


def _page(model, filters, *, technologies: bool, to_json, reader=None) -> dict:
    chosen, errors = selectors.parse_filter(filters.dict(), technologies=technologies)
    if errors:
        raise ValidationFailed(errors)
    queryset = selectors.listed(model, chosen, reader)
    rows = list(queryset[filters.offset : filters.offset + filters.limit])
    return {
        "count": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [to_json(item) for item in rows],
    }


def _item(model, reader, item_id):
    try:
        return selectors.item_for(model, reader, item_id)
    except Http404:
        raise NotFound() from None


def _owner(actor, wanted, *, technologies: bool):
    """The organisation a new item is listed for: the one named, or the only one ``actor``
    may list it for."""
    if wanted is not None:
        organisation = Organisation.objects.filter(pk=wanted).first()
        if organisation is None:
            raise ValidationFailed(
                [FieldError("owner", _("is not an organisation you act for"), "invalid")]
            )
        return organisation
    candidates = acting_organisations(actor)
    if technologies:
        eligible = [o for o in candidates if o.kind in TECHNOLOGY_OWNER_KINDS]
        candidates = eligible or candidates  # the service then says who may offer
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotPermitted(_("Only organisations admitted to the cluster may do this."))
    raise ValidationFailed(
        [FieldError("owner", _("you act for several organisations: choose one"), "required")]
    )


def _create(request, payload, create, to_json, *, technologies: bool):
    """Post a listing for the caller's organisation (``owner`` picks one when they act for
    several): a draft, or published with ``publish: true``."""
    actor = caller_with_scope(request, WRITE_SCOPE)
    owner = _owner(actor, payload.owner, technologies=technologies)
    data = payload.model_dump(exclude={"owner", "publish"})
    item = create(owner, data, actor=actor, publish=payload.publish)
    return Status(201, to_json(item))


@router.get(
    "/technologies",
    response={200: TechnologyPage, **ERRORS},
    auth=None,
    summary="Published technology offers of universities and research institutes",
    description=(
        "Newest first. Filters: `area` (a priority area code), `ip_kind` (patent, know_how, "
        "software), `trl_min` (1 to 9); a bad value is refused with 422 naming it."
    ),
)
def list_technologies(request, filters: Query[TechnologyQuery]):
    return _page(
        TechnologyOffer,
        filters,
        technologies=True,
        to_json=technology_json,
        reader=_reader(request),
    )


@router.get(
    "/technologies/{item_id}",
    response={200: TechnologyOut, **ERRORS},
    auth=None,
    summary="One technology offer (a draft only for its owner's people)",
)
def get_technology(request, item_id: str):
    return technology_json(_item(TechnologyOffer, _reader(request), item_id))


@router.post(
    "/technologies",
    response={201: TechnologyOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Offer a technology (a draft, or published with publish: true)",
    description=(
        "For universities and research institutes admitted to the cluster. `title` and `trl` "
        "are required; to publish also `summary`, `description`, `priority_areas`, `ip_kinds`, "
        "`patent_numbers` (with a patent) and licensing or partnership terms. Patent numbers "
        "are checked and written as `RU 2712345 C1`."
    ),
)
def post_technology(request, payload: TechnologyIn):
    return _create(request, payload, services.create_technology, technology_json, technologies=True)


@router.get(
    "/products",
    response={200: ProductPage, **ERRORS},
    auth=None,
    summary="Published products and services of cluster members",
    description="Newest first. Filters: `area`, `trl_min`; a bad value is refused with 422.",
)
def list_products(request, filters: Query[CatalogueQuery]):
    return _page(
        Product, filters, technologies=False, to_json=product_json, reader=_reader(request)
    )


@router.get(
    "/products/{item_id}",
    response={200: ProductOut, **ERRORS},
    auth=None,
    summary="One product or service (a draft only for its owner's people)",
)
def get_product(request, item_id: str):
    return product_json(_item(Product, _reader(request), item_id))


@router.post(
    "/products",
    response={201: ProductOut, **ERRORS},
    auth=ANY_AUTH,
    summary="List a product or service (a draft, or published with publish: true)",
    description=(
        "For any organisation admitted to the cluster. `title` is required; to publish also "
        "`summary`, `description` and `priority_areas`."
    ),
)
def post_product(request, payload: ProductIn):
    return _create(request, payload, services.create_product, product_json, technologies=False)


@router.post(
    "/interest",
    response={201: InterestOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Express an organisation's interest in a challenge, a technology or a product",
    description=(
        "Once per organisation and item (a second time: 409 `already_interested`); never in "
        "the organisation's own item (403); only in an item the caller may see (404) and that "
        "is live: a published listing, a challenge open, evaluating or piloting (409 "
        "`not_open`). The owner's people are notified."
    ),
)
def post_interest(request, payload: InterestIn):
    actor = caller_with_scope(request, WRITE_SCOPE)
    interest = services.express_interest(
        actor=actor,
        kind=payload.kind,
        target_id=payload.id,
        message=payload.message,
        organisation=payload.organisation,
    )
    return Status(
        201,
        {
            "id": interest.pk,
            "kind": interest.target_kind,
            "item": interest.target_id,
            "item_url": selectors.ITEM_URLS[interest.target_kind].format(id=interest.target_id),
            "organisation": {"id": interest.organisation.pk, "name": interest.organisation.name},
            "message": interest.message,
            "created_at": interest.created_at,
        },
    )
