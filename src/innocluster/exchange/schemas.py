"""API shapes of challenges and solutions (``/api/v1/challenges``)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from innocluster.core.text import CleanStr


class ExchangeOrganisationRef(Schema):
    id: uuid.UUID
    name: str


class ChallengeOut(Schema):
    id: uuid.UUID
    url: str = Field(description="The challenge's page")
    title: str
    summary: str
    title_translated: str
    summary_translated: str
    language: Literal["ru", "en"]
    owner: ExchangeOrganisationRef
    status: Literal["draft", "open", "evaluating", "piloting", "closed"]
    outcome: str = Field(description="When closed: adopted, not_adopted or cancelled")
    visibility: Literal["public", "members", "nda"]
    priority_areas: list[str]
    trl_min: int | None
    owner_offers: list[str] = Field(description="pilot, purchase, investment, partnership")
    budget_min_rub: Decimal | None
    budget_max_rub: Decimal | None
    deadline: datetime.date | None = Field(description="Solutions are taken through this day")
    published_at: datetime.datetime | None
    details: str | None = Field(description="null when the caller may not read it (under NDA)")
    expected_result: str | None = Field(description="null when the caller may not read it")
    requirements: str | None = Field(description="null when the caller may not read it")
    details_protected: bool = Field(
        description="true when the details are under an NDA the caller's organisation has not "
        "accepted (they are null then)"
    )
    nda_text: str | None = Field(description="The NDA to accept (challenges under NDA only)")
    version: int


class ChallengePage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ChallengeOut]


class ChallengeIn(Schema):
    """A new challenge. Unknown keys are refused (422), as is any bad value; nothing is stored
    then. ``publish``: publish it at once (refused, with every missing field named, when it is
    not complete)."""

    model_config = ConfigDict(extra="forbid")

    title: CleanStr = Field(..., max_length=300)
    summary: CleanStr = Field("", max_length=2000)
    details: CleanStr = Field("", max_length=20000, description="under NDA: the protected part")
    expected_result: CleanStr = Field("", max_length=10000)
    requirements: CleanStr = Field("", max_length=10000)
    visibility: Literal["public", "members", "nda"] = "public"
    priority_areas: list[CleanStr] = Field(default_factory=list, max_length=10)
    trl_min: int | None = Field(None, ge=1, le=9)
    owner_offers: list[Literal["pilot", "purchase", "investment", "partnership"]] = Field(
        default_factory=list
    )
    budget_min_rub: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    budget_max_rub: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    deadline: datetime.date | None = None
    language: Literal["ru", "en"] = "ru"
    title_translated: CleanStr = Field("", max_length=300)
    summary_translated: CleanStr = Field("", max_length=2000)
    nda_text: CleanStr = Field("", max_length=20000)
    owner: uuid.UUID | None = Field(
        None, description="The organisation posting it; required when the caller acts for several"
    )
    publish: bool = False


class NdaAcceptanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accept: bool = Field(..., description="true: I accept the NDA on behalf of the organisation")
    organisation: uuid.UUID | None = Field(
        None, description="Required when the caller acts for several organisations"
    )


class NdaAcceptanceOut(Schema):
    challenge: uuid.UUID
    organisation: ExchangeOrganisationRef
    nda_sha256: str = Field(description="SHA-256 of the NDA text accepted")
    accepted_at: datetime.datetime


class AttachmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    filename: CleanStr = Field(..., max_length=255)
    content_base64: str = Field(..., description="The file's bytes, base64")


class SolutionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    description: CleanStr = Field(..., max_length=10000)
    trl: int = Field(..., ge=1, le=9)
    references: CleanStr = Field("", max_length=5000)
    price_indication: CleanStr = Field("", max_length=300)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10)
    responder: uuid.UUID | None = Field(
        None, description="The answering organisation; required when the caller acts for several"
    )


class AttachmentOut(Schema):
    id: uuid.UUID
    filename: str
    media_type: str
    size: int
    sha256: str


class SolutionOut(Schema):
    id: uuid.UUID
    url: str
    challenge: uuid.UUID
    responder: ExchangeOrganisationRef
    status: Literal[
        "received", "shortlisted", "pilot_proposed", "accepted", "declined", "withdrawn"
    ]
    description: str
    trl: int
    references: str
    price_indication: str
    feedback: str
    created_at: datetime.datetime
    status_changed_at: datetime.datetime | None
    attachments: list[AttachmentOut]
