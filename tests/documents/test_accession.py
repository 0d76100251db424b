"""The accession agreement as a registered document: made when an organisation is admitted, in
the same transaction, signed by the member and countersigned by the Fund, and then in force on
the organisation's history."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.urls import reverse

from innocluster.accounts.services import issue_api_token
from innocluster.core.models import AuditEvent
from innocluster.documents import accession, storage
from innocluster.documents.fund import add_fund_signatory, fund_organisation
from innocluster.documents.models import Document
from innocluster.documents.signing import countersign_as_fund, sign_enhanced
from innocluster.pki import ca, cms, pades
from innocluster.pki.verify import verify_cms
from innocluster.registry import agreement
from innocluster.registry.models import MembershipApplication, OrganisationRole
from innocluster.registry.services import (
    JoinRequest,
    apply_for_membership,
    approve_application,
    change_membership_status,
)
from tests.accounts.factories import AdministratorFactory, FundOperatorFactory, UserFactory
from tests.registry.factories import OrganisationFactory
from tests.registry.test_membership import company

pytestmark = pytest.mark.django_db


def join(user, data=None, **kwargs):
    return apply_for_membership(
        data or company(), JoinRequest(applicant=user, accept_agreement=True, **kwargs)
    )


def agreements():
    return Document.objects.filter(doc_type="accession_agreement")


def pdf_text(document) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("SKIPPED LOUDLY: pdftotext (poppler-utils) is not installed")
    out = subprocess.run(
        ["pdftotext", "-", "-"],
        input=storage.get(document.current_version.sha256),
        capture_output=True,
        check=True,
    )
    return " ".join(out.stdout.decode().split())


def enhanced_signature(document, user, organisation) -> bytes:
    """The member signatory's detached CMS over the current version, with their own key and a
    certificate from the platform CA (made here as the signatory's own software would)."""
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user.email)]))
        .sign(key, hashes.SHA256())
    )
    row = ca.issue_certificate(
        csr, subject=ca.subject_for(user, organisation), user=user, organisation=organisation
    )
    content = storage.get(document.current_version.sha256)
    return cms.sign_detached(content, key, row.certificate, timestamp=False)


def test_automatic_admission_creates_one_agreement_with_parties_route_and_text(user):
    application = join(user)
    org = application.organisation
    assert org.status == "member"
    document = agreements().get()
    fund = fund_organisation()
    assert document.status == "sent" and document.sender == fund
    assert document.registration_number.startswith("AC-")
    assert {(p.organisation, p.role) for p in document.parties.all()} == {
        (fund, "sender"),
        (org, "recipient"),
    }
    assert list(document.links.values_list("object_type", "object_id")) == [
        ("registry.organisation", str(org.pk))
    ]
    # No signatory yet: the owner who applied signs by name first, then the Fund's signatory.
    steps = list(document.steps.order_by("order"))
    assert [(s.order, s.organisation, s.role, s.user, s.status) for s in steps] == [
        (1, org, "user", user, "pending"),
        (2, fund, "signatory", None, "waiting"),
    ]
    assert steps[0].deadline < steps[1].deadline
    text = pdf_text(document)
    sha = hashlib.sha256(agreement.text("ru").encode()).hexdigest()
    for expected in (document.registration_number, org.name_ru, org.inn, fund.name_ru, sha):
        assert expected in text, expected
    assert f"версия {agreement.VERSION}".lower() in text.lower()
    assert "Участник поддерживает сведения о себе" in text  # the binding Russian text
    sent = AuditEvent.objects.get(object_id=str(org.pk), action="membership.agreement_sent")
    assert sent.actor == user and sent.after["registration_number"] == document.registration_number
    # The same text the applicant accepted when joining.
    assert sent.after["text_sha256"] == sha == org.agreement_acceptances.get().text_sha256


def test_a_signatory_of_the_organisation_signs_when_it_has_one():
    applicant = UserFactory()
    org = OrganisationFactory()
    OrganisationRole.objects.create(organisation=org, user=applicant, role="owner")
    OrganisationRole.objects.create(organisation=org, user=UserFactory(), role="signatory")
    application = MembershipApplication.objects.create(
        organisation=org, applicant=applicant, status="pending_review", checks=[]
    )
    operator = FundOperatorFactory()
    approve_application(operator, application, "Checked")
    document = agreements().get()
    step = document.steps.get(order=1)
    assert (step.role, step.user) == ("signatory", None)
    assert document.created_by == operator  # an operator's approval: made in person


