"""Signing a document: simple (63-FZ art. 9), enhanced CAdES (uploaded or made in the browser),
and the Fund's countersignature.

How versions and signatures relate. A signature always covers the exact bytes of one version
(``Signature.version``, ``content_sha256``), and signers sign the document's current version.
Once a document is sent its content no longer changes, with one exception: when the Fund
countersigns a PDF, pki.pades.sign_pdf appends the Fund's PAdES signature to the PDF as an
incremental update, which is a NEW version (origin ``fund_pades``, ``based_on`` the signed one).
Its first bytes are exactly the previous version's, so every CMS signature made over the
previous version still verifies against that version (which stays stored, unchanged), and the
PAdES signature inside the new version covers the new version as a whole. Signers after the Fund
sign the new version. For JSON the Fund adds a detached CMS like any other signer and no new
version is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from asn1crypto import cms as asn1_cms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.accounts import totp
from innocluster.core.errors import Conflict, FieldError, NotFound, NotPermitted, ValidationFailed

from . import storage
from .choices import (
    IN_FLIGHT_STATUSES,
    DocumentStatus,
    MediaType,
    SecondFactor,
    SignatureKind,
    StepRole,
    StepStatus,
    VersionOrigin,
)
from .fund import fund_organisation, is_fund
from .hooks import pause_point
from .models import Document, DocumentVersion, PreparedSignature, Signature, SigningStep
from .permissions import is_person, pending_step_for
from .services import _audit, _store_version, deliver, lock, log_entry, move

logger = logging.getLogger(__name__)

# How long a browser has to return its signature over prepared attributes.
PREPARED_LIFETIME = dt.timedelta(minutes=15)


# ---------------------------------------------------------------------------- shared steps


def _require_in_flight(document: Document) -> None:
    if document.status not in IN_FLIGHT_STATUSES:
        raise Conflict(
            _("The document is not waiting for signatures (status: %(status)s).")
            % {"status": DocumentStatus(document.status).label},
            code="not_signable",
        )


def _step_to_sign(document: Document, user) -> SigningStep:
    step = pending_step_for(user, document)
    if step is None:
        raise NotPermitted(_("You have no step of this document to sign now."), code="no_step")
    return step


def _finish(document: Document, step: SigningStep, signature: Signature, user) -> Signature:
    """Record a stored signature: its log entry, its step signed, the next order opened and the
    document's status moved; the caller holds the document lock."""
    pause_point("after_signature_row")
    entry = log_entry(
        "document.signature",
        document,
        {
            "signature": str(signature.pk),
            "step": str(step.pk),
            "organisation": str(signature.organisation_id),
            "signature_kind": signature.kind,
            "version_sha256": signature.content_sha256,
            "cms_sha256": hashlib.sha256(bytes(signature.cms_der)).hexdigest()
            if signature.cms_der
            else "",
            "certificate_serial": signature.certificate_serial,
        },
    )
    signature.ledger_index = entry.index
    signature.save(update_fields=["ledger_index"])
    step.status = StepStatus.SIGNED
    step.signed_by = user
    step.completed_at = signature.signed_at
    step.save(update_fields=["status", "signed_by", "completed_at"])
    _audit(
        user,
        f"document.signed_{signature.kind}",
        document,
        after={
            "signature": str(signature.pk),
            "step": str(step.pk),
            "sha256": signature.content_sha256,
            "certificate_serial": signature.certificate_serial,
        },
    )
    open_steps = document.steps.exclude(status=StepStatus.SIGNED)
    if not open_steps.exists():
        move(document, DocumentStatus.SIGNED, user)
        return signature
    if not open_steps.filter(status=StepStatus.PENDING).exists():
        next_order = open_steps.order_by("order").values_list("order", flat=True).first()
        opened = list(open_steps.filter(order=next_order).select_related("organisation", "user"))
        open_steps.filter(order=next_order).update(status=StepStatus.PENDING)
        _tell_next_signers(document, opened)
    if document.status == DocumentStatus.SENT:
        move(document, DocumentStatus.PARTLY_SIGNED, user)
    return signature


