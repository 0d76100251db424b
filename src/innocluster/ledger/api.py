"""The transparency log over HTTP: entries and the proofs a member checks against kept tree heads
(RFC 9162 §2.1). Public: the log holds hashes and events, and anyone may audit it."""

from __future__ import annotations

import base64
import json

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from innocluster.api.schemas import Problem
from innocluster.core.errors import FieldError, ValidationFailed

from .models import LogEntry
from .services import current_tree

router = Router(tags=["transparency log"])
ERRORS = {400: Problem, 404: Problem, 422: Problem}
MAX_ENTRIES_PER_CALL = 1000


class EntriesQuery(Schema):
    start: int = Field(0, ge=0, description="index of the first entry")
    end: int = Field(..., ge=0, description="index after the last entry (at most start + 1000)")


class EntryOut(Schema):
    index: int
    leaf_input: str = Field(..., description="the exact bytes hashed, base64")
    leaf_hash: str = Field(..., description="SHA-256(0x00 || leaf_input), hex")
    decoded: dict | None = Field(
        ..., description="leaf_input parsed as JSON; null if it is not JSON"
    )


class EntriesOut(Schema):
    entries: list[EntryOut]


class InclusionQuery(Schema):
    leaf_index: int = Field(..., ge=0)
    tree_size: int = Field(..., ge=1)


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    root_hash: str
    audit_path: list[str] = Field(..., description="RFC 9162 inclusion proof, hex, nearest first")


class ConsistencyQuery(Schema):
    first: int = Field(..., ge=1)
    second: int = Field(..., ge=1)


class ConsistencyOut(Schema):
    first: int
    second: int
    first_root_hash: str
    second_root_hash: str
    consistency: list[str] = Field(..., description="RFC 9162 consistency proof, hex")


def _decoded(leaf_input: bytes) -> dict | None:
    # An entry altered behind the application's back may no longer be JSON: show it, don't fail.
    try:
        value = json.loads(leaf_input)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _log_size() -> int:
    return LogEntry.objects.count()


def _refuse(field: str, message: str):
    raise ValidationFailed([FieldError(field, message, "out_of_range")])


@router.get("/log/entries", response={200: EntriesOut, **ERRORS}, summary="Log entries")
def entries(request, query: Query[EntriesQuery]):
    if query.end <= query.start or query.end - query.start > MAX_ENTRIES_PER_CALL:
        _refuse("end", _("end must be above start and at most start + %d.") % MAX_ENTRIES_PER_CALL)
    rows = LogEntry.objects.filter(index__gte=query.start, index__lt=query.end).order_by("index")
    return {
        "entries": [
            {
                "index": row.index,
                "leaf_input": base64.b64encode(bytes(row.leaf_input)).decode(),
                "leaf_hash": bytes(row.leaf_hash).hex(),
                "decoded": _decoded(bytes(row.leaf_input)),
            }
            for row in rows
        ]
    }


@router.get(
    "/log/proof/inclusion", response={200: InclusionOut, **ERRORS}, summary="Inclusion proof"
)
def inclusion_proof(request, query: Query[InclusionQuery]):
    if query.tree_size > _log_size():
        _refuse("tree_size", _("The log is smaller than tree_size."))
    if query.leaf_index >= query.tree_size:
        _refuse("leaf_index", _("leaf_index must be below tree_size."))
    tree = current_tree(query.tree_size)
    return {
        "leaf_index": query.leaf_index,
        "tree_size": query.tree_size,
        "root_hash": tree.root().hex(),
        "audit_path": [h.hex() for h in tree.inclusion_proof(query.leaf_index, query.tree_size)],
    }


@router.get(
    "/log/proof/consistency", response={200: ConsistencyOut, **ERRORS}, summary="Consistency proof"
)
def consistency_proof(request, query: Query[ConsistencyQuery]):
    if query.second > _log_size():
        _refuse("second", _("The log is smaller than second."))
    if query.first > query.second:
        _refuse("first", _("first must not be above second."))
    tree = current_tree(query.second)
    return {
        "first": query.first,
        "second": query.second,
        "first_root_hash": tree.root(query.first).hex(),
        "second_root_hash": tree.root().hex(),
        "consistency": [h.hex() for h in tree.consistency_proof(query.first, query.second)],
    }
