"""Evidence packages, checked the way an outsider checks them: the zip downloaded through the API,
unpacked, and every command of its README run with the real tools (openssl, pdfsig, certutil),
then the same commands run again after one byte of the evidence was changed."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shlex
import shutil
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.accounts.factories import PASSWORD, UserFactory
from tests.registry.factories import MemberOrganisationFactory

CREATED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- a signed document


@dataclass
class SignedDocument:
    """A document signed through the real services: a member's enhanced CMS signature and a
    member's simple signature over version 1, then the Fund's PAdES countersignature (v2)."""

    document: object
    member: object  # the member signatory (enhanced signature)
    colleague: object  # another person of the member (simple signature)
    fund_signer: object
    organisation: object
    member_key: object
    member_certificate: x509.Certificate


def member_certificate(user, organisation):
    """A P-256 key made here and a certificate for it from the platform's CA."""
    from innocluster.pki import ca

    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ignored")]))
        .sign(key, hashes.SHA256())
    )
    row = ca.issue_certificate(
        csr, subject=ca.subject_for(user, organisation), user=user, organisation=organisation
    )
    return key, row.certificate


def a_pdf(title: str = "Письмо о сотрудничестве") -> bytes:
    from innocluster.documents.rendering import render_pdf

    return render_pdf(
        "letter",
        {
            "title": title,
            "registration_number": "—",
            "body": "Просим рассмотреть предложение о совместном проекте.",
            "paragraphs": ["Просим рассмотреть предложение о совместном проекте."],
        },
        created=CREATED,
    )


def make_document(
    *,
    sign: bool = True,
    fund: bool = True,
    content: bytes | dict | None = None,
    media_type: str = "application/pdf",
):
    """A member's letter to the Fund, signed by two of the member's people (one enhanced, one
    simple) and countersigned by the Fund, all through the documents services."""
    from innocluster.documents import services, signing
    from innocluster.documents.choices import StepRole
    from innocluster.documents.fund import add_fund_signatory, fund_organisation
    from innocluster.documents.services import StepSpec
    from innocluster.pki.cms import sign_detached
    from innocluster.registry.models import OrganisationRole

    organisation = MemberOrganisationFactory()
    member = UserFactory(full_name="Иванов Иван Петрович")
    colleague = UserFactory(full_name="Петрова Анна Сергеевна")
    for person in (member, colleague):
        OrganisationRole.objects.create(organisation=organisation, user=person, role="signatory")
    fund_signer = UserFactory(full_name="Сидоров Олег Викторович")
    add_fund_signatory(fund_signer)
    document = services.create_document(
        doc_type="letter",
        title="Письмо о сотрудничестве",
        sender=organisation,
        parties=[fund_organisation()],
        content=content if content is not None else a_pdf(),
        media_type=media_type,
        actor=member,
        file_name="letter.pdf",
    )
    route = [
        StepSpec(organisation, order=1, role=StepRole.USER, user=member),
        StepSpec(organisation, order=1, role=StepRole.USER, user=colleague),
    ]
    if fund:
        route.append(StepSpec(fund_organisation(), order=2))
    services.send_for_signature(document, route, member)
    key, certificate = member_certificate(member, organisation)
    if sign:
        version = document.current_version
        content_bytes = services.storage.get(version.sha256)
        cms_der = sign_detached(content_bytes, key, certificate, timestamp=False)
        signing.sign_enhanced(document, member, cms_der, version_sha256=version.sha256)
        signing.sign_simple(document, colleague, password=PASSWORD)
        if fund:
            document.refresh_from_db()
            signing.countersign_as_fund(document, fund_signer)
    document.refresh_from_db()
    return SignedDocument(document, member, colleague, fund_signer, organisation, key, certificate)


def download(client, document, user) -> bytes:
    client.force_login(user)
    response = client.get(f"/api/v1/documents/{document.pk}/evidence")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    return response.content


