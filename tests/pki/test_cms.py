"""Detached CAdES signatures that the real openssl binary verifies, and timestamps that
`openssl ts -verify` accepts."""

from __future__ import annotations

import hashlib

import pytest
from asn1crypto import cms as asn1_cms
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from innocluster.pki import ca, cms, tsa
from innocluster.pki.errors import SignatureRejected

from .conftest import need, pem, run

pytestmark = pytest.mark.django_db
DOCUMENT = "Договор № 7 о совместном проекте\n".encode() * 50


def test_openssl_verifies_a_detached_signature_and_rejects_a_changed_byte(
    signer, ca_file, tmp_path
):
    openssl = need("openssl")
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate)
    (tmp_path / "sig.p7s").write_bytes(sig)
    (tmp_path / "doc").write_bytes(DOCUMENT)
    args = [
        openssl,
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        tmp_path / "sig.p7s",
        "-content",
        tmp_path / "doc",
        "-CAfile",
        ca_file,
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    ]
    ok = run(*args)
    assert ok.returncode == 0, ok.stderr.decode()
    assert b"Verification successful" in ok.stderr

    changed = bytearray(DOCUMENT)
    changed[10] ^= 0x01
    (tmp_path / "doc").write_bytes(bytes(changed))
    bad = run(*args)
    assert bad.returncode != 0
    assert b"Verification failure" in bad.stderr or b"digest failure" in bad.stderr


def test_an_untrusted_ca_makes_openssl_fail(signer, tmp_path):
    openssl = need("openssl")
    other = ec.generate_private_key(ec.SECP256R1())
    import datetime as dt

    from cryptography import x509
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Other CA")])
    now = dt.datetime.now(dt.UTC)
    other_ca = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(other.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(other, hashes.SHA256())
    )
    (tmp_path / "other.pem").write_bytes(pem(other_ca))
    (tmp_path / "sig.p7s").write_bytes(
        cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    )
    (tmp_path / "doc").write_bytes(DOCUMENT)
    done = run(
        openssl,
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        tmp_path / "sig.p7s",
        "-content",
        tmp_path / "doc",
        "-CAfile",
        tmp_path / "other.pem",
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    )
    assert done.returncode != 0


def test_timestamp_token_verifies_with_openssl_ts_and_a_changed_digest_fails(
    signer, ca_file, tmp_path
):
    openssl = need("openssl")
    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=True)
    tokens = cms.timestamp_tokens(sig)
    assert len(tokens) == 1
    digest = hashlib.sha256(cms.signature_value(sig)).hexdigest()
    (tmp_path / "ts.tsr").write_bytes(tsa.as_response(tokens[0]))
    (tmp_path / "tsa.pem").write_bytes(pem(tsa.tsa_certificate()))
    args = [
        openssl,
        "ts",
        "-verify",
        "-in",
        tmp_path / "ts.tsr",
        "-CAfile",
        ca_file,
        "-untrusted",
        tmp_path / "tsa.pem",
        "-digest",
    ]
    ok = run(*args, digest)
    assert ok.returncode == 0, ok.stderr.decode() + ok.stdout.decode()
    assert b"Verification: OK" in ok.stdout
    wrong = ("0" if digest[0] != "0" else "1") + digest[1:]
    bad = run(*args, wrong)
    assert bad.returncode != 0
    assert b"FAILED" in bad.stdout + bad.stderr


def test_tsa_answers_a_request_from_openssl_ts_query(ca_file, tmp_path):
    openssl = need("openssl")
    (tmp_path / "data").write_bytes(b"hello")
    q = run(
        openssl,
        "ts",
        "-query",
        "-data",
        tmp_path / "data",
        "-sha256",
        "-cert",
        "-out",
        tmp_path / "q.tsq",
    )
    assert q.returncode == 0
    (tmp_path / "r.tsr").write_bytes(tsa.respond((tmp_path / "q.tsq").read_bytes()))
    text = run(openssl, "ts", "-reply", "-in", tmp_path / "r.tsr", "-text")
    assert b"Status: Granted" in text.stdout
    assert tsa.DEFAULT_POLICY_OID.encode() in text.stdout
    done = run(
        openssl,
        "ts",
        "-verify",
        "-in",
        tmp_path / "r.tsr",
        "-queryfile",
        tmp_path / "q.tsq",
        "-CAfile",
        ca_file,
    )
    assert done.returncode == 0, done.stderr.decode() + done.stdout.decode()
    assert b"Verification: OK" in done.stdout


def test_tsa_rejects_garbage_and_a_wrong_imprint_length_with_pki_status():
    from asn1crypto import tsp

    answer = tsa.TimeStampResp.load(tsa.respond(b"not a request"))
    assert answer["status"]["status"].native == "rejection"
    assert "bad_data_format" in answer["status"]["fail_info"].native
    req = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": b"short",
            },
        }
    )
    answer = tsa.TimeStampResp.load(tsa.respond(req.dump()))
    assert answer["status"]["status"].native == "rejection"
    req = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "md5"},
                "hashed_message": b"x" * 16,
            },
        }
    )
    answer = tsa.TimeStampResp.load(tsa.respond(req.dump()))
    assert "bad_alg" in answer["status"]["fail_info"].native


