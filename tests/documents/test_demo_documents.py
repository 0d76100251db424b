"""`innocluster demo` makes real signed documents: accession agreements signed by the members'
signatories (CAdES) and countersigned by the Fund (PAdES), letters in every state, a Fund
director who can sign in; the integration's token lists its organisation's documents; a second
run makes nothing new."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from innocluster.accounts.models import User
from innocluster.documents import demo as documents_demo
from innocluster.documents import storage
from innocluster.documents.accession import agreements_of
from innocluster.documents.fund import fund_organisation
from innocluster.documents.models import Document, Signature
from innocluster.documents.permissions import pending_step_for
from innocluster.pki import pades
from innocluster.pki.models import IssuedCertificate
from innocluster.pki.verify import verify_cms
from innocluster.registry import demo
from innocluster.registry.models import Organisation, OrganisationRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def credentials(var_dir) -> dict:
    return json.loads((var_dir / "demo-credentials.json").read_text(encoding="utf-8"))


def special_organisations():
    member = Organisation.objects.get(name_ru="ООО «Демо Инновации»")
    integration = Organisation.objects.get(name_ru=demo.INTEGRATION_NAME_RU)
    return member, integration


def assert_verifies(document):
    """Every signature of a signed agreement verifies over the exact bytes it covers."""
    enhanced = document.signatures.get(kind="enhanced")
    content = storage.get(enhanced.version.sha256)
    report = verify_cms(content, bytes(enhanced.cms_der))
    assert report.valid, report.to_dict()
    assert report.timestamp is not None and report.timestamp.valid  # CAdES-T
    assert enhanced.organisation != fund_organisation()
    fund_sig = document.signatures.get(kind="pades")
    assert fund_sig.organisation == fund_organisation()
    final = storage.get(document.current_version.sha256)
    assert final.startswith(content)  # the Fund's signature is an incremental update
    reports = pades.verify_pdf(final)
    assert len(reports) == 1 and reports[0].valid, [r.to_dict() for r in reports]


def test_demo_signs_agreements_that_verify_and_a_second_run_adds_nothing(var_dir):
    result = demo.run(40, seed=7)
    assert result.timings["documents"] > 0
    member, integration = special_organisations()
    for org in (member, integration):
        document = agreements_of(org).get()
        assert document.status == "signed", org.name_ru
        assert_verifies(document)
        # Signed by the member's signatory with a certificate the platform CA issued to them.
        signature = document.signatures.get(kind="enhanced")
        assert OrganisationRole.objects.filter(
            organisation=org, user=signature.signer, role="signatory"
        ).exists()
        issued = IssuedCertificate.objects.get(serial_hex=signature.certificate_serial)
        assert issued.user == signature.signer and issued.organisation == org
    member_user = User.objects.get(email=credentials(var_dir)["users"]["member"]["email"])
    assert agreements_of(member).get().signatures.get(kind="enhanced").signer == member_user

    # The Fund's director is in the credentials, signs in, and signs for the Fund.
    director_creds = credentials(var_dir)["users"]["fund_director"]
    director = User.objects.get(email=director_creds["email"])
    assert director.check_password(director_creds["password"])
    assert OrganisationRole.objects.filter(
        organisation=fund_organisation(), user=director, role="signatory"
    ).exists()
    assert set(Signature.objects.filter(kind="pades").values_list("signer", flat=True)) == {
        director.pk
    }

    counts = (
        Document.objects.count(),
        Signature.objects.count(),
        User.objects.count(),
        IssuedCertificate.objects.count(),
    )
    first = credentials(var_dir)
    again = demo.run(40, seed=7)
    assert again.created_organisations == 0
    assert (
        Document.objects.count(),
        Signature.objects.count(),
        User.objects.count(),
        IssuedCertificate.objects.count(),
    ) == counts
    assert credentials(var_dir) == first


def test_letters_in_every_state_and_the_director_can_countersign(var_dir):
    demo.run(20, seed=3)
    accounts = {
        role: User.objects.get(email=creds["email"])
        for role, creds in credentials(var_dir)["users"].items()
    }
    made = documents_demo.run(accounts, list(special_organisations()), agreements=4, letters=10)
    assert made.letters == 10  # a demo of 20 organisations has no letters of its own
    assert documents_demo.sizes_for(300) == (20, 10) and documents_demo.sizes_for(20) == (2, 0)
    letters = Document.objects.filter(links__object_type=documents_demo.LETTER_LINK)
    assert letters.count() == 10
    states = Counter(letters.values_list("status", flat=True))
    assert set(states) == {"sent", "partly_signed", "signed", "rejected"}
    for document in letters.filter(status="rejected"):
        assert document.status_reason  # every party sees why
    for document in letters.filter(status="signed"):
        assert_verifies(document)
    # A partly signed letter waits for the Fund: the director may sign it now.
    waiting = letters.filter(status="partly_signed").first()
    assert pending_step_for(accounts["fund_director"], waiting) is not None
    # Agreements now exist for four members; each is signed.
    agreements = Document.objects.filter(doc_type="accession_agreement")
    assert agreements.count() == 4 and set(agreements.values_list("status", flat=True)) == {
        "signed"
    }
    # Again: nothing new.
    assert (
        documents_demo.run(
            accounts, list(special_organisations()), agreements=4, letters=10
        ).letters
        == 0
    )
    assert Document.objects.filter(links__object_type=documents_demo.LETTER_LINK).count() == 10


def test_integration_token_lists_its_organisations_documents_through_the_api(var_dir, client):
    demo.run(20, seed=5)
    token = credentials(var_dir)["api_token"]
    member, integration = special_organisations()
    response = client.get("/api/v1/documents", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    listed = {item["registration_number"] for item in response.json()["results"]}
    own = agreements_of(integration).get()
    assert own.registration_number in listed
    assert agreements_of(member).get().registration_number not in listed  # not its business
    visible = Document.objects.visible_to_organisation(integration)
    assert listed == set(visible.values_list("registration_number", flat=True))
    detail = client.get(f"/api/v1/documents/{own.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert detail.status_code == 200 and detail.json()["status"] == "signed"
