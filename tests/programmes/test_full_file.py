"""An application's full file as one PDF: the cover, the signed submission, PDF attachments,
the list of other attachments with their SHA-256, the consent, the reviews summary."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from innocluster.core.models import AuditEvent
from innocluster.documents.models import Document
from innocluster.documents.rendering import html_to_pdf
from innocluster.documents.signing import sign_simple
from innocluster.programmes import full_file, services
from tests.accounts.factories import PASSWORD, FundOperatorFactory
from tests.programmes.backoffice_factories import make_application, review
from tests.programmes.factories import Team, fill_in

pytestmark = pytest.mark.django_db


def _pdf(text: str) -> bytes:
    return html_to_pdf(f"<h1>{text}</h1><p>{text}</p>", title=text, created=timezone.now())


def _text(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    """A real submission: a signed consent, a PDF and a non-PDF attachment, submitted."""
    team = Team()
    application = fill_in(team, team.new_application())
    services.add_attachment(
        application, "", "Презентация.pdf", _pdf("Attachment page ZEBRA"), actor=team.editor
    )
    services.add_attachment(
        application, "", "budget.xlsx", b"PK\x03\x04 not a pdf", actor=team.editor
    )
    member = application.members.get(organisation=team.partner)
    consent = services.send_consent(member, actor=team.editor)
    with django_capture_on_commit_callbacks(execute=True):
        sign_simple(consent, team.partner_signatory, password=PASSWORD)
    services.move(application, "submit", actor=team.signatory)
    application.refresh_from_db()
    return application


def test_the_full_file_holds_every_part(client, submitted):
    operator = FundOperatorFactory()
    review(submitted, 72.5)
    client.force_login(operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("manage_applications:file", args=[submitted.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = _text(reader)
    text = "\n".join(pages)
    submission = Document.objects.get(pk=submitted.submission_document_id)
    submission_pages = len(PdfReader(io.BytesIO(_stored(submission))).pages)
    # cover + submission + attachment + list of other attachments + consent + reviews
    assert len(pages) >= 1 + submission_pages + 1 + 1 + 1 + 1
    assert "Full file of the application" in pages[0] and submitted.number in pages[0]
    assert submission.registration_number in pages[0]
    assert submitted.number in pages[1]  # the submission's own first page follows the cover
    assert "Attachment page ZEBRA" in text
    attachment = submitted.attachments.get(filename="budget.xlsx")
    assert "budget.xlsx" in text and attachment.sha256 in text.replace("\n", "")
    consent = Document.objects.get(doc_type="consent")
    consent_pages = [i for i, page in enumerate(pages) if consent.registration_number in page]
    assert consent_pages and consent_pages[-1] > 1 + submission_pages  # after the attachments
    assert "Reviews summary" in pages[-1] and "72.5" in pages[-1]
    assert AuditEvent.objects.filter(action="export.application.full_file", actor=operator).exists()


def _stored(document) -> bytes:
    from innocluster.documents import storage

    return storage.get(document.current_version.sha256)


def test_a_draft_without_documents_still_has_a_file():
    application = make_application(state="draft")
    pdf = full_file.build(application, FundOperatorFactory())
    pages = _text(PdfReader(io.BytesIO(pdf)))
    assert len(pages) == 2  # the cover and the (empty) reviews summary
    assert "не подано" in pages[0].lower() or "not submitted" in pages[0].lower()


def test_members_cannot_download_the_full_file(client, submitted):
    from tests.programmes.factories import person

    client.force_login(person(submitted.lead, "owner"))
    response = client.get(reverse("manage_applications:file", args=[submitted.pk]))
    assert response.status_code == 404


def test_the_detail_page_lists_the_documents_and_links_the_signed_submission(
    client, submitted, django_assert_max_num_queries
):
    client.force_login(FundOperatorFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("manage_applications:detail", args=[submitted.pk])
    with django_assert_max_num_queries(40):
        response = client.get(url)
    html = response.content.decode()
    submission = Document.objects.get(pk=submitted.submission_document_id)
    consent = Document.objects.get(doc_type="consent")
    assert reverse("documents:detail", args=[submission.pk]) in html
    assert submission.registration_number in html and consent.registration_number in html
    assert "budget.xlsx" in html
    assert "application.submit" in html  # the history
