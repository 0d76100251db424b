"""API shapes of calls (``GET /api/v1/calls``, ``GET /api/v1/calls/{code}``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema


class CallProgrammeOut(Schema):
    code: str
    name_ru: str
    name_en: str


class CallConsortiumOut(Schema):
    min_members: int = Field(
        description="The fewest organisations in a consortium, the lead included"
    )
    max_members: int = Field(description="The most organisations in a consortium")
    min_sme_members: int = Field(description="The fewest small and medium-sized enterprises")
    lead_must_be_member: bool = Field(description="The lead applicant must be a cluster member")


class RequiredDocumentOut(Schema):
    code: str
    name_ru: str
    name_en: str


class CallCriterionOut(Schema):
    code: str
    name_ru: str
    name_en: str
    weight: Decimal
    scale_min: int
    scale_max: int


class CallFormOut(Schema):
    code: str = Field(description="The application form's code")
    version: int = Field(description="The form version applications to this call fill in")


class CallOut(Schema):
    id: UUID
    code: str
    url: str = Field(description="The call's public page")
    title_ru: str
    title_en: str
    description_ru: str
    description_en: str
    programme: CallProgrammeOut
    status: Literal["upcoming", "open", "closed"] = Field(
        description="The call's phase now, by the server's clock"
    )
    opens_at: datetime = Field(description="When applications open (ISO 8601, Moscow time)")
    deadline: datetime = Field(description="Applications are taken until this instant (ISO 8601)")
    budget_rub: Decimal
    max_grant_rub: Decimal = Field(description="The largest grant one project may receive")
    cofinancing_min_share: Decimal = Field(
        description="The least share of a project's budget its participants pay (0..1)"
    )
    priority_areas: list[str] = Field(description="Eligible priority area codes (empty: any)")
    innovation_types: list[str] = Field(description="Eligible innovation type codes (empty: any)")
    consortium: CallConsortiumOut
    required_documents: list[RequiredDocumentOut]
    criteria: list[CallCriterionOut]
    form: CallFormOut | None
    reviewers_per_application: int
