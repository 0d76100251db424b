"""Submission: the happy path to SUBMITTED with a real signed consent and real submission
documents, and every refusal of the workflow with its clear reason and nothing changed."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone, translation

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.documents import storage
from innocluster.documents.models import Document
from innocluster.documents.services import reject
from innocluster.documents.signing import sign_simple
from innocluster.programmes import services
from innocluster.programmes.checks import submission_problems
from innocluster.programmes.models import Application
from tests.accounts.factories import PASSWORD, FundOperatorFactory
from tests.programmes.factories import (
    Team,
    confirm_partners_directly,
    fill_in,
    person,
    sign_submission,
    state_of,
)
from tests.registry.factories import MemberOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return Team()


@pytest.fixture
def ready(team):
    """An application ready to submit (its partner confirmed directly)."""
    application = fill_in(team, team.new_application())
    confirm_partners_directly(application)
    assert submission_problems(application) == []
    return application


def test_the_whole_path_to_submitted_with_a_signed_consent(
    team, django_capture_on_commit_callbacks
):
    application = fill_in(team, team.new_application())
    partner_member = application.members.get(organisation=team.partner)
    assert partner_member.status == "invited"

    consent = services.send_consent(partner_member, actor=team.editor)
    assert consent.doc_type == "consent" and consent.status == "sent"
    assert consent.registration_number.startswith("CS-")
    assert consent.sender_id == team.lead.pk
    assert set(consent.links.values_list("object_type", flat=True)) == {
        "programmes.application",
        "programmes.consortiummember",
    }
    step = consent.steps.get()
    assert step.organisation_id == team.partner.pk and step.role == "signatory"
    partner_member.refresh_from_db()
    assert partner_member.status == "consent_sent"

    # Not yet confirmed: the guard says so, naming the member.
    problems = submission_problems(application)
    assert [p.code for p in problems] == ["not_confirmed"]
    with pytest.raises(ValidationFailed) as refused:
        services.move(application, "submit", actor=team.signatory)
    assert refused.value.errors[0].field == "members[1]"

    with django_capture_on_commit_callbacks(execute=True):
        sign_simple(consent, team.partner_signatory, password=PASSWORD)
    partner_member.refresh_from_db()
    assert partner_member.status == "confirmed" and partner_member.answered_at is not None
    assert AuditEvent.objects.filter(
        action="application.partner_confirmed", object_id=str(application.pk)
    ).exists()

    assert submission_problems(application) == []
    services.move(application, "submit", actor=team.signatory)
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.number == f"{team.call.code.upper()}-0001"
    assert application.submitted_at is not None

    pdf = Document.objects.get(pk=application.submission_document_id)
    assert pdf.doc_type == "application" and pdf.status == "sent"
    assert pdf.current_version.media_type == "application/pdf"
    assert storage.get(pdf.current_version.sha256).startswith(b"%PDF-")
    documents = Document.objects.filter(
        links__object_type="programmes.application", links__object_id=str(application.pk)
    )
    data = documents.get(doc_type="application", current_version__media_type="application/json")
    snapshot = json.loads(storage.get(data.current_version.sha256))
    assert snapshot["number"] == application.number
    assert snapshot["totals"] == {"grant_rub": "3000000.00", "cofinancing_rub": "1000000.00"}
    assert [m["role"] for m in snapshot["consortium"]] == ["lead", "partner"]
    assert pdf.steps.get().organisation_id == team.lead.pk

    event = AuditEvent.objects.get(action="application.submit", object_id=str(application.pk))
    assert event.before == {"state": "draft"}
    assert event.after["state"] == "submitted"
    assert event.after["registration_number"] == pdf.registration_number

    # The lead's signatory signs the submission (both the PDF and its data).
    sign_simple(pdf, team.signatory, password=PASSWORD)
    sign_simple(data, team.signatory, password=PASSWORD)
    pdf.refresh_from_db()
    assert pdf.status == "signed"


def test_a_refused_consent_declines_the_partner(team, django_capture_on_commit_callbacks):
    application = fill_in(team, team.new_application())
    member = application.members.get(organisation=team.partner)
    consent = services.send_consent(member, actor=team.editor)
    with django_capture_on_commit_callbacks(execute=True):
        reject(consent, team.partner_signatory, "Не участвуем в этом году")
    member.refresh_from_db()
    assert member.status == "declined"
    assert member.decline_reason == "Не участвуем в этом году"
    event = AuditEvent.objects.get(action="application.partner_declined")
    assert event.actor_id == team.partner_signatory.pk
    assert event.object_id == str(application.pk)
    # The consortium is now one organisation: outside the call's rules.
    codes = {p.code for p in submission_problems(application)}
    assert "consortium_size" in codes


def test_a_submission_after_the_deadline_is_refused_and_nothing_is_stored(team, ready):
    team.call.opens_at = timezone.now() - datetime.timedelta(days=30)
    team.call.deadline = timezone.now() - datetime.timedelta(minutes=1)
    team.call.save()
    before = state_of(ready)
    with pytest.raises(Conflict) as refused, translation.override("en"):
        services.move(ready, "submit", actor=team.signatory)
    assert refused.value.code == "call_closed"
    assert "not open" in str(refused.value.message)
    assert state_of(ready) == before
    assert ready.state == "draft"


def test_a_transition_not_allowed_from_the_current_state(team, ready):
    operator = FundOperatorFactory()
    before = state_of(ready)
    with pytest.raises(Conflict) as refused, translation.override("en"):
        services.move(ready, "pass_screening", actor=operator)
    assert refused.value.code == "invalid_transition"
    assert "cannot be moved" in str(refused.value.message)
    with pytest.raises(Conflict):
        services.move(ready, "no_such_action", actor=operator)
    assert state_of(ready) == before


def test_a_second_submission_is_not_a_transition(team, ready):
    services.move(ready, "submit", actor=team.signatory)
    before = state_of(ready)
    with pytest.raises(Conflict) as refused:
        services.move(ready, "submit", actor=team.signatory)
    assert refused.value.code == "invalid_transition"
    assert state_of(ready) == before


def test_only_the_leads_signatory_submits(team, ready):
    before = state_of(ready)
    with pytest.raises(NotPermitted):
        services.move(ready, "submit", actor=team.editor)
    assert state_of(ready) == before


def test_a_budget_that_does_not_add_up_is_refused_at_submission(team, ready):
    # The tranches (3,000,000) no longer add up to the grant (3,500,000) and the grant exceeds
    # nothing, but co-financing falls to 22 %: still fine. Only the sums are wrong.
    lines = [
        {
            "category": "salaries",
            "year": timezone.localdate().year,
            "grant_rub": "2500000",
            "cofinancing_rub": "1000000",
        },
        {
            "category": "equipment",
            "year": timezone.localdate().year,
            "grant_rub": "1000000",
            "cofinancing_rub": "0",
        },
    ]
    services.save_budget(ready, lines, actor=team.editor, expected_version=ready.version)
    before = state_of(ready)
    with pytest.raises(ValidationFailed) as refused:
        services.move(ready, "submit", actor=team.signatory)
    errors = {e.code: e for e in refused.value.errors}
    assert set(errors) == {"tranches_mismatch"}
    assert errors["tranches_mismatch"].field == "milestones"
    assert "3000000" in errors["tranches_mismatch"].message
    assert "3500000" in errors["tranches_mismatch"].message
    assert state_of(ready) == before


def test_money_rules_of_the_call(team, ready):
    year = timezone.localdate().year
    lines = [
        {"category": "salaries", "year": year, "grant_rub": "12000000", "cofinancing_rub": "0"},
        {"category": "other", "year": year + 5, "grant_rub": "0", "cofinancing_rub": "100"},
    ]
    services.save_budget(ready, lines, actor=team.editor, expected_version=ready.version)
    codes = {(p.field, p.code) for p in submission_problems(ready)}
    assert ("budget", "grant_too_large") in codes
    assert ("budget", "cofinancing_too_low") in codes
    assert ("budget[1].year", "outside_project") in codes
    assert ("milestones", "tranches_mismatch") in codes


def test_a_consortium_outside_the_calls_rules(team, ready):
    # Too few SMEs: the partner grows large; and the lead is no longer a member.
    team.partner.sme_category = "large"
    team.partner.save()
    team.lead.status = "partner"
    team.lead.save()
    before = state_of(ready)
    with pytest.raises(ValidationFailed) as refused:
        services.move(ready, "submit", actor=team.signatory)
    codes = {(e.field, e.code) for e in refused.value.errors}
    assert ("members", "too_few_smes") in codes
    assert ("members[0]", "lead_not_member") in codes
    assert state_of(ready) == before


def test_a_consortium_too_small(team):
    application = fill_in(team, team.new_application())
    member = application.members.get(organisation=team.partner)
    services.decline_participation(
        member, actor=person(team.partner, "owner"), reason="Нет ресурсов"
    )
    problems = {(p.field, p.code): p for p in submission_problems(application)}
    problem = problems[("members", "consortium_size")]
    assert "2" in problem.message and "3" in problem.message and "1" in problem.message


def test_a_member_that_left_the_cluster_is_named(team, ready):
    team.partner.status = "withdrawn"
    team.partner.save()
    codes = {(p.field, p.code) for p in submission_problems(ready)}
    assert ("members[1]", "not_admitted") in codes


def test_incomplete_answers_missing_documents_and_past_milestones(team, ready):
    ready.answers = {"trl": "many"}
    ready.save()
    ready.attachments.all().delete()
    ready.milestones.filter(number=2).update(due_on=timezone.localdate())
    ready.kpi_targets.filter(kpi="jobs").update(target=-1)
    codes = {(p.field, p.code) for p in submission_problems(ready)}
    assert ("answers.summary", "required") in codes
    assert ("answers.trl", "type") in codes
    assert ("attachments.charter", "missing_document") in codes
    assert ("milestones[1].due_on", "in_the_past") in codes
    assert ("milestones[1].due_on", "out_of_order") in codes
    assert ("kpi[0].target", "negative") in codes


def test_area_outside_the_call(team, ready):
    Application.objects.filter(pk=ready.pk).update(priority_area="energy", innovation_type="")
    ready.refresh_from_db()
    codes = {(p.field, p.code) for p in submission_problems(ready)}
    assert ("priority_area", "not_in_call") in codes
    assert ("innovation_type", "required") in codes


def test_revision_and_resubmission(team, ready):
    services.move(ready, "submit", actor=team.signatory)
    operator = FundOperatorFactory()
    # nothing unsigned is screened
    with pytest.raises(Conflict) as unsigned:
        services.move(ready, "start_screening", actor=operator)
    assert unsigned.value.code == "guard_failed"
    assert Application.objects.get(pk=ready.pk).state == "submitted"
    sign_submission(ready, team.signatory)
    services.move(ready, "start_screening", actor=operator)
    before = state_of(ready)
    with pytest.raises(ValidationFailed) as refused:
        services.move(ready, "request_revision", actor=operator)
    assert refused.value.errors[0].field == "reason"
    assert state_of(ready) == before
    services.move(ready, "request_revision", actor=operator, reason="Уточните бюджет")
    assert AuditEvent.objects.get(action="application.request_revision").summary == (
        "Уточните бюджет"
    )
    # Returned: the lead edits again; the deadline no longer matters for the resubmission.
    team.call.deadline = timezone.now() - datetime.timedelta(minutes=1)
    team.call.save()
    services.save_details(
        ready,
        actor=team.editor,
        expected_version=ready.version,
        title="Цифровой двойник линии (уточнено)",
        priority_area="ict",
        innovation_type="technological",
    )
    number = ready.number
    services.move(ready, "resubmit", actor=team.signatory)
    ready.refresh_from_db()
    assert ready.state == "submitted" and ready.number == number
    assert (
        Document.objects.filter(doc_type="application", links__object_id=str(ready.pk)).count() == 4
    )


def test_numbers_are_per_call(team, ready):
    services.move(ready, "submit", actor=team.signatory)
    other_team = Team()
    other = fill_in(other_team, other_team.new_application())
    confirm_partners_directly(other)
    services.move(other, "submit", actor=other_team.signatory)
    second = fill_in(team, team.new_application(title="Второй проект"))
    confirm_partners_directly(second)
    services.move(second, "submit", actor=team.signatory)
    assert other.number.endswith("-0001")
    assert second.number == f"{team.call.code.upper()}-0002"


def test_a_non_member_lead_cannot_start_an_application(team):
    outsider = OrganisationFactory()  # an applicant, not admitted
    editor = person(outsider, "editor")
    with pytest.raises(ValidationFailed) as refused:
        services.create_application(team.call, outsider, actor=editor, title="Проект")
    assert refused.value.errors[0].field == "lead"
    assert not Application.objects.exists()
    # And nobody outside the lead may start one for it.
    with pytest.raises(NotPermitted):
        services.create_application(
            team.call, MemberOrganisationFactory(), actor=team.editor, title="Проект"
        )
