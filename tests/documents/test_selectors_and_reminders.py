"""Who sees what (inbox, outbox, the operators' in-flight list), and deadline reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from innocluster.documents import selectors
from innocluster.documents.filters import DocumentFilter
from innocluster.documents.models import Document, SigningStep
from innocluster.documents.services import StepSpec, send_for_signature
from innocluster.documents.tasks import send_signing_reminders
from tests.accounts.factories import AdministratorFactory, FundOperatorFactory, UserFactory
from tests.registry.factories import MemberOrganisationFactory

from .factories import draft, org_with_signatory, person, sent

pytestmark = pytest.mark.django_db


def test_parties_people_see_their_documents_and_the_fund_sees_all():
    org, signer = org_with_signatory()
    viewer = person(org, "viewer")
    document = sent([(org, 1)])
    sender_editor = document.sender.roles.get().user
    assert list(Document.objects.visible_to(signer)) == [document]
    assert list(Document.objects.visible_to(viewer)) == [document]
    assert list(Document.objects.visible_to(sender_editor)) == [document]
    assert not Document.objects.visible_to(UserFactory()).exists()
    assert Document.objects.visible_to(FundOperatorFactory()).count() == 1
    assert Document.objects.visible_to(AdministratorFactory()).count() == 1
    inactive = person(org)
    inactive.is_active = False
    inactive.save()
    assert not Document.objects.visible_to(inactive).exists()


def test_inbox_and_outbox():
    org, _ = org_with_signatory()
    received = sent([(org, 1)])
    own = draft(org, person(org, "editor"))
    assert list(selectors.inbox(org)) == [received]
    assert list(selectors.outbox(org)) == [own]
    assert list(selectors.outbox(received.sender)) == [received]
    assert not selectors.inbox(received.sender).exists()


def test_in_flight_lists_overdue_first():
    org, _ = org_with_signatory()
    calm = sent([(org, 1)])
    late = sent([(org, 1)])
    SigningStep.objects.filter(document=late).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    signed_or_draft = draft()
    found = list(selectors.in_flight())
    assert found == [late, calm]
    assert signed_or_draft not in found
    overdue = DocumentFilter.from_params({"overdue": "true"}).apply(Document.objects.all())
    assert list(overdue) == [late]


def test_list_query_count_does_not_grow_with_rows():
    org, signer = org_with_signatory()
    sent([(org, 1)])
    document_filter = DocumentFilter.from_params({})
    with CaptureQueriesContext(connection) as one:
        list(selectors.document_list(signer, document_filter))
    for _ in range(5):
        sent([(org, 1)])
    with CaptureQueriesContext(connection) as six:
        rows = list(selectors.document_list(signer, document_filter))
        [(d.sender.name, d.current_version.sha256) for d in rows]
    assert len(rows) == 6
    assert len(six) == len(one)


def test_reminders_go_to_pending_signers_near_or_past_the_deadline_once_a_day():
    org, signer = org_with_signatory()
    later_org, later_signer = org_with_signatory()
    far_org, _far = org_with_signatory()
    soon = timezone.now() + dt.timedelta(days=1)
    document = draft()
    send_for_signature(
        document,
        [
            StepSpec(org, 1, deadline=soon),
            StepSpec(later_org, 2, deadline=soon),  # waiting: not reminded yet
        ],
        person(document.sender, "editor"),
    )
    sent([(far_org, 1)])
    far_doc = Document.objects.exclude(pk=document.pk).get()
    SigningStep.objects.filter(document=far_doc).update(
        deadline=timezone.now() + dt.timedelta(days=30)
    )
    mail.outbox.clear()
    assert send_signing_reminders() == 1
    assert [m.to for m in mail.outbox] == [[signer.email]]
    assert document.registration_number in mail.outbox[0].subject
    assert send_signing_reminders() == 0  # once a day per step
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert send_signing_reminders(now=tomorrow) == 1
    step = SigningStep.objects.get(document=document, organisation=org)
    assert step.reminders_sent == 2
    assert later_signer.email not in [m.to[0] for m in mail.outbox]


def test_remind_command(capsys):
    org, _ = org_with_signatory()
    document = draft()
    send_for_signature(
        document,
        [StepSpec(org, deadline=timezone.now() + dt.timedelta(hours=2))],
        person(document.sender, "editor"),
    )
    call_command("documents", "remind")
    assert "1 steps" in capsys.readouterr().out


def test_a_party_organisation_not_on_the_route_sees_it_but_cannot_sign():
    from innocluster.core.errors import NotPermitted
    from innocluster.documents.signing import sign_simple
    from tests.accounts.factories import PASSWORD

    org, _ = org_with_signatory()
    copy_org, copy_signatory = org_with_signatory()
    document = sent([(org, 1)], parties=[{"organisation": copy_org, "role": "copy"}])
    assert Document.objects.visible_to(copy_signatory).filter(pk=document.pk).exists()
    with pytest.raises(NotPermitted):
        sign_simple(document, copy_signatory, password=PASSWORD)
    assert MemberOrganisationFactory  # the factory module is shared with other tests
