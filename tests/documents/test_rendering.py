"""Documents generated from templates render to PDF with Cyrillic text that survives extraction."""

import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from innocluster.documents.rendering import UnknownTemplate, paragraphs, render_pdf
from innocluster.registry import agreement

CREATED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _agreement_context():
    return {
        "registration_number": "AC-2026-000001",
        "fund_name": "Фонд «Московский инновационный кластер»",
        "organisation_name": "ООО «Ромашка»",
        "organisation_inn": "7707083893",
        "agreement_paragraphs": paragraphs(agreement.text("ru")),
        "agreement_version": agreement.VERSION,
        "agreement_sha256": "ab" * 32,
        "signers": [{"organisation": "ООО «Ромашка»", "role": "Подписант"}],
    }


def test_the_same_template_and_data_give_the_same_bytes():
    first = render_pdf("accession_agreement", _agreement_context(), created=CREATED)
    again = render_pdf("accession_agreement", _agreement_context(), created=CREATED)
    assert first.startswith(b"%PDF-") and first == again
    other = render_pdf(
        "accession_agreement",
        {**_agreement_context(), "organisation_inn": "7728168971"},
        created=CREATED,
    )
    assert other != first


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_cyrillic_text_is_in_the_pdf_with_embedded_fonts(tmp_path):
    path = tmp_path / "agreement.pdf"
    path.write_bytes(render_pdf("accession_agreement", _agreement_context(), created=CREATED))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "ООО «Ромашка»" in text
    assert "AC-2026-000001" in text
    assert "Участник поддерживает сведения о себе" in " ".join(text.split())
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts and " yes yes " in fonts  # embedded, subset


def test_an_unknown_template_is_refused():
    with pytest.raises(UnknownTemplate):
        render_pdf("no-such-template", {}, created=CREATED)


def test_numbered_items_and_wrapped_lines_become_paragraphs():
    text = "# Title\n\n1. First item\n   continues here.\n2. Second.\n\nLast paragraph\nwrapped."
    assert paragraphs(text) == [
        "# Title",
        "1. First item continues here.",
        "2. Second.",
        "Last paragraph wrapped.",
    ]
