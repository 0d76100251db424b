"""The projects API's shapes (money as Decimal roubles, times with the Moscow offset)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from ninja import Field as NinjaField
from ninja import Schema

from innocluster.core.text import CleanStr


class ProjectOut(Schema):
    id: uuid.UUID
    application: uuid.UUID
    number: str
    title: str
    state: str = NinjaField(
        description="the application's state: agreement, in_implementation, completed or terminated"
    )
    call: str = NinjaField(description="the call's code")
    lead: dict
    grant_rub: Decimal
    cofinancing_rub: Decimal
    started_on: datetime.date | None
    completed_at: datetime.datetime | None
    terminated_at: datetime.datetime | None
    overdue_days: int = NinjaField(0, description="days the oldest overdue report is late")
    url: str


class ProjectPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ProjectOut]


class AgreementOut(Schema):
    id: uuid.UUID
    kind: str
    sequence: int
    state: str
    document: uuid.UUID | None
    changes: dict
    reason: str
    signed_at: datetime.datetime | None


class TrancheOut(Schema):
    id: uuid.UUID
    milestone: uuid.UUID
    milestone_number: int
    amount_rub: Decimal
    due_on: datetime.date
    state: str
    paid_at: datetime.datetime | None
    payment_reference: str
    overdue_days: int


class ReportOut(Schema):
    id: uuid.UUID
    milestone: uuid.UUID
    is_final: bool
    state: str
    summary: str
    kpi_values: dict[str, Decimal]
    version: int
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    return_reason: str
    act_document: uuid.UUID | None
    evidence: list[dict]


class KpiOut(Schema):
    kpi: str
    target: Decimal | None
    actual: Decimal


class ProjectDetailOut(ProjectOut):
    termination_reason: str
    agreements: list[AgreementOut]
    tranches: list[TrancheOut]
    reports: list[ReportOut]
    kpis: list[KpiOut]


class ReportIn(Schema):
    summary: str = NinjaField("", max_length=10000)
    kpi_values: dict = NinjaField(
        default_factory=dict,
        description="{kpi code: value}: jobs, revenue_rub, taxes_rub, patents, products",
    )
    expected_version: int = NinjaField(
        0, ge=0, le=2_000_000_000, description="the report's version you loaded (0: new)"
    )
    submit: bool = NinjaField(False, description="also submit it to the Fund")


class ProjectReasonIn(Schema):
    reason: str = NinjaField(..., max_length=2000)


class ActOut(Schema):
    report: ReportOut
    act_document: uuid.UUID
    registration_number: str


class ProjectQuery(Schema):
    state: CleanStr = NinjaField(
        "", max_length=32, description="agreement, in_implementation, completed or terminated"
    )
    call: CleanStr = NinjaField("", max_length=64, description="a call's code")
    overdue: bool = NinjaField(False, description="only projects with overdue reports")
    awaiting: bool = NinjaField(
        False, description="only projects with reports waiting for the Fund"
    )
    limit: int = NinjaField(25, ge=1, le=500)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


class AgreementPrepareIn(Schema):
    application: uuid.UUID = NinjaField(..., description="an approved application's id")


class PaymentIn(Schema):
    reference: str = NinjaField(..., max_length=100, description="the payment order's reference")
