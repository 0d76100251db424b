"""The Fund's PAdES signatures on PDF documents, and verification of any PDF's signatures.

:func:`sign_pdf` adds a PAdES baseline signature (B-T: with an RFC 3161 signature timestamp)
as an incremental update, so earlier signatures stay valid and several signatures can follow one
another. Adobe Reader, ``pdfsig`` (poppler) and any PAdES validator check it with the platform's
CA as trust anchor (``/pki/ca.pem``).

The signing key is the platform's "fund-signer" key from the key store; its certificate
(profile "fund") names the Fund (``settings.FUND_NAME``).
"""

from __future__ import annotations

import io
import logging

from asn1crypto import cms as asn1_cms
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from innocluster.core.errors import FieldError, ValidationFailed

from . import keystore, tsa
from .cms import to_asn1
from .models import CertificateProfile
from .verify import TrustStore, VerificationReport, verify_cms

logger = logging.getLogger(__name__)

FUND_KEY_NAME = "fund-signer"


def fund_name() -> str:
    return settings.FUND_NAME


def fund_certificate():
    """The Fund signer's certificate (issued by the platform CA on first use)."""
    from cryptography import x509

    from .ca import name_attribute, service_certificate

    subject = x509.Name(
        [
            name_attribute(NameOID.COMMON_NAME, fund_name()),
            name_attribute(NameOID.ORGANIZATION_NAME, fund_name()),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
        ]
    )
    return service_certificate(FUND_KEY_NAME, subject, profile=CertificateProfile.FUND)


class InProcessTimeStamper(TimeStamper):
    """A pyHanko timestamper backed by the platform's own TSA, without HTTP.

    The authority (key, certificate) is loaded from the database before pyHanko's event loop
    starts; answering a request is pure cryptography, so no database access happens inside
    async code.
    """

    def __init__(self, authority: tsa.Authority):
        super().__init__(include_nonce=True)
        self.authority = authority

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        answer = self.authority.respond(req.dump())
        return tsp.TimeStampResp.load(answer.dump())


def _timestamper() -> TimeStamper:
    if settings.TSA_URL:
        return HTTPTimeStamper(settings.TSA_URL)
    return InProcessTimeStamper(tsa.authority())


def _signer() -> signers.SimpleSigner:
    from .ca import ca_certificate

    key = keystore.get_or_create_key(FUND_KEY_NAME)
    certificate = fund_certificate()
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return signers.SimpleSigner(
        signing_cert=to_asn1(certificate),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([to_asn1(ca_certificate())]),
    )


def looks_like_pdf(data: bytes) -> bool:
    """True when ``data`` parses as a PDF (header, cross-reference data and a catalogue), not
    merely when it starts with ``%PDF-``."""
    if not isinstance(data, bytes | bytearray) or not bytes(data[:1024]).lstrip().startswith(
        b"%PDF-"
    ):
        return False
    try:
        reader = PdfFileReader(io.BytesIO(bytes(data)), strict=False)
        root = reader.root
        return root.get("/Type") == "/Catalog" or "/Pages" in root
    except Exception:
        return False


def _refuse_non_pdf(pdf: bytes, field: str = "pdf") -> None:
    if len(pdf) > settings.DOCUMENT_MAX_BYTES:
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    _("The file is larger than %(max)d bytes.")
                    % {"max": settings.DOCUMENT_MAX_BYTES},
                    "too_large",
                )
            ]
        )
    if not looks_like_pdf(pdf):
        raise ValidationFailed([FieldError(field, _("The file is not a readable PDF."), "not_pdf")])


def sign_pdf(
    pdf: bytes, *, reason: str, location: str = "Moscow", field_name: str | None = None
) -> bytes:
    """Add the Fund's PAdES B-T signature to ``pdf`` as an incremental update.

    Args:
        pdf: the document (earlier signatures are kept valid).
        reason: the /Reason shown by PDF readers (e.g. "Approved by the Fund").
        location: the /Location.
        field_name: the signature field (a new one is made when absent; default
            "FundSignature-N").

    Returns:
        The signed PDF.

    Raises:
        ValidationFailed: ``pdf`` is not a PDF or is too large.
    """
    _refuse_non_pdf(pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if field_name is None:
        existing = {name for name, *_rest in fields.enumerate_sig_fields(writer)}
        n = 1
        while f"FundSignature-{n}" in existing:
            n += 1
        field_name = f"FundSignature-{n}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        name=fund_name(),
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = signers.sign_pdf(writer, meta, signer=_signer(), timestamper=_timestamper())
    return out.getvalue()


def _signed_bytes(pdf: bytes, byte_range) -> bytes:
    parts = [int(x) for x in byte_range]
    out = bytearray()
    for start, length in zip(parts[0::2], parts[1::2], strict=True):
        out += pdf[start : start + length]
    return bytes(out)


def verify_pdf(pdf: bytes) -> list[VerificationReport]:
    """Verify every signature of a PDF against the platform's trust anchors.

    Each signature's CMS is checked as :func:`verify_cms` does (digest over the signed byte
    ranges, signature, path, revocation, timestamp), and pyHanko's difference analysis says
    whether what was appended after it is allowed (further signatures, form filling) or not.

    Returns:
        One report per signature, in the document's order (empty for an unsigned PDF).

    Raises:
        ValidationFailed: ``pdf`` is not a PDF or is too large.
    """
    from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    _refuse_non_pdf(pdf)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    trust = TrustStore.current()
    reports = []
    try:
        embedded = list(reader.embedded_regular_signatures)
    except Exception:
        report = VerificationReport(kind="pades")
        report.fail("malformed", _("The PDF's signature fields cannot be read."))
        return [report]
    for sig in embedded:
        try:
            cms_der = asn1_cms.ContentInfo.load(sig.pkcs7_content).dump()
            signed = _signed_bytes(pdf, sig.byte_range)
            claimed = None
            try:
                claimed = sig.self_reported_timestamp
            except Exception:
                claimed = None
        except Exception:
            report = VerificationReport(kind="pades")
            report.fail("malformed", _("The signature's contents cannot be read."))
            reports.append(report)
            continue
        report = verify_cms(signed, cms_der, trust=trust, claimed_time=claimed, kind="pades")
        try:
            sig.compute_integrity_info()
            coverage = sig.coverage
            diff = sig.diff_result
        except Exception as exc:  # pyHanko refuses odd files (hybrid xrefs, broken revisions)
            logger.info("PDF integrity analysis failed: %s", exc)
            coverage, diff = SignatureCoverageLevel.UNCLEAR, None
        if coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            report.fail(
                "pdf_modified",
                _("The signature does not cover a whole revision of the document."),
            )
        elif isinstance(diff, SuspiciousModification) or (
            diff is not None and diff.modification_level > ModificationLevel.FORM_FILLING
        ):
            report.fail(
                "pdf_modified",
                _("The document was changed after this signature in a way it does not allow."),
            )
        elif coverage != SignatureCoverageLevel.ENTIRE_FILE:
            report.warn(
                "later_revisions",
                _("The document has later revisions (further signatures or form filling)."),
            )
        report.valid = not report.reasons
        reports.append(report)
    return reports
