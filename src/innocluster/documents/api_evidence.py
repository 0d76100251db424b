"""Evidence packages and public signature verification (mounted under /api/v1/).

``GET /documents/{id}/evidence``: the evidence zip, for whoever may see the document.
``POST /verify``: anyone (no sign-in, no CSRF token) uploads a document with its detached
signature, a signed PDF, or an evidence package, and gets the verification report; nothing
uploaded is stored.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Router, Schema

from innocluster.api.auth import ANY_AUTH
from innocluster.api.schemas import Problem
from innocluster.core.errors import Conflict, DomainError

from . import verification
from .evidence import NothingSigned, build_evidence_package
from .selectors import document_for

router = Router(tags=["verification"])


VERIFY_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "document": {
                        "type": "string",
                        "format": "binary",
                        "description": "The signed file (PDF or JSON), or a signed PDF alone",
                    },
                    "signature": {
                        "type": "string",
                        "format": "binary",
                        "description": "Its detached CMS signature, DER or PEM",
                    },
                    "evidence": {
                        "type": "string",
                        "format": "binary",
                        "description": "An evidence package (zip), instead of the two above",
                    },
                },
            }
        }
    },
}


class VerificationOut(Schema):
    valid: bool
    mode: str
    document: dict
    signatures: list[dict]
    timestamps: list[dict] = []
    log: dict | None = None
    problems: list[dict] = []
    claimed_registration_number: str | None = None


@router.get(
    "/documents/{document_id}/evidence",
    auth=ANY_AUTH,
    response={200: None, 404: Problem, 409: Problem},
    summary="Evidence package of a document (zip)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The evidence package",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    description=(
        "A zip that proves the document authentic and unaltered offline, with standard tools: "
        "the signed bytes, every signature (DER CMS), certificates, the CA and CRL, RFC 3161 "
        "timestamps, the transparency log's signed tree head and inclusion proofs, and a "
        "README (Russian and English) with the exact openssl / pdfsig commands. 409 when the "
        "document has no signature yet."
    ),
)
def evidence(request, document_id: uuid.UUID):
    document = document_for(request.auth, document_id)
    try:
        data = build_evidence_package(document)
    except NothingSigned:
        raise Conflict(
            _("The document has no signature yet: there is nothing to prove."),
            code="not_signed",
        ) from None
    response = HttpResponse(data, content_type="application/zip")
    name = f"{document.registration_number}-evidence.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Length"] = str(len(data))
    return response


@router.post(
    "/verify",
    auth=None,
    response={200: VerificationOut, 400: Problem, 422: Problem},
    summary="Verify a signature, a signed PDF or an evidence package",
    openapi_extra={"requestBody": VERIFY_BODY},
    description=(
        "Public: no sign-in. multipart/form-data with either `document` and `signature` (a "
        "detached CMS, DER or PEM), or `document` alone (a signed PDF: its PAdES signatures), "
        "or `evidence` (an evidence package zip). Each file at most DOCUMENT_MAX_BYTES. "
        "Nothing is stored. The report says whether everything is valid, each signature's "
        "signer, chain, signing time and its proof, revocation status and reasons; for a "
        "package also the tree head's signature and every inclusion proof; and whether the "
        "document is registered on this platform."
    ),
)
def verify(request):
    # The multipart body is read here, not by ninja's File parameters, so that a malformed one
    # (a missing boundary, a truncated part) is a 400 problem rather than a server error.
    try:
        files = request.FILES
    except (MultiPartParserError, RequestDataTooBig, TooManyFilesSent):
        raise DomainError(
            message=_("The request body is not valid multipart/form-data."),
            code="bad_multipart",
            status=400,
        ) from None
    return verification.verify_files({name: files.get(name) for name in verification.FIELDS})