def unpack(data: bytes, directory: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(directory)
    return directory


# --------------------------------------------------------------------------- tools


def need(binary: str) -> str:
    found = shutil.which(binary)
    if found is None:
        pytest.skip(f"'{binary}' is not installed on this machine (shutil.which found nothing)")
    return found


def run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run one README command line (no shell: split as a POSIX shell would)."""
    return subprocess.run(
        shlex.split(command), cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )


def readme_commands(readme: str, program: str, subcommand: str = "") -> list[str]:
    """Every command line of the README's English half that starts with ``program
    subcommand``, deduplicated, in order."""
    english = readme.split("ENGLISH", 1)[1]
    prefix = f"{program} {subcommand}".strip()
    seen: list[str] = []
    for line in english.splitlines():
        line = line.strip()
        if line.startswith(prefix + " ") and line not in seen:
            seen.append(line)
    return seen


def rfc9162_included(proof: dict, root: bytes) -> bool:
    """RFC 9162 §2.1.3.2, written here from the RFC's text (not the ledger's code)."""

    def sha(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    leaf_index, tree_size = proof["leaf_index"], proof["tree_size"]
    if leaf_index >= tree_size:
        return False
    fn, sn = leaf_index, tree_size - 1
    r = sha(b"\x00" + base64.b64decode(proof["leaf_input"]))
    for p in (bytes.fromhex(x) for x in proof["audit_path"]):
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = sha(b"\x01" + p + r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn //= 2
                    sn //= 2
        else:
            r = sha(b"\x01" + r + p)
        fn //= 2
        sn //= 2
    return sn == 0 and r == root


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if offset is None else offset
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def signed(db):
    return make_document()


@pytest.fixture
def package(client, signed, tmp_path):
    """The signed document's evidence zip, downloaded by the member and unpacked."""
    data = download(client, signed.document, signed.member)
    root = unpack(data, tmp_path / "package")
    return root


def report_of(root: Path) -> dict:
    return json.loads((root / "report.json").read_text())


# --------------------------------------------------------------------------- the package


def test_package_holds_every_signed_version_signature_certificate_and_proof(
    client, signed, tmp_path
):
    from innocluster.documents.storage import get
    from innocluster.ledger.models import LogEntry

    document = signed.document
    client.force_login(signed.member)
    response = client.get(f"/api/v1/documents/{document.pk}/evidence")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert document.registration_number in response["Content-Disposition"]
    root = unpack(response.content, tmp_path)
    names = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

    versions = list(document.versions.order_by("number"))
    assert len(versions) == 2 and versions[1].origin == "fund_pades"
    # The final version at the root, the version the member's signatures cover under versions/.
    assert (root / "document.pdf").read_bytes() == get(versions[1].sha256)
    first = f"versions/1-{versions[0].sha256}.pdf"
    assert (root / first).read_bytes() == get(versions[0].sha256)
    p7s = [n for n in names if n.startswith("signatures/")]
    assert p7s == ["signatures/1-ivanov-ivan-petrovich.p7s"]
    assert {
        "ca.pem",
        "crl.pem",
        "README.txt",
        "report.json",
        "simple-signatures.json",
        "certs/tsa.pem",
        "timestamps/1.tsr",
        "log/tree-head.json",
        "log/log-public-key.pem",
    } <= names
    assert (root / "certs/1-ivanov-ivan-petrovich.pem").read_text().count("BEGIN CERTIFICATE") == 2

    # An inclusion proof for every log entry about the document.
    indexes = set(
        LogEntry.objects.filter(object_id=str(document.pk)).values_list("index", flat=True)
    )
    assert {f"log/inclusion-{i}.json" for i in indexes} == {
        n for n in names if n.startswith("log/inclusion-")
    }

    # The README and report.json say which file each signature covers.
    report = report_of(root)
    by_kind = {s["kind"]: s for s in report["signatures"]}
    assert by_kind["enhanced"]["covers"] == first
    assert by_kind["simple"]["covers"] == first
    assert by_kind["pades"]["covers"] == "document.pdf"
    assert by_kind["enhanced"]["report"]["valid"] is True
    readme = (root / "README.txt").read_text()
    assert f"covers {first}" in readme and "covers document.pdf" in readme
    assert f"покрывает {first}" in readme
    simple = json.loads((root / "simple-signatures.json").read_text())
    assert simple[0]["signer"] == "Петрова Анна Сергеевна"
    assert simple[0]["content_sha256"] == versions[0].sha256
    assert simple[0]["log_index"] in indexes


