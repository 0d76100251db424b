"""An application's full file as one PDF, for the operators (``/manage/applications/<id>/file.pdf``).

In order: a cover page (what the file holds: the application's facts, its consortium, budget
totals and the list of parts), the signed submission (the current version of the application's
submission document), each attachment that is a PDF, a list of the other attachments with their
SHA-256 (so the originals can be checked), the partners' consent documents, and a summary of the
reviews (the reviews the reader may see: ``review.scoring.visible_reviews``).

Pages are rendered with the documents' PDF rendering (``documents.rendering.html_to_pdf``) and
joined with pypdf. A stored file that is not a readable PDF is listed with the non-PDF ones
rather than breaking the whole file.
"""

from __future__ import annotations

import io
import logging
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import ApplicationState, MemberRole, ParticipationStatus
from .models import Application

logger = logging.getLogger(__name__)
TEMPLATE = "programmes/manage/full_file.html"
PDF_MEDIA_TYPE = "application/pdf"


def _read_pdf(data: bytes):
    """A pypdf reader of ``data``, or None when it is not a PDF pypdf can read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data[:1024].lstrip().startswith(b"%PDF-"):
        return None
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) == 0:
            return None
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        logger.info("not a readable PDF: %s", error)
        return None


def _content(sha256: str) -> bytes | None:
    from innocluster.documents import storage

    try:
        return storage.get(sha256)
    except (OSError, storage.ContentCorrupted) as error:
        logger.warning("stored content %s unavailable: %s", sha256, error)
        return None


def _document_pdf(document_id):
    """(document, reader) for a document's current version when it is a PDF."""
    from innocluster.documents.models import Document

    if document_id is None:
        return None, None
    document = Document.objects.select_related("current_version").filter(pk=document_id).first()
    if document is None or document.current_version is None:
        return document, None
    data = _content(document.current_version.sha256)
    return document, (_read_pdf(data) if data else None)


def _page(title: str, context: dict, now) -> bytes:
    from innocluster.documents.rendering import html_to_pdf

    html = render_to_string(TEMPLATE, context)
    return html_to_pdf(
        html, title=title[:200], created=now, lang=translation.get_language() or "ru"
    )


def build(application: Application, reader) -> bytes:
    """The full file of ``application`` as PDF bytes.

    Args:
        application: the application.
        reader: who reads it (the reviews summary holds only what they may see).

    Returns:
        The PDF: cover, submission, PDF attachments, the list of other attachments, consents,
        the reviews summary.
    """
    from pypdf import PdfWriter

    from innocluster.review.scoring import visible_reviews

    now = timezone.now()
    title = _("Application %(number)s: full file") % {
        "number": application.number or application.title
    }
    submission, submission_pdf = _document_pdf(application.submission_document_id)
    pdf_attachments, other_attachments = [], []
    for attachment in application.attachments.order_by("uploaded_at"):
        data = _content(attachment.sha256)
        pdf = _read_pdf(data) if data is not None else None
        if pdf is not None:
            pdf_attachments.append((attachment, pdf))
        else:
            other_attachments.append(attachment)
    members = list(
        application.members.select_related("organisation").order_by("role", "invited_at")
    )
    consents = []
    for member in members:
        if member.role == MemberRole.PARTNER and member.consent_document_id:
            document, pdf = _document_pdf(member.consent_document_id)
            consents.append((member, document, pdf))
    reviews = list(visible_reviews(reader, application))
    budget = list(application.budget_lines.all())
    context = {
        "application": application,
        "call": application.call,
        "state_label": ApplicationState(application.state).label,
        "members": members,
        "confirmed": ParticipationStatus.CONFIRMED,
        "grant": sum((b.grant_rub for b in budget), Decimal(0)),
        "cofinancing": sum((b.cofinancing_rub for b in budget), Decimal(0)),
        "submission": submission,
        "submission_included": submission_pdf is not None,
        "pdf_attachments": [a for a, _pdf in pdf_attachments],
        "other_attachments": other_attachments,
        "consents": [(m, d, pdf is not None) for m, d, pdf in consents],
        "reviews": reviews,
        "now": now,
    }
    writer = PdfWriter()

    def add(data_or_reader):
        if isinstance(data_or_reader, bytes):
            from pypdf import PdfReader

            data_or_reader = PdfReader(io.BytesIO(data_or_reader))
        writer.append(data_or_reader)

    add(_page(title, {**context, "part": "cover"}, now))
    if submission_pdf is not None:
        add(submission_pdf)
    for _attachment, pdf in pdf_attachments:
        add(pdf)
    if other_attachments:
        add(_page(title, {**context, "part": "other_attachments"}, now))
    for _member, _document, pdf in consents:
        if pdf is not None:
            add(pdf)
    add(_page(title, {**context, "part": "reviews"}, now))
    writer.add_metadata({"/Title": title, "/Producer": "InnoCluster"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
