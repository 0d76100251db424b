"""Challenges' use cases: drafts, edits against a version, publishing with what is missing
named, the moves of a challenge's life and who may make them."""

import datetime

import pytest
from django.utils import timezone, translation

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent
from innocluster.exchange import services, workflows
from innocluster.exchange.models import Challenge
from tests.accounts.factories import UserFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationFactory

from .factories import (
    ChallengeFactory,
    DraftChallengeFactory,
    NdaChallengeFactory,
    future,
    person_of,
)

pytestmark = pytest.mark.django_db

COMPLETE = {
    "title": "Роботы для осмотра тоннелей",
    "summary": "Осмотр тоннелей метро без остановки движения.",
    "details": "Тоннели 5 м, скорость 10 км/ч.",
    "priority_areas": ["transport"],
    "trl_min": 6,
    "owner_offers": ["pilot", "purchase"],
    "budget_min_rub": "1000000",
    "budget_max_rub": "9000000",
    "visibility": "public",
}


def fields_of(error) -> set:
    return {e.field for e in error.value.errors}


@pytest.fixture
def owner():
    return MemberOrganisationFactory()


@pytest.fixture
def editor(owner):
    return person_of(owner, "editor")


def test_create_a_draft_and_audit_it(editor, owner):
    challenge = services.create_challenge(editor, {"title": "Черновик"})
    assert challenge.status == "draft" and challenge.owner == owner
    assert AuditEvent.objects.filter(action="challenge.created", object_id=str(challenge.pk))


def test_create_and_publish_at_once(editor):
    challenge = services.create_challenge(editor, {**COMPLETE, "deadline": future()}, publish=True)
    assert challenge.status == "open" and challenge.published_at is not None


def test_publish_refused_names_every_missing_field_and_stores_nothing(editor):
    with pytest.raises(ValidationFailed) as error:
        services.create_challenge(
            editor,
            {"title": "Без всего", "visibility": "nda", "deadline": timezone.localdate()},
            publish=True,
        )
    assert fields_of(error) == {"summary", "priority_areas", "trl_min", "deadline", "nda_text"}
    assert not Challenge.objects.exists()


def test_publish_a_draft_refused_then_accepted(editor, owner):
    draft = DraftChallengeFactory(owner=owner, deadline=None, priority_areas=[])
    with pytest.raises(ValidationFailed) as error:
        services.publish_challenge(draft, editor)
    assert fields_of(error) == {"deadline", "priority_areas"}
    draft.refresh_from_db()
    assert draft.status == "draft"
    draft.deadline, draft.priority_areas = future(), ["ict"]
    draft.save()
    services.publish_challenge(draft, editor)
    assert draft.status == "open"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "trl_min": 10}, "trl_min"),
        ({"title": "x", "trl_min": 0}, "trl_min"),
        ({"title": "x", "budget_min_rub": "10", "budget_max_rub": "5"}, "budget_max_rub"),
        ({"title": "x", "budget_min_rub": "-1"}, "budget_min_rub"),
        ({"title": "x", "priority_areas": ["astrology"]}, "priority_areas"),
        ({"title": "x", "owner_offers": ["love"]}, "owner_offers"),
        ({"title": "x", "visibility": "secret"}, "visibility"),
        ({"title": "x", "deadline": "tomorrow"}, "deadline"),
        ({"title": "x", "colour": "red"}, "colour"),
        ({"title": "a\nb"}, "title"),
    ],
)
def test_bad_values_are_named_and_nothing_is_stored(editor, data, field):
    with pytest.raises(ValidationFailed) as error:
        services.create_challenge(editor, data)
    assert field in fields_of(error)
    assert not Challenge.objects.exists()


