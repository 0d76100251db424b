"""Documents generated from templates: a Django template (a small HTML subset) rendered to PDF
with fpdf2 and the bundled DejaVu Sans, which covers Cyrillic.

The fonts are bundled (documents/fonts/, Bitstream Vera licence) because the PDF core fonts have
no Cyrillic and a fresh machine need not have any system font. They are DejaVu Sans cut down to
Latin, Greek, Cyrillic and common symbols (fonts/README.txt): parsing the full font took three
quarters of each rendering. Rendering is deterministic: the
same template, context and date give the same bytes, so a regenerated document has the same
content address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FAMILY = "DejaVu"
PRODUCER = "InnoCluster"


@dataclass(frozen=True)
class DocumentTemplate:
    """A template that documents of one type are generated from."""

    code: str
    doc_type: str
    template_name: str
    title: object  # a lazy translation: the default title


TEMPLATES: dict[str, DocumentTemplate] = {
    template.code: template
    for template in [
        DocumentTemplate(
            "accession_agreement",
            "accession_agreement",
            "documents/pdf/accession_agreement.html",
            _("Accession agreement"),
        ),
        DocumentTemplate("letter", "letter", "documents/pdf/letter.html", _("Letter")),
        DocumentTemplate("notice", "notice", "documents/pdf/letter.html", _("Notice")),
        DocumentTemplate("generic", "other", "documents/pdf/generic.html", _("Document")),
    ]
}


class UnknownTemplate(LookupError):
    pass


def register_template(template: DocumentTemplate) -> None:
    """Add another capability's template (call it from that app's ``AppConfig.ready``).
    Registering the same template again is harmless; another under a taken code is an error."""
    existing = TEMPLATES.setdefault(template.code, template)
    if existing != template:
        raise ValueError(f"template code {template.code!r} is taken by {existing.template_name}")


def template(code: str) -> DocumentTemplate:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise UnknownTemplate(code) from None


def html_to_pdf(html: str, *, title: str, created: datetime, lang: str = "ru") -> bytes:
    """Lay out ``html`` (headings, paragraphs, bold/italic, lists, simple tables) on A4 pages."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(FONT_FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT_FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.add_font(FONT_FAMILY, "I", FONT_DIR / "DejaVuSans-Oblique.ttf")
    pdf.add_font(FONT_FAMILY, "BI", FONT_DIR / "DejaVuSans-BoldOblique.ttf")
    pdf.set_title(title)
    pdf.set_lang(lang)
    pdf.set_producer(PRODUCER)
    pdf.set_creator(PRODUCER)
    pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=10.5)
    pdf.write_html(
        html,
        font_family=FONT_FAMILY,
        tag_styles={
            "h1": FontFace(family=FONT_FAMILY, emphasis="BOLD", size_pt=15),
            "h2": FontFace(family=FONT_FAMILY, emphasis="BOLD", size_pt=12),
            "h3": FontFace(family=FONT_FAMILY, emphasis="BOLD", size_pt=11),
        },
    )
    return bytes(pdf.output())


def render_pdf(code: str, context: dict, *, created: datetime, lang: str = "ru") -> bytes:
    """Render the template ``code`` with ``context`` to PDF bytes, in ``lang``.

    Args: ``context`` holds what the template prints (title, registration number, parties,
    body...); ``created`` is the document's date, which also goes into the PDF's metadata.
    Returns the PDF.
    """
    spec = template(code)
    with translation.override(lang):
        title = str(context.get("title") or spec.title)
        html = render_to_string(spec.template_name, {**context, "title": title, "date": created})
    return html_to_pdf(html, title=title, created=created, lang=lang)


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs: a blank line, or a line starting a numbered item, starts a
    new one; wrapped continuation lines are joined. (Enough for the agreement texts we hold.)"""
    result: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            result.append("")
            continue
        starts_item = stripped[:1].isdigit() and "." in stripped[:4]
        if result and result[-1] and not starts_item and not stripped.startswith("#"):
            result[-1] += " " + stripped
        else:
            result.append(stripped)
    return [p for p in result if p]
