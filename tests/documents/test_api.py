"""The documents API: the contract the portal, partner systems and `innocluster sign` use."""

import base64
import hashlib
import json

import pytest
from django.test import Client

from innocluster.accounts.services import issue_api_token
from innocluster.documents.models import Document, DocumentVersion, Receipt, Signature
from innocluster.ledger.models import LogEntry
from tests.accounts.factories import PASSWORD, FundOperatorFactory, UserFactory
from tests.registry.factories import MemberOrganisationFactory

from .factories import make_pdf, org_with_signatory, person, sent
from .pki_helpers import platform_signer

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_client(org, scopes=("read", "documents")) -> Client:
    owner = person(org, "owner")
    _token, raw = issue_api_token(owner, org, "ERP", list(scopes))
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def counts():
    return (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        Signature.objects.count(),
        Receipt.objects.count(),
        LogEntry.objects.count(),
    )


def create_body(sender, signer_org, **overrides):
    body = {
        "type": "grant_agreement",
        "title": "Соглашение о предоставлении гранта",
        "sender": str(sender.pk),
        "media_type": "application/json",
        "content": {"amount_kopecks": 150000000, "project": "Нейросенсор"},
        "parties": [{"organisation": str(signer_org.pk), "role": "recipient"}],
        "send": True,
        "route": [{"organisation": str(signer_org.pk), "order": 1}],
    }
    body.update(overrides)
    return body