def test_only_people_acting_for_an_admitted_organisation_post(owner):
    viewer = person_of(owner, "viewer")
    with pytest.raises(NotPermitted):
        services.create_challenge(viewer, {"title": "x"})
    applicant = person_of(OrganisationFactory(status="applicant"), "owner")
    with pytest.raises(NotPermitted):
        services.create_challenge(applicant, {"title": "x"})
    with pytest.raises(NotPermitted):
        services.create_challenge(UserFactory(), {"title": "x"})
    assert not Challenge.objects.exists()


def test_acting_for_several_organisations_the_owner_is_required(editor, owner):
    other = MemberOrganisationFactory()
    person_of_both = person_of(owner, "owner")
    from tests.registry.factories import OrganisationRoleFactory

    OrganisationRoleFactory(organisation=other, user=person_of_both, role="signatory")
    with pytest.raises(ValidationFailed) as error:
        services.create_challenge(person_of_both, {"title": "x"})
    assert fields_of(error) == {"owner"}
    with pytest.raises(ValidationFailed) as error:
        services.create_challenge(
            person_of_both, {"title": "x"}, owner=str(MemberOrganisationFactory().pk)
        )
    assert fields_of(error) == {"owner"}
    challenge = services.create_challenge(person_of_both, {"title": "x"}, owner=str(other.pk))
    assert challenge.owner == other


@translation.override("en")  # the refusal is read in English
def test_a_stale_edit_is_refused(editor, owner):
    challenge = ChallengeFactory(owner=owner)
    loaded = challenge.version
    services.update_challenge(
        challenge, editor, {**COMPLETE, "deadline": future()}, expected_version=loaded
    )
    with pytest.raises(Conflict) as error:
        services.update_challenge(
            challenge,
            editor,
            {**COMPLETE, "title": "Моя правка", "deadline": future()},
            expected_version=loaded,
        )
    assert error.value.code == "stale_version"
    assert "someone else saved this challenge meanwhile" in str(error.value.message).lower()
    challenge.refresh_from_db()
    assert challenge.title == COMPLETE["title"]


def test_an_open_challenge_stays_publishable(editor, owner):
    challenge = ChallengeFactory(owner=owner)
    with pytest.raises(ValidationFailed) as error:
        services.update_challenge(
            challenge,
            editor,
            {**COMPLETE, "summary": "", "deadline": future()},
            expected_version=challenge.version,
        )
    assert fields_of(error) == {"summary"}


def test_others_may_not_edit(owner):
    challenge = ChallengeFactory(owner=owner)
    stranger = person_of(MemberOrganisationFactory())
    with pytest.raises(NotPermitted):
        services.update_challenge(challenge, stranger, COMPLETE, expected_version=1)


def test_the_life_of_a_challenge(editor, owner):
    challenge = ChallengeFactory(owner=owner)
    services.move_challenge(challenge, "evaluate", editor)
    assert challenge.status == "evaluating"
    with pytest.raises(ValidationFailed) as error:
        services.move_challenge(challenge, "reopen", editor)
    assert fields_of(error) == {"deadline"}
    with pytest.raises(ValidationFailed) as error:
        services.move_challenge(challenge, "reopen", editor, deadline=timezone.localdate())
    assert fields_of(error) == {"deadline"}
    services.move_challenge(challenge, "reopen", editor, deadline=future(60))
    assert challenge.status == "open" and challenge.deadline == future(60)
    services.move_challenge(challenge, "evaluate", editor)
    services.move_challenge(challenge, "start_pilot", editor)
    assert challenge.status == "piloting"
    with pytest.raises(ValidationFailed) as error:
        services.move_challenge(challenge, "close", editor, outcome="", note="")
    assert fields_of(error) == {"outcome", "note"}
    challenge.refresh_from_db()
    assert challenge.status == "piloting"
    services.move_challenge(challenge, "close", editor, outcome="adopted", note="Внедрено.")
    assert challenge.status == "closed" and challenge.outcome == "adopted"
    assert challenge.closed_at is not None
    with pytest.raises(Conflict):
        services.move_challenge(challenge, "evaluate", editor)