def test_a_partner_platforms_application_gets_an_agreement_made_by_the_platform():
    portal = OrganisationFactory(status="partner", region_id="RU-TA")
    _token, raw = issue_api_token(AdministratorFactory(), portal, "Portal", ["join"])
    from innocluster.accounts.services import authenticate_token

    token = authenticate_token(raw)
    application = apply_for_membership(
        company(contact_email="ceo@example.org"),
        JoinRequest(applicant=None, accept_agreement=True, via_token=token),
    )
    org = application.organisation
    assert org.status == "member"
    document = agreements().get(links__object_id=str(org.pk))
    assert document.created_by is None
    step = document.steps.get(order=1)
    assert (step.role, step.user) == ("signatory", None)  # any signatory it appoints later
    created = AuditEvent.objects.get(object_id=str(document.pk), action="document.created")
    assert accession.PLATFORM_ACTOR_NAME in created.actor_label


def test_admission_and_agreement_are_one_transaction(user, monkeypatch):
    from innocluster.documents import rendering

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        join(user)
    assert not agreements().exists()
    assert not MembershipApplication.objects.exists()


def test_readmission_while_the_agreement_waits_makes_no_second_one(user):
    org = join(user).organisation
    operator = FundOperatorFactory()
    change_membership_status(operator, org, "withdrawn", "Left")
    change_membership_status(operator, org, "member", "Back")
    org.refresh_from_db()
    assert org.status == "member"
    assert agreements().count() == 1


def test_member_signs_fund_countersigns_and_the_history_shows_it_in_force(
    user, client, django_capture_on_commit_callbacks
):
    org = join(user).organisation
    document = agreements().get()
    signed_version = document.current_version
    signature = enhanced_signature(document, user, org)
    sign_enhanced(document, user, signature, version_sha256=signed_version.sha256)
    document.refresh_from_db()
    assert document.status == "partly_signed"

    director = UserFactory(full_name="Директор Фонда")
    add_fund_signatory(director)
    with django_capture_on_commit_callbacks(execute=True):
        countersign_as_fund(document, director)
    document.refresh_from_db()
    assert document.status == "signed"

    # The member's CAdES verifies over the version it signed; the Fund's PAdES over the new one.
    member_sig = document.signatures.get(kind="enhanced")
    report = verify_cms(storage.get(signed_version.sha256), bytes(member_sig.cms_der))
    assert report.valid, report.to_dict()
    final = storage.get(document.current_version.sha256)
    assert final.startswith(storage.get(signed_version.sha256))
    reports = pades.verify_pdf(final)
    assert len(reports) == 1 and reports[0].valid

    in_force = AuditEvent.objects.get(object_id=str(org.pk), action="membership.agreement_in_force")
    assert in_force.actor == director
    assert in_force.after["registration_number"] == document.registration_number
    # The organisation's history in the back office shows it.
    client.force_login(FundOperatorFactory())
    client.cookies["ic_lang"] = "en"
    page = client.get(reverse("backoffice:organisation", args=[org.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<code>membership.agreement_in_force</code>" in body
    assert document.registration_number in body


def test_application_page_shows_the_agreement_number_status_and_link(user, client):
    application = join(user)
    document = agreements().get()
    client.force_login(FundOperatorFactory())
    client.cookies["ic_lang"] = "en"
    page = client.get(reverse("backoffice:application", args=[application.pk]))
    body = page.content.decode()
    assert document.registration_number in body
    assert f'href="/documents/{document.pk}/"' in body
    assert "Sent for signature" in body


def test_a_fresh_web_process_records_agreements_in_force():
    """The receiver is connected once the URLconf is loaded, not only after an admission."""
    import os
    import sys

    code = (
        "import django; django.setup()\n"
        "from django.urls import resolve; resolve('/documents/')\n"
        "from innocluster.documents.signals import document_signed\n"
        "print(any('agreement_in_force' in str(r[0]) for r in document_signed.receivers))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "innocluster.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "True", out.stderr


def test_a_bulk_admission_leaves_the_agreement_to_the_worker_which_makes_it_once(
    django_capture_on_commit_callbacks,
):
    from innocluster.documents.tasks import issue_accession_agreement
    from innocluster.registry.services import bulk_decide
    from tests.registry.test_backoffice import pending

    application = pending()
    operator = FundOperatorFactory()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        bulk_decide(operator, MembershipApplication.objects.all(), "approve", "Checked")
    assert not agreements().exists()  # the decision itself made no document
    assert len(queued) >= 1
    for callback in queued:
        callback()  # the tests' task backend runs the queued task at once, as a worker would
    assert agreements().count() == 1
    organisation = application.organisation
    # A retried task keeps the agreement on its route.
    number = issue_accession_agreement.call(str(organisation.pk), str(operator.pk))
    assert number == agreements().get().registration_number and agreements().count() == 1
