"""The platform's certification authority: a self-signed root that issues the certificates of
people (from their CSRs), of the built-in timestamp authority and of the Fund's PDF signer, and
publishes a CRL.

The CA's private key lives only in the key store under ``"ca"``; the certificates it issued are
rows of :class:`~innocluster.pki.models.IssuedCertificate`, its root among them (profile ``ca``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import warnings

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import FieldError, NotFound, ValidationFailed
from innocluster.core.sequences import next_number

from . import keystore
from .models import CertificateProfile, IssuedCertificate, RevocationList

CA_KEY_NAME = "ca"
CA_YEARS = 10
# Russian identifiers in certificate subjects (the attributes Russian qualified certificates use).
OID_INN_LE = ObjectIdentifier("1.2.643.100.4")  # INN of a legal entity (INNLE)
OID_INN = ObjectIdentifier("1.2.643.3.131.1.1")  # INN
OID_OGRN = ObjectIdentifier("1.2.643.100.1")  # OGRN
# A CRL is re-signed when fewer than this many hours of its validity remain.
CRL_VALID_DAYS = 7
CRL_RENEW_BEFORE = dt.timedelta(days=2)

REVOCATION_REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
    "certificate_hold": x509.ReasonFlags.certificate_hold,
    "privilege_withdrawn": x509.ReasonFlags.privilege_withdrawn,
}
MAX_DAYS_PERSON = 1100
MAX_DAYS_SERVICE = 3650
PROFILES = {p.value for p in CertificateProfile} - {CertificateProfile.CA.value}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _random_serial() -> int:
    # 159 random bits: positive, unique in practice, and unguessable (RFC 5280 allows 20 octets).
    return secrets.randbits(159) | (1 << 64)


def serial_hex_of(certificate: x509.Certificate) -> str:
    """The serial number as lowercase hex, the form used in URLs and the database."""
    return format(certificate.serial_number, "x")


def crl_url() -> str:
    """Where the CA publishes its CRL (the distribution point written into every certificate)."""
    return settings.SITE_URL.rstrip("/") + "/pki/crl.pem"


def _store(
    certificate: x509.Certificate, profile: str, *, user=None, organisation=None
) -> IssuedCertificate:
    with warnings.catch_warnings():
        # Parsing a Cyrillic name over 64 UTF-8 bytes (but within 64 characters) warns.
        warnings.simplefilter("ignore", UserWarning)
        subject = certificate.subject.rfc4514_string()[:1000]
    return IssuedCertificate.objects.create(
        serial_hex=serial_hex_of(certificate),
        subject=subject,
        user=user,
        organisation=organisation,
        profile=profile,
        certificate_der=certificate.public_bytes(serialization.Encoding.DER),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def init_ca(
    common_name: str = "InnoCluster Certification Authority", *, replace: bool = False
) -> x509.Certificate:
    """Create the platform's root CA: an ECDSA P-256 key in the key store under "ca" and a
    self-signed certificate valid for ten years.

    Args:
        common_name: the CA's subject CN.
        replace: make a new key and root even if one exists (certificates the old root issued
            stop verifying against the platform; the TSA and Fund certificates are reissued on
            their next use).

    Returns:
        The root certificate (the existing one when ``replace`` is false and one exists).
    """
    with transaction.atomic():
        if not replace:
            existing = _current_ca_row()
            if existing is not None:
                return existing.certificate
            # Two processes racing to initialise end up with one key (the key store's insert
            # decides), so any root either of them makes verifies the other's signatures.
            key = keystore.get_or_create_key(
                CA_KEY_NAME, lambda: ec.generate_private_key(ec.SECP256R1())
            )
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            keystore.store_key(CA_KEY_NAME, key, replace=True)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "InnoCluster"),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            ]
        )
        now = _now()
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(_random_serial())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS + 2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        row = _store(certificate, CertificateProfile.CA)
        record_event(
            actor=None,
            action="pki.ca_initialised",
            obj=row,
            after={"serial_hex": row.serial_hex, "subject": row.subject},
            summary=f"CA {row.subject}",
        )
        _publish_crl()
    return certificate


def _current_ca_row() -> IssuedCertificate | None:
    if keystore.load_key(CA_KEY_NAME) is None:
        return None
    return (
        IssuedCertificate.objects.filter(profile=CertificateProfile.CA, revoked_at__isnull=True)
        .order_by("-created_at", "-not_before")
        .first()
    )


def ca_certificate() -> x509.Certificate:
    """The platform's root certificate; the CA is initialised on first use."""
    row = _current_ca_row()
    if row is None:
        return init_ca()
    return row.certificate


