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


def make_document(*, sign: bool = True, fund: bool = True, content: bytes | None = None):
    """A member's letter to the Fund, signed by two of the member's people (one enhanced, one
    simple) and countersigned by the Fund, all through the documents services."""
    from innocluster.documents import services, signing
    from innocluster.documents.choices import MediaType, StepRole
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
        media_type=MediaType.PDF,
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


# --------------------------------------------------------------------------- scratch
@pytest.mark.django_db
def test_scratch(client, tmp_path):
    signed = make_document(fund=False)
    data = download(client, signed.document, signed.member)
    root = unpack(data, tmp_path)
    print(sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()))
    print((root / "README.txt").read_text())
