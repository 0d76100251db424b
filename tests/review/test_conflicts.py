"""Conflicts of interest: each rule, one pair at a time and in the batch form for a call."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from innocluster.programmes.choices import ParticipationStatus
from innocluster.registry.models import OrganisationRole
from innocluster.review.conflicts import ConflictIndex, conflicts_for_call, conflicts_of
from tests.review.factories import (
    ConflictDeclarationFactory,
    ExpertFactory,
    MemberOrganisationFactory,
    add_member,
    call_in_review,
    in_review,
    past_application,
    years_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reasons_in_english():
    """The reasons are read here in English (Russian is the default; test_locale checks it)."""
    with translation.override("en"):
        yield


@pytest.fixture
def setting():
    call = call_in_review()
    partner = MemberOrganisationFactory()
    application = in_review(call, partners=[partner])
    return call, application, partner


def test_no_conflict_for_a_stranger(setting):
    _call, application, _partner = setting
    assert conflicts_of(ExpertFactory(), application) == []


def test_affiliated_with_the_lead(setting):
    _call, application, _partner = setting
    expert = ExpertFactory(affiliations=[application.lead])
    reasons = conflicts_of(expert, application)
    assert len(reasons) == 1
    assert "lead applicant" in reasons[0]
    assert application.lead.name in reasons[0]


def test_affiliated_with_a_partner(setting):
    _call, application, partner = setting
    reasons = conflicts_of(ExpertFactory(affiliations=[partner]), application)
    assert len(reasons) == 1
    assert "consortium member" in reasons[0] and partner.name in reasons[0]


def test_a_partner_who_declined_is_no_conflict(setting):
    _call, application, _partner = setting
    gone = MemberOrganisationFactory()
    add_member(application, gone, status=ParticipationStatus.DECLINED)
    assert conflicts_of(ExpertFactory(affiliations=[gone]), application) == []


def test_a_role_in_a_member_is_an_affiliation(setting):
    _call, application, partner = setting
    expert = ExpertFactory()
    OrganisationRole.objects.create(organisation=partner, user=expert.user, role="editor")
    assert len(conflicts_of(expert, application)) == 1


def test_declared_conflict_with_an_organisation(setting):
    _call, application, partner = setting
    declaration = ConflictDeclarationFactory(organisation=partner)
    reasons = conflicts_of(declaration.expert, application)
    assert len(reasons) == 1
    assert "declared" in reasons[0] and declaration.reason in reasons[0]


def test_declared_conflict_with_the_application(setting):
    _call, application, _partner = setting
    declaration = ConflictDeclarationFactory(application=application, reason="")
    other = in_review(_call)
    assert len(conflicts_of(declaration.expert, application)) == 1
    assert conflicts_of(declaration.expert, other) == []


def test_worked_together_within_three_years(setting):
    _call, application, partner = setting
    employer = MemberOrganisationFactory()
    past_application(employer, partner, submitted_at=years_ago(2))
    reasons = conflicts_of(ExpertFactory(affiliations=[employer]), application)
    assert len(reasons) == 1
    assert employer.name in reasons[0] and partner.name in reasons[0]
    assert "3 years" in reasons[0]


def test_worked_together_with_the_lead(setting):
    _call, application, _partner = setting
    employer = MemberOrganisationFactory()
    past_application(application.lead, employer, submitted_at=years_ago(1))
    assert len(conflicts_of(ExpertFactory(affiliations=[employer]), application)) == 1


def test_worked_together_four_years_ago_is_no_conflict(setting):
    _call, application, partner = setting
    employer = MemberOrganisationFactory()
    past_application(employer, partner, submitted_at=years_ago(4))
    assert conflicts_of(ExpertFactory(affiliations=[employer]), application) == []


def test_a_draft_never_submitted_is_no_collaboration(setting):
    _call, application, partner = setting
    employer = MemberOrganisationFactory()
    old = past_application(employer, partner, submitted_at=years_ago(1))
    old.submitted_at = None
    old.save(update_fields=["submitted_at"])
    assert conflicts_of(ExpertFactory(affiliations=[employer]), application) == []


def test_several_conflicts_are_all_named(setting):
    _call, application, partner = setting
    expert = ExpertFactory(affiliations=[application.lead, partner])
    ConflictDeclarationFactory(expert=expert, application=application)
    assert len(conflicts_of(expert, application)) == 3


def test_batch_form_agrees_with_the_pair_form_in_a_few_queries(setting):
    call, application, partner = setting
    other = in_review(call)
    employer = MemberOrganisationFactory()
    past_application(employer, partner, submitted_at=years_ago(2))
    colleague = ExpertFactory(affiliations=[employer])
    lead_side = ExpertFactory(affiliations=[other.lead])
    declared = ConflictDeclarationFactory(organisation=partner).expert
    free = ExpertFactory()
    for _ in range(20):
        in_review(call, partners=[MemberOrganisationFactory()])
    with CaptureQueriesContext(connection) as queries:
        index = conflicts_for_call(call)
    assert len(queries) <= 8
    assert index.conflicted_experts(application.pk) == {colleague.pk, declared.pk}
    assert index.conflicted_experts(other.pk) == {lead_side.pk}
    for expert in (colleague, lead_side, declared, free):
        for app in (application, other):
            assert bool(index.reasons(expert.pk, app.pk)) == bool(conflicts_of(expert, app))
            assert index.is_conflicted(expert.pk, app.pk) == bool(conflicts_of(expert, app))


def test_batch_form_only_for_the_experts_asked(setting):
    _call, application, _partner = setting
    inside = ExpertFactory(affiliations=[application.lead])
    outside = ExpertFactory(affiliations=[application.lead])
    index = ConflictIndex.build([application.pk], [inside.pk])
    assert index.conflicted_experts(application.pk) == {inside.pk}
    assert outside.pk not in index.conflicted_experts(application.pk)
