"""Verification of CMS signatures (CAdES-BES / CAdES-T) into a report a person can read.

:func:`verify_cms` never raises on bad input: whatever the bytes, it returns a
:class:`VerificationReport` whose ``reasons`` say, each with a stable code and a translated
message, why a signature is not valid:

=====================  ==========================================================
code                   meaning
=====================  ==========================================================
malformed              not a CMS SignedData, or a required part is missing
too_large              the signature is over settings.DOCUMENT_MAX_BYTES
content_mismatch       the message digest is not that of the given content
bad_signature          the signature does not verify with the signer's key
certificate_mismatch   the ESS signing-certificate attribute names another cert
algorithm_unsupported  no provider knows the signature algorithm
algorithm_unavailable  the provider exists but cannot run here (e.g. GOST engine)
untrusted              no path from the signer's certificate to a trust anchor
expired                a certificate of the path had expired at the signing time
not_yet_valid          a certificate of the path was not yet valid at that time
key_usage              the certificate may not be used for signatures
revoked                the certificate is revoked (before the proven signing time)
timestamp_invalid      the signature timestamp is broken or not over this signature
weak_algorithm         a digest or signature algorithm too weak to be relied on
=====================  ==========================================================

Trust anchors are the platform's CA and the certificates in ``settings.TRUST_ANCHOR_FILES``.
Revocation comes from the platform's own CRL (from the database), from a CRL file next to an
anchor file (``anchor.pem`` → ``anchor.crl`` or ``anchor.crl.pem``) or from the distribution point
when ``settings.PKI_ALLOW_FETCHING`` is true; otherwise the revocation status is "unknown" and
the report says why. Path validation and CRL processing are pyhanko-certvalidator's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import threading
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from asn1crypto import cms, core, pem, tsp
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from . import keystore

logger = logging.getLogger(__name__)

OID_INN = ObjectIdentifier("1.2.643.3.131.1.1")
OID_INN_LE = ObjectIdentifier("1.2.643.100.4")
OID_OGRN = ObjectIdentifier("1.2.643.100.1")
OID_OGRNIP = ObjectIdentifier("1.2.643.100.5")
SUPPORTED_DIGESTS = {"sha256", "sha384", "sha512"}
WEAK_DIGESTS = {"md5", "sha1"}


@dataclass
class Reason:
    """Why a signature is not (fully) valid: a stable code and a sentence in the active
    language."""

    code: str
    message: str


@dataclass
class SignerIdentity:
    common_name: str = ""
    email: str = ""
    organisation: str = ""
    inn: str = ""
    ogrn: str = ""
    serial_hex: str = ""
    issuer: str = ""


@dataclass
class ChainEntry:
    subject: str
    issuer: str
    serial_hex: str
    not_before: dt.datetime
    not_after: dt.datetime


@dataclass
class TimestampInfo:
    time: dt.datetime | None = None
    tsa: str = ""
    valid: bool = False
    hash_algorithm: str = ""
    hash: str = ""  # the stamped message imprint, hex (a hash of the signature value)
    serial: str = ""
    policy: str = ""


@dataclass
class RevocationInfo:
    status: str = "unknown"  # good | revoked | unknown
    revoked_at: dt.datetime | None = None
    checked_at: dt.datetime | None = None
    source: str = ""
    reason: str = ""


@dataclass
class VerificationReport:
    """Everything a verifier found out about one signature.

    ``valid`` is true only when ``reasons`` is empty; ``warnings`` hold facts worth telling that
    do not make the signature invalid (e.g. revocation status unknown for an external CA).
    ``signing_time_source`` is "timestamp" (proven by an RFC 3161 token), "claimed" (the
    signer's own signing-time attribute or a PDF's /M) or "verification_time" (no time at
    all: the signature was checked as of the verification time).
    """

    valid: bool = False
    kind: str = "cades-bes"
    intact: bool = False
    trusted: bool = False
    reasons: list[Reason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)
    signer: SignerIdentity | None = None
    chain: list[ChainEntry] = field(default_factory=list)
    signing_time: dt.datetime | None = None
    signing_time_source: str = ""
    timestamp: TimestampInfo | None = None
    revocation: RevocationInfo = field(default_factory=RevocationInfo)
    algorithm: str = ""
    provider: str = ""
    certificate_der: bytes | None = field(default=None, repr=False)

    def fail(self, code: str, message) -> None:
        if not any(r.code == code for r in self.reasons):
            self.reasons.append(Reason(code, str(message)))

    def warn(self, code: str, message) -> None:
        self.warnings.append(Reason(code, str(message)))

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def to_dict(self) -> dict:
        """The report as JSON-safe data (times in ISO 8601, UTC)."""
        data = asdict(self)
        data.pop("certificate_der", None)
        return _jsonable(data)

    def summary(self) -> str:
        """One line: verdict, signer, time and its source, or the reasons."""
        who = ""
        if self.signer:
            who = self.signer.common_name or self.signer.email
            if self.signer.organisation:
                who += f" ({self.signer.organisation})"
        when = self.signing_time.isoformat() if self.signing_time else "?"
        if self.valid:
            return _("Valid %(kind)s signature by %(who)s, signed %(when)s (%(source)s).") % {
                "kind": self.kind.upper(),
                "who": who or "?",
                "when": when,
                "source": self.signing_time_source,
            }
        reasons = "; ".join(f"{r.message} [{r.code}]" for r in self.reasons)
        if who:
            return _("Invalid %(kind)s signature by %(who)s: %(reasons)s") % {
                "kind": self.kind.upper(),
                "who": who,
                "reasons": reasons,
            }
        return _("Invalid %(kind)s signature: %(reasons)s") % {
            "kind": self.kind.upper(),
            "reasons": reasons,
        }


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


# --- identities -------------------------------------------------------------------------------


def _quiet_names(func):
    """Cyrillic names of up to 64 characters but over 64 UTF-8 bytes are legal (X.520 counts
    characters): cryptography's warning about them is silenced once, at import (a
    ``catch_warnings`` per call would cost a millisecond per verification)."""
    return func


warnings.filterwarnings("ignore", message="Attribute's length must be", category=UserWarning)


def _attr(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


@_quiet_names
def signer_info_of(certificate: x509.Certificate) -> SignerIdentity:
    """Who a certificate names: CN, e-mail, organisation, INN, OGRN, serial, issuer."""
    subject = certificate.subject
    email = _attr(subject, NameOID.EMAIL_ADDRESS)
    if not email:
        try:
            san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            emails = san.value.get_values_for_type(x509.RFC822Name)
            email = emails[0] if emails else ""
        except Exception:  # absent or unparseable: the report goes on without an e-mail
            email = ""
    inn = _attr(subject, OID_INN_LE) or _attr(subject, OID_INN)
    if len(inn) == 12 and inn.startswith("00"):
        inn = inn[2:]  # a legal entity's 10-digit INN padded to 12 in the INN attribute
    return SignerIdentity(
        common_name=_attr(subject, NameOID.COMMON_NAME),
        email=email,
        organisation=_attr(subject, NameOID.ORGANIZATION_NAME),
        inn=inn,
        ogrn=_attr(subject, OID_OGRN) or _attr(subject, OID_OGRNIP),
        serial_hex=format(certificate.serial_number, "x"),
        issuer=_safe_rfc4514(certificate.issuer),
    )


def _safe_rfc4514(name: x509.Name) -> str:
    try:
        return name.rfc4514_string()
    except Exception:
        return ""


@_quiet_names
def _chain_entry(certificate: x509.Certificate) -> ChainEntry:
    return ChainEntry(
        subject=_safe_rfc4514(certificate.subject),
        issuer=_safe_rfc4514(certificate.issuer),
        serial_hex=format(certificate.serial_number, "x"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


# --- trust anchors and revocation data ---------------------------------------------------------

_anchor_cache: dict[tuple, tuple[list, list]] = {}


def _load_pem_or_der(data: bytes, kind: str) -> list[bytes]:
    if pem.detect(data):
        return [der for name, _h, der in pem.unarmor(data, multiple=True) if kind in name]
    return [data]


def _crl_candidates(path: Path) -> list[Path]:
    stem = path.with_suffix("")
    return [stem.with_suffix(".crl"), Path(str(stem) + ".crl.pem"), Path(str(path) + ".crl")]


def external_anchors() -> tuple[list[asn1_x509.Certificate], list[asn1_crl.CertificateList]]:
    """Certificates from settings.TRUST_ANCHOR_FILES and the CRL files beside them."""
    files = tuple(str(f) for f in (settings.TRUST_ANCHOR_FILES or []) if f)
    stamp = []
    for name in files:
        for path in (Path(name), *_crl_candidates(Path(name))):
            stamp.append((str(path), path.stat().st_mtime if path.exists() else None))
    key = tuple(stamp)
    if key in _anchor_cache:
        return _anchor_cache[key]
    certs, crls = [], []
    for name in files:
        path = Path(name)
        try:
            for der in _load_pem_or_der(path.read_bytes(), "CERTIFICATE"):
                certs.append(asn1_x509.Certificate.load(der))
        except (OSError, ValueError) as exc:
            logger.warning("Trust anchor file %s unreadable: %s", name, exc)
            continue
        for candidate in _crl_candidates(path):
            if candidate.exists():
                try:
                    for der in _load_pem_or_der(candidate.read_bytes(), "X509 CRL"):
                        crls.append(asn1_crl.CertificateList.load(der))
                except (OSError, ValueError) as exc:
                    logger.warning("CRL file %s unreadable: %s", candidate, exc)
    _anchor_cache.clear()
    _anchor_cache[key] = (certs, crls)
    return certs, crls


_trust_cache: dict = {}
keystore.on_forget(_trust_cache.clear)
keystore.on_forget(lambda: _path_cache.clear())


@dataclass
class TrustStore:
    """The roots and CRLs a verification uses (built once per verification, or per batch)."""

    roots: list[asn1_x509.Certificate]
    crls: list[asn1_crl.CertificateList]
    platform_issuer: asn1_x509.Name | None = None

    @classmethod
    def current(cls) -> TrustStore:
        """The platform CA and its current CRL (one small query when nothing changed since the
        last call: parsed objects are kept per CRL), plus the external anchors."""
        from django.utils import timezone

        from .ca import CRL_RENEW_BEFORE, ca_certificate, crl_der
        from .cms import to_asn1
        from .models import RevocationList

        latest = (
            RevocationList.objects.order_by("-number")
            .values_list("id", "next_update", "issuer_serial_hex")
            .first()
        )
        anchors, anchor_crls = external_anchors()
        cache_key = (str(settings.DATABASES["default"]["NAME"]), latest and latest[0])
        cached = _trust_cache.get("platform")
        fresh = latest is not None and latest[1] - timezone.now() >= CRL_RENEW_BEFORE
        if cached is not None and cached[0] == cache_key and fresh:
            platform, own_crl = cached[1]
        else:
            platform = to_asn1(ca_certificate())
            own_crl = asn1_crl.CertificateList.load(crl_der())
            if latest is not None and own_crl["tbs_cert_list"]["issuer"] == platform.subject:
                # Keyed by the CRL read now: a CRL published meanwhile gets its own entry.
                newest = RevocationList.objects.order_by("-number").values_list("id").first()
                _trust_cache["platform"] = (
                    (cache_key[0], newest and newest[0]),
                    (platform, own_crl),
                )
        return cls([platform, *anchors], [own_crl, *anchor_crls], platform.subject)


# --- async bridge ------------------------------------------------------------------------------

_local = threading.local()


def run_async(coro):
    """Run a coroutine of pyhanko-certvalidator from sync code, reusing one loop per thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = getattr(_local, "loop", None)
        if loop is None or loop.is_closed():
            loop = _local.loop = asyncio.new_event_loop()
        return loop.run_until_complete(coro)
    # Called from inside an event loop (an async view): run in a worker thread.
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