def test_create_send_read_and_sign_through_the_api():
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    org, signer = org_with_signatory()
    response = post(client_for(editor), "/api/v1/documents", create_body(sender, org))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "sent" and data["registration_number"].startswith("AG-")
    assert data["route"][0]["status"] == "pending"
    document_id = data["id"]

    signer_client = client_for(signer)
    listed = signer_client.get("/api/v1/documents?status=sent").json()
    assert [d["id"] for d in listed["results"]] == [document_id]

    content = signer_client.get(f"/api/v1/documents/{document_id}/content")
    assert content.status_code == 200
    assert content["Content-Type"] == "application/json"
    assert content["X-Content-SHA256"] == hashlib.sha256(content.content).hexdigest()
    assert json.loads(content.content)["amount_kopecks"] == 150000000
    assert Receipt.objects.filter(kind="read", organisation=org).count() == 1

    sha = content["X-Content-SHA256"]
    cms_der = platform_signer(signer, org).sign(content.content)
    body = {"signature": base64.b64encode(cms_der).decode(), "version_sha256": sha}
    url = f"/api/v1/documents/{document_id}/signatures"
    first = post(signer_client, url, body)
    assert first.status_code == 201, first.content
    assert first.json()["report"]["valid"] is True
    before = counts()
    again = post(signer_client, url, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert counts() == before

    detail = signer_client.get(f"/api/v1/documents/{document_id}").json()
    assert detail["status"] == "signed"
    assert detail["versions"][0]["sha256"] == sha
    assert detail["signatures"][0]["kind"] == "enhanced"
    assert {r["kind"] for r in detail["receipts"]} == {"delivered", "read"}
    version = signer_client.get(f"/api/v1/documents/{document_id}/versions/{sha}")
    assert version.status_code == 200 and version.content == content.content


def test_a_pdf_document_keeps_its_exact_bytes():
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    org, _signer = org_with_signatory()
    pdf = make_pdf()
    body = create_body(
        sender,
        org,
        media_type="application/pdf",
        content=None,
        content_base64=base64.b64encode(pdf).decode(),
        file_name="agreement.pdf",
    )
    client = client_for(editor)
    data = post(client, "/api/v1/documents", body).json()
    assert data["current_version"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    content = client.get(f"/api/v1/documents/{data['id']}/content")
    assert content.content == pdf and content["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"type": "poem"}, "type"),
        ({"title": ""}, "title"),
        ({"media_type": "text/plain"}, "media_type"),
        (
            {
                "media_type": "application/pdf",
                "content_base64": base64.b64encode(b"hello").decode(),
            },
            "content_base64",
        ),
        ({"media_type": "application/pdf", "content_base64": "!!not base64!!"}, "content_base64"),
        (
            {"route": [{"organisation": "00000000-0000-7000-8000-000000000000"}]},
            "route.0.organisation",
        ),
        ({"route": []}, "route"),
        ({"route": [{"organisation": "not-a-uuid"}]}, "route.0.organisation"),
        (
            {"parties": [{"organisation": "00000000-0000-7000-8000-000000000000"}]},
            "parties.0.organisation",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(overrides, field):
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    org, _ = org_with_signatory()
    before = counts()
    response = post(client_for(editor), "/api/v1/documents", create_body(sender, org, **overrides))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert field in [e["field"] for e in response.json()["errors"]]
    assert counts() == before


def test_content_over_the_size_limit_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    sender = MemberOrganisationFactory()
    org, _ = org_with_signatory()
    before = counts()
    body = create_body(sender, org, content={"text": "я" * 1000})
    response = post(client_for(person(sender, "editor")), "/api/v1/documents", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_large"
    assert counts() == before


def test_an_invalid_signature_is_a_422_with_the_report_and_nothing_is_stored():
    org, signer = org_with_signatory()
    document = sent([(org, 1)])
    cms_der = platform_signer(signer, org).sign(b"some other text")
    before = counts()
    response = post(
        client_for(signer),
        f"/api/v1/documents/{document.pk}/signatures",
        {
            "signature": base64.b64encode(cms_der).decode(),
            "version_sha256": document.current_version.sha256,
        },
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "signature_rejected"
    assert problem["errors"][0]["field"] == "signature"
    assert problem["verification"]["valid"] is False
    assert counts() == before
    garbage = post(
        client_for(signer),
        f"/api/v1/documents/{document.pk}/signatures",
        {"signature": "%%%", "version_sha256": document.current_version.sha256},
    )
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["field"] == "signature"


def test_outsiders_get_404_for_everything():
    org, _signer = org_with_signatory()
    document = sent([(org, 1)])
    outsider = client_for(UserFactory())
    base = f"/api/v1/documents/{document.pk}"
    for url in (base, f"{base}/content", f"{base}/versions/{document.current_version.sha256}"):
        assert outsider.get(url).status_code == 404
    for url, body in (
        (f"{base}/signatures", {"signature": "MAA=", "version_sha256": "a" * 64}),
        (f"{base}/simple-signature", {"password": PASSWORD}),
        (f"{base}/reject", {"reason": "нет"}),
        (f"{base}/revoke", {"reason": "нет"}),
    ):
        response = post(outsider, url, body)
        assert response.status_code == 404, url
        assert response["Content-Type"] == PROBLEM
    assert outsider.get("/api/v1/documents").json()["count"] == 0
    assert Client().get(base).status_code == 401
    assert client_for(FundOperatorFactory()).get(base).status_code == 200


def test_a_token_acts_for_its_organisation():
    sender = MemberOrganisationFactory()
    org, signer = org_with_signatory()
    client = token_client(sender)
    body = create_body(sender, org)
    body.pop("sender")
    response = post(client, "/api/v1/documents", body)
    assert response.status_code == 201, response.content
    document_id = response.json()["id"]
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 200
    other = token_client(MemberOrganisationFactory())
    assert other.get(f"/api/v1/documents/{document_id}").status_code == 404
    # a read-only token of the signer's organisation reads, but cannot sign
    read_only = token_client(org, scopes=["read"])
    assert read_only.get(f"/api/v1/documents/{document_id}").status_code == 200
    refused = post(
        read_only,
        f"/api/v1/documents/{document_id}/signatures",
        {"signature": "AA==", "version_sha256": "0" * 64},
    )
    assert refused.status_code == 403 and refused.json()["code"] == "missing_scope"
    # the signer's organisation's token signs with its signatory's certificate
    signer_token = token_client(org)
    content = signer_token.get(f"/api/v1/documents/{document_id}/content")
    cms_der = platform_signer(signer, org).sign(content.content)
    signed = post(
        signer_token,
        f"/api/v1/documents/{document_id}/signatures",
        {
            "signature": base64.b64encode(cms_der).decode(),
            "version_sha256": content["X-Content-SHA256"],
        },
    )
    assert signed.status_code == 201, signed.content
    assert Document.objects.get(pk=document_id).status == "signed"
    # a token cannot give a person's simple signature
    assert (
        post(
            signer_token, f"/api/v1/documents/{document_id}/simple-signature", {"password": "x"}
        ).status_code
        == 403
    )


def test_simple_signature_reject_and_revoke_endpoints():
    org_a, signer_a = org_with_signatory()
    org_b, signer_b = org_with_signatory()
    sender = MemberOrganisationFactory()
    owner = person(sender, "owner")
    document = sent([(org_a, 1), (org_b, 2)], sender=sender, actor=owner)
    base = f"/api/v1/documents/{document.pk}"
    wrong = post(client_for(signer_a), f"{base}/simple-signature", {"password": "wrong-password"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "password"
    ok = post(client_for(signer_a), f"{base}/simple-signature", {"password": PASSWORD})
    assert ok.status_code == 201 and ok.json()["kind"] == "simple"
    assert post(client_for(signer_b), f"{base}/reject", {"reason": ""}).status_code == 422
    rejected = post(client_for(signer_b), f"{base}/reject", {"reason": "Неверные реквизиты"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "Неверные реквизиты"
    conflict = post(client_for(owner), f"{base}/revoke", {"reason": "Отзываем"})
    assert conflict.status_code == 409


def test_list_filters_are_validated_and_applied():
    org, _ = org_with_signatory()
    sender = MemberOrganisationFactory()
    owner = person(sender, "owner")
    a = sent(
        [(org, 1)],
        sender=sender,
        actor=owner,
        title="Соглашение о гранте",
        doc_type="grant_agreement",
    )
    sent([(org, 1)], sender=sender, actor=owner, title="Письмо", doc_type="letter")
    client = client_for(owner)
    assert client.get("/api/v1/documents?status=bogus").status_code == 422
    assert (
        client.get("/api/v1/documents?organisation=xyz").json()["errors"][0]["field"]
        == "organisation"
    )
    by_type = client.get("/api/v1/documents?type=grant_agreement").json()
    assert [d["id"] for d in by_type["results"]] == [str(a.pk)]
    by_number = client.get(f"/api/v1/documents?q={a.registration_number}").json()
    assert by_number["count"] == 1
    by_words = client.get("/api/v1/documents?q=гранте").json()
    assert by_words["count"] == 1
    assert client.get(f"/api/v1/documents?organisation={org.pk}").json()["count"] == 2


def test_a_deadline_without_time_zone_is_moscow_time_and_odd_json_is_no_500():
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    org, _ = org_with_signatory()
    body = create_body(sender, org, deadline="2099-03-01T18:00:00")
    response = post(client_for(editor), "/api/v1/documents", body)
    assert response.status_code == 201, response.content
    assert response.json()["route"][0]["deadline"].startswith("2099-03-01T15:00:00")  # UTC
    past = post(
        client_for(editor),
        "/api/v1/documents",
        create_body(sender, org, deadline="2001-01-01T00:00:00"),
    )
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "route.0.deadline"
    deep = client_for(editor).post(
        "/api/v1/documents",
        json.dumps(create_body(sender, org, content=None))[:-1]
        + ', "content": '
        + "[" * 5000
        + "]" * 5000
        + "}",
        content_type="application/json",
    )
    assert deep.status_code in (400, 422), deep.content
