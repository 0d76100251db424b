"""Shapes of the matchmaking API."""

from __future__ import annotations

import uuid
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from innocluster.core.text import CleanStr

CandidateKind = Literal["organisation", "product", "technology", "challenge"]


class MatchOwnerOut(Schema):
    id: uuid.UUID
    name: str


class MatchTrlOut(Schema):
    verdict: Literal["meets", "below", "unknown", "not_asked"] = Field(
        description="The candidate's TRL against the minimum asked for."
    )
    value: int | None
    required: int | None
    text: str


class MatchExplanationOut(Schema):
    shared_terms: list[str] = Field(description="The request's own words the candidate shares.")
    shared_areas: list[str] = Field(description="Priority-area codes in common.")
    trl: MatchTrlOut
    supporting: list[str] = Field(
        description="Other evidence for: okved, region, collaborated, active."
    )
    against: list[str] = Field(
        description="Evidence against: trl_below, no_shared_area, inactive, weak_text."
    )
    reasons_for: list[str] = Field(description="The evidence for, in words.")
    reasons_against: list[str] = Field(description="The evidence against, in words.")


class MatchCandidateOut(Schema):
    rank: int
    kind: CandidateKind
    id: uuid.UUID
    title: str
    score: float = Field(description="Higher is better; comparable within one list only.")
    url: str
    owner: MatchOwnerOut
    explanation: MatchExplanationOut


class ChallengeMatchesOut(Schema):
    challenge: uuid.UUID
    candidates: list[MatchCandidateOut]


class MatchGroupsOut(Schema):
    groups: dict[str, list[MatchCandidateOut]] = Field(
        description="Ranked lists by what they are for (e.g. licensees, challenges, partners)."
    )


class ChallengeMatchesQuery(Schema):
    kind: Literal["organisation", "product", "technology"] | None = None
    limit: int = Field(20, ge=1, le=100)


class ConsortiumIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not ignored

    idea: CleanStr = Field(min_length=1, max_length=5000)
    priority_areas: list[str] = Field(default_factory=list, max_length=10)
    trl_min: int | None = Field(None, ge=1, le=9)
    limit: int = Field(5, ge=1, le=20)
