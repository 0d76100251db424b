"""Drafting an application: the consortium by INN, the sections saved whole against the version
the editor loaded, attachments; every refusal names the field and changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.documents import storage
from innocluster.programmes import services
from innocluster.programmes.models import Application, ConsortiumMember
from tests.programmes.factories import (
    GOOD_ANSWERS,
    GOOD_KPIS,
    Team,
    confirm_partners_directly,
    fill_in,
    good_budget,
    good_milestones,
    person,
    state_of,
)
from tests.registry.factories import (
    MemberOrganisationFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return Team()


@pytest.fixture
def draft(team):
    return team.new_application()


def fields_of(exc) -> dict:
    return {e.field: e for e in exc.value.errors}


# ---------------------------------------------------------------------------- drafting


def test_create_application_makes_the_lead_its_confirmed_member(team):
    application = team.new_application()
    assert application.state == "draft" and application.version == 1
    lead = application.members.get()
    assert (lead.organisation_id, lead.role, lead.status) == (team.lead.pk, "lead", "confirmed")
    event = AuditEvent.objects.get(action="application.created")
    assert event.object_id == str(application.pk)


def test_create_application_refuses_a_call_that_is_not_open(team):
    team.call.published_at = None
    team.call.save()
    with pytest.raises(Conflict) as refused:
        team.new_application()
    assert refused.value.code == "call_not_open"
    assert not Application.objects.exists()


def test_create_application_checks_its_details(team):
    with pytest.raises(ValidationFailed) as refused:
        services.create_application(
            team.call,
            team.lead,
            actor=team.editor,
            title="  ",
            priority_area="energy",
            innovation_type="alchemy",
        )
    assert set(fields_of(refused)) == {"title", "priority_area", "innovation_type"}
    assert not Application.objects.exists()


def test_a_viewer_may_not_draft(team):
    viewer = person(team.lead, "viewer")
    with pytest.raises(NotPermitted):
        services.create_application(team.call, team.lead, actor=viewer, title="Проект")


# ---------------------------------------------------------------------------- consortium


def test_invite_a_partner_by_inn(team, draft):
    member = services.invite_partner(draft, f" {team.partner.inn} ", actor=team.editor)
    assert (member.organisation_id, member.role, member.status) == (
        team.partner.pk,
        "partner",
        "invited",
    )
    assert AuditEvent.objects.filter(action="application.partner_invited").count() == 1


@pytest.mark.parametrize(
    "inn, code",
    [
        ("", "required"),
        ("77-0a", "invalid_inn"),
        ("12345", "invalid_inn"),
        ("7707083893", None),  # a valid INN nobody in the test registry holds
        ("7707083894", "invalid_inn"),  # wrong check digit
    ],
)
def test_invite_refuses_a_bad_or_unknown_inn(team, draft, inn, code):
    before = state_of(draft)
    with pytest.raises(ValidationFailed) as refused, translation.override("en"):
        services.invite_partner(draft, inn, actor=team.editor)
    error = fields_of(refused)["inn"]
    assert error.code == (code or "not_in_registry")
    if code is None:
        assert "registry" in error.message
    assert state_of(draft) == before


def test_a_partner_that_is_neither_a_member_nor_a_partner_organisation(team, draft):
    for status in ("applicant", "suspended", "withdrawn"):
        outsider = OrganisationFactory(status=status)
        before = state_of(draft)
        with pytest.raises(ValidationFailed) as refused, translation.override("en"):
            services.invite_partner(draft, outsider.inn, actor=team.editor)
        error = fields_of(refused)["inn"]
        assert error.code == "not_admitted"
        assert "neither a member nor a partner organisation" in error.message
        assert state_of(draft) == before


def test_no_duplicates_and_no_more_than_the_call_allows(team, draft):
    services.invite_partner(draft, team.partner.inn, actor=team.editor)
    with pytest.raises(Conflict) as refused:
        services.invite_partner(draft, team.partner.inn, actor=team.editor)
    assert refused.value.code == "already_member"
    with pytest.raises(Conflict) as refused:
        services.invite_partner(draft, team.lead.inn, actor=team.editor)
    assert refused.value.code == "already_member"
    services.invite_partner(draft, MemberOrganisationFactory().inn, actor=team.editor)
    before = state_of(draft)
    with pytest.raises(Conflict) as refused:
        services.invite_partner(draft, PartnerOrganisationFactory().inn, actor=team.editor)
    assert refused.value.code == "consortium_full"
    assert "3" in str(refused.value.message)
    assert state_of(draft) == before


def test_a_declined_partner_may_be_invited_again(team, draft):
    member = services.invite_partner(draft, team.partner.inn, actor=team.editor)
    services.decline_participation(member, actor=team.partner_signatory, reason="Позже")
    again = services.invite_partner(draft, team.partner.inn, actor=team.editor)
    assert again.pk == member.pk and again.status == "invited" and again.decline_reason == ""


def test_only_the_partner_declines_and_with_a_reason(team, draft):
    member = services.invite_partner(draft, team.partner.inn, actor=team.editor)
    with pytest.raises(NotPermitted):
        services.decline_participation(member, actor=team.editor, reason="Не хотим")
    with pytest.raises(ValidationFailed) as refused:
        services.decline_participation(member, actor=team.partner_signatory, reason=" ")
    assert "reason" in fields_of(refused)
    member.refresh_from_db()
    assert member.status == "invited"
    lead_member = draft.members.get(role="lead")
    with pytest.raises(NotPermitted):
        services.decline_participation(lead_member, actor=team.partner_signatory, reason="x")


def test_consent_is_sent_once_and_only_to_partners(team, draft):
    member = services.invite_partner(draft, team.partner.inn, actor=team.editor)
    document = services.send_consent(member, actor=team.editor)
    assert document.title.startswith("Consent") or document.title.startswith("Согласие")
    with pytest.raises(Conflict) as refused:
        services.send_consent(member, actor=team.editor)
    assert refused.value.code == "consent_already_sent"
    with pytest.raises(Conflict) as refused:
        services.send_consent(draft.members.get(role="lead"), actor=team.editor)
    assert refused.value.code == "not_a_partner"
    with pytest.raises(NotPermitted):
        services.send_consent(member, actor=team.partner_signatory)


def test_a_superseded_consent_confirms_nobody(team, draft):
    member = services.invite_partner(draft, team.partner.inn, actor=team.editor)
    old = services.send_consent(member, actor=team.editor)
    services.decline_participation(member, actor=team.partner_signatory, reason="Позже")
    services.invite_partner(draft, team.partner.inn, actor=team.editor)
    services.consent_signed(old, str(member.pk))
    member.refresh_from_db()
    assert member.status == "invited"


# ---------------------------------------------------------------------------- sections


def test_save_budget_replaces_the_set_and_bumps_the_version(team, draft):
    services.save_budget(draft, good_budget(), actor=team.editor, expected_version=1)
    assert draft.version == 2
    assert draft.budget_lines.count() == 2
    services.save_budget(draft, good_budget()[:1], actor=team.editor, expected_version=2)
    assert draft.budget_lines.count() == 1
    assert Application.objects.get(pk=draft.pk).version == 3
    event = AuditEvent.objects.filter(action="application.budget_saved").latest("id")
    assert event.before["lines"] == 2 and event.after["lines"] == 1


def test_save_budget_names_each_bad_value(team, draft):
    year = timezone.localdate().year
    lines = [
        {"category": "salaries", "year": year, "grant_rub": "100", "cofinancing_rub": "0"},
        {"category": "magic", "year": year, "grant_rub": "100", "cofinancing_rub": "0"},
        {"category": "equipment", "year": "soon", "grant_rub": "-5", "cofinancing_rub": "1.234"},
        {"category": "salaries", "year": year, "grant_rub": "abc", "cofinancing_rub": None},
    ]
    before = state_of(draft)
    with pytest.raises(ValidationFailed) as refused:
        services.save_budget(draft, lines, actor=team.editor, expected_version=1)
    errors = fields_of(refused)
    assert errors["budget[1].category"].code == "invalid_choice"
    assert errors["budget[2].year"].code == "invalid"
    assert errors["budget[2].grant_rub"].code == "negative"
    assert errors["budget[2].cofinancing_rub"].code == "invalid"
    assert errors["budget[3].grant_rub"].code == "type"
    assert errors["budget[3].cofinancing_rub"].code == "type"
    assert errors["budget[3]"].code == "duplicate"
    assert state_of(draft) == before
    assert draft.version == 1
    with pytest.raises(ValidationFailed):
        services.save_budget(draft, "lines", actor=team.editor, expected_version=1)
    with pytest.raises(ValidationFailed):
        services.save_budget(draft, [1, 2], actor=team.editor, expected_version=1)


def test_save_milestones_refuses_bad_dates(team, draft):
    items = good_milestones() + [
        {"title": "", "due_on": "2026-02-30", "tranche_rub": "1"},
        {"title": "Итог", "due_on": "завтра", "tranche_rub": "-1"},
    ]
    before = state_of(draft)
    with pytest.raises(ValidationFailed) as refused:
        services.save_milestones(draft, items, actor=team.editor, expected_version=1)
    errors = fields_of(refused)
    assert errors["milestones[2].title"].code == "required"
    assert errors["milestones[2].due_on"].code == "invalid_date"
    assert errors["milestones[3].due_on"].code == "invalid_date"
    assert errors["milestones[3].tranche_rub"].code == "negative"
    assert state_of(draft) == before
    services.save_milestones(draft, good_milestones(), actor=team.editor, expected_version=1)
    assert list(draft.milestones.values_list("number", flat=True)) == [1, 2]


def test_save_kpi_targets_refuses_unknown_and_negative(team, draft):
    before = state_of(draft)
    with pytest.raises(ValidationFailed) as refused:
        services.save_kpi_targets(
            draft,
            [{"kpi": "happiness", "target": 1}, {"kpi": "jobs", "target": -3}, {"kpi": "jobs"}],
            actor=team.editor,
            expected_version=1,
        )
    errors = fields_of(refused)
    assert errors["kpi[0].kpi"].code == "invalid_choice"
    assert errors["kpi[1].target"].code == "negative"
    assert errors["kpi[2].kpi"].code == "duplicate"
    assert errors["kpi[2].target"].code == "type"
    assert state_of(draft) == before
    services.save_kpi_targets(draft, GOOD_KPIS, actor=team.editor, expected_version=1)
    assert draft.kpi_targets.count() == 2


def test_save_answers_checks_types_but_lets_a_draft_be_incomplete(team, draft):
    services.save_answers(draft, {"trl": 3}, actor=team.editor, expected_version=1)
    assert Application.objects.get(pk=draft.pk).answers == {"trl": 3}
    before = state_of(draft)
    with pytest.raises(ValidationFailed) as refused:
        services.save_answers(
            draft,
            {"trl": 12, "market": "b2c", "colour": "red"},
            actor=team.editor,
            expected_version=2,
        )
    assert set(fields_of(refused)) == {"answers.trl", "answers.market", "answers.colour"}
    assert state_of(draft) == before
    services.save_answers(draft, GOOD_ANSWERS, actor=team.editor, expected_version=2)


def test_two_editors_with_the_same_version(team, draft):
    """Both load version 1; the first saves; the second is told to reload, and the first's data
    is kept."""
    second_editor = person(team.lead, "owner")
    mine = Application.objects.get(pk=draft.pk)
    theirs = Application.objects.get(pk=draft.pk)
    services.save_budget(mine, good_budget(), actor=team.editor, expected_version=mine.version)
    kept = state_of(draft)
    other_lines = [
        {"category": "testing", "year": timezone.localdate().year, "grant_rub": "1"},
    ]
    with pytest.raises(Conflict) as refused, translation.override("en"):
        services.save_budget(
            theirs, other_lines, actor=second_editor, expected_version=theirs.version
        )
    assert refused.value.code == "stale_version"
    assert "changed by someone else meanwhile" in str(refused.value.message)
    assert "reload" in str(refused.value.message)
    assert refused.value.extra == {"version": 2}
    assert state_of(draft) == kept
    assert sorted(draft.budget_lines.values_list("category", flat=True)) == [
        "equipment",
        "salaries",
    ]
    # Every section is guarded the same way.
    for save, value in [
        (services.save_milestones, good_milestones()),
        (services.save_kpi_targets, GOOD_KPIS),
        (services.save_answers, GOOD_ANSWERS),
    ]:
        with pytest.raises(Conflict) as refused:
            save(theirs, value, actor=second_editor, expected_version=1)
        assert refused.value.code == "stale_version"
    assert state_of(draft) == kept


def test_sections_are_fixed_once_submitted(team):
    application = fill_in(team, team.new_application())
    confirm_partners_directly(application)
    services.move(application, "submit", actor=team.signatory)
    before = state_of(application)
    with pytest.raises(Conflict) as refused:
        services.save_budget(
            application, good_budget(), actor=team.editor, expected_version=application.version
        )
    assert refused.value.code == "not_editable"
    with pytest.raises(Conflict):
        services.invite_partner(application, MemberOrganisationFactory().inn, actor=team.editor)
    with pytest.raises(Conflict):
        services.add_attachment(application, "", "a.txt", b"x", actor=team.editor)
    assert state_of(application) == before


def test_people_of_a_partner_may_not_edit(team, draft):
    with pytest.raises(NotPermitted):
        services.save_budget(draft, good_budget(), actor=team.partner_signatory, expected_version=1)


# ---------------------------------------------------------------------------- attachments


def test_attachments_are_stored_content_addressed(team, draft):
    attachment = services.add_attachment(
        draft, "charter", "Устав.pdf", b"%PDF-1.4 charter", actor=team.editor
    )
    assert attachment.media_type == "application/pdf" and attachment.size == 16
    assert storage.get(attachment.sha256) == b"%PDF-1.4 charter"
    replacement = services.add_attachment(
        draft, "charter", "Устав-2.pdf", b"%PDF-1.4 v2", actor=team.editor
    )
    assert list(draft.attachments.values_list("pk", flat=True)) == [replacement.pk]
    services.add_attachment(draft, "", "letter.txt", b"support", actor=team.editor)
    assert draft.attachments.count() == 2


def test_attachment_refusals(team, draft, settings):
    settings.DOCUMENT_MAX_BYTES = 10
    before = state_of(draft)
    with pytest.raises(ValidationFailed) as refused:
        services.add_attachment(draft, "passport", "../x.pdf", b"", actor=team.editor)
    assert set(fields_of(refused)) == {"required_document", "filename", "content"}
    with pytest.raises(ValidationFailed) as refused:
        services.add_attachment(draft, "charter", "big.pdf", b"x" * 11, actor=team.editor)
    assert fields_of(refused)["content"].code == "too_large"
    assert state_of(draft) == before


def test_members_are_unique_per_application(team, draft):
    services.invite_partner(draft, team.partner.inn, actor=team.editor)
    assert ConsortiumMember.objects.filter(application=draft).count() == 2
