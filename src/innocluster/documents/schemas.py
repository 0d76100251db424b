"""The documents API's input and output shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from innocluster.core.text import CleanStr


class PartyIn(Schema):
    organisation: uuid.UUID
    role: CleanStr = Field("recipient", max_length=16, description="recipient, signer or copy")
    user: uuid.UUID | None = Field(None, description="one named person of the organisation")


class StepIn(Schema):
    organisation: uuid.UUID
    order: int = Field(1, ge=1, le=100, description="same order: parallel; higher: after")
    role: CleanStr = Field("signatory", max_length=16, description="signatory or user")
    user: uuid.UUID | None = Field(None, description="the named signer of a `user` step")
    deadline: dt.datetime | None = None


class LinkIn(Schema):
    object_type: CleanStr = Field(..., min_length=1, max_length=100, description="model label")
    object_id: CleanStr = Field(..., min_length=1, max_length=64)


class DocumentIn(Schema):
    """A new document. JSON content goes in ``content``; a PDF in ``content_base64``."""

    type: CleanStr = Field(..., max_length=32, description="a document type code")
    title: CleanStr = Field(..., min_length=1, max_length=500)
    sender: uuid.UUID | None = Field(
        None, description="the sending organisation (an API token's own by default)"
    )
    media_type: CleanStr = Field(
        ..., max_length=32, description="application/json or application/pdf"
    )
    content: Any = Field(None, description="the JSON content (application/json)")
    content_base64: str | None = Field(
        None, description="the PDF's bytes, base64 (application/pdf)"
    )
    file_name: CleanStr = Field("", max_length=255)
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    links: list[LinkIn] = Field(default_factory=list, max_length=20)
    send: bool = Field(False, description="send along `route` at once")
    route: list[StepIn] = Field(default_factory=list, max_length=50)
    deadline: dt.datetime | None = Field(None, description="default deadline of the route's steps")


class SignatureIn(Schema):
    signature: str = Field(..., description="the detached CMS (CAdES), DER, base64")
    version_sha256: CleanStr = Field(..., min_length=64, max_length=64, description="hex")


class PrepareIn(Schema):
    certificate_serial: CleanStr = Field(..., min_length=1, max_length=64, description="hex")


class PreparedOut(Schema):
    id: uuid.UUID
    signed_attributes: str = Field(..., description="DER, base64: sign these bytes")
    version_sha256: str
    expires_at: dt.datetime


class CompleteIn(Schema):
    prepared_id: uuid.UUID
    signature: str = Field(..., description="the browser's signature, base64 (DER or raw r||s)")


class SimpleSignatureIn(Schema):
    password: str | None = Field(None, max_length=256)
    totp: CleanStr | None = Field(None, max_length=16)


class ReasonIn(Schema):
    reason: CleanStr = Field(..., min_length=1, max_length=2000)


class OrganisationRef(Schema):
    id: uuid.UUID
    name: str


class PartyOut(Schema):
    organisation: OrganisationRef
    role: str
    user: uuid.UUID | None = None


class VersionOut(Schema):
    number: int
    sha256: str
    media_type: str
    size: int
    file_name: str
    origin: str
    based_on_sha256: str | None = None
    created_at: dt.datetime
    ledger_index: int | None = None


class StepOut(Schema):
    id: uuid.UUID
    order: int
    organisation: OrganisationRef
    role: str
    user: uuid.UUID | None = None
    status: str
    deadline: dt.datetime | None = None
    completed_at: dt.datetime | None = None


class SignatureOut(Schema):
    id: uuid.UUID
    kind: str
    step: uuid.UUID | None = None
    organisation: OrganisationRef
    signer: str
    version_sha256: str
    signed_at: dt.datetime
    certificate_serial: str
    certificate_issuer: str
    second_factor: str
    ledger_index: int | None = None
    report: dict


class ReceiptOut(Schema):
    kind: str
    organisation: OrganisationRef
    version_sha256: str
    at: dt.datetime
    ledger_index: int | None = None


class LinkOut(Schema):
    object_type: str
    object_id: str


class DocumentOut(Schema):
    id: uuid.UUID
    registration_number: str
    type: str
    title: str
    status: str
    status_reason: str
    sender: OrganisationRef
    current_version: VersionOut | None = None
    created_at: dt.datetime
    sent_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


class DocumentDetailOut(DocumentOut):
    parties: list[PartyOut]
    versions: list[VersionOut]
    route: list[StepOut]
    signatures: list[SignatureOut]
    receipts: list[ReceiptOut]
    links: list[LinkOut]


class DocumentPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[DocumentOut]