# --- the verification --------------------------------------------------------------------------


@dataclass
class _Parsed:
    info: cms.ContentInfo
    signed_data: cms.SignedData
    signer: cms.SignerInfo
    certificates: list[asn1_x509.Certificate]  # the others, not the signer's
    signer_cert: asn1_x509.Certificate
    signer_der: bytes
    signer_crypto: x509.Certificate
    signed_attrs_der: bytes
    attrs: dict
    digest_algorithm: str
    econtent: bytes | None


def _key_identifier(cert: x509.Certificate) -> bytes | None:
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except (x509.ExtensionNotFound, ValueError):  # absent or unreadable: not this one
        return None


def _find_signer_cert(signer: cms.SignerInfo, ders: list[bytes], crypto: list[x509.Certificate]):
    sid = signer["sid"]
    if sid.name == "issuer_and_serial_number":
        serial = sid.chosen["serial_number"].native
        issuer_der = sid.chosen["issuer"].dump()
        for der, cert in zip(ders, crypto, strict=True):
            if cert.serial_number == serial and cert.issuer.public_bytes() == issuer_der:
                return der, cert
    elif sid.name == "subject_key_identifier":
        wanted = sid.chosen.native
        for der, cert in zip(ders, crypto, strict=True):
            if _key_identifier(cert) == wanted:
                return der, cert
    return None, None


