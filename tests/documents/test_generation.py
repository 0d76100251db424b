"""Documents generated for later capabilities: a template becomes a registered PDF with its number
printed on it and is sent along its route; structured content; the callback when signed."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from innocluster.core.errors import NotPermitted
from innocluster.core.models import NumberSequence
from innocluster.documents import storage
from innocluster.documents.fund import fund_organisation
from innocluster.documents.generation import (
    create_from_data,
    create_from_template,
    when_rejected,
    when_signed,
)
from innocluster.documents.models import Document
from innocluster.documents.rendering import UnknownTemplate
from innocluster.documents.services import StepSpec, reject
from innocluster.documents.signing import sign_simple
from tests.accounts.factories import PASSWORD, FundOperatorFactory, UserFactory
from tests.registry.factories import MemberOrganisationFactory

from .factories import org_with_signatory, person

pytestmark = pytest.mark.django_db


def pdf_text(document, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("SKIPPED LOUDLY: pdftotext (poppler-utils) is not installed")
    path = tmp_path / f"{document.pk}.pdf"
    path.write_bytes(storage.get(document.current_version.sha256))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def letter(member, operator, **kw):
    return create_from_template(
        "letter",
        {"body": "Просим подписать соглашение о сотрудничестве.\n\nС уважением, Фонд."},
        title=kw.pop("title", "О сотрудничестве"),
        sender=fund_organisation(),
        parties=[member],
        route=kw.pop("route", [StepSpec(member, order=1)]),
        actor=operator,
        **kw,
    )


def test_template_becomes_a_sent_pdf_with_its_own_number_printed(tmp_path):
    member, _signer = org_with_signatory()
    operator = FundOperatorFactory()
    first = letter(member, operator)
    second = letter(member, operator, title="Второе письмо")
    assert first.status == second.status == "sent"
    assert first.doc_type == "letter" and first.current_version.media_type == "application/pdf"
    assert first.registration_number[:3] == "LT-" and first.registration_number[-6:] == "000001"
    assert second.registration_number[-6:] == "000002"
    text = pdf_text(first, tmp_path)
    assert first.registration_number in text and second.registration_number not in text
    assert member.name_ru in text and "Просим подписать соглашение о сотрудничестве." in text
    assert "О сотрудничестве" in text
    assert second.registration_number in pdf_text(second, tmp_path)
    # Sent along its route: the member's step is pending; the member got the document.
    step = first.steps.get()
    assert (step.organisation, step.status, step.role) == (member, "pending", "signatory")
    assert first.parties.filter(organisation=member).exists()
    assert first.receipts.filter(organisation=member, kind="delivered").exists()


def test_route_order_roles_and_deadlines_are_kept():
    import datetime as dt

    from django.utils import timezone

    member = MemberOrganisationFactory()
    owner = person(member, "owner")
    operator = FundOperatorFactory()
    deadline = timezone.now() + dt.timedelta(days=10)
    document = letter(
        member,
        operator,
        route=[
            StepSpec(member, order=1, role="user", user=owner, deadline=deadline),
            {"organisation": fund_organisation(), "order": 2},
        ],
        links=[member],
    )
    steps = list(document.steps.order_by("order"))
    assert [(s.order, s.organisation, s.role, s.status) for s in steps] == [
        (1, member, "user", "pending"),
        (2, fund_organisation(), "signatory", "waiting"),
    ]
    assert steps[0].user == owner and steps[0].deadline == deadline
    assert list(document.links.values_list("object_type", "object_id")) == [
        ("registry.organisation", str(member.pk))
    ]


def test_without_send_it_stays_a_draft_in_english(tmp_path):
    member = MemberOrganisationFactory()
    document = create_from_template(
        "generic",
        {"body_paragraphs": ["The parties agree."]},
        title="Memorandum",
        sender=fund_organisation(),
        parties=[member],
        route=[StepSpec(member)],
        actor=FundOperatorFactory(),
        lang="en",
        send=False,
    )
    assert document.status == "draft" and not document.steps.exists()
    text = pdf_text(document, tmp_path)
    assert "Registration number" in text and document.registration_number in text
    assert "The parties agree." in text and member.name_en in text


def test_refused_creation_stores_nothing_and_keeps_the_number():
    member = MemberOrganisationFactory()
    stranger = UserFactory()
    with pytest.raises(NotPermitted):
        letter(member, stranger)
    assert not Document.objects.exists()
    seq = NumberSequence.objects.filter(name__startswith="documents.letter.").first()
    assert seq is None or seq.value == 0
    assert letter(member, FundOperatorFactory()).registration_number.endswith("-000001")


def test_unknown_template_is_refused():
    with pytest.raises(UnknownTemplate):
        create_from_template(
            "no-such-template",
            {},
            title="x",
            sender=fund_organisation(),
            actor=FundOperatorFactory(),
        )
    assert not Document.objects.exists()


def test_structured_document_is_canonical_json_and_signed_bytes_are_those():
    member, signer = org_with_signatory()
    document = create_from_data(
        "application",
        {"title": "Заявка", "budget_kopecks": 150000000, "areas": ["ict"]},
        title="Заявка на грант",
        sender=member,
        route=[StepSpec(member)],
        actor=signer,
    )
    content = storage.get(document.current_version.sha256)
    assert (
        content
        == json.dumps(
            {"areas": ["ict"], "budget_kopecks": 150000000, "title": "Заявка"},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    )
    assert document.doc_type == "application" and document.status == "sent"
    signature = sign_simple(document, signer, password=PASSWORD)
    assert signature.content_sha256 == document.current_version.sha256
    document.refresh_from_db()
    assert document.status == "signed"


def test_callback_runs_for_the_linked_object_once_signed_and_not_before(
    django_capture_on_commit_callbacks,
):
    member, signer = org_with_signatory()
    other = MemberOrganisationFactory()
    calls = []

    def project_started(document, object_id):
        calls.append((document.registration_number, object_id))

    when_signed("projects.project", project_started, doc_type="letter")
    when_signed("projects.project", project_started, doc_type="letter")  # once, however often
    try:
        document = letter(
            member,
            FundOperatorFactory(),
            links=[("projects.project", "p-17"), other],
        )
        with django_capture_on_commit_callbacks(execute=True):
            sign_simple(document, signer, password=PASSWORD)
            assert calls == []  # only once the signatures are committed
        assert calls == [(document.registration_number, "p-17")]
    finally:
        from innocluster.documents.signals import document_signed

        document_signed.disconnect(
            sender=Document,
            dispatch_uid=f"projects.project:letter:{__name__}.{project_started.__qualname__}",
        )


def test_a_failing_callback_does_not_undo_the_signature(django_capture_on_commit_callbacks):
    member, signer = org_with_signatory()

    def broken(document, object_id):
        raise RuntimeError("capability bug")

    receiver = when_signed("tests.thing", broken)
    try:
        document = letter(member, FundOperatorFactory(), links=[("tests.thing", "1")])
        with django_capture_on_commit_callbacks(execute=True):
            sign_simple(document, signer, password=PASSWORD)
        document.refresh_from_db()
        assert document.status == "signed"
    finally:
        from innocluster.documents.signals import document_signed

        document_signed.disconnect(receiver, sender=Document)


def test_rejection_callback_gets_the_reason(django_capture_on_commit_callbacks):
    member, signer = org_with_signatory()
    reasons = []

    def refused(document, object_id):
        reasons.append((object_id, document.status_reason))

    receiver = when_rejected("programmes.call", refused)
    try:
        document = letter(member, FundOperatorFactory(), links=[("programmes.call", "c-1")])
        with django_capture_on_commit_callbacks(execute=True):
            reject(document, signer, "Сумма не согласована")
        assert reasons == [("c-1", "Сумма не согласована")]
    finally:
        from innocluster.documents.signals import document_rejected

        document_rejected.disconnect(receiver, sender=Document)
