"""POST /api/v1/verify: anyone checks a detached signature, a signed PDF or an evidence package;
a tampered one is invalid with the reason, bad input is a 422 naming the field, nothing is
stored."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import time
import zipfile

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from innocluster.api.api import api
from tests.documents.test_evidence import a_pdf, make_document

URL = "/api/v1/verify"


@pytest.fixture
def signed(db):
    return make_document()


@pytest.fixture
def package_bytes(client, signed) -> bytes:
    client.force_login(signed.member)
    response = client.get(f"/api/v1/documents/{signed.document.pk}/evidence")
    assert response.status_code == 200
    client.logout()
    return response.content


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post(client, **files):
    return client.post(URL, {name: upload(f"{name}.bin", data) for name, data in files.items()})


def rezip(data: bytes, change) -> bytes:
    """The package with ``change(files)`` applied to its {name: bytes}."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def codes(items) -> set[str]:
    return {r["code"] for item in items for r in item.get("reasons", [])}


def stored_counts():
    from innocluster.documents.models import Document, DocumentVersion, Signature
    from innocluster.ledger.models import LogEntry

    return (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        Signature.objects.count(),
        LogEntry.objects.count(),
    )


def member_cms(signed) -> tuple[bytes, bytes]:
    """The member's stored enhanced signature and the bytes it covers."""
    from innocluster.documents.storage import get

    signature = signed.document.signatures.get(kind="enhanced")
    return bytes(signature.cms_der), get(signature.version.sha256)


# --------------------------------------------------------------------------- packages


def test_a_real_package_is_valid_with_every_log_check(signed, package_bytes):
    # Public: no session, and CSRF is not asked for.
    client = Client(enforce_csrf_checks=True)
    before = stored_counts()
    response = post(client, evidence=package_bytes)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid"] is True, json.dumps(body, ensure_ascii=False)[:3000]
    assert body["mode"] == "package"
    assert {s["kind"] for s in body["signatures"]} == {"enhanced", "simple", "pades"}
    assert all(s["valid"] for s in body["signatures"])
    enhanced = next(s for s in body["signatures"] if s["kind"] == "enhanced")
    assert enhanced["report"]["signer"]["common_name"] == "Иванов Иван Петрович"
    assert enhanced["report"]["signing_time_source"] == "timestamp"
    assert enhanced["report"]["revocation"]["status"] == "good"
    assert [t["valid"] for t in body["timestamps"]] == [True, True]  # member's and Fund's
    head = body["log"]["tree_head"]
    assert head["signature_valid"] and head["known_key"] and head["consistent_with_log"]
    assert body["log"]["valid"] and body["log"]["entries"]
    assert all(e["valid"] for e in body["log"]["entries"])
    document = body["document"]
    assert document["registered"] is True
    assert document["registration_number"] == signed.document.registration_number
    assert document["sha256"] == signed.document.current_version.sha256
    assert stored_counts() == before


def _enhanced_file(files) -> str:
    return next(n for n in files if n.startswith("signatures/"))