def test_tsa_echoes_the_nonce_and_gives_unique_serials():
    t1 = tsa.tst_info_of(tsa.timestamp_token(b"\x01" * 32, nonce=424242))
    t2 = tsa.tst_info_of(tsa.timestamp_token(b"\x01" * 32))
    assert t1["nonce"].native == 424242
    assert t1["serial_number"].native != t2["serial_number"].native
    assert t1["gen_time"].native.utcoffset().total_seconds() == 0


def test_two_phase_browser_flow_accepts_raw_r_s_and_refuses_a_wrong_signature(
    signer, ca_file, tmp_path
):
    openssl = need("openssl")
    attrs = cms.signed_attributes_for(DOCUMENT, signer.certificate)
    der_sig = signer.key.sign(attrs, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der_sig)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # what WebCrypto returns
    sig = cms.assemble_cms(attrs, raw, signer.certificate)
    (tmp_path / "sig.p7s").write_bytes(sig)
    (tmp_path / "doc").write_bytes(DOCUMENT)
    ok = run(
        openssl,
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        tmp_path / "sig.p7s",
        "-content",
        tmp_path / "doc",
        "-CAfile",
        ca_file,
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    )
    assert ok.returncode == 0, ok.stderr.decode()
    # No eContent: the signature is detached.
    parsed = asn1_cms.ContentInfo.load(sig)
    assert parsed["content"]["encap_content_info"]["content"].native is None

    other_attrs = cms.signed_attributes_for(b"other content", signer.certificate)
    wrong = signer.key.sign(other_attrs, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(SignatureRejected) as caught:
        cms.assemble_cms(attrs, wrong, signer.certificate)
    assert caught.value.report.codes == ["bad_signature"]
    assert caught.value.errors[0].field == "signature"


def test_signed_attributes_are_der_sorted_and_carry_the_ess_certificate_hash(signer):
    attrs = cms.signed_attributes_for(DOCUMENT, signer.certificate)
    parsed = asn1_cms.CMSAttributes.load(attrs)
    assert parsed.dump(force=True) == attrs
    types = [a["type"].native for a in parsed]
    assert set(types) == {
        "content_type",
        "message_digest",
        "signing_time",
        "signing_certificate_v2",
    }
    by = {a["type"].native: a["values"][0] for a in parsed}
    assert by["message_digest"].native == hashlib.sha256(DOCUMENT).digest()
    from cryptography.hazmat.primitives.serialization import Encoding

    cert_hash = hashlib.sha256(signer.certificate.public_bytes(Encoding.DER)).digest()
    assert by["signing_certificate_v2"]["certs"][0]["cert_hash"].native == cert_hash


def test_certificates_in_and_the_ca_extensions(signer):
    from cryptography import x509

    sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=False)
    assert cms.certificates_in(sig) == [signer.certificate]
    root = ca.ca_certificate()
    bc = root.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca
    ku = signer.certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and ku.value.content_commitment
    dp = signer.certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    assert dp.value[0].full_name[0].value == ca.crl_url()
    assert ca.crl_url().endswith("/pki/crl.pem")


def test_an_external_tsa_url_is_used_over_http(settings, signer):
    """settings.TSA_URL: tokens come over RFC 3161 HTTP (here a local TSA answering with the
    platform's authority, loaded before the server thread starts)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    authority = tsa.authority()
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            seen.append(self.headers["Content-Type"])
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = authority.respond(body).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.end_headers()
            self.wfile.write(answer)

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.TSA_URL = f"http://127.0.0.1:{server.server_address[1]}/tsa"
        sig = cms.sign_detached(DOCUMENT, signer.key, signer.certificate, timestamp=True)
        from innocluster.pki import pades
        from innocluster.pki.verify import verify_cms

        from .test_pades import make_pdf

        pdf = pades.sign_pdf(make_pdf(), reason="external TSA")
    finally:
        server.shutdown()
    assert seen and set(seen) == {"application/timestamp-query"}
    report = verify_cms(DOCUMENT, sig)
    assert report.valid and report.signing_time_source == "timestamp"
    assert pades.verify_pdf(pdf)[0].valid


def test_cert_req_false_leaves_the_tsa_certificate_out():
    from asn1crypto import tsp

    req = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": b"\x02" * 32,
            },
            "cert_req": False,
        }
    )
    answer = tsa.TimeStampResp.load(tsa.respond(req.dump()))
    assert answer["status"]["status"].native == "granted"
    assert not answer["time_stamp_token"]["content"]["certificates"].native
