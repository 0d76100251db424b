"""The review API's input and output schemas."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field as NinjaField
from ninja import Schema
from pydantic import ConfigDict

from innocluster.core.text import CleanStr


class ApplicationRef(Schema):
    id: uuid.UUID
    number: str
    title: str
    call: str = NinjaField(description="the call's code")


class ReviewOut(Schema):
    scores: dict[str, int]
    comments: dict[str, str] = NinjaField(description='per criterion code; "" is the overall one')
    total: Decimal | None = NinjaField(None, description="weighted total, 0-100, once submitted")
    submitted_at: datetime | None


class AssignmentOut(Schema):
    id: uuid.UUID
    status: str = NinjaField(description="assigned, submitted or declined")
    application: ApplicationRef
    assigned_at: datetime
    answered_at: datetime | None
    decline_reason: str
    decline_comment: str
    review: ReviewOut | None
    url: str


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not ignored

    scores: dict[str, Any] = NinjaField(
        default_factory=dict, description="criterion code -> whole number on its scale"
    )
    comments: dict[str, Any] = NinjaField(
        default_factory=dict, description='criterion code (or "" for the overall one) -> text'
    )
    submit: bool = NinjaField(False, description="submit the review (final)")


class DeclineIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not ignored

    reason: CleanStr = NinjaField(..., max_length=16, description="conflict, capacity or other")
    comment: CleanStr = NinjaField("", max_length=500, description="required for other")


class RankedOut(Schema):
    application: uuid.UUID
    number: str
    title: str
    state: str
    rank: int | None
    score: Decimal | None
    reviews: int
    spread: Decimal | None
    disagreement: bool
    requested_rub: Decimal
    funded: bool = NinjaField(description="above the funding line")


class RankingOut(Schema):
    call: str
    optimal: bool
    threshold: Decimal = NinjaField(description="disagreement threshold, points of 0-100")
    budget_rub: Decimal = NinjaField(description="the call's budget less the grants approved")
    used_rub: Decimal
    remaining_rub: Decimal
    exact: bool
    unit_rub: int
    entries: list[RankedOut]


class SessionIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not ignored

    held_on: CleanStr = NinjaField(..., max_length=10, description="YYYY-MM-DD")
    members: list[CleanStr] = NinjaField(..., max_length=50, description="board members' ids")
    optimal: bool = NinjaField(False, description="suggest the optimal funding line")


class VoteIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not ignored

    vote: CleanStr = NinjaField(..., max_length=16, description="for, against or abstain")


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not ignored

    outcome: CleanStr = NinjaField(..., max_length=16, description="approved, rejected, waitlisted")
    grant_rub: Decimal | None = NinjaField(
        None, max_digits=18, decimal_places=2, description="the grant awarded (approved)"
    )
    reasons: str = NinjaField("", max_length=2000, description="required to reject or waitlist")


class MemberOut(Schema):
    id: uuid.UUID
    name: str


class ItemOut(Schema):
    id: uuid.UUID
    position: int
    application: ApplicationRef
    rank: int | None
    score: Decimal | None
    requested_rub: Decimal
    suggested: bool = NinjaField(description="above the funding line when the agenda was made")
    votes: dict[str, int] = NinjaField(description="for, against, abstain")
    outcome: str
    grant_rub: Decimal | None
    reasons: str
    decided_at: datetime | None


class MinutesOut(Schema):
    id: uuid.UUID
    registration_number: str
    status: str
    url: str


class SessionOut(Schema):
    id: uuid.UUID
    call: str
    held_on: date
    optimal: bool
    open: bool
    closed_at: datetime | None
    members: list[MemberOut]
    minutes: MinutesOut | None
    minutes_signed_at: datetime | None
    items: list[ItemOut]
    url: str
