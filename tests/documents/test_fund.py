"""The Fund's countersignature: PAdES for PDFs as a new version that keeps earlier signatures
valid, CAdES for JSON."""

import pytest

from innocluster.core.errors import NotPermitted
from innocluster.documents import storage
from innocluster.documents.check import check_documents
from innocluster.documents.fund import fund_organisation
from innocluster.documents.models import Receipt
from innocluster.documents.signing import countersign_as_fund, sign_enhanced
from innocluster.pki.pades import verify_pdf
from innocluster.pki.verify import verify_cms
from innocluster.registry.models import Organisation

from .factories import fund_signatory, make_pdf, org_with_signatory, sent
from .pki_helpers import platform_signer

pytestmark = pytest.mark.django_db


def test_the_fund_is_one_organisation_with_a_valid_demo_inn():
    from stdnum.ru import inn

    fund = fund_organisation()
    assert fund_organisation() == fund
    assert inn.is_valid(fund.inn) and len(fund.inn) == 10
    assert Organisation.objects.filter(inn=fund.inn).count() == 1


def test_pdf_member_signs_then_the_fund_adds_pades_as_a_new_version():
    org, user = org_with_signatory()
    director = fund_signatory()
    pdf = make_pdf("Grant agreement")
    document = sent([(org, 1), (fund_organisation(), 2)], content=pdf, media_type="application/pdf")
    v1 = document.current_version
    member_cms = platform_signer(user, org).sign(pdf)
    member = sign_enhanced(document, user, member_cms, version_sha256=v1.sha256)
    with pytest.raises(NotPermitted):
        countersign_as_fund(document, user)  # not the Fund's signatory

    fund_signature = countersign_as_fund(document, director)
    document.refresh_from_db()
    v2 = document.current_version
    assert document.status == "signed"
    assert fund_signature.kind == "pades" and fund_signature.version == v2
    assert v2.number == 2 and v2.origin == "fund_pades" and v2.based_on == v1
    signed_pdf = storage.get(v2.sha256)
    assert signed_pdf.startswith(pdf)  # an incremental update of the signed bytes
    reports = verify_pdf(signed_pdf)
    assert reports and reports[-1].valid
    assert fund_signature.report["valid"] is True
    # the member's CAdES still verifies over the version it signed, which is unchanged
    assert storage.get(v1.sha256) == pdf
    assert verify_cms(pdf, bytes(member.cms_der)).valid
    # the parties received the Fund-signed version
    assert Receipt.objects.filter(version=v2, kind="delivered", organisation=org).exists()
    assert check_documents(document.pk)[1] == []


def test_json_the_fund_signs_with_cades_over_the_same_version():
    org, _user = org_with_signatory()
    director = fund_signatory()
    document = sent([(fund_organisation(), 1), (org, 2)])
    signature = countersign_as_fund(document, director)
    document.refresh_from_db()
    assert signature.kind == "enhanced" and document.versions.count() == 1
    assert verify_cms(storage.get(document.current_version.sha256), bytes(signature.cms_der)).valid
    assert document.status == "partly_signed"
    assert check_documents(document.pk)[1] == []


def test_countersign_through_the_api():
    from django.test import Client

    org, _user = org_with_signatory()
    director = fund_signatory()
    pdf = make_pdf("Act")
    document = sent([(fund_organisation(), 1), (org, 2)], content=pdf, media_type="application/pdf")
    outsider = Client()
    outsider.force_login(_user)
    assert outsider.post(f"/api/v1/documents/{document.pk}/countersign").status_code == 403
    client = Client()
    client.force_login(director)
    response = client.post(f"/api/v1/documents/{document.pk}/countersign")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "pades"
    detail = client.get(f"/api/v1/documents/{document.pk}").json()
    assert [v["origin"] for v in detail["versions"]] == ["upload", "fund_pades"]
    assert detail["versions"][1]["based_on_sha256"] == detail["versions"][0]["sha256"]
    assert detail["status"] == "partly_signed"


def test_a_person_named_on_the_funds_step_signs_as_themselves_not_with_the_funds_key(client):
    """A board member signing the minutes for the Fund's board: their own signature; the
    Fund's key (countersign) is refused for that step and not offered on the page."""
    from innocluster.documents.services import StepSpec, send_for_signature
    from innocluster.documents.signing import sign_simple
    from innocluster.registry.models import OrganisationRole
    from tests.accounts.factories import PASSWORD, BoardMemberFactory

    from .factories import draft, person

    member = BoardMemberFactory()
    fund = fund_organisation()
    OrganisationRole.objects.create(organisation=fund, user=member, role="viewer")
    sender_actor = person(fund, "editor")
    document = send_for_signature(
        draft(fund, sender_actor),
        [StepSpec(fund, order=1, role="user", user=member)],
        sender_actor,
    )
    with pytest.raises(NotPermitted):
        countersign_as_fund(document, fund_signatory())  # the Fund's signatory is not named
    client.force_login(member)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert f'action="/documents/{document.pk}/sign/"' in page
    assert "/countersign/" not in page
    signature = sign_simple(document, member, password=PASSWORD)
    document.refresh_from_db()
    assert signature.kind == "simple" and document.status == "signed"


def test_the_funds_signatories_are_told_when_the_route_reaches_the_fund():
    """The member signs first; the Fund's step opens and its signatories hear of it (the first
    step's signers hear from the capability that sent the document)."""
    from innocluster.core.models import Notification

    org, user = org_with_signatory()
    director = fund_signatory()
    pdf = make_pdf("Grant agreement")
    document = sent([(org, 1), (fund_organisation(), 2)], content=pdf, media_type="application/pdf")
    assert not Notification.objects.filter(kind="document.to_sign").exists()
    member_cms = platform_signer(user, org).sign(pdf)
    sign_enhanced(document, user, member_cms, version_sha256=document.current_version.sha256)
    (told,) = Notification.objects.filter(kind="document.to_sign")
    assert told.recipient == director
    assert told.url == f"/documents/{document.pk}/"
    assert document.registration_number in told.title_ru
