"""The certificates API (mounted under /api/v1/).

Enrolment from a browser takes two calls, ``POST /certificates/enrol/prepare`` and
``POST /certificates/enrol/complete`` (see :mod:`innocluster.pki.enrol`); a client with its own
ASN.1 tooling sends a PEM CSR to ``POST /certificates``.
"""

from __future__ import annotations

from ninja import Router, Status

from innocluster.api.auth import ANY_AUTH, caller_token, caller_user
from innocluster.api.schemas import ERRORS

from . import services
from .models import IssuedCertificate
from .schemas import (
    CertificateOut,
    CertificateRequestIn,
    EnrolCompleteIn,
    EnrolPrepareIn,
    EnrolPrepareOut,
    RevokeIn,
)

router = Router(tags=["pki"])


def _person(request):
    """The person acting: the session's user, or the person who created the API token."""
    user = caller_user(request)
    if user is None:
        token = caller_token(request)
        user = token.created_by if token is not None else None
    return user


def certificate_out(row: IssuedCertificate) -> dict:
    return {
        "id": row.id,
        "serial_hex": row.serial_hex,
        "subject": row.subject,
        "profile": row.profile,
        "organisation": row.organisation_id,
        "not_before": row.not_before,
        "not_after": row.not_after,
        "revoked_at": row.revoked_at,
        "revocation_reason": row.revocation_reason,
        "pem": row.pem,
    }


@router.get(
    "/certificates",
    response={200: list[CertificateOut], **ERRORS},
    auth=ANY_AUTH,
    summary="My certificates (the Fund's staff: all)",
)
def list_certificates(request):
    token = caller_token(request)
    rows = IssuedCertificate.objects.visible_to(_person(request))
    if token is not None and not getattr(token.created_by, "is_fund_staff", False):
        rows = rows.filter(organisation=token.organisation)
    return [certificate_out(r) for r in rows.order_by("-created_at")[:500]]


@router.post(
    "/certificates",
    response={201: CertificateOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Issue a certificate from a PEM CSR",
)
def request_certificate(request, payload: CertificateRequestIn):
    organisation = payload.organisation
    token = caller_token(request)
    if token is not None and organisation is None:
        organisation = token.organisation_id
    row = services.request_certificate(_person(request), payload.csr, organisation)
    return Status(201, certificate_out(row))


@router.post(
    "/certificates/enrol/prepare",
    response={200: EnrolPrepareOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Browser enrolment, step 1: the request info to sign",
)
def enrol_prepare(request, payload: EnrolPrepareIn):
    return services.prepare_enrolment(_person(request), payload.public_key, payload.organisation)


@router.post(
    "/certificates/enrol/complete",
    response={201: CertificateOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Browser enrolment, step 2: the signature; returns the certificate",
)
def enrol_complete(request, payload: EnrolCompleteIn):
    row = services.complete_enrolment(_person(request), payload.enrolment_id, payload.signature)
    return Status(201, certificate_out(row))


@router.post(
    "/certificates/{serial}/revoke",
    response={200: CertificateOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Revoke a certificate (its holder or the Fund's staff)",
)
def revoke_certificate(request, serial: str, payload: RevokeIn):
    row = services.revoke(_person(request), serial, payload.reason)
    return certificate_out(row)