def ca_pem() -> bytes:
    """The root certificate as PEM (what /pki/ca.pem serves)."""
    return ca_certificate().public_bytes(serialization.Encoding.PEM)


def _ca_key():
    key = keystore.load_key(CA_KEY_NAME)
    if key is None:
        init_ca()
        key = keystore.load_key(CA_KEY_NAME)
    return key


def name_attribute(oid, value: str) -> x509.NameAttribute:
    """A subject attribute of at most 64 characters (X.520's upper bound counts characters;
    ``cryptography``'s check counts UTF-8 bytes, which refuses most Cyrillic names)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return x509.NameAttribute(oid, value[:64], _validate=False)


def _display(value) -> str:
    return str(value or "").strip()


def subject_for(user=None, organisation=None) -> x509.Name:
    """The subject the platform writes into a person's certificate, from verified data only.

    CN is the person's full name (or e-mail), emailAddress their e-mail, O the organisation's
    name, and the Russian INN / OGRN attributes when the organisation has them.
    """
    attributes = []
    if user is not None:
        cn = _display(getattr(user, "full_name", "")) or _display(getattr(user, "email", ""))
        attributes.append(name_attribute(NameOID.COMMON_NAME, cn or "-"))
    elif organisation is not None:
        attributes.append(name_attribute(NameOID.COMMON_NAME, organisation.name_ru))
    if user is not None and getattr(user, "email", ""):
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, user.email))
    if organisation is not None:
        org_name = _display(organisation.name_ru) or _display(organisation.name_en)
        if org_name:
            attributes.append(name_attribute(NameOID.ORGANIZATION_NAME, org_name))
        if organisation.inn:
            # INN is a NumericString-like value; 12 digits (padded with leading zeros for a
            # 10-digit legal-entity INN), as in Russian qualified certificates.
            attributes.append(
                x509.NameAttribute(OID_INN, organisation.inn.zfill(12), _ASN1Type.NumericString)
            )
            if len(organisation.inn) == 10:
                attributes.append(
                    x509.NameAttribute(OID_INN_LE, organisation.inn, _ASN1Type.NumericString)
                )
        if organisation.ogrn:
            attributes.append(
                x509.NameAttribute(OID_OGRN, organisation.ogrn, _ASN1Type.NumericString)
            )
        attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, organisation.country or "RU"))
    if not attributes:
        raise ValueError("subject_for needs a user or an organisation")
    return x509.Name(attributes)


def _key_usage(*, digital_signature=True, non_repudiation=True) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def build_certificate(
    public_key,
    subject: x509.Name,
    *,
    days: int = 365,
    profile: str = CertificateProfile.SIGNING,
    not_before: dt.datetime | None = None,
) -> x509.Certificate:
    """Sign a certificate for ``public_key`` with the CA key (no database row; see
    :func:`issue_certificate`). ``not_before`` lets tests make expired certificates."""
    ca_cert = ca_certificate()
    ca_key = _ca_key()
    start = not_before or (_now() - dt.timedelta(minutes=5))
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(_random_serial())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url())],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    )
    if profile == CertificateProfile.TSA:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    emails = [a.value for a in subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)]
    if emails:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(str(e)) for e in emails]), critical=False
        )
    return builder.sign(ca_key, hashes.SHA256())


def _check_public_key(public_key) -> None:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        if public_key.curve.name not in ("secp256r1", "secp384r1"):
            raise ValidationFailed(
                [FieldError("csr", _("Only P-256 and P-384 elliptic curves are accepted."), "key")]
            )
    elif isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size < 2048:
            raise ValidationFailed(
                [FieldError("csr", _("RSA keys must have at least 2048 bits."), "key")]
            )
    elif not isinstance(public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        raise ValidationFailed(
            [FieldError("csr", _("This public-key algorithm is not accepted."), "key")]
        )


def issue_certificate(
    csr: x509.CertificateSigningRequest,
    *,
    subject: x509.Name,
    user=None,
    organisation=None,
    days: int = 365,
    profile: str = CertificateProfile.SIGNING,
    actor=None,
) -> IssuedCertificate:
    """Issue a certificate for the key in ``csr``.

    Args:
        csr: the request; its self-signature (proof of possession of the private key) must
            verify. Its subject and extensions are ignored.
        subject: the subject the server vouches for (see :func:`subject_for`).
        user, organisation: whom the certificate belongs to (stored with it).
        days: validity (1 to 1,100 days for people, up to 3,650 for platform services).
        profile: "signing" (people), "tsa" or "fund".
        actor: who asked (for the audit trail); defaults to ``user``.

    Returns:
        The stored :class:`IssuedCertificate`.

    Raises:
        ValidationFailed: on a bad CSR signature, an unaccepted key or profile, or bad days.
    """
    if profile not in PROFILES:
        raise ValidationFailed([FieldError("profile", _("Unknown certificate profile."))])
    max_days = MAX_DAYS_PERSON if profile == CertificateProfile.SIGNING else MAX_DAYS_SERVICE
    if not 1 <= int(days) <= max_days:
        raise ValidationFailed(
            [
                FieldError(
                    "days",
                    _("Validity must be between 1 and %(max)d days.") % {"max": max_days},
                    "out_of_range",
                )
            ]
        )
    try:
        valid = csr.is_signature_valid
        public_key = csr.public_key()
    except Exception:  # an unsupported algorithm or mangled key in the request
        valid = False
    if not valid:
        raise ValidationFailed(
            [
                FieldError(
                    "csr",
                    _(
                        "The request's signature does not verify: it does not prove possession of the private key."
                    ),
                    "bad_signature",
                )
            ]
        )
    _check_public_key(public_key)
    with transaction.atomic():
        certificate = build_certificate(public_key, subject, days=int(days), profile=profile)
        row = _store(certificate, profile, user=user, organisation=organisation)
        record_event(
            actor=actor if actor is not None else user,
            action="pki.certificate_issued",
            obj=row,
            after={"serial_hex": row.serial_hex, "subject": row.subject, "profile": profile},
            summary=row.subject,
        )
    return row


def issue_for_key(private_key, subject: x509.Name, *, profile: str, days: int) -> IssuedCertificate:
    """Issue a certificate for one of the platform's own keys (TSA, Fund signer)."""
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(subject)
        .sign(private_key, None if _is_edwards(private_key) else hashes.SHA256())
    )
    return issue_certificate(csr, subject=subject, days=days, profile=profile)