def _parse(cms_der: bytes) -> _Parsed:
    # Bytes that are checked (the signed attributes, the certificates) are taken verbatim from
    # the input before asn1crypto parses their insides: re-encoding them would be slow and could
    # hide a non-DER encoding.
    info = cms.ContentInfo.load(bytes(cms_der), strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError(_("It is not a CMS SignedData."))
    signed_data = info["content"]
    signers = signed_data["signer_infos"]
    if len(signers) == 0:
        raise ValueError(_("The SignedData has no signer."))
    signer = signers[0]
    signed_attrs = signer["signed_attrs"]
    if signed_attrs.contents is None or not signed_attrs.contents:
        raise ValueError(_("The signature has no signed attributes (CAdES requires them)."))
    from .cms import _der_length

    signed_attrs_der = b"\x31" + _der_length(len(signed_attrs.contents)) + signed_attrs.contents
    ders = [c.chosen.dump() for c in (signed_data["certificates"] or []) if c.name == "certificate"]
    crypto = [x509.load_der_x509_certificate(der) for der in ders]
    signer_der, signer_crypto = _find_signer_cert(signer, ders, crypto)
    if signer_der is None:
        raise ValueError(_("The signer's certificate is not included in the signature."))
    attrs = {}
    for attr in signed_attrs:
        attrs[attr["type"].dotted] = attr["values"]
    econtent_info = signed_data["encap_content_info"]
    econtent = econtent_info["content"]
    econtent_bytes = None
    if econtent.native is not None:
        raw = econtent.native
        econtent_bytes = raw if isinstance(raw, bytes) else econtent.contents
    digest_algorithm = signer["digest_algorithm"]["algorithm"]
    digest_name = digest_algorithm.native
    if digest_name == digest_algorithm.dotted:
        digest_name = digest_algorithm.dotted
    signer["signature"].native  # noqa: B018 - parse now, inside the malformed-input guard
    signer["signature_algorithm"]["algorithm"].dotted  # noqa: B018
    return _Parsed(
        info=info,
        signed_data=signed_data,
        signer=signer,
        certificates=[asn1_x509.Certificate.load(der) for der in ders if der != signer_der],
        signer_cert=asn1_x509.Certificate.load(signer_der),
        signer_der=signer_der,
        signer_crypto=signer_crypto,
        signed_attrs_der=signed_attrs_der,
        attrs=attrs,
        digest_algorithm=digest_name,
        econtent=econtent_bytes,
    )


OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"
OID_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47"
OID_SIGNING_CERT = "1.2.840.113549.1.9.16.2.12"
OID_SIGNATURE_TS = "1.2.840.113549.1.9.16.2.14"


def _digest(name: str, data: bytes, provider=None) -> bytes | None:
    if name in SUPPORTED_DIGESTS or name in WEAK_DIGESTS:
        return hashlib.new(name, data).digest()
    digest_fn = getattr(provider, "digest", None)
    if digest_fn is not None:
        return digest_fn(data, name)
    return None


def _check_signature(parsed: _Parsed, report: VerificationReport, signed_attrs_der: bytes) -> None:
    from .providers import provider_for

    sig_alg = parsed.signer["signature_algorithm"]
    sig_oid = sig_alg["algorithm"].dotted
    pk_oid = parsed.signer_cert["tbs_certificate"]["subject_public_key_info"]["algorithm"][
        "algorithm"
    ].dotted
    report.algorithm = _algorithm_label(sig_alg, parsed)
    provider = provider_for(sig_oid, pk_oid)
    if provider is None:
        report.fail(
            "algorithm_unsupported",
            _("The signature algorithm %(oid)s is not supported.") % {"oid": sig_oid},
        )
        return
    report.provider = provider.name
    ok, reason = provider.available()
    if not ok:
        report.fail("algorithm_unavailable", reason)
        return
    try:
        verified = provider.verify(
            signed_attrs_der,
            parsed.signer["signature"].native,
            parsed.signer_cert,
            algorithm=sig_alg,
            digest_algorithm=parsed.digest_algorithm,
        )
    except Exception:  # a provider must not turn bad input into a crash
        logger.info("Signature provider %s raised", provider.name, exc_info=True)
        verified = False
    if not verified:
        report.fail("bad_signature", _("The signature does not verify with the signer's key."))


def _algorithm_label(sig_alg, parsed: _Parsed) -> str:
    name = sig_alg["algorithm"].native
    key = parsed.signer_cert.public_key
    curve = ""
    try:
        if key.algorithm == "ec":
            curve = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}.get(
                key.curve[1], str(key.curve[1])
            )
        elif key.algorithm == "rsa":
            curve = f"RSA-{key.bit_size}"
    except Exception:
        curve = ""
    return f"{name} ({curve}, {parsed.digest_algorithm})" if curve else f"{name}"


