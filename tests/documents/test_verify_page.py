"""The public verification page /verify/: an accessible upload form, the report a person reads
(valid or not with the reasons, signer, chain, time and its proof, revocation, log proofs), in
English and Russian, and errors tied to the field they concern."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.documents.test_evidence import make_document

URL = "/verify/"


def english(client):
    client.cookies["ic_lang"] = "en"
    return client


@pytest.fixture
def signed(db):
    return make_document()


@pytest.fixture
def package_bytes(signed) -> bytes:
    client = Client()
    client.force_login(signed.member)
    response = client.get(f"/api/v1/documents/{signed.document.pk}/evidence")
    assert response.status_code == 200
    return response.content


def post(client, **files):
    return client.post(
        URL, {name: SimpleUploadedFile(f"{name}.bin", data) for name, data in files.items()}
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_form_is_labelled_and_accepts_files(client, db):
    response = english(client).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert 'enctype="multipart/form-data"' in html
    for name in ("document", "signature", "evidence"):
        assert f'<label for="id_{name}">' in html
        assert re.search(rf'<input type="file" name="{name}"[^>]*id="id_{name}"', html)
        # Each input's hint is announced with it.
        assert f'aria-describedby="id_{name}_help"' in html
    assert "<legend>" in html
    assert "{%" not in html and "{{" not in html


def test_the_russian_page_is_the_default(client, db):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru"' in response.content.decode()


def test_a_real_package_reads_valid_with_signers_times_and_log_proofs(signed, package_bytes):
    client = english(Client(enforce_csrf_checks=True))  # public: no CSRF token needed
    response = post(client, evidence=package_bytes)
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "Valid. Every check of an evidence package passed." in page
    assert "Not valid" not in page
    assert "Иванов Иван Петрович" in page  # the signer, from the certificate
    assert "proven by an RFC 3161 timestamp" in page  # time of signing and its proof
    assert "not revoked" in page
    assert "InnoCluster Certification Authority" in page  # the chain
    assert "Signed tree head" in page and "Proven" in page
    assert signed.document.registration_number in page  # registered here


def test_a_tampered_package_reads_invalid_with_the_reason(package_bytes):
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    name = next(n for n in files if n.startswith("versions/"))
    changed = bytearray(files[name])
    changed[len(changed) // 3] ^= 0x01
    files[name] = bytes(changed)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    response = post(english(Client()), evidence=out.getvalue())
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "Not valid. At least one check of an evidence package failed" in page
    assert "content_mismatch" in page
    assert "Why it is not valid:" in page


def test_bad_input_is_shown_next_to_its_field(client, db):
    response = post(english(client), evidence=b"this is not a zip")
    assert response.status_code == 422
    html = response.content.decode()
    # The summary links to the field, the field says why and is marked invalid.
    assert 'href="#id_evidence"' in html
    assert '<div class="error" id="id_evidence_error"><p>The file is not a zip archive.</p>' in html
    assert re.search(r'<input type="file" name="evidence"[^>]*aria-invalid="true"', html)
    assert re.search(
        r'<input type="file" name="evidence"[^>]*aria-describedby="id_evidence_help id_evidence_error"',
        html,
    )
    response = post(english(client), document=b"plain text, not a PDF")
    assert response.status_code == 422
    assert 'id="id_signature_error"' in response.content.decode()
