"""The Fund operators' back office: access, the queue, decisions one by one and in bulk, member
search and export, status changes and history."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from innocluster.core.errors import Conflict
from innocluster.core.models import AuditEvent
from innocluster.documents.fund import fund_organisation
from innocluster.documents.models import Document
from innocluster.registry import backoffice_views, services
from innocluster.registry.checks import make_check
from innocluster.registry.models import MembershipApplication, Organisation
from tests.accounts.factories import (
    AdministratorFactory,
    ExpertFactory,
    FundOperatorFactory,
    UserFactory,
)
from tests.registry.factories import (
    MemberOrganisationFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
)

pytestmark = pytest.mark.django_db

CHECKS = [
    make_check("identifiers_valid", "ok", True),
    make_check("contact_confirmed", "unconfirmed", None),
]


def pending(**org_fields) -> MembershipApplication:
    """An applicant organisation whose application waits for an operator (named in Russian
    only when a Russian name is given, so the English pages show that name too)."""
    if "name_ru" in org_fields:
        org_fields.setdefault("name_en", "")
    org = OrganisationFactory(**org_fields)
    return MembershipApplication.objects.create(
        organisation=org,
        applicant=UserFactory(),
        status="pending_review",
        checks=CHECKS,
        review_reason="The applicant has not confirmed the e-mail address.",
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every pending() makes a user; PBKDF2 would spend most of this file's time hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client, operator):
    """An operator's browser, in English so the assertions can read the messages."""
    client.force_login(operator)
    client.cookies["ic_lang"] = "en"
    return client


def get_urls(application, org) -> list[str]:
    return [
        reverse("backoffice:queue"),
        reverse("backoffice:application", args=[application.pk]),
        reverse("backoffice:members"),
        reverse("backoffice:members_export"),
        reverse("backoffice:organisation", args=[org.pk]),
    ]


def post_urls(application, org) -> list[str]:
    return [
        reverse("backoffice:decide", args=[application.pk]),
        reverse("backoffice:bulk"),
        reverse("backoffice:change_status", args=[org.pk]),
    ]


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "owner", "expert"])
def test_everyone_but_fund_staff_gets_404_everywhere(client, who):
    application = pending()
    org = MemberOrganisationFactory()
    if who == "owner":  # even the owner of the organisation in question
        user = OrganisationRoleFactory(organisation=org).user
    else:
        user = ExpertFactory() if who == "expert" else UserFactory()
    client.force_login(user)
    for url in get_urls(application, org):
        assert client.get(url).status_code == 404, url
    for url in post_urls(application, org):
        assert (
            client.post(
                url, {"decision": "approve", "action": "suspend", "reason": "x"}
            ).status_code
            == 404
        ), url
    application.refresh_from_db()
    org.refresh_from_db()
    assert application.status == "pending_review" and org.status == "member"


def test_anonymous_is_sent_to_sign_in(client):
    application, org = pending(), MemberOrganisationFactory()
    login = reverse("accounts:login")
    for url in get_urls(application, org) + post_urls(application, org):
        response = client.get(url) if url in get_urls(application, org) else client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login + "?next="), url


def test_administrators_are_fund_staff_too(client):
    client.force_login(AdministratorFactory())
    assert client.get(reverse("backoffice:queue")).status_code == 200


def test_back_office_speaks_russian_by_default(client, operator):
    client.force_login(operator)
    pending()
    html = client.get(reverse("backoffice:queue")).content.decode()
    assert '<html lang="ru"' in html
    # The checks are shown in the reader's language, not as stored.
    assert "Электронная почта заявителя ещё не подтверждена." in html
    assert "e-mail is not confirmed yet." not in html


def test_back_office_pages_are_not_cached(staff_client):
    response = staff_client.get(reverse("backoffice:queue"))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# --- The queue ---------------------------------------------------------------------------------