def _tell_next_signers(document: Document, steps) -> None:
    """The route reached a later order (the lead signed, the Fund countersigns next): its
    signers are told the document waits for them. The first order's signers hear from the
    capability that sent the document, with its own words."""
    from innocluster.core.notifications import notify, people_of

    recipients = []
    for step in steps:
        if step.role == StepRole.USER and step.user is not None:
            recipients.append(step.user)
        else:
            recipients.extend(people_of(step.organisation, roles=("signatory",)))
    notify(
        recipients,
        "document.to_sign",
        gettext_lazy("Document %(number)s waits for your signature: %(title)s"),
        params={"number": document.registration_number, "title": document.title[:200]},
        url=f"/documents/{document.pk}/",
        obj=document,
    )


# ---------------------------------------------------------------------------- simple


def sign_simple(
    document: Document, user, *, password: str | None = None, totp_code: str | None = None
) -> Signature:
    """A simple electronic signature (63-FZ art. 9): the signed-in ``user`` confirms with a
    second factor, their password again or a TOTP code, and the log records the SHA-256 of the
    current version's bytes.

    Returns the signature. Raises ``ValidationFailed`` (field ``password`` or ``totp``) on a
    missing or wrong factor, ``NotPermitted`` without a pending step for the user.
    """
    if not is_person(user):
        raise NotPermitted(_("Only a signed-in person can sign."))
    if password and totp_code:
        raise ValidationFailed(
            [
                FieldError(
                    "password", _("Give either your password or a one-time code."), "one_factor"
                )
            ]
        )
    if password:
        if not user.check_password(password):
            raise ValidationFailed(
                [FieldError("password", _("The password is wrong."), "wrong_password")]
            )
        factor = SecondFactor.PASSWORD
    elif totp_code:
        if not user.totp_secret:
            raise ValidationFailed(
                [FieldError("totp", _("You have no authenticator app enrolled."), "not_enrolled")]
            )
        if not totp.verify_code(user, totp_code):
            raise ValidationFailed(
                [FieldError("totp", _("The code is wrong or has expired."), "wrong_code")]
            )
        factor = SecondFactor.TOTP
    else:
        raise ValidationFailed(
            [
                FieldError(
                    "password", _("Confirm with your password or a one-time code."), "required"
                )
            ]
        )
    with transaction.atomic():
        document = lock(document)
        _require_in_flight(document)
        step = _step_to_sign(document, user)
        version = document.current_version
        signature = Signature.objects.create(
            document=document,
            version=version,
            step=step,
            signer=user,
            organisation=step.organisation,
            kind=SignatureKind.SIMPLE,
            second_factor=factor,
            content_sha256=version.sha256,
            signed_at=timezone.now(),
            report={
                "valid": True,
                "kind": "simple",
                "second_factor": factor,
                "content_sha256": version.sha256,
            },
        )
        _finish(document, step, signature, user)
    signature.created = True
    return signature


# ---------------------------------------------------------------------------- enhanced


def _signer_certificate(cms_der: bytes):
    """The certificate of the first SignerInfo (matched by issuer and serial), or None."""
    from innocluster.pki.cms import certificates_in

    try:
        info = asn1_cms.ContentInfo.load(cms_der)
        sid = info["content"]["signer_infos"][0]["sid"]
        serial = (
            sid.chosen["serial_number"].native if sid.name == "issuer_and_serial_number" else None
        )
        certificates = certificates_in(cms_der)
    except Exception:
        return None
    for certificate in certificates:
        if serial is None or certificate.serial_number == serial:
            return certificate
    return None


def _certificate_emails(certificate) -> set[str]:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    emails = {
        a.value.lower() for a in certificate.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)
    }
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        emails |= {e.lower() for e in san.value.get_values_for_type(x509.RFC822Name)}
    except x509.ExtensionNotFound:
        pass
    return emails


def _check_certificate_owner(certificate, user) -> None:
    """The certificate must be one the platform's CA issued to ``user``, or (an external CA's)
    name the user's e-mail address."""
    from innocluster.pki.models import IssuedCertificate

    serial_hex = format(certificate.serial_number, "x")
    issued = IssuedCertificate.objects.filter(serial_hex=serial_hex).first()
    if issued is not None:
        if issued.user_id == user.pk:
            return
    elif user.email.lower() in _certificate_emails(certificate):
        return
    raise ValidationFailed(
        [
            FieldError(
                "signature",
                _("The signing certificate belongs to someone else."),
                "certificate_not_yours",
            )
        ],
        message=_("The signature was rejected."),
    )


def _rejected(report, field="signature"):
    from innocluster.pki.errors import SignatureRejected

    return SignatureRejected(report, field=field)