def _tamper_signed_version(files):
    name = next(n for n in files if n.startswith("versions/"))
    files[name] = flip(files[name], len(files[name]) // 3)


def _tamper_signature(files):
    from innocluster.pki.cms import signature_value

    name = _enhanced_file(files)
    der = files[name]
    files[name] = flip(der, der.find(signature_value(der)) + 10)


def _tamper_timestamp(files):
    import re

    data = files["timestamps/1.tsr"]
    found = re.search(rb"\x18[\x0f-\x20](20\d{12}(?:\.\d+)?Z)", data)
    files["timestamps/1.tsr"] = flip(data, found.start(1) + 3)


def _tamper_inclusion(files):
    name = sorted(n for n in files if n.startswith("log/inclusion-"))[1]
    proof = json.loads(files[name])
    path = bytearray(bytes.fromhex(proof["audit_path"][0]))
    path[0] ^= 0x01
    proof["audit_path"][0] = path.hex()
    files[name] = json.dumps(proof).encode()


def _tamper_tree_head(files):
    head = json.loads(files["log/tree-head.json"])
    head["root_hash"] = "00" + head["root_hash"][2:]
    files["log/tree-head.json"] = json.dumps(head).encode()


def _tamper_leaf(files):
    """Rewrite the log entry of the member's signature to name another CMS (leaf hash adjusted,
    so only the tree proves it wrong)."""
    report = json.loads(files["report.json"])
    index = next(s for s in report["signatures"] if s["kind"] == "enhanced")["log_index"]
    name = f"log/inclusion-{index}.json"
    proof = json.loads(files[name])
    entry = json.loads(base64.b64decode(proof["leaf_input"]))
    entry["cms_sha256"] = "0" * 64
    leaf = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode()
    proof["leaf_input"] = base64.b64encode(leaf).decode()
    proof["leaf_hash"] = hashlib.sha256(b"\x00" + leaf).hexdigest()
    files[name] = json.dumps(proof).encode()


def _tamper_final_pdf(files):
    data = files["document.pdf"]
    files["document.pdf"] = flip(data, data.find(b"stream\n") + 40)


@pytest.mark.parametrize(
    ("change", "where", "expected"),
    [
        (_tamper_signed_version, "signatures", {"content_mismatch"}),
        (_tamper_signature, "signatures", {"bad_signature"}),
        (_tamper_timestamp, "timestamps", {"timestamp_invalid"}),
        (_tamper_inclusion, "entries", {"not_included"}),
        (_tamper_tree_head, "tree_head", {"bad_signature"}),
        (_tamper_leaf, "entries", {"not_included"}),
        (_tamper_final_pdf, "signatures", set()),
    ],
    ids=["document", "signature", "timestamp", "inclusion", "tree-head", "leaf", "final-pdf"],
)
def test_a_tampered_package_is_invalid_with_the_reason(
    client, package_bytes, change, where, expected
):
    response = post(client, evidence=rezip(package_bytes, change))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid"] is False
    if where == "signatures":
        failed = [s for s in body["signatures"] if not s["valid"]]
        assert failed
        assert expected <= codes(failed)
    elif where == "timestamps":
        assert expected <= codes(body["timestamps"])
    elif where == "entries":
        assert not body["log"]["valid"]
        assert expected <= codes(body["log"]["entries"])
    else:
        assert expected <= codes([body["log"]["tree_head"]])


# --------------------------------------------------------------------------- uploads


def test_a_document_with_its_detached_signature_der_or_pem(client, signed):
    cms_der, content = member_cms(signed)
    body = post(client, document=content, signature=cms_der).json()
    assert body["valid"] is True and body["mode"] == "detached"
    assert body["document"]["registered"] is True
    assert body["document"]["current"] is False  # the Fund's PAdES version came after
    pem = b"-----BEGIN PKCS7-----\n" + base64.encodebytes(cms_der) + b"-----END PKCS7-----\n"
    body = post(client, document=content, signature=pem).json()
    assert body["valid"] is True
    # The same signature over other bytes: invalid, and says why.
    other = post(client, document=a_pdf("Другое письмо"), signature=cms_der).json()
    assert other["valid"] is False
    assert "content_mismatch" in codes(other["signatures"])
    assert other["document"]["registered"] is False


def test_a_signed_pdf_alone_gives_its_pades_reports(client, signed):
    from innocluster.documents.storage import get

    body = post(client, document=get(signed.document.current_version.sha256)).json()
    assert body["mode"] == "pdf" and body["valid"] is True
    assert [s["kind"] for s in body["signatures"]] == ["pades"]
    unsigned = post(client, document=a_pdf("Без подписи")).json()
    assert unsigned["valid"] is False
    assert [p["code"] for p in unsigned["problems"]] == ["no_signature"]


def test_a_signature_proven_before_its_certificates_revocation_stays_valid_and_says_so(
    client, signed
):
    from innocluster.pki import ca

    cms_der, content = member_cms(signed)
    # A CRL dates revocations to the second: revoke in a later second than the timestamp's.
    time.sleep(1.1)
    ca.revoke_certificate(
        format(signed.member_certificate.serial_number, "x"), reason="key_compromise"
    )
    body = post(client, document=content, signature=cms_der).json()
    signature = body["signatures"][0]
    # The timestamp proves the signature existed before the revocation.
    assert signature["valid"] is True, signature["reasons"]
    assert signature["report"]["revocation"]["revoked_at"]
    assert "revoked_later" in {w["code"] for w in signature["report"]["warnings"]}
    # Without the timestamp the same signature cannot be placed before the revocation.
    from asn1crypto import cms

    info = cms.ContentInfo.load(cms_der)
    info["content"]["signer_infos"][0]["unsigned_attrs"] = cms.CMSAttributes([])
    bare = post(client, document=content, signature=info.dump(force=True)).json()
    assert bare["valid"] is False
    assert "revoked" in codes(bare["signatures"])


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("files", "field", "code"),
    [
        ({"evidence": b"not a zip at all"}, "evidence", "not_zip"),
        (
            {"document": b"%PDF-1.7 whatever", "signature": b"not a signature"},
            "signature",
            "not_cms",
        ),
        (
            {
                "document": b"{}",
                "signature": b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            },
            "signature",
            "not_cms",
        ),
        ({"document": b"just text"}, "signature", "required"),
        ({"signature": b"0\x03\x02\x01\x00"}, "document", "required"),
        ({}, "document", "required"),
    ],
    ids=["not-zip", "not-cms", "pem-certificate", "no-signature", "no-document", "nothing"],
)
def test_bad_input_is_a_422_naming_the_field(client, db, files, field, code):
    before = stored_counts()
    response = post(client, **files)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in errors
    ]
    assert stored_counts() == before