def verify_cms(
    content: bytes | None,
    cms_der: bytes,
    *,
    at: dt.datetime | None = None,
    trust: TrustStore | None = None,
    claimed_time: dt.datetime | None = None,
    kind: str = "cades",
) -> VerificationReport:
    """Verify a CMS signature over ``content`` and report what holds and what does not.

    Args:
        content: the exact signed bytes (None when the signature encapsulates them).
        cms_der: the DER ContentInfo(SignedData).
        at: the verification time (default: now) - used for revocation when the signing time
            is only claimed, and as the signing time when there is none at all.
        trust: roots and CRLs to use (default: :meth:`TrustStore.current`).
        claimed_time: a signing time from outside the CMS (a PDF's /M).
        kind: "cades" or "pades" (the report's kind gets "-bes"/"-t" or ""/"-t").

    Returns:
        A :class:`VerificationReport`; never raises on bad input.
    """
    now = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    report = VerificationReport(kind=f"{kind}-bes" if kind == "cades" else kind)
    limit = settings.DOCUMENT_MAX_BYTES
    if not isinstance(cms_der, bytes | bytearray | memoryview) or len(cms_der) > limit:
        report.fail(
            "too_large" if isinstance(cms_der, bytes | bytearray | memoryview) else "malformed",
            _("The signature is larger than %(max)d bytes.") % {"max": limit},
        )
        return report
    try:
        parsed = _parse(cms_der)
    except Exception as exc:
        message = str(exc) if isinstance(exc, ValueError) and exc.args and _is_ours(exc) else ""
        report.fail(
            "malformed",
            message or _("The signature is not a well-formed DER CMS SignedData."),
        )
        return report
    try:
        _verify_parsed(parsed, content, report, now, trust, claimed_time, kind)
    except Exception:  # last resort: a bug or exotic input must still give a report
        logger.exception("Unexpected error verifying a CMS signature")
        report.fail("malformed", _("The signature could not be processed."))
    report.valid = not report.reasons
    return report


