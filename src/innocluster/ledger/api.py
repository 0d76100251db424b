"""The transparency log over HTTP: entries and the proofs a member checks against kept tree heads
(RFC 9162 §2.1). Public: the log holds hashes and events, and anyone may audit it."""

from __future__ import annotations

import base64
import json

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from innocluster.api.schemas import Problem
from innocluster.core.errors import FieldError, ValidationFailed

from .models import LogEntry, LogKey
from .services import (
    current_signed_tree_head,
    log_size,
    signer_public_key,
    tree_head_document,
)
from .sth import SIGNATURE_ALGORITHM
from .tree import StoredTree

router = Router(tags=["transparency log"])
ERRORS = {400: Problem, 404: Problem, 422: Problem, 500: Problem}  # 500: log_corrupted
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


class SignedTreeHeadOut(Schema):
    tree_size: int = Field(..., description="number of entries the head covers")
    root_hash: str = Field(..., description="RFC 6962 root of the first tree_size entries, hex")
    timestamp: int = Field(..., description="when it was signed, ms since the epoch (UTC)")
    timestamp_iso: str = Field(..., description="the same time in ISO 8601, UTC")
    signature: str = Field(..., description="ECDSA P-256 SHA-256 signature, DER, base64")
    signature_algorithm: str = Field(..., description=SIGNATURE_ALGORITHM)
    key_id: str = Field(..., description="SHA-256 of the key's DER SubjectPublicKeyInfo, hex")
    public_key_pem: str = Field(..., description="the signing key, PEM SubjectPublicKeyInfo")
    signed_data: str = Field(
        ..., description="the exact signed bytes (RFC 6962 §3.5 TreeHeadSignature), base64"
    )
    how_to_verify: str


class LogPublicKeyOut(Schema):
    key_id: str = Field(..., description="SHA-256 of the key's DER SubjectPublicKeyInfo, hex")
    public_key_pem: str
    signature_algorithm: str


class LogPublicKeysOut(LogPublicKeyOut):
    previous_keys: list[LogPublicKeyOut] = Field(
        ..., description="keys that signed earlier tree heads, kept so those stay verifiable"
    )


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
    if query.tree_size > log_size():
        _refuse("tree_size", _("The log is smaller than tree_size."))
    if query.leaf_index >= query.tree_size:
        _refuse("leaf_index", _("leaf_index must be below tree_size."))
    # tree_size was checked against the committed size: the tree of that size is complete
    root, path = StoredTree(query.tree_size).prove_inclusion(query.leaf_index, query.tree_size)
    return {
        "leaf_index": query.leaf_index,
        "tree_size": query.tree_size,
        "root_hash": root.hex(),
        "audit_path": [h.hex() for h in path],
    }


@router.get(
    "/log/proof/consistency", response={200: ConsistencyOut, **ERRORS}, summary="Consistency proof"
)
def consistency_proof(request, query: Query[ConsistencyQuery]):
    if query.second > log_size():
        _refuse("second", _("The log is smaller than second."))
    if query.first > query.second:
        _refuse("first", _("first must not be above second."))
    first_root, second_root, proof = StoredTree(query.second).prove_consistency(
        query.first, query.second
    )
    return {
        "first": query.first,
        "second": query.second,
        "first_root_hash": first_root.hex(),
        "second_root_hash": second_root.hex(),
        "consistency": [h.hex() for h in proof],
    }


@router.get(
    "/log/tree-head",
    response={200: SignedTreeHeadOut, **ERRORS},
    summary="Signed tree head",
    description=(
        "The latest signed tree head (RFC 6962 §3.5), as the JSON a member keeps. If the log grew "
        "since, the platform signs it as it stands now (at most once a second; a head signed "
        "within the last second may lag a just-appended entry). Check it with the openssl "
        "command in how_to_verify."
    ),
)
def tree_head(request):
    return tree_head_document(current_signed_tree_head())


@router.get(
    "/log/public-key",
    response={200: LogPublicKeysOut, **ERRORS},
    summary="The log's signing key",
)
def public_key(request):
    pem, key_id = signer_public_key()
    previous = LogKey.objects.exclude(key_id=key_id).order_by("first_used_at")
    return {
        "key_id": key_id,
        "public_key_pem": pem,
        "signature_algorithm": SIGNATURE_ALGORITHM,
        "previous_keys": [
            {
                "key_id": key.key_id,
                "public_key_pem": key.public_key_pem,
                "signature_algorithm": SIGNATURE_ALGORITHM,
            }
            for key in previous
        ],
    }
