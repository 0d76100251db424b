"""The documents pages: inbox, outbox, the operators' list, the document page and its actions,
the create page and "My certificates". Real services underneath; nothing is mocked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from innocluster.accounts import totp
from innocluster.documents import storage
from innocluster.documents.fund import fund_organisation
from innocluster.documents.models import Document, Receipt, Signature, SigningStep
from innocluster.documents.services import StepSpec, send_for_signature
from innocluster.registry.models import OrganisationRole
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.registry.factories import MemberOrganisationFactory

from .factories import draft, fund_signatory, make_pdf, org_with_signatory, person, sent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def client_for(client, user):
    client.force_login(user)
    return client


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def member(db):
    """A member organisation, its signatory, and a document sent to it for signature."""
    org, signer = org_with_signatory()
    document = sent([(org, 1)], title="Договор о сотрудничестве")
    return org, signer, document


# --- Lists -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for name in (
        "documents:inbox",
        "documents:outbox",
        "documents:create",
        "documents:certificates",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_inbox_lists_what_was_sent_to_the_organisation(client, member):
    org, signer, document = member
    other = sent([(MemberOrganisationFactory(), 1)], title="Чужое письмо")
    response = client_for(client, signer).get(reverse("documents:inbox"))
    assert response.status_code == 200
    page = text_of(response)
    assert document.registration_number in page
    assert "Договор о сотрудничестве" in page
    assert other.registration_number not in page
    assert 'class="turn-badge"' in page  # the organisation's step is pending
    assert "no-store" in response["Cache-Control"]


def test_outbox_lists_what_the_organisation_sent(client):
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    mine = sent([(MemberOrganisationFactory(), 1)], sender=sender, actor=editor, title="Наше")
    received = sent([(sender, 1)], title="Входящее")
    page = text_of(client_for(client, editor).get(reverse("documents:outbox")))
    assert mine.registration_number in page
    assert received.registration_number not in page


def test_a_person_of_several_organisations_switches_between_them(client):
    first, second = (
        MemberOrganisationFactory(name_ru="А-фирма"),
        MemberOrganisationFactory(name_ru="Б-фирма"),
    )
    user = person(first, "signatory")
    OrganisationRole.objects.create(organisation=second, user=user, role="signatory")
    to_first = sent([(first, 1)])
    to_second = sent([(second, 1)])
    client_for(client, user)
    page = text_of(client.get(reverse("documents:inbox")))
    assert 'name="org"' in page
    assert to_first.registration_number in page and to_second.registration_number not in page
    page = text_of(client.get(reverse("documents:inbox"), {"org": str(second.pk)}))
    assert to_second.registration_number in page and to_first.registration_number not in page
    # An organisation the user has no role in is not offered, whatever the URL says.
    stranger = MemberOrganisationFactory()
    page = text_of(client.get(reverse("documents:inbox"), {"org": str(stranger.pk)}))
    assert to_first.registration_number in page


def test_search_and_filters(client, member):
    org, signer, document = member
    letter = sent([(org, 1)], title="Уведомление о проверке", doc_type="notice")
    client_for(client, signer)
    url = reverse("documents:inbox")
    page = text_of(client.get(url, {"q": document.registration_number}))
    assert document.registration_number in page and letter.registration_number not in page
    page = text_of(client.get(url, {"q": "проверке"}))
    assert letter.registration_number in page and document.registration_number not in page
    page = text_of(client.get(url, {"type": "notice"}))
    assert letter.registration_number in page and document.registration_number not in page
    page = text_of(client.get(url, {"status": "signed"}))
    assert letter.registration_number not in page and document.registration_number not in page
    today = timezone.localdate().isoformat()
    page = text_of(client.get(url, {"date_from": today, "date_to": today}))
    assert letter.registration_number in page and document.registration_number in page
    SigningStep.objects.filter(document=letter).update(
        deadline=timezone.now() - dt.timedelta(days=1)
    )
    page = text_of(client.get(url, {"overdue": "on"}))
    assert letter.registration_number in page and document.registration_number not in page


def test_a_bad_filter_is_reported_next_to_its_field(client, member):
    org, signer, document = member
    client_for(client, signer)
    response = client.get(reverse("documents:inbox"), {"status": "lost", "date_from": "yesterday"})
    assert response.status_code == 400
    page = text_of(response)
    assert 'id="id_status_error"' in page and 'id="id_date_from_error"' in page
    assert document.registration_number not in page
    response = client.get(
        reverse("documents:inbox"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert 'id="id_date_to_error"' in text_of(response)


def test_paging_keeps_the_filter(client):
    org, signer = org_with_signatory()
    for _ in range(27):
        sent([(org, 1)], title="Пакетное письмо")
    client_for(client, signer)
    page = text_of(client.get(reverse("documents:inbox"), {"q": "Пакетное"}))
    assert "27" in page
    assert f"org={org.pk}&amp;q=%D0%9F%D0%B0%D0%BA%D0%B5%D1%82%D0%BD%D0%BE%D0%B5&amp;page=2" in page
    second = text_of(client.get(reverse("documents:inbox"), {"q": "Пакетное", "page": 2}))
    assert second.count("Пакетное письмо") == 2


def test_inbox_query_count_stays_flat_as_documents_grow(client, django_assert_max_num_queries):
    org, signer = org_with_signatory()
    sent([(org, 1)])
    client_for(client, signer)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("documents:inbox"))
    for _ in range(15):
        sent([(org, 1), (MemberOrganisationFactory(), 2)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("documents:inbox"))


def test_documents_in_flight_for_operators_overdue_first(client):
    org = MemberOrganisationFactory()
    on_time = sent([(org, 1)], title="В срок")
    late = sent([(org, 1)], title="Просрочено")
    SigningStep.objects.filter(document=on_time).update(
        deadline=timezone.now() + dt.timedelta(days=5)
    )
    SigningStep.objects.filter(document=late).update(deadline=timezone.now() - dt.timedelta(days=2))
    finished = draft()
    operator = FundOperatorFactory()
    page = text_of(client_for(client, operator).get(reverse("documents:in_flight")))
    assert page.index(late.registration_number) < page.index(on_time.registration_number)
    assert org.name in page  # whom they wait for
    assert finished.registration_number not in page
    member_user = person(org, "signatory")
    client.force_login(member_user)
    assert client.get(reverse("documents:in_flight")).status_code == 404


def test_a_user_without_an_organisation_is_told_why_the_inbox_is_empty(client):
    response = client_for(client, UserFactory()).get(reverse("documents:inbox"))
    assert response.status_code == 200
    assert reverse("registry:join") in text_of(response)


# --- The document page -------------------------------------------------------------------------


def test_document_page_shows_everything_and_records_a_read_receipt(client, member):
    org, signer, document = member
    response = client_for(client, signer).get(reverse("documents:detail", args=[document.pk]))
    assert response.status_code == 200
    page = text_of(response)
    assert document.registration_number in page
    assert document.current_version.sha256 in page
    assert reverse("documents:version", args=[document.pk, 1]) in page
    assert f"/api/v1/documents/{document.pk}/evidence" in page
    assert "/verify/" in page
    assert org.name in page
    assert 'action="' + reverse("documents:sign", args=[document.pk]) in page
    assert 'id="enhanced-signing"' in page and "data-signing-fallback" in page
    assert Receipt.objects.filter(document=document, organisation=org, kind="read").count() == 1
    client.get(reverse("documents:detail", args=[document.pk]))
    assert Receipt.objects.filter(document=document, organisation=org, kind="read").count() == 1


def test_outsiders_get_404_everywhere(client, member):
    org, signer, document = member
    outsider = person(MemberOrganisationFactory(), "signatory")
    client_for(client, outsider)
    for name in ("detail", "sign", "reject", "revoke", "countersign"):
        method = client.get if name == "detail" else client.post
        response = method(reverse(f"documents:{name}", args=[document.pk]), {"reason": "x"})
        assert response.status_code == 404, name
    assert client.get(reverse("documents:version", args=[document.pk, 1])).status_code == 404
    assert (
        client.get(f"/documents/{document.pk.hex[:8]}-0000-0000-0000-000000000000/").status_code
        == 404
    )
    assert not Receipt.objects.filter(document=document, kind="read").exists()


def test_version_download_gives_the_exact_bytes(client):
    org, signer = org_with_signatory()
    pdf = make_pdf("Contract")
    document = sent([(org, 1)], content=pdf, media_type="application/pdf")
    response = client_for(client, signer).get(reverse("documents:version", args=[document.pk, 1]))
    assert response.status_code == 200
    assert response.content == pdf == storage.get(document.current_version.sha256)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == document.current_version.sha256
    assert f"{document.registration_number}-v1.pdf" in response["Content-Disposition"]
    assert client.get(reverse("documents:version", args=[document.pk, 9])).status_code == 404


# --- Actions -----------------------------------------------------------------------------------


def test_simple_signature_with_the_password(client, member):
    org, signer, document = member
    url = reverse("documents:sign", args=[document.pk])
    client_for(client, signer)
    response = client.post(url, {"password": "wrong"})
    assert response.status_code == 422
    assert 'id="id_password_error"' in text_of(response)
    assert not Signature.objects.filter(document=document).exists()
    response = client.post(url, {"password": ""})
    assert response.status_code == 422
    assert not Signature.objects.filter(document=document).exists()
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == "signed"
    signature = Signature.objects.get(document=document)
    assert (signature.kind, signature.signer, signature.second_factor) == (
        "simple",
        signer,
        "password",
    )
    page = text_of(client.get(reverse("documents:detail", args=[document.pk])))
    assert "verdict-valid" in page


def test_simple_signature_with_a_totp_code(client, member):
    org, signer, document = member
    totp.enrol(signer)
    client_for(client, signer)
    page = text_of(client.get(reverse("documents:detail", args=[document.pk])))
    assert (
        'name="totp_code"' in page
        and 'name="password"' not in page.split("simple-heading")[1].split("</form>")[0]
    )
    url = reverse("documents:sign", args=[document.pk])
    response = client.post(
        url, {"totp_code": "000000" if totp.current_code(signer) != "000000" else "111111"}
    )
    assert response.status_code == 422
    assert 'id="id_totp_code_error"' in text_of(response)
    assert not Signature.objects.filter(document=document).exists()
    response = client.post(url, {"totp_code": totp.current_code(signer)})
    assert response.status_code == 302
    assert Signature.objects.get(document=document).second_factor == "totp"


def test_someone_without_a_step_cannot_sign_a_document_they_see(client, member):
    org, signer, document = member
    viewer = person(org, "viewer")
    client_for(client, viewer)
    page = text_of(client.get(reverse("documents:detail", args=[document.pk])))
    assert 'action="' + reverse("documents:sign", args=[document.pk]) not in page
    response = client.post(reverse("documents:sign", args=[document.pk]), {"password": PASSWORD})
    assert response.status_code == 403
    assert not Signature.objects.filter(document=document).exists()


def test_reject_needs_a_reason(client, member):
    org, signer, document = member
    url = reverse("documents:reject", args=[document.pk])
    client_for(client, signer)
    response = client.post(url, {"reject-reason": "   "})
    assert response.status_code == 422
    assert 'id="id_reject-reason_error"' in text_of(response)
    document.refresh_from_db()
    assert document.status == "sent"
    response = client.post(url, {"reject-reason": "Неверные реквизиты"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.status_reason) == ("rejected", "Неверные реквизиты")
    assert "Неверные реквизиты" in text_of(
        client.get(reverse("documents:detail", args=[document.pk]))
    )


def test_the_sender_revokes_a_draft_with_a_reason(client):
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    document = draft(sender, editor)
    url = reverse("documents:revoke", args=[document.pk])
    client_for(client, editor)
    assert "revoke-reason" in text_of(client.get(reverse("documents:detail", args=[document.pk])))
    response = client.post(url, {"revoke-reason": ""})
    assert response.status_code == 422
    document.refresh_from_db()
    assert document.status == "draft"
    assert client.post(url, {"revoke-reason": "Ошибка в тексте"}).status_code == 302
    document.refresh_from_db()
    assert (document.status, document.status_reason) == ("revoked", "Ошибка в тексте")


def test_a_recipient_cannot_revoke(client, member):
    org, signer, document = member
    client_for(client, signer)
    response = client.post(reverse("documents:revoke", args=[document.pk]), {"revoke-reason": "x"})
    assert response.status_code in (403, 409)
    document.refresh_from_db()
    assert document.status == "sent"


def test_the_funds_signatory_countersigns(client):
    pytest.importorskip(
        "innocluster.pki.pades", reason="the Fund's signing key (pki.pades) is not there yet"
    )
    document = draft(content=make_pdf("Decision"), media_type="application/pdf")
    editor = person(document.sender, "editor")
    document = send_for_signature(document, [StepSpec(fund_organisation(), order=1)], editor)
    director = fund_signatory()
    client_for(client, director)
    page = text_of(client.get(reverse("documents:detail", args=[document.pk])))
    assert 'action="' + reverse("documents:countersign", args=[document.pk]) in page
    url = reverse("documents:countersign", args=[document.pk])
    response = client.post(url, {})
    assert response.status_code == 422
    assert 'id="id_confirm_error"' in text_of(response)
    assert not Signature.objects.filter(document=document).exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302, text_of(response)[:2000]
    document.refresh_from_db()
    assert document.status == "signed"
    assert Signature.objects.get(document=document).organisation == fund_organisation()


# --- Creating ----------------------------------------------------------------------------------


def route_data(rows):
    data = {
        "route-TOTAL_FORMS": str(len(rows)),
        "route-INITIAL_FORMS": str(len(rows)),
        "route-MIN_NUM_FORMS": "0",
        "route-MAX_NUM_FORMS": "12",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"route-{i}-{key}"] = value
    return data


def test_create_page_renders_for_people_who_may_send(client):
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    response = client_for(client, editor).get(reverse("documents:create"))
    assert response.status_code == 200
    page = text_of(response)
    assert 'name="route-0-organisation"' in page and 'name="template"' in page
    viewer = person(MemberOrganisationFactory(), "viewer")
    client.force_login(viewer)
    assert client.get(reverse("documents:create")).status_code == 404


def test_create_from_a_template_and_send(client):
    sender = MemberOrganisationFactory()
    signatory = person(sender, "signatory")
    fund = fund_organisation()
    data = {
        "sender": str(sender.pk),
        "title": "Письмо в Фонд",
        "source": "template",
        "template": "letter",
        "body": "Просим рассмотреть заявку.\n\nС уважением.",
        "recipients": fund.inn,
        **route_data(
            [
                {"order": "1", "organisation": sender.inn, "role": "signatory"},
                {"order": "2", "organisation": fund.inn, "role": "signatory",
                 "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat()},
                {"order": "3", "organisation": "", "role": "signatory"},
            ]
        ),
    }  # fmt: skip
    response = client_for(client, signatory).post(reverse("documents:create"), data)
    assert response.status_code == 302, text_of(response)[:3000]
    document = Document.objects.get(title="Письмо в Фонд")
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    assert document.status == "sent" and document.doc_type == "letter"
    steps = list(document.steps.order_by("order"))
    assert [(s.organisation, s.status) for s in steps] == [(sender, "pending"), (fund, "waiting")]
    assert steps[1].deadline is not None
    assert document.parties.filter(organisation=fund, role="recipient").exists()
    assert storage.get(document.current_version.sha256).startswith(b"%PDF")


def test_create_with_an_uploaded_pdf(client):
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    recipient = MemberOrganisationFactory()
    pdf = make_pdf("Act")
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "sender": str(sender.pk),
        "title": "Акт приёмки",
        "source": "upload",
        "doc_type": "acceptance_act",
        "file": SimpleUploadedFile("act.pdf", pdf, content_type="application/pdf"),
        "recipients": recipient.member_number,
        **route_data([{"order": "1", "organisation": recipient.ogrn, "role": "signatory"}]),
    }
    response = client_for(client, editor).post(reverse("documents:create"), data)
    assert response.status_code == 302, text_of(response)[:3000]
    document = Document.objects.get(title="Акт приёмки")
    assert storage.get(document.current_version.sha256) == pdf
    assert document.current_version.file_name == "act.pdf"


def test_bad_input_on_the_create_page_changes_nothing(client):
    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_for(client, editor)
    before = Document.objects.count()
    response = client.post(
        reverse("documents:create"),
        {
            "sender": str(sender.pk),
            "title": "Без получателя",
            "source": "template",
            "template": "letter",
            "body": "",
            "recipients": "0000000000",
            **route_data([{"order": "1", "organisation": "", "role": "signatory"}]),
        },
    )
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="id_recipients_error"' in page and 'id="id_body_error"' in page
    assert "route-errors" in page
    # Not a PDF: the service refuses, its error is shown at the file field, nothing is stored.
    response = client.post(
        reverse("documents:create"),
        {
            "sender": str(sender.pk),
            "title": "Не PDF",
            "source": "upload",
            "doc_type": "letter",
            "file": SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf"),
            "recipients": fund_organisation().inn,
            **route_data([{"order": "1", "organisation": fund_organisation().inn}]),
        },
    )
    assert response.status_code == 422
    assert 'id="id_file_error"' in text_of(response)
    # A named person who is not of the step's organisation: the route row shows why.
    stranger = UserFactory()
    response = client.post(
        reverse("documents:create"),
        {
            "sender": str(sender.pk),
            "title": "Чужой подписант",
            "source": "template",
            "template": "generic",
            "body": "Текст",
            "recipients": fund_organisation().inn,
            **route_data(
                [{"order": "1", "organisation": sender.inn, "role": "user",
                  "user_email": stranger.email}]
            ),
        },
    )  # fmt: skip
    assert response.status_code == 422
    assert 'id="id_route-0-user_email_error"' in text_of(response)
    # A sender the user does not act for is not a choice.
    response = client.post(
        reverse("documents:create"),
        {"sender": str(MemberOrganisationFactory().pk), "title": "x", "source": "template",
         "template": "letter", "body": "x", "recipients": fund_organisation().inn,
         **route_data([{"order": "1", "organisation": fund_organisation().inn}])},
    )  # fmt: skip
    assert response.status_code == 422
    assert 'id="id_sender_error"' in text_of(response)
    assert Document.objects.count() == before


# --- My certificates ---------------------------------------------------------------------------


def test_certificates_page_lists_mine_and_revokes_only_mine(client):
    from .pki_helpers import platform_signer

    org, signer = org_with_signatory()
    mine = platform_signer(signer, org).row
    theirs = platform_signer(UserFactory()).row
    client_for(client, signer)
    response = client.get(reverse("documents:certificates"))
    assert response.status_code == 200
    page = text_of(response)
    assert mine.serial_hex in page and theirs.serial_hex not in page
    assert "/api/v1/certificates/enrol/prepare" in page
    assert "data-signing-fallback" in page
    response = client.post(
        reverse("documents:certificate_revoke", args=[theirs.serial_hex]), {"reason": "superseded"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("documents:certificate_revoke", args=[mine.serial_hex]), {"reason": "nonsense"}
    )
    assert response.status_code == 422
    mine.refresh_from_db()
    assert mine.revoked_at is None
    response = client.post(
        reverse("documents:certificate_revoke", args=[mine.serial_hex]), {"reason": "superseded"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_the_signing_widget_offers_only_valid_certificates(client, member):
    from .pki_helpers import platform_signer

    org, signer, document = member
    valid = platform_signer(signer, org).row
    revoked = platform_signer(signer, org).row
    from innocluster.pki import ca

    ca.revoke_certificate(revoked.serial_hex, reason="superseded")
    page = text_of(client_for(client, signer).get(reverse("documents:detail", args=[document.pk])))
    options = re.findall(r'<option value="([0-9a-f]+)"', page)
    assert valid.serial_hex in options and revoked.serial_hex not in options


def test_the_navigation_links_to_documents_for_signed_in_users(client):
    assert reverse("documents:inbox") not in text_of(client.get("/"))
    client.force_login(UserFactory())
    assert reverse("documents:inbox") in text_of(client.get(reverse("accounts:me")))


def test_recipients_are_only_organisations_the_sender_may_see(client):
    from tests.registry.factories import OrganisationFactory

    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    applicant = OrganisationFactory()  # not in the public registry
    data = {
        "sender": str(sender.pk),
        "title": "Письмо заявителю",
        "source": "template",
        "template": "letter",
        "body": "Текст",
        "recipients": applicant.inn,
        **route_data([{"order": "1", "organisation": sender.inn, "role": "signatory"}]),
    }
    response = client_for(client, editor).post(reverse("documents:create"), data)
    assert response.status_code == 422
    assert 'id="id_recipients_error"' in text_of(response)
    assert not Document.objects.filter(title="Письмо заявителю").exists()


def test_an_operator_sends_a_notice_from_the_fund(client):
    member_org, member_signer = org_with_signatory()
    operator = FundOperatorFactory()
    client_for(client, operator)
    page = text_of(client.get(reverse("documents:create")))
    assert f'value="{fund_organisation().pk}"' in page
    data = {
        "sender": str(fund_organisation().pk),
        "title": "Уведомление о проверке отчёта",
        "source": "template",
        "template": "notice",
        "body": "Отчёт принят к проверке.",
        "recipients": member_org.inn,
        **route_data([{"order": "1", "organisation": member_org.inn, "role": "user",
                       "user_email": member_signer.email}]),
    }  # fmt: skip
    response = client.post(reverse("documents:create"), data)
    assert response.status_code == 302, text_of(response)[:3000]
    document = Document.objects.get(title="Уведомление о проверке отчёта")
    assert (document.sender, document.doc_type) == (fund_organisation(), "notice")
    assert document.steps.get().user == member_signer
    # It is in the member's inbox, waiting for that person.
    client.force_login(member_signer)
    assert document.registration_number in text_of(client.get(reverse("documents:inbox")))


def test_in_flight_query_count_stays_flat(client, django_assert_max_num_queries):
    org = MemberOrganisationFactory()
    sent([(org, 1)])
    client_for(client, FundOperatorFactory())
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("documents:in_flight"))
    for _ in range(15):
        sent([(org, 1), (MemberOrganisationFactory(), 1)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("documents:in_flight"))


def test_a_draft_is_not_in_the_recipients_inbox(client):
    org, signer = org_with_signatory()
    unsent = draft(parties=[org], title="Черновик")
    page = text_of(client_for(client, signer).get(reverse("documents:inbox")))
    assert unsent.registration_number not in page


def test_new_document_is_offered_only_to_people_who_may_send(client, member):
    org, signer, document = member
    create_url = reverse("documents:create")
    assert create_url in text_of(client_for(client, signer).get(reverse("documents:inbox")))
    viewer = person(org, "viewer")
    client.force_login(viewer)
    assert create_url not in text_of(client.get(reverse("documents:inbox")))
