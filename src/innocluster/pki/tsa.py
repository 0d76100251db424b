"""The platform's RFC 3161 timestamp authority, and the client for an external one.

A token says "this hash existed at this time", signed by the TSA: it makes a signature's time
provable (CAdES-T, PAdES-T), independent of the signer's clock.

The built-in TSA has its own key (key store name "tsa") and a certificate from the platform's CA
with extendedKeyUsage timeStamping (critical), as RFC 3161 §2.3 requires. When
``settings.TSA_URL`` is set, :func:`timestamp_token` asks that TSA over HTTP instead.

Why not pyHanko's ``DummyTimeStamper``: it is a test helper. It takes a fixed test policy OID, no
accuracy, no request validation (no PKIStatus failure responses for bad requests) and keeps no
authority of its own (certificates and serials are whatever the caller passes in). Here the
authority has a persisted key and certificate, a configurable policy, 128-bit random serial
numbers, accuracy, and answers malformed requests with a proper rejection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import urllib.request
from dataclasses import dataclass

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.conf import settings

from . import keystore
from .models import CertificateProfile

TSA_KEY_NAME = "tsa"
# A private-arc policy OID of this platform's TSA (override with settings.TSA_POLICY_OID).
DEFAULT_POLICY_OID = "1.3.6.1.4.1.61422.1.3.1"
HASH_LENGTHS = {"sha256": 32, "sha384": 48, "sha512": 64}
MAX_REQUEST_BYTES = 16 * 1024


class TimestampError(Exception):
    """A timestamp could not be obtained (an external TSA refused or was unreachable)."""


class TimeStampResp(core.Sequence):
    """RFC 3161 §2.4.2 TimeStampResp. asn1crypto's own class makes the token mandatory, so it
    cannot hold (or parse) a rejection, which has none."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def policy_oid() -> str:
    return getattr(settings, "TSA_POLICY_OID", "") or DEFAULT_POLICY_OID


def tsa_subject() -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "InnoCluster Time-Stamping Authority"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "InnoCluster"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
        ]
    )


def tsa_certificate() -> x509.Certificate:
    """The built-in TSA's certificate (issued by the platform CA on first use)."""
    from .ca import service_certificate

    return service_certificate(TSA_KEY_NAME, tsa_subject(), profile=CertificateProfile.TSA)


@dataclass
class Authority:
    """The built-in TSA, loaded: key, certificate and policy. Building tokens needs no database,
    so this object can be used from async code (pyHanko's timestamper) once loaded."""

    key: object
    certificate: x509.Certificate
    policy: str

    @property
    def asn1_certificate(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))

    def token(
        self,
        message_imprint: bytes,
        hash_algorithm: str = "sha256",
        *,
        nonce: int | None = None,
        cert_req: bool = True,
        at: dt.datetime | None = None,
    ) -> cms.ContentInfo:
        """A TimeStampToken over ``message_imprint`` (a digest made with ``hash_algorithm``)."""
        from .cms import sign_with_key

        gen_time = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        tst = {
            "version": "v1",
            "policy": self.policy,
            "message_imprint": {
                "hash_algorithm": {"algorithm": hash_algorithm},
                "hashed_message": message_imprint,
            },
            "serial_number": secrets.randbits(128),
            "gen_time": core.GeneralizedTime(gen_time),
            "accuracy": {"seconds": 1},
            "ordering": False,
        }
        if nonce is not None:
            tst["nonce"] = nonce
        tst_info = tsp.TSTInfo(tst)
        asn1_cert = self.asn1_certificate
        content = tst_info.dump()
        return sign_with_key(
            content,
            self.key,
            asn1_cert,
            content_type="tst_info",
            encapsulate=True,
            certificates=[asn1_cert] if cert_req else [],
            signing_time=gen_time,
        )

    def respond(self, request_der: bytes) -> TimeStampResp:
        """Answer one TimeStampReq, or reject it with a PKIStatus failure."""
        try:
            if len(request_der) > MAX_REQUEST_BYTES:
                raise ValueError("too long")
            req = tsp.TimeStampReq.load(request_der, strict=True)
            version = req["version"].native
            imprint = req["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
            requested_policy = req["req_policy"].native
            nonce = req["nonce"].native
            cert_req = bool(req["cert_req"].native)
            has_extensions = req["extensions"].native is not None
        except Exception:
            return rejection("bad_data_format", "The request is not a DER TimeStampReq.")
        if version != "v1":
            return rejection("bad_request", "Only version 1 requests are accepted.")
        if algorithm not in HASH_LENGTHS:
            return rejection("bad_alg", f"Unsupported hash algorithm {algorithm}.")
        if not isinstance(digest, bytes) or len(digest) != HASH_LENGTHS[algorithm]:
            return rejection("bad_data_format", "The message imprint has the wrong length.")
        if requested_policy is not None and requested_policy != self.policy:
            return rejection("unaccepted_policy", f"Only policy {self.policy} is offered.")
        if has_extensions:
            return rejection("unaccepted_extension", "No request extensions are supported.")
        token = self.token(digest, algorithm, nonce=nonce, cert_req=cert_req)
        return granted(token)


def authority() -> Authority:
    """The built-in TSA, with its key and certificate loaded (made on first use)."""
    certificate = tsa_certificate()
    return Authority(keystore.get_or_create_key(TSA_KEY_NAME), certificate, policy_oid())


def granted(token: cms.ContentInfo) -> TimeStampResp:
    return TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})


