"""The `innocluster ca` and `innocluster sign` commands, checked with the real openssl."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import CommandError, call_command

from innocluster.pki import ca
from innocluster.pki.verify import verify_cms
from tests.registry.factories import MemberOrganisationFactory

from .conftest import need, run

pytestmark = pytest.mark.django_db
DOCUMENT = "Акт выполненных работ\n".encode() * 30


def cmd(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_ca_init_show_issue_revoke_crl(tmp_path, user):
    out = cmd("ca", "init")
    assert "InnoCluster Certification Authority" in out
    shown = cmd("ca", "show")
    assert "BEGIN CERTIFICATE" in shown and "PRIVATE" not in shown
    org = MemberOrganisationFactory()
    cmd(
        "sign",
        "--keygen",
        "--out-key",
        str(tmp_path / "k.pem"),
        "--out-csr",
        str(tmp_path / "r.csr"),
    )
    assert oct((tmp_path / "k.pem").stat().st_mode)[-3:] == "600"
    cmd(
        "ca",
        "issue",
        str(tmp_path / "r.csr"),
        "--email",
        user.email,
        "--organisation",
        org.inn,
        "--days",
        "30",
        "--out",
        str(tmp_path / "c.pem"),
    )
    cert = x509.load_pem_x509_certificate((tmp_path / "c.pem").read_bytes())
    assert cert.subject.get_attributes_for_oid(ca.OID_OGRN)[0].value == org.ogrn
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 30
    serial = format(cert.serial_number, "x")
    assert "Revoked" in cmd("ca", "revoke", serial, "--reason", "superseded")
    cmd("ca", "crl", "--out", str(tmp_path / "crl.pem"))
    crl = x509.load_pem_x509_crl((tmp_path / "crl.pem").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    with pytest.raises(CommandError):
        cmd(
            "ca",
            "issue",
            str(tmp_path / "r.csr"),
            "--email",
            "nobody@example.org",
            "--out",
            str(tmp_path / "x.pem"),
        )
    with pytest.raises(CommandError):
        cmd("ca", "revoke", serial)  # already revoked


def test_sign_with_key_and_cert_verifies_with_openssl(tmp_path, user, monkeypatch):
    openssl = need("openssl")
    monkeypatch.setenv("KEY_PASSWORD", "correct horse")
    cmd(
        "sign",
        "--keygen",
        "--out-key",
        str(tmp_path / "k.pem"),
        "--out-csr",
        str(tmp_path / "r.csr"),
        "--password-env",
        "KEY_PASSWORD",
    )
    assert b"ENCRYPTED" in (tmp_path / "k.pem").read_bytes()
    cmd(
        "ca",
        "issue",
        str(tmp_path / "r.csr"),
        "--email",
        user.email,
        "--out",
        str(tmp_path / "c.pem"),
    )
    (tmp_path / "doc.txt").write_bytes(DOCUMENT)
    cmd(
        "sign",
        str(tmp_path / "doc.txt"),
        "--key",
        str(tmp_path / "k.pem"),
        "--cert",
        str(tmp_path / "c.pem"),
        "--password-env",
        "KEY_PASSWORD",
        "--out",
        str(tmp_path / "doc.p7s"),
    )
    (tmp_path / "ca.pem").write_bytes(ca.ca_pem())
    done = run(
        openssl,
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        tmp_path / "doc.p7s",
        "-content",
        tmp_path / "doc.txt",
        "-CAfile",
        tmp_path / "ca.pem",
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    )
    assert done.returncode == 0, done.stderr
    report = verify_cms(DOCUMENT, (tmp_path / "doc.p7s").read_bytes())
    assert report.valid and report.kind == "cades-bes"
    with pytest.raises(CommandError):  # a wrong password is a clear error, not a traceback
        monkeypatch.setenv("KEY_PASSWORD", "wrong")
        cmd(
            "sign",
            str(tmp_path / "doc.txt"),
            "--key",
            str(tmp_path / "k.pem"),
            "--cert",
            str(tmp_path / "c.pem"),
            "--password-env",
            "KEY_PASSWORD",
            "--out",
            str(tmp_path / "x.p7s"),
        )


def test_sign_with_pkcs12(tmp_path, signer):
    p12 = pkcs12.serialize_key_and_certificates(
        b"me", signer.key, signer.certificate, None, serialization.BestAvailableEncryption(b"pw")
    )
    (tmp_path / "me.p12").write_bytes(p12)
    (tmp_path / "doc").write_bytes(DOCUMENT)
    import os

    os.environ["P12_PW"] = "pw"
    try:
        cmd(
            "sign",
            str(tmp_path / "doc"),
            "--pkcs12",
            str(tmp_path / "me.p12"),
            "--password-env",
            "P12_PW",
            "--out",
            str(tmp_path / "doc.p7s"),
        )
    finally:
        del os.environ["P12_PW"]
    assert verify_cms(DOCUMENT, (tmp_path / "doc.p7s").read_bytes()).valid


def test_a_key_that_does_not_match_the_certificate_is_refused(tmp_path, signer):
    other = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "k.pem").write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "c.pem").write_bytes(signer.certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "doc").write_bytes(DOCUMENT)
    with pytest.raises(CommandError, match="does not belong"):
        cmd(
            "sign",
            str(tmp_path / "doc"),
            "--key",
            str(tmp_path / "k.pem"),
            "--cert",
            str(tmp_path / "c.pem"),
            "--out",
            str(tmp_path / "x.p7s"),
        )


class FakePlatform(BaseHTTPRequestHandler):
    """The two documents endpoints, as the documents app implements them."""

    content = DOCUMENT
    received: dict = {}
    announce = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        assert self.headers["Authorization"] == "Bearer ic_test"
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header(
            "X-Content-SHA256", self.announce or hashlib.sha256(self.content).hexdigest()
        )
        self.end_headers()
        self.wfile.write(self.content)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakePlatform.received = {"path": self.path, **body}
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"valid": True, "summary": "ok"}).encode())


@pytest.fixture
def platform():
    server = HTTPServer(("127.0.0.1", 0), FakePlatform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_upload_mode_signs_the_exact_downloaded_bytes(tmp_path, signer, platform):
    (tmp_path / "k.pem").write_bytes(
        signer.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "c.pem").write_bytes(signer.certificate.public_bytes(serialization.Encoding.PEM))
    FakePlatform.announce = None
    out = cmd(
        "sign",
        "--document",
        "0191e0a0-0000-7000-8000-000000000001",
        "--url",
        platform,
        "--token",
        "ic_test",
        "--key",
        str(tmp_path / "k.pem"),
        "--cert",
        str(tmp_path / "c.pem"),
    )
    assert '"valid": true' in out
    got = FakePlatform.received
    assert got["path"] == "/api/v1/documents/0191e0a0-0000-7000-8000-000000000001/signatures"
    assert got["version_sha256"] == hashlib.sha256(DOCUMENT).hexdigest()
    import base64

    assert verify_cms(DOCUMENT, base64.b64decode(got["signature"])).valid

    FakePlatform.announce = "0" * 64  # the bytes are not what the server says: sign nothing
    FakePlatform.received = {}
    with pytest.raises(CommandError, match="differs"):
        cmd(
            "sign",
            "--document",
            "x",
            "--url",
            platform,
            "--token",
            "ic_test",
            "--key",
            str(tmp_path / "k.pem"),
            "--cert",
            str(tmp_path / "c.pem"),
        )
    assert FakePlatform.received == {}
