"""Pluggable signature algorithms: GOST R 34.10-2012 gets a clear answer when OpenSSL's GOST
engine is missing, and a new provider plugs in without touching the verifier."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from asn1crypto import cms as asn1_cms

from innocluster.pki import cms, providers
from innocluster.pki.verify import verify_cms

pytestmark = pytest.mark.django_db
DOCUMENT = "Письмо в Фонд".encode() * 10


def gost_engine_present() -> bool:
    if shutil.which("openssl") is None:
        return False
    return subprocess.run(["openssl", "engine", "gost"], capture_output=True).returncode == 0


def with_algorithm(sig: bytes, signature_oid: str, digest_oid: str | None = None) -> bytes:
    info = asn1_cms.ContentInfo.load(sig)
    si = info["content"]["signer_infos"][0]
    si["signature_algorithm"] = {"algorithm": signature_oid}
    if digest_oid:
        si["digest_algorithm"] = {"algorithm": digest_oid}
        info["content"]["digest_algorithms"] = [{"algorithm": digest_oid}]
    return info.dump()


def test_a_gost_signature_gets_a_clear_algorithm_unavailable_report(signer, monkeypatch):
    gost_provider = providers.provider_for("1.2.643.7.1.1.3.2")
    if gost_engine_present():  # simulate a machine without libengine-gost-openssl
        monkeypatch.setattr(gost_provider, "_engine_check", (False, "engine not found"))
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    gost = with_algorithm(sig, "1.2.643.7.1.1.3.2", "1.2.643.7.1.1.2.2")
    from django.utils import translation

    with translation.override("en"):
        report = verify_cms(DOCUMENT, gost)
    assert not report.valid
    assert report.codes == ["algorithm_unavailable"]
    assert report.reasons[0].message == (
        "GOST R 34.10-2012 signatures cannot be verified here: OpenSSL's GOST engine "
        "(libengine-gost-openssl) is not installed."
    )
    assert report.provider == "openssl-gost-engine"
    assert report.signer.email  # who signed is still reported
    ok, reason = gost_provider.available()
    assert not ok and "libengine-gost-openssl" in reason


@pytest.mark.skipif(not gost_engine_present(), reason="OpenSSL's GOST engine is not installed")
def test_a_real_gost_signature_verifies_through_the_engine(tmp_path):  # pragma: no cover
    def sh(*args):
        done = subprocess.run(args, capture_output=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done

    sh(
        "openssl",
        "genpkey",
        "-engine",
        "gost",
        "-algorithm",
        "gost2012_256",
        "-pkeyopt",
        "paramset:A",
        "-out",
        "key.pem",
    )
    sh(
        "openssl",
        "req",
        "-engine",
        "gost",
        "-new",
        "-x509",
        "-key",
        "key.pem",
        "-subj",
        "/CN=GOST signer",
        "-days",
        "2",
        "-out",
        "cert.pem",
    )
    (tmp_path / "doc").write_bytes(DOCUMENT)
    sh(
        "openssl",
        "cms",
        "-engine",
        "gost",
        "-sign",
        "-binary",
        "-in",
        "doc",
        "-signer",
        "cert.pem",
        "-inkey",
        "key.pem",
        "-outform",
        "DER",
        "-out",
        "sig.p7s",
        "-md",
        "md_gost12_256",
    )
    report = verify_cms(DOCUMENT, (tmp_path / "sig.p7s").read_bytes())
    assert report.intact and report.provider == "openssl-gost-engine"
    assert "untrusted" in report.codes  # a self-signed GOST certificate is not an anchor


def test_an_unknown_algorithm_is_unsupported_not_bad(signer):
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    report = verify_cms(DOCUMENT, with_algorithm(sig, "1.3.6.1.4.1.99999.1"))
    assert report.codes == ["algorithm_unsupported"]


class Reversed:
    """A toy provider for a private OID: the 'signature' is ECDSA over the reversed bytes, to
    prove a provider plugs in without touching the verifier."""

    name = "toy-reversed"
    signature_oids = frozenset({"1.3.6.1.4.1.99999.7"})
    public_key_oids = frozenset()

    def available(self):
        return True, ""

    def verify(
        self, signed_data, signature, certificate, *, algorithm=None, digest_algorithm="sha256"
    ):
        return providers.StandardProvider().verify(
            signed_data[::-1], signature, certificate, digest_algorithm=digest_algorithm
        )


def test_a_registered_provider_is_used_for_its_algorithm(signer):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    info = asn1_cms.ContentInfo.load(with_algorithm(sig, "1.3.6.1.4.1.99999.7"))
    si = info["content"]["signer_infos"][0]
    attrs = b"\x31" + si["signed_attrs"].dump()[1:]
    si["signature"] = signer.key.sign(attrs[::-1], ec.ECDSA(hashes.SHA256()))
    toy = Reversed()
    providers.register(toy)
    try:
        report = verify_cms(DOCUMENT, info.dump())
        assert report.valid, report.summary()
        assert report.provider == "toy-reversed"
    finally:
        providers.unregister(toy)
    assert verify_cms(DOCUMENT, info.dump()).codes == ["algorithm_unsupported"]


@pytest.mark.parametrize("kind", ["rsa", "rsa-pss", "ed25519", "p384"])
def test_the_standard_provider_handles_rsa_pss_ed25519_and_p384(kind, db):
    import datetime as dt

    from asn1crypto import algos
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
    from cryptography.x509.oid import NameOID

    from innocluster.pki import ca
    from innocluster.pki.cms import to_asn1

    key = {
        "rsa": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "rsa-pss": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ed25519": ed25519.Ed25519PrivateKey.generate,
        "p384": lambda: ec.generate_private_key(ec.SECP384R1()),
    }[kind]()
    cert = ca.build_certificate(
        key.public_key(), x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, kind)])
    )
    if kind != "rsa-pss":
        sig = cms.sign_detached(DOCUMENT, key, cert, timestamp=False)
    else:
        attrs_der = cms.signed_attributes_for(DOCUMENT, cert)
        value = key.sign(attrs_der, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
        pss = algos.SignedDigestAlgorithm(
            {
                "algorithm": "rsassa_pss",
                "parameters": algos.RSASSAPSSParams(
                    {
                        "hash_algorithm": {"algorithm": "sha256"},
                        "mask_gen_algorithm": {
                            "algorithm": "mgf1",
                            "parameters": {"algorithm": "sha256"},
                        },
                        "salt_length": 32,
                    }
                ),
            }
        )
        si = cms._signer_info(
            asn1_cms.CMSAttributes.load(attrs_der), value, to_asn1(cert), "sha256", pss
        )
        sig = cms._signed_data(si, [to_asn1(cert)], "sha256").dump()
    report = verify_cms(DOCUMENT, sig)
    assert report.valid, report.summary()
    assert verify_cms(DOCUMENT + b"!", sig).codes == ["content_mismatch"]
    _ = dt
