"""Automatic assignment, and the assignment services: manual assignment, unassigning,
declining, declaring conflicts, adding experts; refusals with reasons and nothing changed."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.programmes.choices import ApplicationState
from innocluster.review import services
from innocluster.review.assignment import competence_of, stems
from innocluster.review.choices import AssignmentStatus
from innocluster.review.models import Assignment, ConflictDeclaration, Expert, Review
from innocluster.review.permissions import expert_of, may_answer_assignment
from tests.accounts.factories import AdministratorFactory, FundOperatorFactory, UserFactory
from tests.review.factories import (
    ConflictDeclarationFactory,
    ExpertFactory,
    MemberOrganisationFactory,
    assignment,
    call_in_review,
    in_review,
    past_application,
    review_state,
    years_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reasons_in_english():
    """The reasons are read here in English (Russian is the default; test_locale checks it)."""
    with translation.override("en"):
        yield


@pytest.fixture
def operator():
    return FundOperatorFactory()


def active_of(application):
    return application.assignments.exclude(status=AssignmentStatus.DECLINED)


# ------------------------------------------------------------------ competence


def test_keywords_meet_across_inflections_and_case():
    assert stems("Цифровые ДВОЙНИКИ заводов") >= stems("цифровой двойник")
    assert stems("Robotics for plants") >= stems("robot")


def test_competence_counts_area_and_keywords():
    application = in_review(title="Цифровой двойник", summary="Machine learning on the line")
    both = ExpertFactory(areas=["ict"], keywords=["цифровые двойники", "machine learning"])
    area_only = ExpertFactory(areas=["ict"], keywords=["химия"])
    words_only = ExpertFactory(areas=["medicine"], keywords=["Digital twin", "двойник"])
    none = ExpertFactory(areas=["energy"], keywords=["нефть"])
    assert competence_of(both, application) > competence_of(area_only, application) > 0
    assert competence_of(words_only, application) > 0
    assert competence_of(none, application) == 0


# ------------------------------------------------------------------ automatic


def test_n_experts_per_application(operator):
    call = call_in_review(reviewers_per_application=3)
    applications = [in_review(call) for _ in range(4)]
    experts = [ExpertFactory() for _ in range(6)]
    report = services.assign_automatically(call, actor=operator)
    assert report.applications == 4 and report.created == 12 and report.short == []
    for application in applications:
        assert active_of(application).count() == 3
        assert all(a.automatic for a in application.assignments.all())
    loads = Counter(Assignment.objects.values_list("expert_id", flat=True))
    assert sorted(loads.values()) == [2] * 6  # spread evenly among equals
    assert set(loads) == {e.pk for e in experts}


def test_only_applications_in_review_short_of_reviewers(operator):
    call = call_in_review(reviewers_per_application=2)
    done = in_review(call)
    half = in_review(call)
    screening = in_review(call, state=ApplicationState.SCREENING)
    experts = [ExpertFactory() for _ in range(4)]
    assignment(done, experts[0])
    assignment(done, experts[1])
    assignment(half, experts[0])
    assignment(half, experts[1], status=AssignmentStatus.DECLINED, decline_reason="capacity")
    report = services.assign_automatically(call, actor=operator)
    assert report.complete_before == 1 and report.created == 1
    assert active_of(half).count() == 2
    assert experts[1].pk not in set(
        active_of(half).values_list("expert_id", flat=True)
    )  # who declined is not asked again
    assert screening.assignments.count() == 0


def test_never_conflicted(operator):
    call = call_in_review(reviewers_per_application=2)
    partner = MemberOrganisationFactory()
    application = in_review(call, partners=[partner])
    employer = MemberOrganisationFactory()
    past_application(employer, application.lead, submitted_at=years_ago(1))
    conflicted = [
        ExpertFactory(affiliations=[application.lead]),
        ExpertFactory(affiliations=[partner]),
        ExpertFactory(affiliations=[employer]),
        ConflictDeclarationFactory(application=application).expert,
    ]
    clean = [ExpertFactory(), ExpertFactory()]
    report = services.assign_automatically(call, actor=operator)
    assert report.created == 2
    assigned = set(application.assignments.values_list("expert_id", flat=True))
    assert assigned == {e.pk for e in clean}
    assert not assigned & {e.pk for e in conflicted}


def test_load_caps_respected_and_the_rest_reported_short(operator):
    call = call_in_review(reviewers_per_application=2)
    applications = [in_review(call) for _ in range(5)]
    ExpertFactory(load_cap=3)
    ExpertFactory(load_cap=2)
    ExpertFactory(load_cap=1)
    report = services.assign_automatically(call, actor=operator)
    assert report.created == 6
    for expert_id, load in Counter(Assignment.objects.values_list("expert_id", flat=True)).items():
        assert load <= Expert.objects.get(pk=expert_id).load_cap
    assert sum(s.needed - s.active for s in report.short) == 4
    for short in report.short:
        assert short.at_capacity >= 1
        assert "load cap" in short.reason
    assert sum(active_of(a).count() for a in applications) == 6


def test_caps_count_assignments_already_in_this_call_only(operator):
    call = call_in_review(reviewers_per_application=1)
    expert = ExpertFactory(load_cap=1)
    other_call = call_in_review()
    assignment(in_review(other_call), expert)
    application = in_review(call)
    assert services.assign_automatically(call, actor=operator).created == 1
    assert active_of(application).get().expert == expert
    second = in_review(call)
    report = services.assign_automatically(call, actor=operator)
    assert report.created == 0 and report.short[0].application_id == second.pk


def test_competence_preferred_then_least_loaded(operator):
    call = call_in_review(reviewers_per_application=1)
    application = in_review(
        call, title="Цифровой двойник линии", summary="Машинное обучение для станков"
    )
    ExpertFactory(areas=["ict"], keywords=["химия"])
    best = ExpertFactory(areas=["ict"], keywords=["цифровой двойник", "машинное обучение"])
    ExpertFactory(areas=["medicine"], keywords=["двойник"])
    services.assign_automatically(call, actor=operator)
    chosen = application.assignments.get()
    assert chosen.expert == best
    assert chosen.competence == competence_of(best, application) > 0


def test_experts_without_competence_are_not_picked(operator):
    call = call_in_review(reviewers_per_application=2)
    application = in_review(call, priority_area="ict")
    ExpertFactory(areas=["ict"])
    ExpertFactory(areas=["energy"], keywords=["нефть"])
    report = services.assign_automatically(call, actor=operator)
    assert report.created == 1
    (short,) = report.short
    assert short.application_id == application.pk
    assert short.without_competence == 1 and short.active == 1
    assert "without the competence" in short.reason


def test_without_requiring_competence_anyone_unconflicted_fills_in(operator):
    call = call_in_review(reviewers_per_application=2)
    application = in_review(call, priority_area="ict")
    competent = ExpertFactory(areas=["ict"])
    other = ExpertFactory(areas=["energy"], keywords=["нефть"])
    report = services.assign_automatically(call, actor=operator, require_competence=False)
    assert report.created == 2 and report.short == []
    first, second = application.assignments.order_by("-competence")
    assert (first.expert, second.expert) == (competent, other)
    assert second.competence == 0


def test_the_expert_of_a_user():
    expert = ExpertFactory()
    assert expert_of(expert.user) == expert
    assert expert_of(UserFactory()) is None
    assert may_answer_assignment(UserFactory(), Assignment(expert=expert))[0] is False


def test_deterministic(operator):
    call = call_in_review(reviewers_per_application=2)
    for i in range(8):
        in_review(call, number=f"D-{i:03d}", priority_area=["ict", "medicine"][i % 2])
    for i in range(7):
        ExpertFactory(areas=[["ict"], ["medicine"], ["ict", "medicine"]][i % 3], load_cap=3)
    services.assign_automatically(call, actor=operator)
    first = sorted(Assignment.objects.values_list("application__number", "expert_id"))
    Assignment.objects.all().delete()
    services.assign_automatically(call, actor=operator)
    second = sorted(Assignment.objects.values_list("application__number", "expert_id"))
    assert first == second and len(first) == 16


def test_bulk_reads_whatever_the_size(operator):
    call = call_in_review(reviewers_per_application=2)
    small = [in_review(call) for _ in range(2)]
    [ExpertFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as few:
        services.assign_automatically(call, actor=operator)
    Assignment.objects.all().delete()
    small += [in_review(call) for _ in range(8)]
    [ExpertFactory() for _ in range(6)]
    with CaptureQueriesContext(connection) as many:
        services.assign_automatically(call, actor=operator)
    reads = [q for q in many.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    few_reads = [q for q in few.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == len(few_reads) <= 12


def test_automatic_assignment_is_audited_and_operators_only(operator):
    call = call_in_review(reviewers_per_application=1)
    application = in_review(call)
    ExpertFactory()
    before = review_state()
    with pytest.raises(NotPermitted):
        services.assign_automatically(call, actor=UserFactory())
    assert review_state() == before
    services.assign_automatically(call, actor=operator)
    actions = set(AuditEvent.objects.values_list("action", "object_id"))
    assert ("review.assign_automatically", str(call.pk)) in actions
    assert ("review.assigned_automatically", str(application.pk)) in actions


# ------------------------------------------------------------------ manual


def test_assign_by_hand(operator):
    application = in_review()
    expert = ExpertFactory()
    made = services.assign_expert(application, expert, actor=operator)
    assert made.automatic is False and made.assigned_by == operator
    assert made.competence > 0
    assert AuditEvent.objects.filter(action="review.assigned", object_id=str(application.pk))


@pytest.mark.parametrize(
    "case", ["lead", "partner", "declared", "worked_together", "declared_application"]
)
def test_an_expert_with_a_conflict_is_refused_with_the_reason(operator, case):
    partner = MemberOrganisationFactory()
    application = in_review(partners=[partner])
    if case == "lead":
        expert = ExpertFactory(affiliations=[application.lead])
    elif case == "partner":
        expert = ExpertFactory(affiliations=[partner])
    elif case == "declared":
        expert = ConflictDeclarationFactory(organisation=partner).expert
    elif case == "declared_application":
        expert = ConflictDeclarationFactory(application=application).expert
    else:
        employer = MemberOrganisationFactory()
        past_application(employer, partner, submitted_at=years_ago(2))
        expert = ExpertFactory(affiliations=[employer])
    before = review_state()
    with pytest.raises(Conflict) as refused:
        services.assign_expert(application, expert, actor=operator)
    assert refused.value.code == "conflict_of_interest"
    assert "conflict of interest" in str(refused.value.message)
    assert refused.value.extra["reasons"]
    assert review_state() == before


def test_over_the_load_cap_refused(operator):
    call = call_in_review()
    expert = ExpertFactory(load_cap=1)
    assignment(in_review(call), expert)
    before = review_state()
    with pytest.raises(Conflict) as refused:
        services.assign_expert(in_review(call), expert, actor=operator)
    assert refused.value.code == "load_cap"
    assert "limit is 1" in str(refused.value.message)
    assert review_state() == before


def test_a_declined_assignment_frees_capacity(operator):
    call = call_in_review()
    expert = ExpertFactory(load_cap=1)
    assignment(in_review(call), expert, status=AssignmentStatus.DECLINED)
    services.assign_expert(in_review(call), expert, actor=operator)


def test_twice_refused(operator):
    application = in_review()
    expert = ExpertFactory()
    services.assign_expert(application, expert, actor=operator)
    before = review_state()
    with pytest.raises(Conflict) as refused:
        services.assign_expert(application, expert, actor=operator)
    assert refused.value.code == "already_assigned"
    assert review_state() == before


def test_refused_outside_review_for_inactive_and_non_operators(operator):
    expert = ExpertFactory()
    screening = in_review(state=ApplicationState.SCREENING)
    before = review_state()
    with pytest.raises(Conflict) as refused:
        services.assign_expert(screening, expert, actor=operator)
    assert refused.value.code == "not_in_review"
    with pytest.raises(Conflict) as refused:
        services.assign_expert(in_review(), ExpertFactory(active=False), actor=operator)
    assert refused.value.code == "expert_inactive"
    with pytest.raises(NotPermitted):
        services.assign_expert(in_review(), expert, actor=expert.user)
    state = review_state()
    assert state["assignments"] == before["assignments"] and state["audit"] == before["audit"]


def test_unassign_before_the_review_only(operator):
    application = in_review()
    expert = ExpertFactory()
    made = services.assign_expert(application, expert, actor=operator)
    Review.objects.create(assignment=made, scores={"novelty": 5})  # a draft goes with it
    services.unassign(made, actor=operator)
    assert not Assignment.objects.filter(pk=made.pk).exists()
    assert AuditEvent.objects.filter(action="review.unassigned").count() == 1

    done = services.assign_expert(application, expert, actor=operator)
    Review.objects.create(assignment=done, scores={"novelty": 5}, submitted_at=timezone.now())
    before = review_state()
    with pytest.raises(Conflict) as refused:
        services.unassign(done, actor=operator)
    assert refused.value.code == "review_submitted"
    with pytest.raises(NotPermitted):
        services.unassign(done, actor=expert.user)
    assert review_state() == before


# ------------------------------------------------------------------ decline, declare


def test_decline_with_a_reason(operator):
    made = services.assign_expert(in_review(), ExpertFactory(), actor=operator)
    declined = services.decline_assignment(
        made, actor=made.expert.user, reason="capacity", comment="Отпуск"
    )
    assert declined.status == AssignmentStatus.DECLINED
    assert (declined.decline_reason, declined.decline_comment) == ("capacity", "Отпуск")
    assert declined.answered_at is not None
    assert not ConflictDeclaration.objects.exists()
    assert AuditEvent.objects.filter(action="review.declined").exists()


def test_declining_for_a_conflict_declares_it(operator):
    application = in_review()
    made = services.assign_expert(application, ExpertFactory(), actor=operator)
    services.decline_assignment(made, actor=made.expert.user, reason="conflict", comment="Брат")
    declaration = ConflictDeclaration.objects.get()
    assert (declaration.expert_id, declaration.application_id) == (made.expert_id, application.pk)
    assert declaration.reason == "Брат"


def test_decline_refusals(operator):
    made = services.assign_expert(in_review(), ExpertFactory(), actor=operator)
    before = review_state()
    with pytest.raises(NotPermitted):
        services.decline_assignment(made, actor=operator, reason="capacity")
    with pytest.raises(NotPermitted):
        services.decline_assignment(made, actor=ExpertFactory().user, reason="capacity")
    with pytest.raises(ValidationFailed) as bad:
        services.decline_assignment(made, actor=made.expert.user, reason="bored")
    assert bad.value.errors[0].field == "reason"
    with pytest.raises(ValidationFailed) as bad:
        services.decline_assignment(made, actor=made.expert.user, reason="other", comment=" ")
    assert bad.value.errors[0].field == "comment"
    state = review_state()
    assert state["assignments"] == before["assignments"]
    assert state["declarations"] == before["declarations"]
    services.decline_assignment(made, actor=made.expert.user, reason="capacity")
    with pytest.raises(Conflict) as refused:
        services.decline_assignment(made, actor=made.expert.user, reason="capacity")
    assert refused.value.code == "not_open"


def test_declare_conflict_declines_open_assignments(operator):
    partner = MemberOrganisationFactory()
    application = in_review(partners=[partner])
    unrelated = in_review()
    expert = ExpertFactory()
    made = services.assign_expert(application, expert, actor=operator)
    kept = services.assign_expert(unrelated, expert, actor=operator)
    declaration = services.declare_conflict(
        expert, organisation=partner, reason="Консультирую партнёра", actor=expert.user
    )
    assert declaration.organisation == partner
    made.refresh_from_db()
    kept.refresh_from_db()
    assert (made.status, made.decline_reason) == ("declined", "conflict")
    assert kept.status == "assigned"
    stranger = ExpertFactory()
    before = review_state()
    with pytest.raises(Conflict):
        services.declare_conflict(expert, organisation=partner, actor=operator)
    with pytest.raises(ValidationFailed):
        services.declare_conflict(expert, actor=operator)
    with pytest.raises(NotPermitted):
        services.declare_conflict(expert, application=unrelated, actor=stranger.user)
    assert review_state() == before


# ------------------------------------------------------------------ the pool


def test_create_expert(operator):
    organisation = MemberOrganisationFactory()
    expert = services.create_expert(
        UserFactory(),
        areas=["ict", "medicine", "ict"],
        keywords=[" машинное обучение ", "Машинное обучение", "robotics"],
        affiliations=[organisation],
        load_cap=5,
        kind="internal",
        actor=operator,
    )
    assert expert.areas == ["ict", "medicine"]
    assert expert.keywords == ["машинное обучение", "robotics"]
    assert list(expert.affiliations.all()) == [organisation]
    assert AuditEvent.objects.filter(action="review.expert_created").exists()
    with pytest.raises(Conflict) as refused:
        services.create_expert(expert.user, actor=operator)
    assert refused.value.code == "already_expert"


def test_create_expert_refusals(operator):
    user = UserFactory()
    before = review_state()
    with pytest.raises(ValidationFailed) as bad:
        services.create_expert(
            user,
            areas=["ict", "space"],
            keywords=["ok", 5, "x" * 101],
            affiliations=["00000000-0000-0000-0000-000000000000"],
            load_cap=0,
            kind="freelance",
            actor=operator,
        )
    fields = {e.field for e in bad.value.errors}
    assert fields == {
        "areas[1]",
        "keywords[1]",
        "keywords[2]",
        "affiliations[0]",
        "load_cap",
        "kind",
    }
    with pytest.raises(NotPermitted):
        services.create_expert(user, areas=["ict"], actor=user)
    assert review_state() == before


# ------------------------------------------------------------------ admin


def test_the_pool_in_the_admin():
    expert = ExpertFactory(affiliations=[MemberOrganisationFactory()])
    ConflictDeclarationFactory(expert=expert, organisation=MemberOrganisationFactory())
    client = Client()
    client.force_login(AdministratorFactory(is_staff=True, is_superuser=True))
    for url in (
        "/django-admin/review/expert/",
        f"/django-admin/review/expert/{expert.pk}/change/",
        "/django-admin/review/conflictdeclaration/",
    ):
        assert client.get(url).status_code == 200, url
