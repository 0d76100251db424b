"""A document's life: numbering, routes (sequential and parallel), simple signatures, refusal,
revocation, receipts, the callbacks, and the log in step with it all."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone

from innocluster.accounts import totp
from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.documents import services
from innocluster.documents.check import check_documents
from innocluster.documents.models import Document, Receipt, Signature
from innocluster.documents.services import StepSpec, record_read, reject, revoke, send_for_signature
from innocluster.documents.signals import document_rejected, document_signed
from innocluster.documents.signing import sign_simple
from innocluster.ledger.models import LogEntry
from tests.accounts.factories import PASSWORD, FundOperatorFactory, UserFactory
from tests.registry.factories import MemberOrganisationFactory

from .factories import draft, org_with_signatory, person, sent

pytestmark = pytest.mark.django_db


def log_kinds(document):
    return [
        json.loads(bytes(e.leaf_input))["kind"]
        for e in LogEntry.objects.filter(object_id=str(document.pk)).order_by("index")
    ]


def test_new_document_is_a_registered_draft_with_one_logged_version():
    document = draft(doc_type="grant_agreement")
    year = timezone.localtime(timezone.now()).year
    assert document.status == "draft"
    assert document.registration_number == f"AG-{year}-000001"
    assert document.current_version.number == 1
    assert log_kinds(document) == ["document.registered", "document.version"]
    assert document.parties.get(role="sender").organisation == document.sender


def test_numbers_are_sequential_per_type_and_year():
    a, b = draft(doc_type="letter"), draft(doc_type="letter")
    c = draft(doc_type="decision")
    assert [a.registration_number[-6:], b.registration_number[-6:]] == ["000001", "000002"]
    assert c.registration_number.startswith("DC-") and c.registration_number.endswith("-000001")


def test_numbering_restarts_at_the_moscow_new_year():
    # 20:59 UTC on 31 December is 23:59 in Moscow; 21:00 UTC is already next year there.
    last = dt.datetime(2030, 12, 31, 20, 59, tzinfo=dt.UTC)
    first = dt.datetime(2030, 12, 31, 21, 0, tzinfo=dt.UTC)
    with transaction.atomic():
        assert services.registration_number("letter", last) == "LT-2030-000001"
        assert services.registration_number("letter", last) == "LT-2030-000002"
        assert services.registration_number("letter", first) == "LT-2031-000001"


def test_a_rolled_back_registration_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        draft(doc_type="notice")
        raise RuntimeError
    assert draft(doc_type="notice").registration_number.endswith("-000001")


def test_sequential_route_by_role_signs_in_order_and_calls_back_once(
    django_capture_on_commit_callbacks,
):
    org_a, signer_a = org_with_signatory()
    org_b, signer_b = org_with_signatory()
    document = sent([(org_a, 1), (org_b, 2)])
    assert document.status == "sent"
    steps = list(document.steps.order_by("order"))
    assert [s.status for s in steps] == ["pending", "waiting"]
    with pytest.raises(NotPermitted):  # step 2 waits for step 1
        sign_simple(document, signer_b, password=PASSWORD)
    called = []

    def on_signed(sender, document, **kwargs):
        called.append(document.pk)

    document_signed.connect(on_signed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sign_simple(document, signer_a, password=PASSWORD)
        assert called == []
        document.refresh_from_db()
        assert document.status == "partly_signed"
        assert [s.status for s in document.steps.order_by("order")] == ["signed", "pending"]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            sign_simple(document, signer_b, password=PASSWORD)
            assert called == []  # only once the transaction commits
        assert len(callbacks) == 1
    finally:
        document_signed.disconnect(on_signed)
    document.refresh_from_db()
    assert document.status == "signed"
    assert called == [document.pk]
    assert log_kinds(document).count("document.signature") == 2
    assert log_kinds(document)[-1] == "document.status"
    assert check_documents(document.pk)[1] == []


def test_parallel_steps_are_both_pending_and_either_order_completes():
    org_a, signer_a = org_with_signatory()
    org_b, signer_b = org_with_signatory()
    document = sent([(org_a, 1), (org_b, 1)])
    assert set(document.steps.values_list("status", flat=True)) == {"pending"}
    sign_simple(document, signer_b, password=PASSWORD)
    sign_simple(document, signer_a, password=PASSWORD)
    document.refresh_from_db()
    assert document.status == "signed"


def test_a_named_person_step_is_signed_only_by_that_person():
    org = MemberOrganisationFactory()
    named, other = person(org), person(org)
    document = draft()
    document = send_for_signature(
        document, [StepSpec(org, role="user", user=named)], person(document.sender, "owner")
    )
    with pytest.raises(NotPermitted):
        sign_simple(document, other, password=PASSWORD)
    sign_simple(document, named, password=PASSWORD)
    document.refresh_from_db()
    assert document.status == "signed"


def test_an_editor_is_not_a_signatory():
    org, _signer = org_with_signatory()
    editor = person(org, "editor")
    document = sent([(org, 1)])
    with pytest.raises(NotPermitted):
        sign_simple(document, editor, password=PASSWORD)


def test_simple_signature_with_a_wrong_password_is_refused_and_nothing_is_stored():
    org, signer = org_with_signatory()
    document = sent([(org, 1)])
    entries = LogEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        sign_simple(document, signer, password="not-my-password")
    assert caught.value.errors[0].field == "password"
    with pytest.raises(ValidationFailed):
        sign_simple(document, signer)
    assert Signature.objects.count() == 0
    assert LogEntry.objects.count() == entries


def test_simple_signature_with_totp():
    org, signer = org_with_signatory()
    totp.enrol(signer)
    document = sent([(org, 1)])
    with pytest.raises(ValidationFailed) as caught:
        sign_simple(
            document,
            signer,
            totp_code="000000" if totp.current_code(signer) != "000000" else "111111",
        )
    assert caught.value.errors[0].field == "totp"
    signature = sign_simple(document, signer, totp_code=totp.current_code(signer))
    assert signature.kind == "simple" and signature.second_factor == "totp"
    assert signature.content_sha256 == document.current_version.sha256
    entry = LogEntry.objects.get(index=signature.ledger_index)
    assert json.loads(bytes(entry.leaf_input))["version_sha256"] == signature.content_sha256


def test_totp_is_refused_for_a_user_without_an_authenticator():
    org, signer = org_with_signatory()
    document = sent([(org, 1)])
    with pytest.raises(ValidationFailed) as caught:
        sign_simple(document, signer, totp_code="123456")
    assert caught.value.errors[0].code == "not_enrolled"


def test_a_step_is_signed_once():
    org, signer = org_with_signatory()
    other_org, _ = org_with_signatory()
    document = sent([(org, 1), (other_org, 2)])
    sign_simple(document, signer, password=PASSWORD)
    with pytest.raises(NotPermitted):
        sign_simple(document, signer, password=PASSWORD)
    assert Signature.objects.filter(document=document).count() == 1


def test_rejection_stops_the_route_with_its_reason_and_calls_back(
    django_capture_on_commit_callbacks,
):
    org_a, signer_a = org_with_signatory()
    org_b, signer_b = org_with_signatory()
    document = sent([(org_a, 1), (org_b, 1)])
    rejected = []

    def on_rejected(sender, document, **kwargs):
        rejected.append(document.pk)

    document_rejected.connect(on_rejected)
    try:
        with pytest.raises(ValidationFailed):
            reject(document, signer_a, "  ")
        with django_capture_on_commit_callbacks(execute=True):
            reject(document, signer_a, "Сумма гранта указана неверно")
    finally:
        document_rejected.disconnect(on_rejected)
    document.refresh_from_db()
    assert document.status == "rejected"
    assert document.status_reason == "Сумма гранта указана неверно"
    assert rejected == [document.pk]
    with pytest.raises(Conflict):
        sign_simple(document, signer_b, password=PASSWORD)
    assert check_documents(document.pk)[1] == []


def test_a_document_on_its_route_is_withdrawn_and_nobody_signs_it_any_more():
    org, signer = org_with_signatory()
    sender = MemberOrganisationFactory()
    owner = person(sender, "owner")
    document = sent([(org, 1)], sender=sender, actor=owner)
    revoke(document, owner, "Проект прекращён")
    document.refresh_from_db()
    assert document.status == "revoked" and document.status_reason == "Проект прекращён"
    with pytest.raises((Conflict, NotPermitted)):
        sign_simple(document, signer, password=PASSWORD)
    assert not document.signatures.exists()


def test_revocation_of_a_signed_document_and_of_a_draft():
    org, signer = org_with_signatory()
    sender = MemberOrganisationFactory()
    owner = person(sender, "owner")
    document = sent([(org, 1)], sender=sender, actor=owner)
    with pytest.raises(NotPermitted):
        revoke(document, signer, "Не нравится")  # a signer is not the sender
    sign_simple(document, signer, password=PASSWORD)
    with pytest.raises(NotPermitted):
        revoke(document, signer, "Не нравится")  # a signer is not the sender
    revoke(document, owner, "Заменён новым договором")
    document.refresh_from_db()
    assert document.status == "revoked" and document.status_reason == "Заменён новым договором"
    other = draft()
    revoke(other, FundOperatorFactory(), "Черновик не нужен")
    other.refresh_from_db()
    assert other.status == "revoked"
    assert check_documents()[1] == []


def test_versions_are_added_only_to_drafts_and_keep_the_old_ones():
    document = draft()
    editor = person(document.sender, "editor")
    v2 = services.add_version(document, {"text": "исправлено"}, "application/json", editor)
    document.refresh_from_db()
    assert document.current_version == v2 and v2.number == 2
    assert document.versions.count() == 2
    org, _ = org_with_signatory()
    send_for_signature(document, [StepSpec(org)], editor)
    with pytest.raises(Conflict):
        services.add_version(document, {"text": "ещё"}, "application/json", editor)


def test_sending_delivers_to_every_party_but_the_sender_and_reading_is_noted_once():
    org, signer = org_with_signatory()
    copy_org = MemberOrganisationFactory()
    copy_reader = person(copy_org, "viewer")
    document = sent([(org, 1)], parties=[{"organisation": copy_org, "role": "copy"}])
    delivered = set(
        Receipt.objects.filter(kind="delivered").values_list("organisation_id", flat=True)
    )
    assert delivered == {org.pk, copy_org.pk}
    assert len(record_read(document, copy_reader)) == 1
    assert record_read(document, copy_reader) == []
    assert record_read(document, person(document.sender, "viewer")) == []  # the sender's own
    assert Receipt.objects.filter(kind="read").count() == 1
    assert "document.read" in log_kinds(document)


def test_outsiders_may_not_create_or_send():
    sender = MemberOrganisationFactory()
    outsider = UserFactory()
    with pytest.raises(NotPermitted):
        draft(sender, outsider)
    document = draft(sender)
    org, _ = org_with_signatory()
    with pytest.raises(NotPermitted):
        send_for_signature(document, [StepSpec(org)], outsider)
    assert Document.objects.count() == 1


def test_a_route_needs_steps_and_named_signers_of_their_organisation():
    document = draft()
    editor = person(document.sender, "editor")
    with pytest.raises(ValidationFailed) as caught:
        send_for_signature(document, [], editor)
    assert caught.value.errors[0].field == "route"
    org = MemberOrganisationFactory()
    with pytest.raises(ValidationFailed) as caught:
        send_for_signature(document, [StepSpec(org, role="user", user=UserFactory())], editor)
    assert caught.value.errors[0].field == "route.0.user"
    document.refresh_from_db()
    assert document.status == "draft" and not document.steps.exists()


def test_a_withdrawn_document_no_longer_awaits_anyone_in_the_lists(client):
    org, signer = org_with_signatory()
    sender = MemberOrganisationFactory()
    owner = person(sender, "owner")
    document = sent([(org, 1)], sender=sender, actor=owner)
    client.force_login(signer)
    assert "turn-badge" in client.get("/documents/").content.decode()
    revoke(document, owner, "Проект прекращён")
    assert "turn-badge" not in client.get("/documents/").content.decode()