def _is_edwards(key) -> bool:
    return isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)


def service_certificate(
    key_name: str, subject: x509.Name, *, profile: str, days: int = 1825
) -> x509.Certificate:
    """The current certificate of a platform service key (TSA, Fund signer), issued on first use
    and reissued when it nears expiry, was revoked, or the CA or the key changed."""
    key = keystore.get_or_create_key(key_name)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    ca_cert = ca_certificate()
    soon = timezone.now() + dt.timedelta(days=30)
    for row in IssuedCertificate.objects.filter(
        profile=profile, revoked_at__isnull=True, not_after__gt=soon
    ).order_by("-created_at")[:5]:
        cert = row.certificate
        same_key = (
            cert.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            == public
        )
        if same_key and cert.issuer == ca_cert.subject and _issued_by(cert, ca_cert):
            return cert
    return issue_for_key(key, subject, profile=profile, days=days).certificate


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:
        return False
    return True


def find_certificate(serial_hex: str) -> IssuedCertificate:
    try:
        normalised = format(int(serial_hex.replace(":", ""), 16), "x")
    except ValueError:
        raise NotFound() from None
    row = IssuedCertificate.objects.filter(serial_hex=normalised).first()
    if row is None:
        raise NotFound()
    return row


def revoke_certificate(
    serial_hex: str, *, reason: str = "unspecified", actor=None
) -> IssuedCertificate:
    """Revoke a certificate and publish a new CRL at once.

    Args:
        serial_hex: the certificate's serial number (hex, colons allowed).
        reason: one of :data:`REVOCATION_REASONS`.
        actor: who revoked it (audited).

    Raises:
        NotFound: no such certificate.
        ValidationFailed: an unknown reason, or the certificate was already revoked.
    """
    if reason not in REVOCATION_REASONS:
        raise ValidationFailed(
            [
                FieldError(
                    "reason",
                    _("Unknown reason; use one of: %s.") % ", ".join(REVOCATION_REASONS),
                    "choice",
                )
            ]
        )
    with transaction.atomic():
        row = find_certificate(serial_hex)
        row = IssuedCertificate.objects.select_for_update().get(pk=row.pk)
        if row.revoked_at is not None:
            raise ValidationFailed(
                [FieldError("serial", _("The certificate is already revoked."), "revoked")]
            )
        if row.profile == CertificateProfile.CA:
            raise ValidationFailed(
                [
                    FieldError(
                        "serial",
                        _(
                            "The root cannot be revoked; replace it with 'innocluster ca init --replace'."
                        ),
                        "root",
                    )
                ]
            )
        row.revoked_at = _now()
        row.revocation_reason = reason
        row.save(update_fields=["revoked_at", "revocation_reason"])
        record_event(
            actor=actor,
            action="pki.certificate_revoked",
            obj=row,
            after={"revoked_at": row.revoked_at, "reason": reason},
            summary=row.subject,
        )
        _publish_crl()
    return row