def test_the_same_state_gives_the_same_bytes(client, signed):
    first = download(client, signed.document, signed.member)
    second = download(client, signed.document, signed.member)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert len({info.date_time for info in archive.infolist()}) == 1


def test_only_those_who_see_the_document_get_its_package(client, signed):
    from innocluster.accounts.services import issue_api_token
    from tests.accounts.factories import FundOperatorFactory

    url = f"/api/v1/documents/{signed.document.pk}/evidence"
    assert client.get(url).status_code == 401
    operator = FundOperatorFactory()
    _token, own_key = issue_api_token(operator, signed.organisation, "ERP", ["read"])
    _token, other_key = issue_api_token(operator, MemberOrganisationFactory(), "ERP", ["read"])
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {own_key}").status_code == 200
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    client.force_login(UserFactory())  # a stranger
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/documents/{uuid.uuid4()}/evidence").status_code == 404
    client.force_login(signed.fund_signer)  # the Fund's signatory: a party of the document
    assert client.get(url).status_code == 200


def test_no_package_before_the_first_signature(client, db):
    unsigned = make_document(sign=False)
    client.force_login(unsigned.member)
    response = client.get(f"/api/v1/documents/{unsigned.document.pk}/evidence")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_signed"


# --------------------------------------------------------------------------- openssl cms


def test_openssl_cms_verifies_every_enhanced_signature_as_the_readme_says(package):
    need("openssl")
    readme = (package / "README.txt").read_text()
    commands = readme_commands(readme, "openssl", "cms -verify")
    plain = [c for c in commands if "-crl_check" not in c]
    with_crl = [c for c in commands if "-crl_check" in c]
    assert len(plain) == 1 and len(with_crl) == 1
    assert "cat ca.pem crl.pem > ca-crl.pem" in readme
    (package / "ca-crl.pem").write_bytes(
        (package / "ca.pem").read_bytes() + (package / "crl.pem").read_bytes()
    )
    for command in commands:
        result = run(command, package)
        assert result.returncode == 0, (command, result.stderr)
        assert "Verification successful" in result.stderr


def test_openssl_cms_fails_when_the_document_or_the_signature_changes(package, tmp_path):
    need("openssl")
    command = readme_commands((package / "README.txt").read_text(), "openssl", "cms -verify")[0]
    args = shlex.split(command)
    signature = Path(package / args[args.index("-in") + 1])
    content = Path(package / args[args.index("-content") + 1])

    original = content.read_bytes()
    flip_byte(content)
    result = run(command, package)
    assert result.returncode != 0 and "Verification successful" not in result.stderr
    content.write_bytes(original)
    assert run(command, package).returncode == 0

    from innocluster.pki.cms import signature_value

    der = signature.read_bytes()
    at = der.find(signature_value(der))
    assert at > 0
    flip_byte(signature, at + 10)
    result = run(command, package)
    assert result.returncode != 0 and "Verification successful" not in result.stderr


# --------------------------------------------------------------------------- openssl ts


def test_openssl_ts_verifies_every_timestamp_over_the_signature_value(package):
    need("openssl")
    from innocluster.documents.evidence import pades_cms
    from innocluster.pki.cms import signature_value

    commands = readme_commands((package / "README.txt").read_text(), "openssl", "ts")
    report = report_of(package)
    # One token for the member's CAdES-T signature, one for the Fund's PAdES B-T signature.
    stamps = {s["kind"]: s["timestamps"] for s in report["signatures"] if s["timestamps"]}
    assert set(stamps) == {"enhanced", "pades"}
    assert len(commands) == 2
    enhanced = next(s for s in report["signatures"] if s["kind"] == "enhanced")
    values = {
        "enhanced": signature_value((package / enhanced["file"]).read_bytes()),
        "pades": signature_value(pades_cms((package / "document.pdf").read_bytes())),
    }
    for kind, value in values.items():
        digest = hashlib.sha256(value).hexdigest()
        stamp = stamps[kind][0]
        assert stamp["digest"] == digest
        command = next(c for c in commands if f"-in {stamp['file']} " in c)
        assert f"-digest {digest} " in command
        result = run(command, package)
        assert result.returncode == 0, result.stderr
        assert "Verification: OK" in result.stdout