def _is_ours(exc: Exception) -> bool:
    # Messages raised by _parse itself are for people; asn1crypto's are not.
    return not any(
        marker in str(exc) for marker in ("asn1crypto", "Extra data", "Insufficient data", "tag")
    )


def _verify_parsed(parsed, content, report, now, trust, claimed_time, kind) -> None:
    signer_crypto = parsed.signer_crypto
    report.certificate_der = parsed.signer_der
    report.signer = signer_info_of(signer_crypto)
    report.chain = [_chain_entry(signer_crypto)]
    attrs = parsed.attrs

    # 1. Integrity: the content, its digest and the signature over the signed attributes.
    if parsed.econtent is not None:
        if content is not None and content != parsed.econtent:
            report.fail("content_mismatch", _("The signed content differs from the document."))
        content = parsed.econtent
    if content is None:
        report.fail("malformed", _("The signature is detached and no content was given."))
        return
    if parsed.digest_algorithm in WEAK_DIGESTS:
        report.fail(
            "weak_algorithm",
            _("The digest algorithm %(alg)s is too weak.") % {"alg": parsed.digest_algorithm},
        )
    if OID_MESSAGE_DIGEST not in attrs or OID_CONTENT_TYPE not in attrs:
        report.fail("malformed", _("The message-digest or content-type attribute is missing."))
        return
    econtent_type = parsed.signed_data["encap_content_info"]["content_type"].dotted
    if attrs[OID_CONTENT_TYPE][0].dotted != econtent_type:
        report.fail("malformed", _("The content-type attribute contradicts the content."))
    _check_signature(parsed, report, parsed.signed_attrs_der)
    if "algorithm_unavailable" in report.codes or "algorithm_unsupported" in report.codes:
        return
    from .providers import provider_for

    provider = provider_for(parsed.signer["signature_algorithm"]["algorithm"].dotted)
    expected = _digest(parsed.digest_algorithm, content, provider)
    if expected is None:
        report.fail(
            "algorithm_unsupported",
            _("The digest algorithm %(alg)s is not supported.") % {"alg": parsed.digest_algorithm},
        )
        return
    if attrs[OID_MESSAGE_DIGEST][0].native != expected:
        report.fail(
            "content_mismatch",
            _("The document differs from the one signed: its digest does not match."),
        )
    ess = attrs.get(OID_SIGNING_CERT_V2)
    if ess is not None:
        try:
            cert_id = ess[0]["certs"][0]
            hash_alg = cert_id["hash_algorithm"]["algorithm"].native
            if cert_id["cert_hash"].native != hashlib.new(hash_alg, parsed.signer_der).digest():
                report.fail(
                    "certificate_mismatch",
                    _("The signing-certificate attribute names another certificate."),
                )
        except (ValueError, KeyError, TypeError):
            report.fail("malformed", _("The signing-certificate attribute is malformed."))
    report.intact = not report.reasons

    # 2. Time: the timestamp's if there is a valid one, else the signer's claim.
    claimed = claimed_time
    if OID_SIGNING_TIME in attrs:
        try:
            claimed = attrs[OID_SIGNING_TIME][0].native
        except ValueError:
            report.fail("malformed", _("The signing-time attribute is malformed."))
    if trust is None:
        trust = TrustStore.current()
    tokens = []
    unsigned = parsed.signer["unsigned_attrs"]
    if not isinstance(unsigned, core.Void):  # .native would decode whole tokens: slow
        for attr in unsigned:
            if attr["type"].dotted == OID_SIGNATURE_TS:
                tokens.extend(attr["values"])
    if tokens:
        report.kind = f"{kind}-t"
        report.timestamp = check_timestamp(
            tokens[0], parsed.signer["signature"].native, trust, report
        )
    if report.timestamp is not None and report.timestamp.valid:
        report.signing_time, report.signing_time_source = report.timestamp.time, "timestamp"
    elif claimed is not None:
        report.signing_time, report.signing_time_source = claimed, "claimed"
        if claimed > now + dt.timedelta(minutes=5):
            report.warn("signing_time_in_future", _("The claimed signing time lies in the future."))
    else:
        report.signing_time, report.signing_time_source = now, "verification_time"

    # 3. Trust: a path to an anchor, valid at the signing time, not revoked, right key usage.
    _check_path(parsed, signer_crypto, report, trust, now)
    _check_key_usage(signer_crypto, report)


