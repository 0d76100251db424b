"""Signature-algorithm providers: who can check a signature made with which algorithm.

Verification asks :func:`provider_for` with the SignerInfo's signature-algorithm OID; the first
registered provider that lists it answers.
A provider that is registered but cannot work here (a missing OpenSSL engine) says why through
``available()``, and the verification report carries that reason with the code
``algorithm_unavailable`` instead of calling the signature bad.

Adding an algorithm touches nothing else: write a class with

- ``name`` (str), ``signature_oids`` and ``public_key_oids`` (frozensets of dotted OIDs),
- ``available() -> (bool, reason)``, the reason a translatable sentence shown to users,
- ``verify(signed_data, signature, certificate, *, algorithm, digest_algorithm) -> bool``
  where ``certificate`` is an asn1crypto certificate, ``algorithm`` the SignerInfo's
  ``SignedDigestAlgorithm`` (parameters included, e.g. RSASSA-PSS) and ``digest_algorithm``
  the digest name ("sha256", "streebog256", ...),

and call :func:`register` with an instance (at import of the module that defines it, e.g. from
an AppConfig.ready()).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from typing import Protocol

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from django.utils.translation import gettext as _


class SignatureProvider(Protocol):
    name: str
    signature_oids: frozenset[str]
    public_key_oids: frozenset[str]

    def available(self) -> tuple[bool, str]: ...

    def verify(
        self,
        signed_data: bytes,
        signature: bytes,
        certificate: asn1_x509.Certificate,
        *,
        algorithm: algos.SignedDigestAlgorithm | None = None,
        digest_algorithm: str = "sha256",
    ) -> bool: ...


HASHES = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class StandardProvider:
    """ECDSA (P-256, P-384, P-521), RSA (PKCS#1 v1.5 and PSS) and Ed25519/Ed448, through
    the ``cryptography`` package."""

    name = "cryptography"
    signature_oids = frozenset(
        {
            "1.2.840.10045.2.1",  # id-ecPublicKey, used by some signers as signature OID
            "1.2.840.10045.4.1",  # ecdsa-with-SHA1
            "1.2.840.10045.4.3.1",
            "1.2.840.10045.4.3.2",  # ecdsa-with-SHA256
            "1.2.840.10045.4.3.3",
            "1.2.840.10045.4.3.4",
            "1.2.840.113549.1.1.1",  # rsaEncryption
            "1.2.840.113549.1.1.5",
            "1.2.840.113549.1.1.10",  # RSASSA-PSS
            "1.2.840.113549.1.1.11",  # sha256WithRSAEncryption
            "1.2.840.113549.1.1.12",
            "1.2.840.113549.1.1.13",
            "1.3.101.112",  # Ed25519
            "1.3.101.113",  # Ed448
        }
    )
    public_key_oids = frozenset(
        {
            "1.2.840.10045.2.1",
            "1.2.840.113549.1.1.1",
            "1.2.840.113549.1.1.10",
            "1.3.101.112",
            "1.3.101.113",
        }
    )

    def available(self) -> tuple[bool, str]:
        return True, ""

    def verify(
        self,
        signed_data: bytes,
        signature: bytes,
        certificate,
        *,
        algorithm: algos.SignedDigestAlgorithm | None = None,
        digest_algorithm: str = "sha256",
    ) -> bool:
        public_key = _public_key(certificate)
        try:
            if isinstance(public_key, ec.EllipticCurvePublicKey):
                public_key.verify(signature, signed_data, ec.ECDSA(_hash(digest_algorithm)))
            elif isinstance(public_key, rsa.RSAPublicKey):
                if algorithm is not None and algorithm["algorithm"].native == "rsassa_pss":
                    params = algorithm["parameters"]
                    pss_hash = _hash(params["hash_algorithm"]["algorithm"].native)
                    mgf_hash = _hash(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
                    pad = padding.PSS(
                        mgf=padding.MGF1(mgf_hash), salt_length=params["salt_length"].native
                    )
                    public_key.verify(signature, signed_data, pad, pss_hash)
                else:
                    public_key.verify(
                        signature, signed_data, padding.PKCS1v15(), _hash(digest_algorithm)
                    )
            elif isinstance(public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
                public_key.verify(signature, signed_data)
            else:
                return False
        except (InvalidSignature, ValueError, TypeError, KeyError):
            return False
        return True


def _hash(name: str):
    try:
        return HASHES[name]()
    except KeyError:
        raise ValueError(f"unsupported digest {name}") from None


@functools.lru_cache(maxsize=256)
def _cached_public_key(der: bytes):
    return x509.load_der_x509_certificate(der).public_key()


def _public_key(certificate):
    if isinstance(certificate, x509.Certificate):
        return certificate.public_key()
    return _cached_public_key(certificate.dump())


GOST_SIGNATURE_OIDS = frozenset(
    {
        "1.2.643.7.1.1.3.2",  # id-tc26-signwithdigest-gost3410-12-256
        "1.2.643.7.1.1.3.3",  # id-tc26-signwithdigest-gost3410-12-512
        "1.2.643.7.1.1.1.1",  # id-tc26-gost3410-12-256 (used as signature OID too)
        "1.2.643.7.1.1.1.2",  # id-tc26-gost3410-12-512
    }
)
GOST_DIGESTS = {
    "1.2.643.7.1.1.2.2": "md_gost12_256",  # Streebog-256
    "1.2.643.7.1.1.2.3": "md_gost12_512",  # Streebog-512
    "streebog256": "md_gost12_256",
    "streebog512": "md_gost12_512",
}


class GostProvider:
    """GOST R 34.10-2012 (256 and 512 bits) with Streebog digests, through OpenSSL's GOST engine
    (Debian package libengine-gost-openssl); Python has no GOST implementation of its own."""

    name = "openssl-gost-engine"
    signature_oids = GOST_SIGNATURE_OIDS
    public_key_oids = frozenset({"1.2.643.7.1.1.1.1", "1.2.643.7.1.1.1.2"})

    @functools.cached_property
    def _engine_check(self) -> tuple[bool, str]:
        openssl = shutil.which("openssl")
        if openssl is None:
            return False, "openssl is not installed"
        try:
            done = subprocess.run(
                [openssl, "engine", "gost"], capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return False, str(exc)
        return done.returncode == 0, done.stderr.decode(errors="replace")[:200]

    def available(self) -> tuple[bool, str]:
        ok, _detail = self._engine_check
        if ok:
            return True, ""
        return False, _(
            "GOST R 34.10-2012 signatures cannot be verified here: OpenSSL's GOST engine "
            "(libengine-gost-openssl) is not installed."
        )

    def digest(self, data: bytes, algorithm: str) -> bytes | None:
        """Streebog through the engine (hashlib has no GOST digests)."""
        name = GOST_DIGESTS.get(algorithm)
        if name is None or not self.available()[0]:
            return None
        done = subprocess.run(
            ["openssl", "dgst", "-engine", "gost", f"-{name}", "-binary"],
            input=data,
            capture_output=True,
            timeout=60,
            check=False,
        )
        return done.stdout if done.returncode == 0 else None

    def verify(
        self,
        signed_data: bytes,
        signature: bytes,
        certificate,
        *,
        algorithm=None,
        digest_algorithm: str = "streebog256",
    ) -> bool:
        ok, _reason = self.available()
        if not ok:
            return False
        digest = GOST_DIGESTS.get(digest_algorithm, "md_gost12_256")
        der = certificate.dump() if hasattr(certificate, "dump") else certificate.public_bytes()
        with tempfile.TemporaryDirectory(prefix="gost-") as tmp:
            paths = {n: os.path.join(tmp, n) for n in ("cert.der", "pub.pem", "data", "sig")}
            for name, content in (("cert.der", der), ("data", signed_data), ("sig", signature)):
                with open(paths[name], "wb") as f:
                    f.write(content)
            base = ["openssl"]
            extract = subprocess.run(
                [
                    *base,
                    "x509",
                    "-engine",
                    "gost",
                    "-inform",
                    "DER",
                    "-in",
                    paths["cert.der"],
                    "-pubkey",
                    "-noout",
                    "-out",
                    paths["pub.pem"],
                ],
                capture_output=True,
                timeout=30,
                check=False,
            )
            if extract.returncode != 0:
                return False
            done = subprocess.run(
                [
                    *base,
                    "dgst",
                    "-engine",
                    "gost",
                    f"-{digest}",
                    "-verify",
                    paths["pub.pem"],
                    "-signature",
                    paths["sig"],
                    paths["data"],
                ],
                capture_output=True,
                timeout=30,
                check=False,
            )
            return done.returncode == 0


_registry: list[SignatureProvider] = []


def register(provider: SignatureProvider, *, first: bool = False) -> None:
    """Add a provider; ``first`` puts it before the others (to override an algorithm)."""
    if first:
        _registry.insert(0, provider)
    else:
        _registry.append(provider)


def unregister(provider: SignatureProvider) -> None:
    if provider in _registry:
        _registry.remove(provider)


def providers() -> list[SignatureProvider]:
    return list(_registry)


def provider_for(signature_oid: str, public_key_oid: str = "") -> SignatureProvider | None:
    """The provider for a signature algorithm. The key's algorithm is used only when no
    signature algorithm is named: guessing from the key would call an unknown algorithm's
    signature valid by another algorithm's rules."""
    for provider in _registry:
        if signature_oid in provider.signature_oids:
            return provider
    if not signature_oid:
        for provider in _registry:
            if public_key_oid and public_key_oid in provider.public_key_oids:
                return provider
    return None


register(StandardProvider())
register(GostProvider())
