"""Signed tree heads as RFC 6962 §3.5 defines them, and the JSON document a member keeps.

The signed bytes are the TreeHeadSignature structure::

    version (0x00 = v1) | signature_type (0x01 = tree_hash) | timestamp (uint64, ms)
    | tree_size (uint64) | sha256_root_hash (32 bytes)

big-endian, 50 bytes in all, signed with ECDSA P-256 over SHA-256 (DER signature), so
``openssl dgst -sha256 -verify log-key.pem -signature sig.der signed.bin`` checks it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.translation import gettext as _

SIGNATURE_ALGORITHM = "ecdsa-p256-sha256"
VERSION_V1 = 0
SIGNATURE_TYPE_TREE_HASH = 1
_STRUCT = struct.Struct(">BBQQ32s")


def signed_data(timestamp: int, tree_size: int, root_hash: bytes) -> bytes:
    """The exact bytes a tree head's signature covers (RFC 6962 §3.5 TreeHeadSignature)."""
    if len(root_hash) != 32:
        raise ValueError("root_hash must be 32 bytes")
    return _STRUCT.pack(VERSION_V1, SIGNATURE_TYPE_TREE_HASH, timestamp, tree_size, root_hash)


def public_key_der(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_pem(public_key: ec.EllipticCurvePublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """SHA-256 of the key's DER SubjectPublicKeyInfo, hex (RFC 6962's LogID, in hex)."""
    return hashlib.sha256(public_key_der(public_key)).hexdigest()


def sign(private_key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    return private_key.sign(data, ec.ECDSA(hashes.SHA256()))


def signature_valid(public_key_pem_text: str, data: bytes, signature: bytes) -> bool:
    """Does ``signature`` (DER ECDSA-SHA256) over ``data`` verify with the P-256 key?"""
    try:
        public_key = serialization.load_pem_public_key(public_key_pem_text.encode())
    except (ValueError, TypeError):
        return False
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(
        public_key.curve, ec.SECP256R1
    ):
        return False
    try:
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def iso(timestamp: int) -> str:
    """Milliseconds since the epoch as an ISO 8601 UTC time, e.g. 2026-11-27T03:52:18.123Z."""
    moment = datetime.fromtimestamp(timestamp / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{timestamp % 1000:03d}Z"


def how_to_verify() -> str:
    return _(
        "Save public_key_pem as log-key.pem, base64-decode signed_data into signed.bin and "
        "signature into sig.der, then run: openssl dgst -sha256 -verify log-key.pem -signature "
        "sig.der signed.bin. signed.bin is the RFC 6962 §3.5 TreeHeadSignature: byte 0x00 "
        "(version 1), byte 0x01 (tree hash), timestamp and tree_size as 8-byte big-endian "
        "integers, then the 32-byte root hash; check they equal the fields of this document. "
        "key_id is the SHA-256 of the key's DER SubjectPublicKeyInfo. Any entry's inclusion in "
        "this tree, and this tree's consistency with a later one, can then be checked with the "
        "proofs of /api/v1/log/proof/inclusion and /api/v1/log/proof/consistency (RFC 9162)."
    )


def document(
    *,
    tree_size: int,
    root_hash: bytes,
    timestamp: int,
    signature: bytes,
    key_id_hex: str,
    public_key_pem_text: str,
) -> dict:
    """The JSON a member keeps and an evidence package carries as log/tree-head.json."""
    return {
        "tree_size": tree_size,
        "root_hash": root_hash.hex(),
        "timestamp": timestamp,
        "timestamp_iso": iso(timestamp),
        "signature": base64.b64encode(signature).decode(),
        "signature_algorithm": SIGNATURE_ALGORITHM,
        "key_id": key_id_hex,
        "public_key_pem": public_key_pem_text,
        "signed_data": base64.b64encode(signed_data(timestamp, tree_size, root_hash)).decode(),
        "how_to_verify": how_to_verify(),
    }


def verify_document(doc: dict) -> bool:
    """Is ``doc`` a tree-head document whose fields, signed bytes, key id and signature agree?
    Needs nothing but the document: what anyone holding one can check."""
    try:
        tree_size, timestamp = doc["tree_size"], doc["timestamp"]
        if not (isinstance(tree_size, int) and isinstance(timestamp, int)):
            return False
        if tree_size < 0 or timestamp < 0 or doc["signature_algorithm"] != SIGNATURE_ALGORITHM:
            return False
        root_hash = bytes.fromhex(doc["root_hash"])
        data = base64.b64decode(doc["signed_data"], validate=True)
        signature = base64.b64decode(doc["signature"], validate=True)
        if data != signed_data(timestamp, tree_size, root_hash):
            return False
        if doc.get("timestamp_iso", iso(timestamp)) != iso(timestamp):
            return False
        pem = doc["public_key_pem"]
        public_key = serialization.load_pem_public_key(pem.encode())
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            return False
        if key_id(public_key) != doc["key_id"]:
            return False
        return signature_valid(pem, data, signature)
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error, struct.error):
        return False
