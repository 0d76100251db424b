"""API shapes of the KPIs (``GET /api/v1/kpis``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema


class ResultsOut(Schema):
    jobs: Decimal = Field(description="Jobs created")
    revenue_rub: Decimal = Field(description="Revenue, RUB")
    taxes_rub: Decimal = Field(description="Taxes paid, RUB")
    patents: Decimal = Field(description="Patents")
    products: Decimal = Field(description="Products launched")


class KpisOut(Schema):
    key: str = Field(
        description="The call's code, the area's code, the project's id; empty overall"
    )
    label: str
    implemented_projects: int = Field(description="Final report accepted: the headline KPI")
    projects_in_implementation: int
    terminated_projects: int
    applications_submitted: int
    applications_decided: int
    applications_approved: int = Field(description="Approved, or at any later stage")
    approval_rate: Decimal | None = Field(description="Approved among decided (0-1)")
    median_days_to_decision: Decimal | None = Field(
        description="Median days from the (last) submission to the decision"
    )
    mean_days_to_decision: Decimal | None
    grant_awarded_rub: Decimal
    grant_paid_rub: Decimal = Field(description="Tranches paid out")
    cofinancing_rub: Decimal
    cofinancing_leverage: Decimal | None = Field(
        description="The participants' own money per rouble of grant awarded"
    )
    payback_ratio: Decimal | None = Field(
        description="Taxes paid by the participants per rouble of grant paid out"
    )
    results: ResultsOut = Field(description="Sums of the accepted milestone reports")
    targets: ResultsOut = Field(description="Sums of the targets the projects committed to")


class ExchangeOutcomesOut(Schema):
    challenges_published: int
    challenges_open: int
    challenges_closed: int
    challenges_closed_adopted: int
    solutions_received: int
    pilots_proposed: int
    solutions_accepted: int
    adoption_rate: Decimal | None = Field(
        description="Closed challenges with a solution adopted, as a share of closed ones"
    )


class KpiReportOut(Schema):
    group: Literal["overall", "call", "area", "project"]
    generated_at: datetime
    rows: list[KpisOut]
    exchange: ExchangeOutcomesOut = Field(
        description="What the open innovation exchange's challenges led to (in the area asked "
        "for, or overall; calls do not apply to it)"
    )


class KpiQuery(Schema):
    group: Literal["overall", "call", "area", "project"] = Field(
        "overall", description="Group the KPIs by call, priority area or project"
    )
    call: str | None = Field(None, description="Only this call (its code)", max_length=64)
    area: str | None = Field(None, description="Only this priority area (its code)", max_length=32)