def rejection(fail_info: str, text: str) -> TimeStampResp:
    """A TimeStampResp with status "rejection" and a PKIFailureInfo bit."""
    status = tsp.PKIStatusInfo(
        {
            "status": "rejection",
            "status_string": [text],
            "fail_info": tsp.PKIFailureInfo({fail_info}),
        }
    ).dump()
    return TimeStampResp({"status": tsp.PKIStatusInfo.load(status)})


def respond(request_der: bytes) -> bytes:
    """The TimeStampResp DER answering a DER TimeStampReq (for POST /pki/tsa).

    Bad requests get a rejection with a failure code (badDataFormat, badAlg, unacceptedPolicy,
    unacceptedExtension, badRequest), never an exception.
    """
    return authority().respond(request_der).dump()


def as_response(token_der: bytes) -> bytes:
    """Wrap a TimeStampToken as a granted TimeStampResp (the .tsr file ``openssl ts -verify
    -in`` reads)."""
    return granted(cms.ContentInfo.load(token_der)).dump()


def _request(message_imprint: bytes, hash_algorithm: str, nonce: int | None) -> tsp.TimeStampReq:
    req = {
        "version": "v1",
        "message_imprint": {
            "hash_algorithm": {"algorithm": hash_algorithm},
            "hashed_message": message_imprint,
        },
        "cert_req": True,
    }
    if nonce is not None:
        req["nonce"] = nonce
    return tsp.TimeStampReq(req)


def request_external(
    url: str, message_imprint: bytes, hash_algorithm: str = "sha256", nonce: int | None = None
) -> bytes:
    """Ask an external RFC 3161 TSA over HTTP; the TimeStampToken DER."""
    if not url.lower().startswith(("http://", "https://")):
        raise TimestampError(f"The timestamp authority URL must be http(s): {url}")
    nonce = nonce if nonce is not None else secrets.randbits(63)
    body = _request(message_imprint, hash_algorithm, nonce).dump()
    http = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/timestamp-query"},
    )
    try:
        timeout = getattr(settings, "TSA_TIMEOUT", 15)
        with urllib.request.urlopen(http, timeout=timeout) as answer:  # noqa: S310
            data = answer.read(1024 * 1024)
    except OSError as exc:
        raise TimestampError(f"The timestamp authority at {url} is unreachable: {exc}") from exc
    try:
        resp = TimeStampResp.load(data)
        status = resp["status"]["status"].native
        token = resp["time_stamp_token"]
    except Exception as exc:
        raise TimestampError("The timestamp authority's answer is not a TimeStampResp.") from exc
    if status not in ("granted", "granted_with_mods") or not token:
        raise TimestampError(f"The timestamp authority refused: {status}.")
    info = tst_info_of(token)
    if info["message_imprint"]["hashed_message"].native != message_imprint:
        raise TimestampError("The timestamp authority stamped another hash.")
    if info["nonce"].native != nonce:
        raise TimestampError("The timestamp authority did not echo the nonce.")
    return token.dump()


def timestamp_token(
    message_imprint: bytes, *, hash_algorithm: str = "sha256", nonce: int | None = None
) -> bytes:
    """A DER TimeStampToken (a CMS ContentInfo) over ``message_imprint``.

    Args:
        message_imprint: the digest to stamp (e.g. SHA-256 of a signature value).
        hash_algorithm: the algorithm that made it: sha256, sha384 or sha512.
        nonce: echoed in the token when given.

    Uses settings.TSA_URL when set, else the built-in TSA.
    """
    if hash_algorithm not in HASH_LENGTHS or len(message_imprint) != HASH_LENGTHS[hash_algorithm]:
        raise ValueError("message_imprint does not match hash_algorithm")
    if settings.TSA_URL:
        return request_external(settings.TSA_URL, message_imprint, hash_algorithm, nonce)
    return authority().token(message_imprint, hash_algorithm, nonce=nonce).dump()


def tst_info_of(token: cms.ContentInfo | bytes) -> tsp.TSTInfo:
    """The TSTInfo inside a token."""
    if isinstance(token, bytes | bytearray):
        token = cms.ContentInfo.load(bytes(token))
    content = token["content"]["encap_content_info"]["content"]
    parsed = content.parsed
    if not isinstance(parsed, tsp.TSTInfo):
        parsed = tsp.TSTInfo.load(content.native)
    return parsed


def imprint_of(data: bytes, hash_algorithm: str = "sha256") -> bytes:
    return hashlib.new(hash_algorithm, data).digest()


__all__ = [
    "Authority",
    "TimestampError",
    "as_response",
    "authority",
    "imprint_of",
    "respond",
    "timestamp_token",
    "tsa_certificate",
    "tst_info_of",
]