def _find_version(document: Document, version_sha256: str) -> DocumentVersion:
    version_sha256 = (version_sha256 or "").strip().lower()
    version = (
        document.versions.filter(sha256=version_sha256).order_by("-number").first()
        if len(version_sha256) == 64
        else None
    )
    if version is None:
        raise ValidationFailed(
            [
                FieldError(
                    "version_sha256",
                    _("No version of this document has this SHA-256."),
                    "unknown_version",
                )
            ]
        )
    return version


def sign_enhanced(document: Document, user, cms_der: bytes, *, version_sha256: str) -> Signature:
    """An enhanced electronic signature: a detached CMS (CAdES) over the exact bytes of the
    version ``version_sha256``, which must be the current one.

    The CMS is verified with pki.verify.verify_cms against the stored bytes; its certificate must
    belong to ``user``; the platform then adds a signature timestamp (CAdES-T) and stores it.
    Uploading the identical CMS again returns the stored signature and appends nothing.

    Returns the signature; its ``created`` attribute is False for a repeated upload.
    Raises ``SignatureRejected`` / ``ValidationFailed`` (field ``signature`` or
    ``version_sha256``) and stores nothing when anything is wrong.
    """
    if not is_person(user):
        raise NotPermitted(_("Only a signed-in person can sign."))
    cms_der = bytes(cms_der or b"")
    if not cms_der:
        raise ValidationFailed([FieldError("signature", _("The signature is empty."), "required")])
    if len(cms_der) > settings.DOCUMENT_MAX_BYTES:
        raise ValidationFailed(
            [FieldError("signature", _("The signature is larger than the limit."), "too_large")]
        )
    submitted = hashlib.sha256(cms_der).hexdigest()
    existing = _existing(document, submitted)
    if existing is not None:
        return existing
    version = _find_version(document, version_sha256)
    with transaction.atomic():
        document = lock(document)
        existing = _existing(document, submitted)
        if existing is not None:
            return existing
        _require_in_flight(document)
        if version.pk != document.current_version_id:
            raise ValidationFailed(
                [
                    FieldError(
                        "version_sha256",
                        _("This version is no longer current; sign version %(n)d.")
                        % {"n": document.current_version.number},
                        "version_not_current",
                    )
                ]
            )
        step = _step_to_sign(document, user)
        signature = _verify_and_store(document, version, step, user, cms_der, submitted)
        _finish(document, step, signature, user)
    signature.created = True
    return signature


def signer_for_token(token, cms_der: bytes):
    """The person an organisation's API token signs for: the one the CMS's certificate was
    issued to by the platform CA, who must be a signatory of the token's organisation.
    Raises ``ValidationFailed`` (field ``signature``) otherwise."""
    from innocluster.pki.models import IssuedCertificate
    from innocluster.registry.choices import OrgRole
    from innocluster.registry.models import OrganisationRole

    certificate = _signer_certificate(bytes(cms_der or b""))
    issued = (
        IssuedCertificate.objects.filter(
            serial_hex=format(certificate.serial_number, "x"), user__isnull=False
        )
        .select_related("user")
        .first()
        if certificate is not None
        else None
    )
    if (
        issued is None
        or not OrganisationRole.objects.filter(
            organisation_id=token.organisation_id, user=issued.user, role=OrgRole.SIGNATORY
        ).exists()
    ):
        raise ValidationFailed(
            [
                FieldError(
                    "signature",
                    _(
                        "With an organisation's token, sign with a certificate the platform "
                        "issued to one of its signatories."
                    ),
                    "signer_unknown",
                )
            ]
        )
    return issued.user


def _existing(document: Document, submitted_sha256: str) -> Signature | None:
    found = Signature.objects.filter(submitted_sha256=submitted_sha256).first()
    if found is None:
        return None
    if found.document_id != document.pk:
        raise Conflict(_("This signature belongs to another document."), code="signature_elsewhere")
    found.created = False
    return found


