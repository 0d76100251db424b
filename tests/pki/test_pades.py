"""The Fund's PAdES signatures: pdfsig (poppler + NSS) trusts them with the platform CA, several
signatures can follow one another, and tampering is caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from innocluster.core.errors import ValidationFailed
from innocluster.pki import pades

from .conftest import need, run

pytestmark = pytest.mark.django_db
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def make_pdf(text: str = "Решение правления Фонда № 12") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if DEJAVU.exists():
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=14)
    else:
        pdf.set_font("Helvetica", size=14)
        text = "Decision of the Fund's board No. 12"
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


@pytest.fixture
def nss_db(tmp_path, ca_file):
    certutil = need("certutil")
    need("pdfsig")
    db_dir = tmp_path / "nss"
    db_dir.mkdir()
    assert run(certutil, "-N", "-d", f"sql:{db_dir}", "--empty-password").returncode == 0
    added = run(certutil, "-A", "-d", f"sql:{db_dir}", "-n", "ca", "-t", "CT,C,C", "-i", ca_file)
    assert added.returncode == 0, added.stderr
    return db_dir


def pdfsig(nss_db, path) -> str:
    done = run("pdfsig", "-nssdir", f"sql:{nss_db}", path)
    return done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")


def test_pdfsig_reports_a_valid_trusted_fund_signature(nss_db, tmp_path):
    signed = pades.sign_pdf(make_pdf(), reason="Утверждено Фондом")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = pdfsig(nss_db, path)
    assert "Signature is Valid" in out, out
    assert "Certificate is Trusted" in out, out

    reports = pades.verify_pdf(signed)
    assert len(reports) == 1
    report = reports[0]
    assert report.valid, report.summary()
    assert report.kind == "pades-t" and report.signing_time_source == "timestamp"
    assert report.signer.common_name.startswith("Фонд")


def test_a_changed_byte_in_the_signed_range_makes_pdfsig_and_verify_pdf_say_invalid(
    nss_db, tmp_path
):
    signed = bytearray(pades.sign_pdf(make_pdf(), reason="Approved"))
    # Change a byte of the page content stream (inside the first signed byte range).
    m = re.search(rb"stream\r?\n", signed)
    signed[m.end() + 5] ^= 0x01
    path = tmp_path / "tampered.pdf"
    path.write_bytes(bytes(signed))
    out = pdfsig(nss_db, path)
    assert "Signature is Valid" not in out, out
    assert "Signature is Invalid" in out or "Digest Mismatch" in out or "invalid" in out.lower(), (
        out
    )
    reports = pades.verify_pdf(bytes(signed))
    assert not reports[0].valid
    assert "content_mismatch" in reports[0].codes


def test_two_signatures_on_one_pdf_both_verify(nss_db, tmp_path):
    once = pades.sign_pdf(make_pdf(), reason="First")
    twice = pades.sign_pdf(once, reason="Second")
    assert twice.startswith(once)  # an incremental update
    path = tmp_path / "twice.pdf"
    path.write_bytes(twice)
    out = pdfsig(nss_db, path)
    assert out.count("Signature is Valid") == 2, out
    reports = pades.verify_pdf(twice)
    assert [r.valid for r in reports] == [True, True], [r.summary() for r in reports]
    assert [w.code for w in reports[0].warnings] == ["later_revisions"]


def test_looks_like_pdf_parses_rather_than_sniffs():
    assert pades.looks_like_pdf(make_pdf())
    assert not pades.looks_like_pdf(b"%PDF-1.7\nthis is not really a PDF\n%%EOF")
    assert not pades.looks_like_pdf(b"PK\x03\x04 a zip file")
    assert not pades.looks_like_pdf(b"")


@pytest.mark.parametrize("func", [pades.verify_pdf, lambda b: pades.sign_pdf(b, reason="x")])
def test_a_non_pdf_is_refused_with_a_field_error(func):
    with pytest.raises(ValidationFailed) as caught:
        func(b"%PDF-1.4 garbage")
    assert caught.value.errors[0].code == "not_pdf"


def test_a_pdf_over_the_size_limit_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as caught:
        pades.sign_pdf(make_pdf(), reason="x")
    assert caught.value.errors[0].code == "too_large"


def test_an_unsigned_pdf_has_no_reports():
    assert pades.verify_pdf(make_pdf()) == []


def test_an_incremental_update_that_rewrites_the_page_is_pdf_modified():
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = pades.sign_pdf(make_pdf(), reason="Approved")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(
        stream_data=b"BT /F1 24 Tf 72 720 Td (Forged amount: 1 000 000) Tj ET"
    )
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    reports = pades.verify_pdf(out.getvalue())
    assert reports[0].intact  # the signed bytes are untouched...
    assert "pdf_modified" in reports[0].codes and not reports[0].valid  # ...but the page is not