def test_operator_sees_the_waiting_applications_with_checks_and_reason(staff_client):
    waiting = pending(name_ru="ООО «Ждёт решения»")
    approved = pending(name_ru="ООО «Уже принято»")
    MembershipApplication.objects.filter(pk=approved.pk).update(status="approved")
    response = staff_client.get(reverse("backoffice:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ООО «Ждёт решения»" in html and "ООО «Уже принято»" not in html
    assert "The applicant has not confirmed the e-mail address." in html
    assert "applicant&#x27;s e-mail is not confirmed yet." in html
    assert reverse("backoffice:application", args=[waiting.pk]) in html
    assert '<th scope="col">' in html and "<caption>" in html
    # An empty status means every status.
    html = staff_client.get(reverse("backoffice:queue"), {"status": ""}).content.decode()
    assert "ООО «Уже принято»" in html


def test_queue_filters(staff_client):
    kazan = pending(name_ru="ООО «Казань Софт»", region_id="RU-TA", kind="startup")
    moscow = pending(name_ru="АО «Московский завод»", kind="corporation")
    old = pending(name_ru="ООО «Давнее»")
    MembershipApplication.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )

    def names(**params) -> set[str]:
        response = staff_client.get(reverse("backoffice:queue"), params)
        assert response.status_code == 200
        return {a.organisation.name_ru for a in response.context["page_obj"].object_list}

    assert names(region="RU-TA") == {"ООО «Казань Софт»"}
    assert names(kind="corporation") == {"АО «Московский завод»"}
    assert names(q="казань") == {"ООО «Казань Софт»"}
    assert names(q=moscow.organisation.inn) == {"АО «Московский завод»"}
    assert names(legal_form="individual_entrepreneur") == set()
    recent = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert names(submitted_from=recent) == {"ООО «Казань Софт»", "АО «Московский завод»"}
    assert names(submitted_to=recent) == {"ООО «Давнее»"}
    assert kazan.organisation.name_ru in names()


def test_bad_filter_is_a_clear_error(staff_client):
    response = staff_client.get(
        reverse("backoffice:queue"),
        {"submitted_from": "2026-05-10", "submitted_to": "2026-05-01", "kind": "spaceship"},
    )
    assert response.status_code == 400
    form = response.context["filter_form"]
    assert set(form.errors) == {"submitted_to", "kind"}
    assert 'id="id_kind_error"' in response.content.decode()


def test_queue_is_paginated(staff_client):
    for _ in range(backoffice_views.PAGE_SIZE + 3):
        pending()
    first = staff_client.get(reverse("backoffice:queue"))
    assert len(first.context["page_obj"].object_list) == backoffice_views.PAGE_SIZE
    second = staff_client.get(reverse("backoffice:queue"), {"page": 2, "status": "pending_review"})
    assert len(second.context["page_obj"].object_list) == 3


# --- Decisions one by one ----------------------------------------------------------------------


def test_detail_shows_checks_and_reason(staff_client):
    application = pending(name_ru="ООО «Деталь»", contact_email="boss@detail.example")
    response = staff_client.get(reverse("backoffice:application", args=[application.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ООО «Деталь»" in html and "applicant&#x27;s e-mail is not confirmed yet." in html
    assert "The applicant has not confirmed the e-mail address." in html
    assert 'name="decision" value="approve"' in html and 'name="decision" value="reject"' in html
    assert '<label for="id_reason">' in html


def test_approve_from_the_page(staff_client, operator):
    application = pending()
    response = staff_client.post(
        reverse("backoffice:decide", args=[application.pk]),
        {"decision": "approve", "reason": "Director confirmed by phone"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:queue")
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by == operator
    assert application.organisation.status == "member"
    assert application.organisation.member_number
    assert "approved" in staff_client.get(response["Location"]).content.decode()


def test_reject_without_reason_names_the_field_and_changes_nothing(staff_client):
    application = pending()
    events = AuditEvent.objects.count()
    response = staff_client.post(
        reverse("backoffice:decide", args=[application.pk]), {"decision": "reject", "reason": " "}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["reason"] == ["Give the reason for the rejection."]
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert 'aria-describedby="id_reason_help id_reason_error"' in html
    assert 'aria-invalid="true"' in html
    application.refresh_from_db()
    assert application.status == "pending_review"
    assert application.organisation.status == "applicant"
    assert AuditEvent.objects.count() == events


def test_reject_with_reason(staff_client):
    application = pending()
    staff_client.post(
        reverse("backoffice:decide", args=[application.pk]),
        {"decision": "reject", "reason": "Not a real organisation"},
    )
    application.refresh_from_db()
    assert application.status == "rejected"
    assert application.decision_reason == "Not a real organisation"
    assert application.organisation.status == "withdrawn"


def test_deciding_twice_is_refused_clearly(staff_client):
    application = pending()
    url = reverse("backoffice:decide", args=[application.pk])
    staff_client.post(url, {"decision": "approve"})
    response = staff_client.post(url, {"decision": "reject", "reason": "too late"}, follow=True)
    assert "Only a waiting application can be rejected." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "approved"


def test_unknown_application_is_404(staff_client):
    assert (
        staff_client.get(
            reverse("backoffice:application", args=["00000000-0000-7000-8000-000000000000"])
        ).status_code
        == 404
    )


# --- Bulk decisions ----------------------------------------------------------------------------


def bulk(client, decision="approve", reason="", **filters):
    data = {"status": "pending_review", **filters, "decision": decision, "reason": reason}
    return client.post(reverse("backoffice:bulk"), data)


def confirm(client, response):
    """Press the confirmation step's button: post back exactly what the page carries."""
    assert response.status_code == 200
    data = {"confirm": "on", "expected": response.context["waiting"]}
    data.update(response.context["filter_params"])
    data.update(decision=response.context["decision"], reason=response.context["reason"])
    return client.post(reverse("backoffice:bulk"), data)


def test_bulk_approve_applies_to_every_result_beyond_the_first_page(
    staff_client, django_capture_on_commit_callbacks
):
    for _ in range(30):
        pending()
    queue = staff_client.get(reverse("backoffice:queue"))
    assert len(queue.context["page_obj"].object_list) == 25
    assert queue.context["waiting"] == 30
    step1 = bulk(staff_client, "approve", "Checked in bulk")
    assert "You are about to approve 30 applications waiting for review." in step1.content.decode()
    assert MembershipApplication.objects.filter(status="pending_review").count() == 30
    with django_capture_on_commit_callbacks(execute=True) as queued:
        step2 = confirm(staff_client, step1)
    assert step2.status_code == 200
    assert step2.context["result"].decided == 30
    # Each admission queues its accession agreement for the worker (the tests' task backend runs
    # it at once): the operator's request does not wait for 30 PDFs.
    assert len(queued) >= 30
    assert "30 applications approved." in step2.content.decode()
    assert MembershipApplication.objects.filter(status="approved").count() == 30
    # Every organisation but the Fund, which the admissions made a party of their accession
    # agreements (documents.fund: it runs the cluster and stays outside the membership workflow).
    applicants = Organisation.objects.exclude(pk=fund_organisation().pk)
    assert set(applicants.values_list("status", flat=True)) == {"member"}
    assert Document.objects.filter(doc_type="accession_agreement").count() == 30


def test_bulk_decision_follows_the_filter(staff_client):
    for _ in range(3):
        pending(region_id="RU-TA")
    for _ in range(2):
        pending()
    step2 = confirm(staff_client, bulk(staff_client, "reject", "Out of scope", region="RU-TA"))
    assert step2.context["result"].decided == 3
    assert set(
        MembershipApplication.objects.filter(organisation__region_id="RU-TA").values_list(
            "status", flat=True
        )
    ) == {"rejected"}
    assert MembershipApplication.objects.filter(status="pending_review").count() == 2


def test_bulk_reject_without_reason_names_the_field_and_changes_nothing(staff_client):
    for _ in range(2):
        pending()
    response = bulk(staff_client, "reject", "")
    assert response.status_code == 422
    assert "reason" in response.context["bulk_form"].errors
    assert 'id="id_reason_error"' in response.content.decode()
    # Even a forged confirmation does not get past the service.
    forged = staff_client.post(
        reverse("backoffice:bulk"),
        {"status": "pending_review", "decision": "reject", "confirm": "on", "expected": 2},
    )
    assert forged.status_code == 422
    assert MembershipApplication.objects.filter(status="pending_review").count() == 2


def test_bulk_asks_again_when_the_number_changed(staff_client):
    pending()
    step1 = bulk(staff_client, "approve")
    pending()  # a new application arrives before the operator confirms
    again = confirm(staff_client, step1)
    assert again.status_code == 200 and "result" not in again.context
    assert "changed from 1 to 2" in again.content.decode()
    assert MembershipApplication.objects.filter(status="pending_review").count() == 2
    assert confirm(staff_client, again).context["result"].decided == 2


def test_bulk_shows_what_was_skipped_and_why(staff_client, monkeypatch):
    stuck = pending(name_ru="ООО «Застряло»")
    for _ in range(2):
        pending()
    real = services.approve_application

    def approve(actor, application, reason="", **options):
        if application.pk == stuck.pk:
            raise Conflict("Someone decided it meanwhile.")
        return real(actor, application, reason, **options)

    monkeypatch.setattr(services, "approve_application", approve)
    result = confirm(staff_client, bulk(staff_client, "approve"))
    assert result.context["result"].decided == 2
    html = result.content.decode()
    assert "ООО «Застряло»" in html and "Someone decided it meanwhile." in html


def test_bulk_with_nothing_to_decide(staff_client):
    response = bulk(staff_client, "approve", region="RU-TA")
    assert response.status_code == 200 and response.context["waiting"] == 0
    assert 'name="confirm"' not in response.content.decode()


# --- Member search and export ------------------------------------------------------------------


@pytest.fixture
def organisations(db):
    return {
        "member": MemberOrganisationFactory(
            name_ru="ООО «Член кластера»", contact_email="member@private.example"
        ),
        "applicant": OrganisationFactory(name_ru="ООО «Заявитель»"),
        "withdrawn": MemberOrganisationFactory(name_ru="ООО «Вышедший»", status="withdrawn"),
        "kazan": MemberOrganisationFactory(
            name_ru="ООО «Казанский партнёр»", status="partner", region_id="RU-TA"
        ),
    }


def test_member_search_covers_every_status(staff_client, organisations):
    response = staff_client.get(reverse("backoffice:members"))
    assert response.status_code == 200
    names = {o.name_ru for o in response.context["page_obj"].object_list}
    assert names == {o.name_ru for o in organisations.values()}
    html = response.content.decode()
    member = organisations["member"]
    assert reverse("registry:detail", args=[member.pk]) in html
    assert reverse("backoffice:organisation", args=[member.pk]) in html


def test_member_search_filters(staff_client, organisations):
    def names(**params):
        response = staff_client.get(reverse("backoffice:members"), params)
        assert response.status_code == 200
        return {o.name_ru for o in response.context["page_obj"].object_list}

    assert names(status="withdrawn") == {"ООО «Вышедший»"}
    assert names(status="applicant") == {"ООО «Заявитель»"}
    assert names(region="RU-TA") == {"ООО «Казанский партнёр»"}
    assert names(q="казанский") == {"ООО «Казанский партнёр»"}


def test_member_search_bad_parameter(staff_client):
    response = staff_client.get(reverse("backoffice:members"), {"status": "bogus"})
    assert response.status_code == 400
    assert "status" in response.context["form"].errors


def test_member_search_is_paginated_and_keeps_the_filter(staff_client):
    MemberOrganisationFactory.create_batch(backoffice_views.PAGE_SIZE + 2, kind="startup")
    response = staff_client.get(reverse("backoffice:members"), {"kind": "startup"})
    assert response.context["page_obj"].paginator.count == backoffice_views.PAGE_SIZE + 2
    assert "?kind=startup&amp;page=2" in response.content.decode()


def test_member_export_streams_the_search_result_with_contacts(staff_client, organisations):
    response = staff_client.get(reverse("backoffice:members_export"), {"status": "member"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert [r["name_ru"] for r in rows] == ["ООО «Член кластера»"]
    assert rows[0]["contact_email"] == "member@private.example"
    everything = staff_client.get(reverse("backoffice:members_export"))
    text = b"".join(everything.streaming_content).decode()
    assert "ООО «Заявитель»" in text and "ООО «Вышедший»" in text
    downloads = AuditEvent.objects.filter(action="export.members_with_contacts").order_by(
        "occurred_at"
    )
    assert [e.after for e in downloads] == [{"status": "member"}, {}]


def test_member_search_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    MemberOrganisationFactory.create_batch(3)
    with django_assert_max_num_queries(8) as small:
        staff_client.get(reverse("backoffice:members"))
    MemberOrganisationFactory.create_batch(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(reverse("backoffice:members"))


def test_queue_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    pending()
    with django_assert_max_num_queries(10) as small:
        staff_client.get(reverse("backoffice:queue"))
    for _ in range(20):
        pending()
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(reverse("backoffice:queue"))


# --- Status changes and history ----------------------------------------------------------------


def test_suspend_with_reason_is_in_the_history(staff_client, operator):
    org = MemberOrganisationFactory(name_ru="ООО «Должник»")
    url = reverse("backoffice:change_status", args=[org.pk])
    response = staff_client.post(url, {"action": "suspend", "reason": "Reports overdue"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == "suspended"
    change = org.status_history.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "member",
        "suspended",
        operator,
    )
    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert "Reports overdue" in html and "membership.status_changed" in html
    event, changes = page.context["events"][0]
    assert event.actor_label == operator.email
    assert ("status", "member", "suspended") in changes
    assert [code for code, _label in page.context["form"].fields["action"].choices] == [
        "reinstate",
        "withdraw",
    ]

    staff_client.post(url, {"action": "reinstate", "reason": "Reports delivered"})
    org.refresh_from_db()
    assert org.status == "member"
    assert list(org.status_history.order_by("changed_at").values_list("to_status", flat=True)) == [
        "suspended",
        "member",
    ]


def test_status_change_needs_a_reason(staff_client):
    org = MemberOrganisationFactory()
    response = staff_client.post(
        reverse("backoffice:change_status", args=[org.pk]), {"action": "withdraw", "reason": ""}
    )
    assert response.status_code == 422
    assert "reason" in response.context["form"].errors
    org.refresh_from_db()
    assert org.status == "member" and not org.status_history.exists()


def test_status_action_not_allowed_from_the_current_status(staff_client):
    org = MemberOrganisationFactory()
    response = staff_client.post(
        reverse("backoffice:change_status", args=[org.pk]),
        {"action": "reinstate", "reason": "already a member"},
    )
    assert response.status_code == 422 and "action" in response.context["form"].errors
    org.refresh_from_db()
    assert org.status == "member"


def test_history_page_of_an_application_shows_the_audit_trail(staff_client, operator):
    application = pending(name_ru="ООО «История»")
    services.approve_application(operator, application, "Looks fine")
    org = application.organisation
    page = staff_client.get(reverse("backoffice:organisation", args=[org.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "membership.admitted" in html and "Looks fine" in html
    assert reverse("backoffice:application", args=[application.pk]) in html
    status_row = page.context["status_history"][0]
    assert (status_row.from_status, status_row.to_status) == ("applicant", "member")


def test_fund_operator_factory_is_staff():
    assert FundOperatorFactory().is_fund_staff
