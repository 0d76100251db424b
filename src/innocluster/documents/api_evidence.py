"""Evidence packages and public signature verification (mounted under /api/v1/).

``GET /documents/{id}/evidence``: the evidence zip, for whoever may see the document.
``POST /verify``: anyone (no sign-in, no CSRF token) uploads a document with its detached
signature, a signed PDF, or an evidence package, and gets the verification report; nothing
uploaded is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from innocluster.api.auth import ANY_AUTH
from innocluster.api.schemas import Problem
from innocluster.core.errors import Conflict, FieldError, ValidationFailed

from . import verification
from .evidence import NothingSigned, build_evidence_package
from .selectors import document_for

router = Router(tags=["verification"])

FIELDS = ("document", "signature", "evidence")


def read_upload(upload, field: str) -> bytes | None:
    """An uploaded file's bytes, reading at most one byte past the limit (a larger file is
    refused without being read); ``ValidationFailed`` naming ``field`` when it is too large."""
    if upload is None:
        return None
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    _("The file is larger than the limit of %(limit)d bytes.") % {"limit": limit},
                    "too_large",
                )
            ]
        )
    data = upload.read(limit + 1)
    return verification.check_size(data, field, required=False) or b""


def verify_request(files: dict) -> dict:
    """Pick the verification from which of ``document``, ``signature`` and ``evidence`` were
    sent (each a file-like object or None) and run it. Shared by the API and the page."""
    data = {name: read_upload(files.get(name), name) for name in FIELDS}
    for name in FIELDS:
        if data[name] == b"":
            raise ValidationFailed([FieldError(name, _("The file is empty."), "empty")])
    if files.get("evidence") is not None:
        if files.get("document") is not None or files.get("signature") is not None:
            raise ValidationFailed(
                [
                    FieldError(
                        "evidence",
                        _("Send either an evidence package or a document, not both."),
                        "one_of",
                    )
                ]
            )
        return verification.verify_package(data["evidence"])
    if files.get("document") is None:
        raise ValidationFailed(
            [
                FieldError(
                    "document",
                    _(
                        "Upload a document (with its signature, or a signed PDF) or an evidence package."
                    ),
                    "required",
                )
            ]
        )
    return verification.verify_upload(data["document"], data["signature"])


class VerificationOut(Schema):
    valid: bool
    mode: str
    document: dict
    signatures: list[dict]
    timestamps: list[dict] = []
    log: dict | None = None
    problems: list[dict] = []
    registration_number: str | None = None


@router.get(
    "/documents/{document_id}/evidence",
    auth=ANY_AUTH,
    response={200: None, 404: Problem, 409: Problem},
    summary="Evidence package of a document (zip)",
    description=(
        "A zip that proves the document authentic and unaltered offline, with standard tools: "
        "the signed bytes, every signature (DER CMS), certificates, the CA and CRL, RFC 3161 "
        "timestamps, the transparency log's signed tree head and inclusion proofs, and a "
        "README (Russian and English) with the exact openssl / pdfsig commands. 409 when the "
        "document has no signature yet."
    ),
)
def evidence(request, document_id: str):
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
    response={200: VerificationOut, 422: Problem},
    summary="Verify a signature, a signed PDF or an evidence package",
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
def verify(
    request,
    document: File[UploadedFile] = None,
    signature: File[UploadedFile] = None,
    evidence: File[UploadedFile] = None,
):
    return verify_request({"document": document, "signature": signature, "evidence": evidence})