def test_openssl_ts_fails_for_a_changed_token(package):
    need("openssl")
    command = readme_commands((package / "README.txt").read_text(), "openssl", "ts")[0]
    tsr = package / "timestamps/1.tsr"
    data = tsr.read_bytes()
    # Backdate the token: change one digit of its genTime (GeneralizedTime, tag 0x18).
    at = re.search(rb"\x18[\x0f-\x20](20\d{12}(?:\.\d+)?Z)", data)
    assert at is not None
    tampered = bytearray(data)
    year_digit = at.start(1) + 3
    tampered[year_digit] = ord("5") if tampered[year_digit] != ord("5") else ord("4")
    tsr.write_bytes(bytes(tampered))
    result = run(command, package)
    assert result.returncode != 0
    assert "Verification: OK" not in result.stdout
    # A digest of another signature value does not verify either.
    tsr.write_bytes(data)
    other = re.sub(r"-digest [0-9a-f]{64}", "-digest " + "00" * 32, command)
    assert run(other, package).returncode != 0
    assert run(command, package).returncode == 0


# --------------------------------------------------------------------------- pdfsig


def _nss_database(package: Path, readme: str) -> list[str]:
    """Run the README's mkdir and certutil lines; return its pdfsig lines."""
    english = readme.split("ENGLISH", 1)[1]
    lines = [line.strip() for line in english.splitlines()]
    assert "mkdir nssdb" in lines
    (package / "nssdb").mkdir()
    for line in lines:
        if line.startswith("certutil "):
            result = run(line, package)
            assert result.returncode == 0, (line, result.stderr)
    return [line for line in lines if line.startswith("pdfsig ")]


def test_pdfsig_reports_the_funds_signature_valid_and_trusted(package):
    need("pdfsig")
    need("certutil")
    readme = (package / "README.txt").read_text()
    commands = _nss_database(package, readme)
    assert commands == ["pdfsig -nssdir sql:nssdb document.pdf"]
    result = run(commands[0], package)
    assert result.returncode == 0, result.stderr
    assert "Signature is Valid." in result.stdout
    assert "Certificate is Trusted." in result.stdout


def test_pdfsig_fails_for_a_changed_pdf_or_an_untrusted_ca(package, tmp_path):
    need("pdfsig")
    need("certutil")
    readme = (package / "README.txt").read_text()
    command = _nss_database(package, readme)[0]
    pdf = package / "document.pdf"
    data = pdf.read_bytes()
    stream = data.find(b"stream\n")
    assert stream > 0
    flip_byte(pdf, stream + 40)
    result = run(command, package)
    assert "Signature is Valid." not in result.stdout
    # Without the platform's CA in the database the certificate is not trusted.
    pdf.write_bytes(data)
    (tmp_path / "empty").mkdir()
    run(f"certutil -N -d sql:{tmp_path / 'empty'} --empty-password", package)
    result = run(f"pdfsig -nssdir sql:{tmp_path / 'empty'} document.pdf", package)
    assert "Certificate is Trusted." not in result.stdout


# --------------------------------------------------------------------------- the log


def test_tree_head_signature_verifies_with_openssl_dgst(package):
    need("openssl")
    import struct

    head = json.loads((package / "log/tree-head.json").read_text())
    # The signed bytes are exactly RFC 6962 §3.5's TreeHeadSignature of the JSON's fields.
    expected = struct.pack(
        ">BBQQ32s", 0, 1, head["timestamp"], head["tree_size"], bytes.fromhex(head["root_hash"])
    )
    assert (package / "log/tree-head.bin").read_bytes() == expected
    commands = readme_commands((package / "README.txt").read_text(), "openssl", "dgst")
    assert commands == [
        "openssl dgst -sha256 -verify log/log-public-key.pem -signature log/tree-head.sig "
        "log/tree-head.bin"
    ]
    result = run(commands[0], package)
    assert result.returncode == 0 and "Verified OK" in result.stdout
    flip_byte(package / "log/tree-head.bin", 10)  # another time
    result = run(commands[0], package)
    assert result.returncode != 0 and "Verified OK" not in result.stdout


