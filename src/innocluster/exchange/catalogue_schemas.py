"""API shapes of technology offers, products and expressions of interest
(``/api/v1/technologies``, ``/api/v1/products``, ``/api/v1/interest``)."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict


class OwnerRef(Schema):
    id: uuid.UUID
    name: str
    kind: str = Field(description="The owner's registry kind: university, company, ...")


class ListingOut(Schema):
    id: uuid.UUID
    url: str = Field(description="The item's page")
    status: Literal["draft", "published", "archived"]
    owner: OwnerRef
    language: Literal["ru", "en"] = Field(description="The language the text is written in")
    title: str
    summary: str
    title_translated: str = Field(description="The title in the other language, if given")
    summary_translated: str
    description: str
    priority_areas: list[str]
    published_at: datetime.datetime | None
    version: int = Field(description="Bumped by every change")


class TechnologyOut(ListingOut):
    ip_kinds: list[str] = Field(description="patent, know_how, software")
    patent_numbers: list[str] = Field(description="Russian patent numbers, as RU 2712345 C1")
    trl: int
    licensing_terms: str
    partnership_terms: str
    lab_competencies: str = Field(description="Labs and equipment offered for shared use")


class ProductOut(ListingOut):
    trl: int | None
    references: str
    price_model: Literal["fixed", "subscription", "per_unit", "on_request", "free"]
    price_note: str


class TechnologyPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[TechnologyOut]


class ProductPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ProductOut]


class ListingIn(Schema):
    """What a new technology offer and a new product share. Unknown keys are refused (422), as
    is any bad value, each named with its rule; nothing is stored then."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not ignored

    owner: uuid.UUID | None = Field(
        None, description="The organisation listing it; needed only when you act for several"
    )
    language: str = Field("ru", description="ru or en: the language of the text")
    title: str = Field(..., description="At most 300 characters, one line")
    summary: str = Field("", description="At most 2,000 characters (required to publish)")
    title_translated: str = Field("", description="The title in the other language")
    summary_translated: str = Field("", description="The summary in the other language")
    description: str = Field("", description="At most 20,000 characters (required to publish)")
    priority_areas: list[str] = Field(
        default_factory=list, description="Priority area codes (required to publish)"
    )
    publish: bool = Field(
        False,
        description="Publish at once: refused, naming every missing field, when incomplete",
    )


class TechnologyIn(ListingIn):
    trl: int = Field(..., description="Technology readiness level, 1 to 9")
    ip_kinds: list[str] = Field(
        default_factory=list, description="patent, know_how, software (required to publish)"
    )
    patent_numbers: list[str] = Field(
        default_factory=list,
        description=(
            "Russian patent numbers: 7 digits beginning with 2 for an invention (RU 2712345 C1), "
            "6 for a utility model (RU 212345 U1); required to publish with a patent"
        ),
    )
    licensing_terms: str = Field("", description="Licensing terms (these or partnership terms "
                                 "are required to publish)")  # fmt: skip
    partnership_terms: str = Field("", description="Partnership terms")
    lab_competencies: str = Field("", description="Labs and equipment for shared use")


class ProductIn(ListingIn):
    trl: int | None = Field(None, description="Technology readiness level, 1 to 9 (optional)")
    references: str = Field("", description="Customers, pilots, deployments")
    price_model: str = Field(
        "on_request", description="fixed, subscription, per_unit, on_request or free"
    )
    price_note: str = Field("", description="The price in words, at most 300 characters")


class InterestIn(Schema):
    """An expression of interest. Unknown keys are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(..., description="challenge, technology or product")
    id: str = Field(..., description="The item's id (a UUID)")
    message: str = Field("", description="An optional message to the owner (3,000 characters)")
    organisation: uuid.UUID | None = Field(
        None, description="The interested organisation; needed only when you act for several"
    )


class InterestOrganisation(Schema):
    id: uuid.UUID
    name: str


class InterestOut(Schema):
    id: uuid.UUID
    kind: Literal["challenge", "technology", "product"]
    item: uuid.UUID = Field(description="The item's id")
    item_url: str
    organisation: InterestOrganisation = Field(description="The interested organisation")
    message: str
    created_at: datetime.datetime
