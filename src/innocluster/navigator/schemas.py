"""API schemas of the navigator. The profile and need are checked by ``fields.check_answers``
(the one place their rules live, shared with the portal); their JSON schema here is generated
from the same field contract, for the OpenAPI document."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from .fields import NEED_FIELDS, PROFILE_FIELDS
from .fields import Field as AnswerField

_KIND_SCHEMA = {
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "money": {"type": "number", "minimum": 0, "description": "roubles"},
    "share": {"type": "number", "minimum": 0, "maximum": 1},
    "date": {"type": "string", "format": "date"},
    "region": {"type": "string", "pattern": "^[A-Z]{2}-[A-Z0-9]{1,3}$", "example": "RU-MOW"},
    "okved": {"type": "string", "example": "62.01"},
    "okveds": {"type": "array", "items": {"type": "string"}, "example": ["62.02", "72.19"]},
    "codes": {"type": "array", "items": {"type": "string"}},
}


def _schema_of(spec: AnswerField) -> dict:
    schema = dict(_KIND_SCHEMA.get(spec.kind, {"type": "string"}))
    codes = [code for code, _label in spec.choices]
    if spec.kind == "choice":
        schema["enum"] = codes
    elif codes:
        schema = {"type": "array", "items": {"type": "string", "enum": codes}}
    if spec.minimum is not None:
        schema["minimum"] = spec.minimum
    if spec.maximum is not None:
        schema["maximum"] = spec.maximum
    # null, like leaving the field out, means "not answered"
    return {"anyOf": [schema, {"type": "null"}], "description": str(spec.label)}


def _object_schema(fields) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {spec.name: _schema_of(spec) for spec in fields},
        "description": "Any field may be missing; unknown fields are refused.",
    }


class EvaluateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    profile: dict[str, Any] = Field(
        default_factory=dict, json_schema_extra=_object_schema(PROFILE_FIELDS)
    )
    need: dict[str, Any] = Field(
        default_factory=dict, json_schema_extra=_object_schema(NEED_FIELDS)
    )
    lang: Literal["ru", "en"] = "ru"


class ReasonOut(Schema):
    criterion: str = Field(description="What is checked, in the requested language")
    field: str | None = Field(description="The profile or need field it reads")
    required: str = Field(description="The value it needs")
    given: str | None = Field(description="The value given (null: not answered)")
    outcome: Literal["met", "not_met", "unknown", "confirm", "not_stated"] = Field(
        description="met / not_met / unknown (unanswered); confirm: the applicant confirms it "
        "when applying; not_stated: the sources do not state this criterion"
    )
    group: str | None = Field(description="'any' when it is one of alternatives; 'not' if negated")


class FitOut(Schema):
    part: str
    label: str
    value: int = Field(description="0-100")


class ProviderOut(Schema):
    code: str
    name: str


class ResultOut(Schema):
    code: str
    name: str
    provider: ProviderOut
    form: str
    status: Literal["eligible", "unknown", "ineligible"]
    score: int = Field(description="Fit to the need, 0-100")
    reasons: list[ReasonOut]
    missing: list[str] = Field(description="Fields whose answers would decide an unknown")
    fit: list[FitOut]
    amount_max_rub: Decimal | None
    url: str


class QuestionOut(Schema):
    field: str
    text: str
    kind: str
    choices: list[dict] = Field(description="[{code, label}] for choice fields")


class HelpOut(Schema):
    kind: str
    title: str
    text: str
    contact: str


class CountsOut(Schema):
    eligible: int
    unknown: int
    ineligible: int


class EvaluateOut(Schema):
    results: list[ResultOut]
    next_question: str | None = Field(
        description="The missing field that would decide the most measures"
    )
    question: QuestionOut | None = Field(description="How to ask next_question")
    counts: CountsOut
    derived: dict[str, Any] = Field(description="Answers the navigator worked out itself")
    closest: list[ResultOut] = Field(
        description="When nothing is eligible: the measures closest to fitting"
    )
    other_help: list[HelpOut]
    evaluated_on: datetime.date


class MeasureOut(Schema):
    code: str
    provider: ProviderOut
    name_ru: str
    name_en: str
    description_ru: str
    description_en: str
    form: str
    purposes: list[str]
    amount_min_rub: Decimal | None
    amount_max_rub: Decimal | None
    cost_share_max: Decimal | None
    amount_note_ru: str
    amount_note_en: str
    rate_percent_min: Decimal | None
    rate_percent_max: Decimal | None
    term_months: int | None
    cofinancing_min_share: Decimal | None
    min_project_budget_rub: Decimal | None
    priority_areas: list[str]
    stages: list[str]
    legal_act: str
    source_url: str
    as_of: datetime.date | None
    verified_on: datetime.date | None
    status: str
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    how_to_apply_ru: str
    how_to_apply_en: str
    apply_url: str
    rules: Any = Field(description="The published eligibility rule (docs/navigator.md)")
    rules_version: int

    @staticmethod
    def resolve_provider(obj):
        return {"code": obj.provider.code, "name": obj.provider.name}


class ProfileOut(Schema):
    organisation_id: str
    profile: dict[str, Any]
