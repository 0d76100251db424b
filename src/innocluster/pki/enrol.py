"""Certificate requests built for a browser in two phases, so the page needs no ASN.1 library.

1. The browser makes an ECDSA P-256 key pair with WebCrypto (the private key never leaves it)
   and sends its public key (SPKI DER). :func:`request_info_to_sign` returns the DER
   CertificationRequestInfo (PKCS#10) with the subject the server vouches for.
2. The browser signs those bytes with ECDSA/SHA-256 and sends the signature (WebCrypto's raw
   r||s or DER). :func:`assemble_csr` makes the CSR and checks that the signature verifies:
   proof that the browser holds the private key.
"""

from __future__ import annotations

from asn1crypto import csr as asn1_csr
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed

from .cms import normalise_ecdsa_signature

MAX_INPUT_BYTES = 8 * 1024


def _refuse(field: str, message, code: str = "invalid"):
    raise ValidationFailed([FieldError(field, str(message), code)])


def _p256_key(public_key_der: bytes, field: str = "public_key") -> ec.EllipticCurvePublicKey:
    if not public_key_der or len(public_key_der) > MAX_INPUT_BYTES:
        _refuse(field, _("The public key is empty or too long."))
    try:
        key = serialization.load_der_public_key(bytes(public_key_der))
    except (ValueError, TypeError):
        _refuse(field, _("The public key is not a DER SubjectPublicKeyInfo."), "malformed")
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        _refuse(
            field,
            _("Only ECDSA P-256 keys are accepted (WebCrypto: ECDSA, namedCurve P-256)."),
            "key_algorithm",
        )
    return key


def request_info_to_sign(public_key_der: bytes, subject: x509.Name) -> bytes:
    """The DER CertificationRequestInfo for ``public_key_der`` (an EC P-256 SPKI) and
    ``subject``: exactly the bytes the browser signs.

    Raises:
        ValidationFailed: on field "public_key" when it is not an EC P-256 SPKI.
    """
    key = _p256_key(public_key_der)
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    info = asn1_csr.CertificationRequestInfo(
        {
            "version": "v1",
            "subject": asn1_x509.Name.load(subject.public_bytes()),
            "subject_pk_info": asn1_keys.PublicKeyInfo.load(spki),
            "attributes": [],
        }
    )
    return info.dump()


def assemble_csr(request_info_der: bytes, signature: bytes) -> x509.CertificateSigningRequest:
    """The CSR made of ``request_info_der`` and the browser's ECDSA/SHA-256 ``signature``
    (DER or raw r||s).

    Raises:
        ValidationFailed: the request info is malformed or not for a P-256 key (field
            "request_info"), or the signature does not verify (field "signature").
    """
    if not request_info_der or len(request_info_der) > MAX_INPUT_BYTES:
        _refuse("request_info", _("The request is empty or too long."))
    try:
        info = asn1_csr.CertificationRequestInfo.load(bytes(request_info_der), strict=True)
        spki = info["subject_pk_info"].dump()
        info["subject"].native  # noqa: B018 - parse now, inside the guard
    except Exception:
        _refuse(
            "request_info", _("The request is not a DER CertificationRequestInfo."), "malformed"
        )
    key = _p256_key(spki, field="request_info")
    if not signature or len(signature) > 512:
        _refuse("signature", _("The signature is empty or too long."))
    der_signature = normalise_ecdsa_signature(bytes(signature), key)
    request = asn1_csr.CertificationRequest(
        {
            "certification_request_info": info,
            "signature_algorithm": {"algorithm": "sha256_ecdsa"},
            "signature": der_signature,
        }
    )
    try:
        csr = x509.load_der_x509_csr(request.dump())
        valid = csr.is_signature_valid
    except ValueError:
        valid = False
    if not valid:
        _refuse(
            "signature",
            _("The signature does not verify: it does not prove possession of the private key."),
            "bad_signature",
        )
    return csr
