"""Detached CMS signatures (CAdES-BES, and CAdES-T with a signature timestamp) over the exact
bytes of a document, readable by any standard tool::

    openssl cms -verify -binary -inform DER -in sig.p7s -content doc -CAfile ca.pem -purpose any

A browser signs in two phases without an ASN.1 library: the server hands it
:func:`signed_attributes_for` (the DER SET the signature covers), WebCrypto signs those bytes
with ECDSA P-256, and :func:`assemble_cms` wraps the signature into a SignedData, refusing it
unless it verifies. The server never sees the private key.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from .errors import SignatureRejected

OID_SIGNATURE_TIME_STAMP_TOKEN = "1.2.840.113549.1.9.16.2.14"  # noqa: S105 - an OID


def to_asn1(certificate) -> asn1_x509.Certificate:
    """A certificate as asn1crypto's object, from ``cryptography``'s, DER bytes or itself."""
    if isinstance(certificate, asn1_x509.Certificate):
        return certificate
    if isinstance(certificate, bytes | bytearray):
        return asn1_x509.Certificate.load(bytes(certificate))
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def to_crypto(certificate) -> x509.Certificate:
    """A certificate as ``cryptography``'s object."""
    if isinstance(certificate, x509.Certificate):
        return certificate
    if isinstance(certificate, bytes | bytearray):
        return x509.load_der_x509_certificate(bytes(certificate))
    return x509.load_der_x509_certificate(certificate.dump())


def _digest_for_key(public_key) -> str:
    if isinstance(public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return "sha512"  # RFC 8419 §3.1: Ed25519 with signed attributes uses SHA-512
    if isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.curve.key_size >= 384:
        return "sha384"
    return "sha256"


def _signature_algorithm(public_key, digest: str) -> algos.SignedDigestAlgorithm:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return algos.SignedDigestAlgorithm({"algorithm": f"{digest}_ecdsa"})
    if isinstance(public_key, rsa.RSAPublicKey):
        return algos.SignedDigestAlgorithm({"algorithm": f"{digest}_rsa"})
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return algos.SignedDigestAlgorithm({"algorithm": "ed25519"})
    if isinstance(public_key, ed448.Ed448PublicKey):
        return algos.SignedDigestAlgorithm({"algorithm": "ed448"})
    raise ValueError("unsupported key type")


def _fresh_name(name: asn1_x509.Name) -> asn1_x509.Name:
    """An unshared copy of a Name. Placing a certificate's own Name object into another
    structure re-tags it in place (asn1crypto), which marks the certificate as changed and makes
    every later encoding of it slow."""
    return asn1_x509.Name.load(name.dump())


def _ess_signing_certificate_v2(certificate: asn1_x509.Certificate) -> tsp.SigningCertificateV2:
    # ESSCertIDv2's hashAlgorithm DEFAULTs to SHA-256: left out, as DER requires.
    return tsp.SigningCertificateV2(
        {
            "certs": [
                {
                    "cert_hash": hashlib.sha256(certificate.dump()).digest(),
                    "issuer_serial": {
                        "issuer": [
                            asn1_x509.GeneralName(
                                name="directory_name", value=_fresh_name(certificate.issuer)
                            )
                        ],
                        "serial_number": certificate.serial_number,
                    },
                }
            ]
        }
    )


def _attributes(
    content: bytes,
    certificate: asn1_x509.Certificate,
    *,
    content_type: str,
    signing_time: dt.datetime | None,
    digest_algorithm: str,
) -> cms.CMSAttributes:
    when = (signing_time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    attrs = [
        cms.CMSAttribute({"type": "content_type", "values": [content_type]}),
        cms.CMSAttribute(
            {
                "type": "message_digest",
                "values": [hashlib.new(digest_algorithm, content).digest()],
            }
        ),
        cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": when})]}),
        cms.CMSAttribute(
            {
                "type": "signing_certificate_v2",
                "values": [_ess_signing_certificate_v2(certificate)],
            }
        ),
    ]
    # DER: a SET OF is ordered by the encodings of its members; asn1crypto sorts on dump.
    return cms.CMSAttributes(attrs)


def signed_attributes_for(
    content: bytes,
    certificate,
    *,
    signing_time: dt.datetime | None = None,
    digest_algorithm: str | None = None,
) -> bytes:
    """The DER SET OF signed attributes a signer signs for ``content``.

    content-type id-data, message-digest (SHA-256 of ``content``; SHA-512 for Ed25519 keys),
    signing-time, and ESS signing-certificate-v2 (the certificate's SHA-256 and issuer/serial),
    which binds the signature to this certificate. WebCrypto's ECDSA with SHA-256 over these
    bytes makes the signature :func:`assemble_cms` accepts.
    """
    cert = to_asn1(certificate)
    digest = digest_algorithm or _digest_for_key(to_crypto(cert).public_key())
    attrs = _attributes(
        content, cert, content_type="data", signing_time=signing_time, digest_algorithm=digest
    )
    return attrs.dump()


def normalise_ecdsa_signature(signature: bytes, public_key) -> bytes:
    """An ECDSA signature as DER, from DER or from WebCrypto's raw r||s (IEEE P1363)."""
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return signature
    size = (public_key.curve.key_size + 7) // 8
    try:
        r, s = decode_dss_signature(signature)
        if encode_dss_signature(r, s) == signature:
            return signature
    except ValueError:
        pass
    if len(signature) == 2 * size:
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        return encode_dss_signature(r, s)
    return signature


def _signed_attrs_bytes(signer_info: cms.SignerInfo) -> bytes:
    """The signed attributes as the signature covers them: the SET OF with its universal tag
    (RFC 5652 §5.4), rebuilt from the exact contents received."""
    contents = signer_info["signed_attrs"].contents
    return b"\x31" + _der_length(len(contents)) + contents


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _signer_info(
    signed_attrs: cms.CMSAttributes,
    signature: bytes,
    certificate: asn1_x509.Certificate,
    digest: str,
    sig_alg: algos.SignedDigestAlgorithm,
) -> cms.SignerInfo:
    return cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": _fresh_name(certificate.issuer),
                        "serial_number": certificate.serial_number,
                    }
                }
            ),
            "digest_algorithm": {"algorithm": digest},
            "signed_attrs": signed_attrs,
            "signature_algorithm": sig_alg,
            "signature": signature,
        }
    )