def test_every_inclusion_proof_holds_and_names_the_packages_bytes(package):
    head = json.loads((package / "log/tree-head.json").read_text())
    root = bytes.fromhex(head["root_hash"])
    proofs = [json.loads(p.read_text()) for p in sorted(package.glob("log/inclusion-*.json"))]
    assert proofs
    for proof in proofs:
        assert proof["tree_size"] == head["tree_size"]
        assert rfc9162_included(proof, root), proof["leaf_index"]
        assert (
            hashlib.sha256(b"\x00" + base64.b64decode(proof["leaf_input"])).hexdigest()
            == (proof["leaf_hash"])
        )
    decoded = [json.loads(base64.b64decode(p["leaf_input"])) for p in proofs]
    report = report_of(package)
    assert {d["document"] for d in decoded} == {report["document"]["id"]}
    version_hashes = {d["sha256"] for d in decoded if d["kind"] == "document.version"}
    assert hashlib.sha256((package / "document.pdf").read_bytes()).hexdigest() in version_hashes
    for signature in report["signatures"]:
        entry = next(
            d
            for p, d in zip(proofs, decoded, strict=True)
            if p["leaf_index"] == signature["log_index"]
        )
        assert entry["kind"] == "document.signature"
        covered = hashlib.sha256((package / signature["covers"]).read_bytes()).hexdigest()
        assert entry["version_sha256"] == covered
        if signature["file"]:
            assert (
                entry["cms_sha256"]
                == hashlib.sha256((package / signature["file"]).read_bytes()).hexdigest()
            )


def test_the_readmes_inclusion_checker_passes_and_a_changed_proof_fails(package):
    import sys

    line = next(
        line.strip()
        for line in (package / "README.txt").read_text().split("ENGLISH", 1)[1].splitlines()
        if line.strip().startswith("python3 check_inclusion.py")
    )
    command = [sys.executable, *shlex.split(line)[1:]]
    paths = sorted(package.glob("log/inclusion-*.json"))
    command = command[:3] + [str(p.relative_to(package)) for p in paths]  # the shell's glob
    result = subprocess.run(command, cwd=package, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" OK") == len(paths)

    head = json.loads((package / "log/tree-head.json").read_text())
    root = bytes.fromhex(head["root_hash"])
    target = paths[len(paths) // 2]
    original = target.read_text()
    proof = json.loads(original)
    # One byte of the audit path changed.
    sibling = bytearray(bytes.fromhex(proof["audit_path"][0]))
    sibling[0] ^= 0x01
    proof["audit_path"][0] = sibling.hex()
    target.write_text(json.dumps(proof))
    assert not rfc9162_included(proof, root)
    result = subprocess.run(command, cwd=package, capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "FAILED" in result.stdout
    # One byte of the entry itself changed (its leaf hash adjusted to match).
    proof = json.loads(original)
    leaf = bytearray(base64.b64decode(proof["leaf_input"]))
    leaf[5] ^= 0x01
    proof["leaf_input"] = base64.b64encode(bytes(leaf)).decode()
    proof["leaf_hash"] = hashlib.sha256(b"\x00" + bytes(leaf)).hexdigest()
    target.write_text(json.dumps(proof))
    assert not rfc9162_included(proof, root)
    result = subprocess.run(command, cwd=package, capture_output=True, text=True, check=False)
    assert result.returncode == 1


def test_a_json_document_ships_as_document_json_and_verifies_with_openssl(client, db, tmp_path):
    need("openssl")
    signed = make_document(
        fund=False,
        content={"kind": "application", "amount_kopecks": 150000000, "title": "Заявка"},
        media_type="application/json",
    )
    root = unpack(download(client, signed.document, signed.member), tmp_path)
    assert json.loads((root / "document.json").read_text())["title"] == "Заявка"
    assert not list(root.glob("versions/*"))
    commands = readme_commands((root / "README.txt").read_text(), "openssl", "cms -verify")
    assert commands and all("-content document.json" in c for c in commands)
    (root / "ca-crl.pem").write_bytes(
        (root / "ca.pem").read_bytes() + (root / "crl.pem").read_bytes()
    )
    for command in commands:
        result = run(command, root)
        assert result.returncode == 0, (command, result.stderr)
    readme = (root / "README.txt").read_text()
    assert "There are no signatures inside the PDF (PAdES)." in readme
    assert "pdfsig -dump" not in readme
