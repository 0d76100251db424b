"""Use cases of the PKI: people ask for certificates (from a CSR, or in two phases from the
browser) and revoke them. The CA mechanics live in :mod:`innocluster.pki.ca`."""

from __future__ import annotations

import base64
import binascii

from cryptography import x509
from django.core import signing
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, NotFound, NotPermitted, ValidationFailed

from . import ca, enrol
from .models import IssuedCertificate

ENROLMENT_SALT = "innocluster.pki.enrolment"
ENROLMENT_MAX_AGE = 15 * 60


def _signatory_organisation(user, organisation_id):
    """The organisation ``user`` may sign for, or a field error (the same for an unknown
    organisation and one the user has no signatory role in: no existence leak)."""
    if organisation_id is None:
        return None
    from innocluster.registry.choices import OrgRole
    from innocluster.registry.models import Organisation

    organisation = Organisation.objects.filter(
        pk=organisation_id, roles__user=user, roles__role=OrgRole.SIGNATORY
    ).first()
    if organisation is None:
        raise ValidationFailed(
            [
                FieldError(
                    "organisation",
                    _("You are not a signatory of this organisation."),
                    "not_signatory",
                )
            ]
        )
    return organisation


def check_can_hold_certificate(user, organisation_id=None):
    """Who the certificate will name: the user (with a confirmed e-mail) and, optionally, an
    organisation they are a signatory of.

    Returns:
        (user, organisation or None)
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotPermitted(_("Only a person can hold a signing certificate."), "no_person")
    if not getattr(user, "email_confirmed", False):
        raise NotPermitted(
            _("Confirm your e-mail address before asking for a certificate."), "email_unconfirmed"
        )
    return user, _signatory_organisation(user, organisation_id)


def request_certificate(user, csr_pem: str, organisation_id=None) -> IssuedCertificate:
    """Issue a signing certificate for the key in a PEM CSR.

    Args:
        user: the person; the subject is made from their verified data, not from the CSR.
        csr_pem: the PKCS#10 request (its signature must verify).
        organisation_id: sign for this organisation (the user must be its signatory).

    Raises:
        ValidationFailed: a malformed or badly signed CSR ("csr"), or no signatory role.
        NotPermitted: no person, or an unconfirmed e-mail.
    """
    user, organisation = check_can_hold_certificate(user, organisation_id)
    try:
        csr = x509.load_pem_x509_csr(csr_pem.strip().encode())
    except (ValueError, UnicodeEncodeError):
        raise ValidationFailed(
            [
                FieldError(
                    "csr", _("The request is not a PEM certificate signing request."), "malformed"
                )
            ]
        ) from None
    return ca.issue_certificate(
        csr, subject=ca.subject_for(user, organisation), user=user, organisation=organisation
    )


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            [FieldError(field, _("The value is not base64."), "base64")]
        ) from None


def prepare_enrolment(user, public_key_b64: str, organisation_id=None) -> dict:
    """Phase 1 of browser enrolment: the bytes to sign and an opaque enrolment id.

    The id is a signed, time-limited token carrying the request info, the user and the
    organisation, so nothing is stored until the certificate is issued.
    """
    user, organisation = check_can_hold_certificate(user, organisation_id)
    info = enrol.request_info_to_sign(
        _b64(public_key_b64, "public_key"), ca.subject_for(user, organisation)
    )
    token = signing.dumps(
        {
            "ri": base64.b64encode(info).decode(),
            "u": str(user.pk),
            "o": str(organisation.pk) if organisation else None,
        },
        salt=ENROLMENT_SALT,
        compress=True,
    )
    return {"request_info": base64.b64encode(info).decode(), "enrolment_id": token}


def complete_enrolment(user, enrolment_id: str, signature_b64: str) -> IssuedCertificate:
    """Phase 2: check the browser's signature over the request info and issue the certificate.

    Raises:
        ValidationFailed: an unknown or expired enrolment id, another user's, or a signature
            that does not verify.
    """
    try:
        data = signing.loads(enrolment_id, salt=ENROLMENT_SALT, max_age=ENROLMENT_MAX_AGE)
    except signing.BadSignature:
        raise ValidationFailed(
            [FieldError("enrolment_id", _("The enrolment is unknown or has expired."), "expired")]
        ) from None
    if user is None or str(user.pk) != data.get("u"):
        raise ValidationFailed(
            [FieldError("enrolment_id", _("The enrolment is unknown or has expired."), "expired")]
        )
    user, organisation = check_can_hold_certificate(user, data.get("o"))
    csr = enrol.assemble_csr(base64.b64decode(data["ri"]), _b64(signature_b64, "signature"))
    return ca.issue_certificate(
        csr, subject=ca.subject_for(user, organisation), user=user, organisation=organisation
    )


def revoke(user, serial_hex: str, reason: str = "unspecified") -> IssuedCertificate:
    """Revoke a certificate: its holder or the Fund's staff may.

    Raises:
        NotFound: no such certificate, or one the user may not see.
    """
    try:
        row = ca.find_certificate(serial_hex)
    except NotFound:
        raise
    if not IssuedCertificate.objects.visible_to(user).filter(pk=row.pk).exists():
        raise NotFound()
    return ca.revoke_certificate(row.serial_hex, reason=reason, actor=user)