def test_empty_and_oversized_files_are_refused(client, db, settings):
    response = client.post(URL, {"document": upload("empty.pdf", b"")})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "document"
    settings.DOCUMENT_MAX_BYTES = 1000
    response = post(client, evidence=b"PK" + b"\0" * 2000)
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "evidence",
        "message": response.json()["errors"][0]["message"],
        "code": "too_large",
    }


def test_a_malformed_multipart_body_is_a_400_problem(client, db):
    response = client.generic("POST", URL, b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "bad_multipart"


def test_a_zip_without_a_document_is_refused(client, db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    response = post(client, evidence=out.getvalue())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "evidence"


def _odd_manifest(files):
    files["report.json"] = json.dumps(
        {
            "document": {"file": ["document.pdf"], "id": 5, "registration_number": {"x": 1}},
            "signatures": [
                {"kind": "enhanced", "file": ["x"], "covers": {"a": 1}, "log_index": [1]},
                {"kind": "pades", "covers": "document.pdf", "timestamps": 5, "log_index": True},
                {"kind": "simple", "covers": "nowhere", "covers_sha256": 7},
                "not a signature",
                7,
            ],
        }
    ).encode()


def _odd_log(files):
    files["log/tree-head.json"] = json.dumps({"signed_data": 5, "signature": [], "tree_size": "x"})
    name = next(n for n in files if n.startswith("log/inclusion-"))
    files[name] = json.dumps({"leaf_index": 1, "audit_path": "zz", "leaf_input": 3}).encode()
    files["timestamps/1.tsr"] = b"\x30\x03\x02\x01\x00"


def _pdf_lookalike(files):
    files["document.pdf"] = b"%PDF-1.7\nnot really a pdf\n%%EOF"
    files["report.json"] = b"{not json"


@pytest.mark.parametrize("change", [_odd_manifest, _odd_log, _pdf_lookalike])
def test_malformed_packages_are_findings_not_server_errors(client, package_bytes, change):
    response = post(client, evidence=rezip(package_bytes, change))
    assert response.status_code == 200, response.content[:500]
    assert response.json()["valid"] is False


def test_a_file_that_only_looks_like_a_pdf_needs_its_signature(client, db):
    response = post(client, document=b"%PDF-1.7\nnot really a pdf\n%%EOF")
    assert response.status_code == 422, response.content[:500]
    assert response.json()["errors"][0]["field"] == "signature"


# --------------------------------------------------------------------------- fuzzing

verify_schema = schemathesis.openapi.from_dict(api.get_openapi_schema()).include(
    path_regex="^/api/v1/verify$"
)


@verify_schema.parametrize()
@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
@pytest.mark.slow
def test_whatever_is_uploaded_the_answer_is_a_report_or_a_422(case, live_server):
    case.call_and_validate(
        base_url=live_server.url,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance],
    )