def _check_key_usage(cert: x509.Certificate, report: VerificationReport) -> None:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    except Exception:
        report.fail("key_usage", _("The certificate's key usage extension is unreadable."))
        return
    if not (usage.digital_signature or usage.content_commitment):
        report.fail(
            "key_usage",
            _(
                "The certificate's key may not make signatures (no digitalSignature or nonRepudiation)."
            ),
        )


def _context(trust: TrustStore, moment: dt.datetime, other_certs) -> ValidationContext:
    return ValidationContext(
        trust_roots=trust.roots,
        other_certs=other_certs,
        crls=trust.crls,
        moment=moment,
        allow_fetching=bool(getattr(settings, "PKI_ALLOW_FETCHING", False)),
        revocation_mode="soft-fail",
        retroactive_revinfo=True,
    )


# Successful path validations, remembered with the window of moments for which the same
# answer holds: the same certificates, roots and CRLs give the same path, and the answer only
# depends on the moment through the validity periods of the path's certificates and the
# revocation dates the CRLs list for them. People sign many documents with one certificate.
_path_cache: dict[bytes, tuple] = {}
PATH_CACHE_SIZE = 10_000


def _path_key(cert, others, trust, eku) -> bytes:
    digest = hashlib.sha256()
    for item in (cert, *others, *trust.roots, *trust.crls):
        der = item.dump()
        digest.update(len(der).to_bytes(4, "big"))
        digest.update(der)
    digest.update(repr(sorted(eku or ())).encode())
    digest.update(repr(bool(getattr(settings, "PKI_ALLOW_FETCHING", False))).encode())
    return digest.digest()


