"""The search API's query and answer."""

from __future__ import annotations

import uuid
from typing import Literal

from ninja import Field, Schema

from innocluster.exchange.choices import Language, ListingStatus
from innocluster.registry.areas import PRIORITY_AREA_CODES
from innocluster.registry.choices import PUBLIC_STATUSES, OrganisationKind

from .choices import DocumentKind
from .indexing import indexed_challenge_statuses

KindCode = Literal[tuple(DocumentKind.values)]  # type: ignore[valid-type]
AreaCode = Literal[PRIORITY_AREA_CODES]  # type: ignore[valid-type]
StatusCode = Literal[  # type: ignore[valid-type]
    tuple(
        [str(s) for s in PUBLIC_STATUSES]
        + [ListingStatus.PUBLISHED.value]
        + [str(s) for s in indexed_challenge_statuses()]
    )
]
LanguageCode = Literal[tuple(Language.values)]  # type: ignore[valid-type]
OwnerKindCode = Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]


class SearchQuery(Schema):
    """Words and filters; repeat a filter to allow several values (``?kind=product&kind=technology``)."""

    q: str = Field(
        "",
        description=(
            "Any text, in Russian or English; nothing in it is syntax (quotes, operators, "
            "brackets are just ignored). Items holding all the words come first."
        ),
    )
    kind: list[KindCode] = Field([], description="organisation, product, technology or challenge")
    area: list[AreaCode] = Field([], description="priority area codes; any of them matches")
    trl_min: int | None = Field(None, ge=1, le=9, description="at least this TRL (1..9)")
    status: list[StatusCode] = Field([], description="the item's status codes")
    language: list[LanguageCode] = Field([], description="the language the item is written in")
    owner_kind: list[OwnerKindCode] = Field(
        [], description="the registry kind of the item's organisation"
    )
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)


class SearchOwnerOut(Schema):
    id: uuid.UUID
    name: str


class SearchItemOut(Schema):
    kind: str
    id: uuid.UUID
    title: str = Field(description="the title in the language asked for, where given")
    title_original: str
    language: str
    snippet: str = Field(description="plain text around the first words found")
    snippet_html: str = Field(description="the same, HTML-escaped, with the words in <mark>")
    owner: SearchOwnerOut | None
    areas: list[str]
    trl: int | None
    status: str
    url: str | None = Field(description="the item's page on the portal (a path)")


class FacetValueOut(Schema):
    code: str
    label: str
    count: int


class SearchFacetsOut(Schema):
    """For each facet, its values among the results and how many results each has; a facet's
    counts apply every other filter but its own."""

    kind: list[FacetValueOut]
    area: list[FacetValueOut]
    trl: list[FacetValueOut]
    status: list[FacetValueOut]
    language: list[FacetValueOut]
    owner_kind: list[FacetValueOut]


class SearchOut(Schema):
    query: str
    count: int
    page: int
    pages: int
    per_page: int
    items: list[SearchItemOut]
    facets: SearchFacetsOut
