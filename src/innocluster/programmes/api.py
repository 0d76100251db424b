"""Calls endpoints: the feed of published calls (``?status=open`` for the open ones) and a call.

Drafts are never listed and answer 404, like a wrong code. No sign-in is needed.
"""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from innocluster.api.schemas import Problem
from innocluster.core.errors import NotFound

from . import selectors
from .schemas import CallOut

router = Router(tags=["calls"])
ERRORS = {400: Problem, 404: Problem, 422: Problem}


def call_json(call, now=None) -> dict:
    version = call.form_version
    return {
        "id": call.pk,
        "code": call.code,
        "url": f"/calls/{call.code}/",
        "title_ru": call.title_ru,
        "title_en": call.title_en,
        "description_ru": call.description_ru,
        "description_en": call.description_en,
        "programme": {
            "code": call.programme.code,
            "name_ru": call.programme.name_ru,
            "name_en": call.programme.name_en,
        },
        "status": call.status_at(now),
        "opens_at": timezone.localtime(call.opens_at),
        "deadline": timezone.localtime(call.deadline),
        "budget_rub": call.budget_rub,
        "max_grant_rub": call.max_grant_rub,
        "cofinancing_min_share": call.cofinancing_min_share,
        "priority_areas": list(call.priority_areas),
        "innovation_types": list(call.innovation_types),
        "consortium": {
            "min_members": call.min_members,
            "max_members": call.max_members,
            "min_sme_members": call.min_sme_members,
            "lead_must_be_member": call.lead_must_be_member,
        },
        "required_documents": [
            {"code": d["code"], "name_ru": d["name_ru"], "name_en": d.get("name_en", "")}
            for d in call.required_documents
        ],
        "criteria": [
            {
                "code": c.code,
                "name_ru": c.name_ru,
                "name_en": c.name_en,
                "weight": c.weight,
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
            }
            for c in call.criteria.all()
        ],
        "form": {"code": version.form.code, "version": version.number} if version else None,
        "reviewers_per_application": call.reviewers_per_application,
    }


class CallQuery(Schema):
    status: Literal["upcoming", "open", "closed"] | None = NinjaField(
        None, description="Only calls in this phase: upcoming, open or closed"
    )


@router.get(
    "/calls",
    response={200: list[CallOut], **ERRORS},
    summary="Published calls for joint projects (the feed of open calls with ?status=open)",
    description=(
        "Every published call, or those of one phase: `upcoming` (opening soonest first), `open` "
        "(closing soonest first) or `closed` (latest first). Drafts are never listed. Each call "
        "carries its dates (ISO 8601 with the Moscow offset), budget, eligible areas and "
        "innovation types, consortium rules, money rules, required documents and criteria. An "
        "unknown status is refused with 422. No sign-in is needed."
    ),
)
def list_calls(request, filters: Query[CallQuery]):
    now = timezone.now()
    return [call_json(call, now) for call in selectors.public_calls(filters.status, now=now)]


@router.get(
    "/calls/{code}",
    response={200: CallOut, **ERRORS},
    summary="One published call",
)
def get_call(request, code: str):
    call = selectors.public_call(code)
    if call is None:
        raise NotFound()
    return call_json(call)