def _window(path, trust) -> tuple[dt.datetime, dt.datetime]:
    certs = list(path)
    start = max(c["tbs_certificate"]["validity"]["not_before"].native for c in certs)
    end = min(c["tbs_certificate"]["validity"]["not_after"].native for c in certs)
    for c in certs:
        revoked_at = _crl_entry(c, _issuer_crls(c, trust))
        if revoked_at is not None:
            end = min(end, revoked_at - dt.timedelta(seconds=1))
    return start, end


def _validate(cert, others, trust, moment, eku=None):
    """Run pyhanko-certvalidator; returns (path or None, (code, message) or None, revoked_at)."""
    key = _path_key(cert, others, trust, eku)
    cached = _path_cache.get(key)
    if cached is not None and cached[1] <= moment <= cached[2]:
        return cached[0], None, None
    context = _context(trust, moment, others)
    validator = CertificateValidator(cert, intermediate_certs=others, validation_context=context)
    try:
        if eku:
            path = run_async(validator.async_validate_usage(set(), eku))
        else:
            path = run_async(validator.async_validate_path())
        start, end = _window(path, trust)
        if start <= moment <= end:
            if len(_path_cache) >= PATH_CACHE_SIZE:
                _path_cache.clear()
            _path_cache[key] = (path, start, end)
        return path, None, None
    except cv_errors.RevokedError as exc:
        return (
            None,
            (
                "revoked",
                _("The certificate was revoked on %(when)s.")
                % {"when": exc.revocation_dt.isoformat()},
            ),
            exc.revocation_dt,
        )
    except cv_errors.ExpiredError as exc:
        return (
            None,
            (
                "expired",
                _("The certificate had expired (%(when)s) at the signing time.")
                % {"when": exc.expired_dt.isoformat()},
            ),
            None,
        )
    except cv_errors.NotYetValidError as exc:
        return (
            None,
            (
                "not_yet_valid",
                _("The certificate was not yet valid (from %(when)s) at the signing time.")
                % {"when": exc.valid_from.isoformat()},
            ),
            None,
        )
    except cv_errors.DisallowedAlgorithmError:
        return (
            None,
            ("weak_algorithm", _("A certificate on the path uses a disallowed algorithm.")),
            None,
        )
    except cv_errors.PathBuildingError:
        return (
            None,
            (
                "untrusted",
                _("The certificate was not issued by a trusted certification authority."),
            ),
            None,
        )
    except cv_errors.InvalidCertificateError as exc:
        if eku:
            return None, ("key_usage", _("The certificate may not be used for this purpose.")), None
        return (
            None,
            ("untrusted", _("The certificate path is not valid: %(why)s") % {"why": exc}),
            None,
        )
    except (cv_errors.PathValidationError, cv_errors.ValidationError) as exc:
        return (
            None,
            ("untrusted", _("The certificate path is not valid: %(why)s") % {"why": exc}),
            None,
        )


def _issuer_crls(cert: asn1_x509.Certificate, trust: TrustStore):
    return [c for c in trust.crls if c.issuer == cert.issuer]


def _crl_entry(cert: asn1_x509.Certificate, crls):
    for certificate_list in crls:
        for revoked in certificate_list["tbs_cert_list"]["revoked_certificates"] or []:
            if revoked["user_certificate"].native == cert.serial_number:
                return revoked["revocation_date"].native
    return None