def _signed_data(
    signer_info: cms.SignerInfo,
    certificates: list[asn1_x509.Certificate],
    digest: str,
    *,
    content_type: str = "data",
    content: bytes | None = None,
) -> cms.ContentInfo:
    encap = {"content_type": content_type}
    if content is not None:
        encap["content"] = core.ParsableOctetString(content)
    seen: set[bytes] = set()
    unique = []
    for cert in certificates:
        der = cert.dump()
        if der not in seen:
            seen.add(der)
            # A freshly loaded copy: its bytes are reused as they are when the SignedData is
            # encoded, instead of the whole certificate being re-encoded.
            unique.append(asn1_x509.Certificate.load(der))
    signed_data = {
        # RFC 5652 §5.1: version 3 when the content is not id-data.
        "version": "v1" if content_type == "data" else "v3",
        "digest_algorithms": [{"algorithm": digest}],
        "encap_content_info": encap,
        "signer_infos": [signer_info],
    }
    if unique:
        signed_data["certificates"] = [cms.CertificateChoices({"certificate": c}) for c in unique]
    return cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(signed_data)})


def _sign_raw(private_key, data: bytes, digest: str) -> bytes:
    hash_cls = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[digest]
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return private_key.sign(data, ec.ECDSA(hash_cls()))
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, padding.PKCS1v15(), hash_cls())
    if isinstance(private_key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return private_key.sign(data)
    raise ValueError("unsupported key type")


def sign_with_key(
    content: bytes,
    private_key,
    certificate,
    *,
    content_type: str = "data",
    encapsulate: bool = False,
    certificates=(),
    signing_time: dt.datetime | None = None,
) -> cms.ContentInfo:
    """A SignedData with one signer, signed with a local key (the TSA's tokens, the Fund's and
    the CLI's detached signatures)."""
    cert = to_asn1(certificate)
    digest = _digest_for_key(private_key.public_key())
    attrs = _attributes(
        content,
        cert,
        content_type=content_type,
        signing_time=signing_time,
        digest_algorithm=digest,
    )
    attrs_der = attrs.dump()
    signature = _sign_raw(private_key, attrs_der, digest)
    sig_alg = _signature_algorithm(private_key.public_key(), digest)
    signer_info = _signer_info(cms.CMSAttributes.load(attrs_der), signature, cert, digest, sig_alg)
    return _signed_data(
        signer_info,
        [to_asn1(c) for c in certificates],
        digest,
        content_type=content_type,
        content=content if encapsulate else None,
    )


def _rejected(code: str, message, certificate=None):
    from .verify import Reason, VerificationReport

    report = VerificationReport(valid=False, kind="cades-bes", intact=False, trusted=False)
    report.reasons.append(Reason(code, str(message)))
    if certificate is not None:
        from .verify import signer_info_of

        report.signer = signer_info_of(to_crypto(certificate))
    return SignatureRejected(report)


def assemble_cms(signed_attributes_der: bytes, signature: bytes, certificate, chain=()) -> bytes:
    """Wrap a signature over :func:`signed_attributes_for`'s bytes into a detached CMS.

    Args:
        signed_attributes_der: exactly the bytes that were signed.
        signature: DER, or WebCrypto's raw r||s for ECDSA.
        certificate: the signer's certificate (``cryptography``, asn1crypto or DER).
        chain: further certificates to embed (intermediates).

    Returns:
        DER ContentInfo(SignedData) without eContent.

    Raises:
        SignatureRejected: the attributes are malformed, bound to another certificate, or the
            signature does not verify with the certificate's key.
    """
    from django.utils.translation import gettext as _

    from .providers import provider_for

    cert = to_asn1(certificate)
    crypto_cert = to_crypto(cert)
    public_key = crypto_cert.public_key()
    try:
        attrs = cms.CMSAttributes.load(bytes(signed_attributes_der), strict=True)
        by_type = {a["type"].native: a["values"] for a in attrs}
        digest_len = len(by_type["message_digest"][0].native)
        ess = by_type.get("signing_certificate_v2")
    except Exception:
        raise _rejected(
            "malformed", _("The signed attributes are not a DER SET OF attributes."), cert
        ) from None
    digest = {32: "sha256", 48: "sha384", 64: "sha512"}.get(digest_len)
    if digest is None:
        raise _rejected("malformed", _("The message digest has an unsupported length."), cert)
    if ess is not None:
        cert_hash = ess[0]["certs"][0]["cert_hash"].native
        if cert_hash != hashlib.sha256(cert.dump()).digest():
            raise _rejected(
                "certificate_mismatch",
                _("The signed attributes name another certificate than the one given."),
                cert,
            )
    signature = normalise_ecdsa_signature(bytes(signature), public_key)
    sig_alg = _signature_algorithm(public_key, digest)
    provider = provider_for(sig_alg["algorithm"].dotted, cert.public_key.algorithm)
    if provider is None or not provider.verify(
        bytes(signed_attributes_der),
        signature,
        cert,
        algorithm=sig_alg,
        digest_algorithm=digest,
    ):
        raise _rejected(
            "bad_signature",
            _("The signature does not verify with the certificate's public key."),
            cert,
        )
    signer_info = _signer_info(attrs, signature, cert, digest, sig_alg)
    return _signed_data(signer_info, [cert, *[to_asn1(c) for c in chain]], digest).dump()


def sign_detached(
    content: bytes, private_key, certificate, chain=(), *, timestamp: bool = True
) -> bytes:
    """A detached CAdES-BES signature over ``content`` with a local key; CAdES-T (with a
    signature timestamp from the TSA) when ``timestamp``."""
    cert = to_asn1(certificate)
    info = sign_with_key(
        content, private_key, cert, certificates=[cert, *[to_asn1(c) for c in chain]]
    )
    der = info.dump()
    return add_signature_timestamp(der) if timestamp else der


def _signer(content_info: cms.ContentInfo) -> cms.SignerInfo:
    if content_info["content_type"].native != "signed_data":
        raise ValueError("not a SignedData")
    return content_info["content"]["signer_infos"][0]


def signature_value(cms_der: bytes) -> bytes:
    """The first SignerInfo's signature value (what a CAdES-T timestamp covers)."""
    return _signer(cms.ContentInfo.load(cms_der))["signature"].native


def add_signature_timestamp(cms_der: bytes) -> bytes:
    """CAdES-T: add an id-aa-signatureTimeStampToken unsigned attribute to the (first) signer,
    over SHA-256 of its signature value. The signed part is not touched, so the signature stays
    valid."""
    from .tsa import timestamp_token

    info = cms.ContentInfo.load(cms_der)
    signer = _signer(info)
    imprint = hashlib.sha256(signer["signature"].native).digest()
    token = cms.ContentInfo.load(timestamp_token(imprint))
    unsigned = signer["unsigned_attrs"]
    existing = [] if isinstance(unsigned, core.Void) else list(unsigned)
    existing.append(cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]}))
    signer["unsigned_attrs"] = cms.CMSAttributes(existing)
    return info.dump()


def timestamp_tokens(cms_der: bytes) -> list[bytes]:
    """The DER signature timestamp tokens of the first signer (empty for CAdES-BES)."""
    signer = _signer(cms.ContentInfo.load(cms_der))
    tokens = []
    if not isinstance(signer["unsigned_attrs"], core.Void):
        for attr in signer["unsigned_attrs"]:
            if attr["type"].dotted == OID_SIGNATURE_TIME_STAMP_TOKEN:
                tokens.extend(v.dump() for v in attr["values"])
    return tokens


def certificates_in(cms_der: bytes) -> list[x509.Certificate]:
    """The certificates embedded in a SignedData."""
    info = cms.ContentInfo.load(cms_der)
    found = []
    for choice in info["content"]["certificates"] or []:
        if choice.name == "certificate":
            found.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return found
