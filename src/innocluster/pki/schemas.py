"""Input and output of the certificates API."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema


class CertificateOut(Schema):
    id: uuid.UUID
    serial_hex: str
    subject: str
    profile: str
    organisation: uuid.UUID | None = Field(None, description="the organisation it signs for")
    not_before: dt.datetime
    not_after: dt.datetime
    revoked_at: dt.datetime | None
    revocation_reason: str
    pem: str = Field(..., description="the certificate, PEM")


class CertificateRequestIn(Schema):
    csr: str = Field(..., max_length=16384, description="a PKCS#10 request, PEM")
    organisation: uuid.UUID | None = Field(
        None, description="sign for this organisation (you must be its signatory)"
    )


class EnrolPrepareIn(Schema):
    public_key: str = Field(
        ..., max_length=4096, description="the ECDSA P-256 public key, SPKI DER, base64"
    )
    organisation: uuid.UUID | None = None


class EnrolPrepareOut(Schema):
    request_info: str = Field(
        ..., description="DER CertificationRequestInfo, base64: sign it with ECDSA/SHA-256"
    )
    enrolment_id: str = Field(..., description="pass it back to /enrol/complete within 15 min")


class EnrolCompleteIn(Schema):
    enrolment_id: str = Field(..., max_length=4096)
    signature: str = Field(
        ...,
        max_length=1024,
        description="ECDSA signature over request_info, raw r||s or DER, base64",
    )


class RevokeIn(Schema):
    reason: str = Field(
        "unspecified",
        max_length=32,
        description="unspecified, key_compromise, affiliation_changed, superseded, "
        "cessation_of_operation, certificate_hold or privilege_withdrawn",
    )