def _check_path(parsed, signer_crypto, report, trust, now) -> None:
    others = parsed.certificates
    path, problem, revoked_at = _validate(parsed.signer_cert, others, trust, report.signing_time)
    revocation = report.revocation
    revocation.checked_at = now
    crls = _issuer_crls(parsed.signer_cert, trust)
    revocation.source = (
        "crl:platform"
        if trust.platform_issuer is not None and parsed.signer_cert.issuer == trust.platform_issuer
        else ("crl:file" if crls else "")
    )
    if path is not None:
        report.trusted = True
        report.chain = [
            _chain_entry(x509.load_der_x509_certificate(c.dump())) for c in reversed(list(path))
        ]
    if problem is not None:
        code, message = problem
        report.fail(code, message)
        if code == "revoked":
            revocation.status, revocation.revoked_at = "revoked", revoked_at
        return
    # Path valid at the signing time. Revocation after it is harmless only when a timestamp
    # proves the time; a merely claimed time cannot outweigh a revocation.
    if crls or getattr(settings, "PKI_ALLOW_FETCHING", False):
        revoked_at = _crl_entry(parsed.signer_cert, crls)
        if revoked_at is None:
            revocation.status = "good"
            if not crls:
                revocation.source = "crl:fetched"
        elif report.signing_time_source == "timestamp":
            revocation.status, revocation.revoked_at = "good", revoked_at
            report.warn(
                "revoked_later",
                _("The certificate was revoked on %(when)s, after the timestamped signing time.")
                % {"when": revoked_at.isoformat()},
            )
        else:
            revocation.status, revocation.revoked_at = "revoked", revoked_at
            report.fail(
                "revoked",
                _(
                    "The certificate was revoked on %(when)s; without a timestamp nothing proves the signature is older."
                )
                % {"when": revoked_at.isoformat()},
            )
    else:
        revocation.status = "unknown"
        revocation.reason = str(
            _("No CRL is configured for this certification authority and fetching is off.")
        )
        report.warn("revocation_unknown", revocation.reason)


def check_timestamp(
    token: cms.ContentInfo, signature: bytes, trust: TrustStore, report: VerificationReport
) -> TimestampInfo:
    """Check one RFC 3161 token over ``signature``: its own signature, that it stamps this
    signature value, and the TSA certificate's path (valid at genTime, EKU timeStamping)."""
    info = TimestampInfo()
    try:
        tparsed = _parse(token.dump())
        tst = tsp.TSTInfo.load(tparsed.econtent)
        info.time = tst["gen_time"].native
        info.hash_algorithm = tst["message_imprint"]["hash_algorithm"]["algorithm"].native
        info.hash = tst["message_imprint"]["hashed_message"].native.hex()
        info.serial = format(tst["serial_number"].native, "x")
        info.policy = tst["policy"].dotted
        tsa_cert = tparsed.signer_crypto
        info.tsa = _safe_rfc4514(tsa_cert.subject)
    except Exception:
        report.fail("timestamp_invalid", _("The signature timestamp is malformed."))
        return info
    sub = VerificationReport()
    _check_signature(tparsed, sub, tparsed.signed_attrs_der)
    digest = _digest(tparsed.digest_algorithm, tparsed.econtent)
    if (
        digest is None
        or tparsed.attrs.get(OID_MESSAGE_DIGEST, [None])[0] is None
        or (tparsed.attrs[OID_MESSAGE_DIGEST][0].native != digest)
    ):
        sub.fail("content_mismatch", "")
    if sub.reasons:
        report.fail("timestamp_invalid", _("The signature timestamp's own signature is not valid."))
        return info
    imprint = tst["message_imprint"]["hashed_message"].native
    if (
        info.hash_algorithm not in SUPPORTED_DIGESTS
        or imprint != hashlib.new(info.hash_algorithm, signature).digest()
    ):
        report.fail("timestamp_invalid", _("The timestamp was made for another signature value."))
        return info
    others = tparsed.certificates
    path, problem, _revoked = _validate(
        tparsed.signer_cert, others, trust, info.time, eku={"time_stamping"}
    )
    if problem is not None:
        report.fail(
            "timestamp_invalid",
            _("The timestamp authority's certificate is not acceptable: %(why)s")
            % {"why": problem[1]},
        )
        return info
    info.valid = True
    return info


def parse_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER."""
    if data.lstrip().startswith(b"-----"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


__all__ = [
    "Reason",
    "RevocationInfo",
    "SignerIdentity",
    "TimestampInfo",
    "TrustStore",
    "VerificationReport",
    "core",
    "signer_info_of",
    "verify_cms",
]