def _verify_and_store(document, version, step, user, cms_der: bytes, submitted: str) -> Signature:
    from innocluster.pki.cms import add_signature_timestamp, timestamp_tokens
    from innocluster.pki.verify import verify_cms

    content = storage.get(version.sha256)
    report = verify_cms(content, cms_der)
    if not report.valid:
        raise _rejected(report)
    certificate = _signer_certificate(cms_der)
    if certificate is None:
        raise ValidationFailed(
            [
                FieldError(
                    "signature", _("The signature carries no signer certificate."), "no_certificate"
                )
            ]
        )
    _check_certificate_owner(certificate, user)
    # CAdES-T: a signature timestamp proves the signature existed before any later revocation;
    # one the signer's tool already added is kept as it is (verify_cms checked it).
    stamped = cms_der if timestamp_tokens(cms_der) else add_signature_timestamp(cms_der)
    final_report = verify_cms(content, stamped)
    if not final_report.valid:  # the timestamp must not break what verified a moment ago
        raise _rejected(final_report)
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        with transaction.atomic():
            return Signature.objects.create(
                document=document,
                version=version,
                step=step,
                signer=user,
                organisation=step.organisation,
                kind=SignatureKind.ENHANCED,
                cms_der=stamped,
                submitted_sha256=submitted,
                certificate_der=certificate.public_bytes(Encoding.DER),
                certificate_serial=format(certificate.serial_number, "x"),
                certificate_issuer=certificate.issuer.rfc4514_string()[:500],
                report=final_report.to_dict(),
                content_sha256=version.sha256,
                signed_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(_("This step was signed a moment ago."), code="already_signed") from None


# ---------------------------------------------------------------------------- browser (WebCrypto)


def prepare_browser_signature(
    document: Document, user, certificate_serial: str
) -> PreparedSignature:
    """Phase one of signing in the browser: the server builds the CMS signed attributes over the
    current version for the user's certificate ``certificate_serial`` (hex); the browser signs
    ``prepared.signed_attributes`` with WebCrypto (ECDSA P-256, SHA-256) and returns the
    signature to :func:`complete_browser_signature` within 15 minutes.

    Returns the stored preparation (``id``, ``signed_attributes`` DER, ``expires_at``).
    """
    from innocluster.pki.cms import signed_attributes_for
    from innocluster.pki.models import IssuedCertificate

    if not is_person(user):
        raise NotPermitted(_("Only a signed-in person can sign."))
    serial = (certificate_serial or "").strip().lower().replace(":", "").lstrip("0") or "0"
    now = timezone.now()
    issued = IssuedCertificate.objects.filter(serial_hex=serial, user=user).first()
    if issued is None:
        raise ValidationFailed(
            [
                FieldError(
                    "certificate_serial",
                    _("You have no certificate with this serial number."),
                    "unknown_certificate",
                )
            ]
        )
    if issued.revoked_at is not None or issued.not_after <= now or issued.not_before > now:
        raise ValidationFailed(
            [
                FieldError(
                    "certificate_serial",
                    _("This certificate is revoked or not valid now."),
                    "certificate_not_valid",
                )
            ]
        )
    with transaction.atomic():
        document = lock(document)
        _require_in_flight(document)
        _step_to_sign(document, user)
        version = document.current_version
        attrs = signed_attributes_for(
            storage.get(version.sha256), bytes(issued.certificate_der), signing_time=now
        )
        return PreparedSignature.objects.create(
            document=document,
            version=version,
            user=user,
            certificate_serial=serial,
            certificate_der=bytes(issued.certificate_der),
            signed_attributes=attrs,
            expires_at=now + PREPARED_LIFETIME,
        )


def complete_browser_signature(prepared_id, user, signature: bytes) -> Signature:
    """Phase two: wrap the browser's signature (DER, or WebCrypto's raw r||s) over the prepared
    attributes into a CMS (pki.cms.assemble_cms) and sign with it as :func:`sign_enhanced` does.

    Raises ``NotFound`` for an unknown preparation or another user's, ``ValidationFailed`` when
    it expired or the signature does not verify."""
    from innocluster.pki.cms import assemble_cms

    prepared = (
        PreparedSignature.objects.filter(pk=prepared_id, user=user)
        .select_related("version")
        .first()
    )
    if prepared is None or not is_person(user):
        raise NotFound()
    if prepared.completed_at is None and prepared.expires_at <= timezone.now():
        raise ValidationFailed(
            [
                FieldError(
                    "prepared_id",
                    _("The preparation expired; prepare the signature again."),
                    "expired",
                )
            ]
        )
    cms_der = assemble_cms(
        bytes(prepared.signed_attributes), bytes(signature or b""), bytes(prepared.certificate_der)
    )
    result = sign_enhanced(prepared.document, user, cms_der, version_sha256=prepared.version.sha256)
    PreparedSignature.objects.filter(pk=prepared.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    return result


# ---------------------------------------------------------------------------- the Fund


def countersign_as_fund(document: Document, user) -> Signature:
    """The Fund's step, signed by one of the Fund's signatories with the Fund's key.

    PDF: pki.pades.sign_pdf appends the Fund's PAdES signature (with an RFC 3161 timestamp) to
    the current version, making a new version that is delivered to the parties; earlier CMS
    signatures stay valid over the version they signed. JSON: a detached CAdES-T signature with
    the Fund's key over the current version.

    Returns the Fund's signature (kind ``pades`` or ``enhanced``).
    """
    if not is_person(user):
        raise NotPermitted(_("Only a signed-in person can sign."))
    fund = fund_organisation()
    with transaction.atomic():
        document = lock(document)
        _require_in_flight(document)
        step = pending_step_for(user, document)
        if step is None or not is_fund(step.organisation) or step.role == StepRole.USER:
            raise NotPermitted(
                _("Only a signatory of the Fund may sign the Fund's step now."), code="no_step"
            )
        version = document.current_version
        content = storage.get(version.sha256)
        if version.media_type == MediaType.PDF:
            signature = _fund_pades(document, version, content, step, user, fund)
        else:
            signature = _fund_cms(document, version, content, step, user, fund)
        _finish(document, step, signature, user)
    signature.created = True
    return signature


def _fund_pades(document, version, content, step, user, fund) -> Signature:
    from innocluster.pki.pades import sign_pdf, verify_pdf

    signed_pdf = sign_pdf(
        content,
        reason=_("Signed by the Fund: %(number)s") % {"number": document.registration_number},
    )
    new_version = _store_version(
        document,
        signed_pdf,
        MediaType.PDF,
        user,
        file_name=version.file_name,
        origin=VersionOrigin.FUND_PADES,
        based_on=version,
    )
    reports = verify_pdf(signed_pdf)
    report = reports[-1] if reports else None
    if report is None or not report.valid:
        raise Conflict(
            _("The Fund's PAdES signature did not verify; nothing was stored."),
            code="fund_signature_failed",
        )
    deliver(document, new_version)
    certificate = _report_certificate(report)
    return Signature.objects.create(
        document=document,
        version=new_version,
        step=step,
        signer=user,
        organisation=fund,
        kind=SignatureKind.PADES,
        certificate_der=certificate[0],
        certificate_serial=certificate[1],
        certificate_issuer=certificate[2],
        report=report.to_dict(),
        content_sha256=new_version.sha256,
        signed_at=timezone.now(),
    )


def _report_certificate(report) -> tuple[bytes | None, str, str]:
    """The signer certificate's DER, serial (hex) and issuer from a verification report."""
    signer = getattr(report, "signer", None)
    der = getattr(report, "certificate_der", None)
    serial = getattr(signer, "serial_hex", "") or ""
    issuer = getattr(signer, "issuer", "") or ""
    return der, str(serial)[:64], str(issuer)[:500]


def _fund_cms(document, version, content, step, user, fund) -> Signature:
    from cryptography.hazmat.primitives.serialization import Encoding

    from innocluster.pki.cms import sign_detached
    from innocluster.pki.verify import verify_cms

    key, certificate, chain = fund_signing_key()
    cms_der = sign_detached(content, key, certificate, chain, timestamp=True)
    report = verify_cms(content, cms_der)
    if not report.valid:
        raise Conflict(
            _("The Fund's signature did not verify; nothing was stored."),
            code="fund_signature_failed",
        )
    return Signature.objects.create(
        document=document,
        version=version,
        step=step,
        signer=user,
        organisation=fund,
        kind=SignatureKind.ENHANCED,
        cms_der=cms_der,
        submitted_sha256=hashlib.sha256(cms_der).hexdigest(),
        certificate_der=certificate.public_bytes(Encoding.DER),
        certificate_serial=format(certificate.serial_number, "x"),
        certificate_issuer=certificate.issuer.rfc4514_string()[:500],
        report=report.to_dict(),
        content_sha256=version.sha256,
        signed_at=timezone.now(),
    )


def fund_signing_key():
    """The Fund's signing key, its certificate (issued by the platform CA on first use) and the
    chain to embed: the same key pki.pades signs PDFs with."""
    from innocluster.pki import keystore, pades

    key = keystore.get_or_create_key(pades.FUND_KEY_NAME)
    return key, pades.fund_certificate(), ()
