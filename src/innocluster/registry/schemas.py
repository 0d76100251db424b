"""API input and output of the registry."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import field_validator

from innocluster.core.text import CleanStr

# Money in roubles as the database keeps it: numeric(18, 2), never a float.
Revenue = Annotated[Decimal, Field(max_digits=18, decimal_places=2, ge=0)]
LegalFormIn = Literal["legal_entity", "individual_entrepreneur", "foreign", "individual"]
KindIn = Literal[
    "company", "startup", "corporation", "university", "research_institute",
    "development_institution", "investor", "city_body", "other",
]  # fmt: skip


class JoinIn(Schema):
    """A membership application: the organisation, and acceptance of the accession agreement."""

    legal_form: LegalFormIn
    kind: KindIn = "company"
    name_ru: CleanStr = Field(..., min_length=1, max_length=500)
    name_en: CleanStr = Field("", max_length=500)
    inn: CleanStr | None = Field(
        None, max_length=20, description="10 digits (legal entity) or 12 (entrepreneur, person)"
    )
    ogrn: CleanStr | None = Field(
        None, max_length=20, description="OGRN (13 digits) or, for an entrepreneur, OGRNIP (15)"
    )
    kpp: CleanStr = Field("", max_length=9)
    country: CleanStr = Field("RU", max_length=2, description="ISO 3166-1 alpha-2")
    foreign_registration_number: CleanStr = Field("", max_length=64)
    region: CleanStr | None = Field(None, max_length=6, description="ISO 3166-2:RU, e.g. RU-MOW")
    okved_main: CleanStr | None = Field(None, max_length=8, description="OKVED 2 code, e.g. 62.01")
    okved_extra: list[CleanStr] = Field(default_factory=list, max_length=50)
    registered_on: datetime.date | None = None
    employees: int | None = Field(None, ge=0, le=10_000_000)
    revenue_by_year: dict[int, Revenue] = Field(
        default_factory=dict, description="roubles by calendar year, at most 2 decimal places"
    )

    sme_category: Literal["", "micro", "small", "medium", "large"] = ""
    priority_areas: list[CleanStr] = Field(default_factory=list, max_length=10)
    website: CleanStr = Field("", max_length=200)
    description_ru: CleanStr = Field("", max_length=5000)
    description_en: CleanStr = Field("", max_length=5000)
    contact_name: CleanStr = Field("", max_length=200)
    contact_email: CleanStr = Field("", max_length=254)
    contact_phone: CleanStr = Field("", max_length=32)
    address: CleanStr = Field("", max_length=500)
    accept_agreement: bool = Field(
        False, description="Must be true: acceptance of the accession agreement"
    )
    claim: bool = Field(
        False, description="Claim an organisation already registered with these identifiers"
    )

    @field_validator("revenue_by_year")
    @classmethod
    def _revenue_is_money(cls, value: dict[int, Decimal]) -> dict[int, Decimal]:
        for amount in value.values():
            if not amount.is_finite() or abs(amount) >= Decimal("1e16"):
                raise ValueError("revenue must be a finite amount below 10^16 roubles")
        return value


class Check(Schema):
    code: str
    passed: bool | None = Field(..., description="true passed, false failed, null needs a person")
    message: str


class MembershipApplicationOut(Schema):
    """A membership application and where it stands."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    status: str
    checks: list[Check]
    review_reason: str
    decision_reason: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class JoinOut(Schema):
    """The answer to a join: the organisation and its membership status."""

    id: uuid.UUID = Field(..., description="the organisation's id")
    status: str = Field(..., description="membership status: member, partner or applicant")
    member_number: str | None
    application: MembershipApplicationOut


class OrganisationOut(Schema):
    """An organisation as the public registry shows it."""

    id: uuid.UUID
    member_number: str | None
    status: str
    member_since: datetime.date | None
    legal_form: str
    kind: str
    name_ru: str
    name_en: str
    inn: str | None
    ogrn: str | None
    kpp: str
    country: str
    foreign_registration_number: str
    region: str | None
    okved_main: str | None
    okved_extra: list[str]
    priority_areas: list[str]
    sme_category: str
    employees: int | None
    registered_on: datetime.date | None
    website: str
    description_ru: str
    description_en: str
    url: str


class RevenueOut(Schema):
    year: int
    revenue_rub: Decimal


class OrganisationDetailOut(OrganisationOut):
    revenues: list[RevenueOut]
    contact_name: str | None = Field(None, description="only for signed-in callers")
    contact_email: str | None = None
    contact_phone: str | None = None
    address: str | None = None


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[OrganisationOut]


class ReferenceItem(Schema):
    code: str
    name_ru: str
    name_en: str


class RegionOut(ReferenceItem):
    federal_district: str


class OkvedOut(ReferenceItem):
    section: str
    parent: str | None


class TrlOut(Schema):
    level: int
    name_ru: str
    name_en: str


class StatisticsOut(Schema):
    total: int
    members: int
    partners: int
    suspended: int
    by_kind: dict[str, int]
    by_sme_category: dict[str, int]
    by_okved_section: dict[str, int]
    by_area: dict[str, int]
    by_region: dict[str, int]