def _publish_crl() -> RevocationList:
    ca_cert = ca_certificate()
    ca_key = _ca_key()
    now = _now()
    number = next_number("pki.crl")
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=CRL_VALID_DAYS))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
    )
    revoked = IssuedCertificate.objects.filter(revoked_at__isnull=False).exclude(
        profile=CertificateProfile.CA
    )
    for row in revoked.iterator():
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(row.serial_hex, 16))
            .revocation_date(row.revoked_at)
        )
        flag = REVOCATION_REASONS.get(row.revocation_reason)
        if flag is not None and flag != x509.ReasonFlags.unspecified:
            entry = entry.add_extension(x509.CRLReason(flag), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    crl_obj = builder.sign(ca_key, hashes.SHA256())
    return RevocationList.objects.create(
        number=number,
        issuer_serial_hex=serial_hex_of(ca_cert),
        crl_der=crl_obj.public_bytes(serialization.Encoding.DER),
        this_update=crl_obj.last_update_utc,
        next_update=crl_obj.next_update_utc,
    )


def crl_der() -> bytes:
    """The current CRL as DER, re-signed first if it is near its nextUpdate or was issued by an
    earlier root."""
    ca_cert = ca_certificate()
    current = RevocationList.objects.order_by("-number").first()
    if (
        current is None
        or current.issuer_serial_hex != serial_hex_of(ca_cert)
        or current.next_update - timezone.now() < CRL_RENEW_BEFORE
    ):
        with transaction.atomic():
            current = _publish_crl()
    return bytes(current.crl_der)


def crl() -> x509.CertificateRevocationList:
    """The current CRL (see :func:`crl_der`)."""
    return x509.load_der_x509_crl(crl_der())


def crl_pem() -> bytes:
    return crl().public_bytes(serialization.Encoding.PEM)


def certificate_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)