def test_an_open_challenge_may_be_closed_but_not_piloted(editor, owner):
    challenge = ChallengeFactory(owner=owner)
    with pytest.raises(Conflict) as error:
        services.move_challenge(challenge, "start_pilot", editor)
    assert error.value.code == "invalid_transition"
    services.move_challenge(challenge, "close", editor, outcome="cancelled", note="Отменено.")
    assert challenge.status == "closed"


def test_only_the_owner_moves(owner):
    challenge = ChallengeFactory(owner=owner)
    for actor in (person_of(MemberOrganisationFactory()), person_of(owner, "viewer")):
        with pytest.raises(NotPermitted):
            services.move_challenge(challenge, "evaluate", actor)
    challenge.refresh_from_db()
    assert challenge.status == "open"


def test_a_closed_challenge_is_not_edited(editor, owner):
    challenge = ChallengeFactory(owner=owner, status="closed", outcome="not_adopted")
    with pytest.raises(Conflict) as error:
        services.update_challenge(challenge, editor, COMPLETE, expected_version=challenge.version)
    assert error.value.code == "not_editable"


def test_the_workflow_table_draws():
    text = workflows.diagram(workflows.CHALLENGE_TRANSITIONS)
    assert "draft --> open: publish" in text
    assert "evaluating --> open: reopen" in text
    assert workflows.deadline_passed(
        ChallengeFactory.build(deadline=timezone.localdate() - datetime.timedelta(days=1))
    )


def test_the_admin_lists_and_shows_challenges_and_solutions_to_superusers():
    from django.test import Client

    from tests.accounts.factories import AdministratorFactory, FundOperatorFactory

    from .factories import SolutionFactory

    solution = SolutionFactory()
    client = Client()
    client.force_login(AdministratorFactory(is_staff=True, is_superuser=True))
    for url in (
        "/django-admin/exchange/challenge/",
        f"/django-admin/exchange/challenge/{solution.challenge.pk}/change/",
        "/django-admin/exchange/solution/",
        f"/django-admin/exchange/solution/{solution.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    operator = Client()
    operator.force_login(FundOperatorFactory())
    assert operator.get("/django-admin/exchange/challenge/").status_code == 302


@translation.override("en")  # the refusal is read in English
def test_the_nda_text_is_fixed_once_an_organisation_accepted_it(editor, owner):
    challenge = NdaChallengeFactory(owner=owner)
    nda = {**COMPLETE, "visibility": "nda", "deadline": future()}
    services.update_challenge(
        challenge,
        editor,
        {**nda, "nda_text": "Первая редакция."},
        expected_version=challenge.version,
    )  # nobody accepted yet: the owner may still reword it
    accepted_text = challenge.nda_text
    services.accept_nda(challenge, person_of(MemberOrganisationFactory(), "editor"), accept=True)
    version = challenge.version
    for data in (
        {**nda, "nda_text": "Новая редакция NDA."},
        {**nda, "visibility": "public", "nda_text": ""},
        {**nda, "visibility": "public", "nda_text": "Новая редакция NDA."},
    ):
        with pytest.raises(ValidationFailed) as error:
            services.update_challenge(challenge, editor, data, expected_version=version)
        assert fields_of(error) == {"nda_text"}
        assert "cannot change after organisations accepted it" in str(error.value.errors[0].message)
        challenge.refresh_from_db()
        assert challenge.nda_text == accepted_text and challenge.version == version
    # Other fields still change while the NDA stays as it was, also away from the NDA and back.
    services.update_challenge(
        challenge,
        editor,
        {**nda, "visibility": "public", "nda_text": accepted_text, "title": "Новое название"},
        expected_version=version,
    )
    services.update_challenge(
        challenge, editor, {**nda, "nda_text": accepted_text}, expected_version=version + 1
    )
    challenge.refresh_from_db()
    assert challenge.visibility == "nda" and challenge.nda_text == accepted_text
