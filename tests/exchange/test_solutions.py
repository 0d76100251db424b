"""Solutions: submitting (who, when, the NDA first, no exact duplicates), attachments with
their limits, withdrawing, the owner's pipeline, messages and who is told."""

import datetime

import pytest
from django.utils import timezone, translation

from innocluster.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from innocluster.core.models import AuditEvent, Notification
from innocluster.documents import storage
from innocluster.exchange import services
from innocluster.exchange.models import NdaAcceptance, Solution, SolutionMessage
from tests.registry.factories import MemberOrganisationFactory, OrganisationFactory

from .factories import (
    MARKER,
    ChallengeFactory,
    MembersChallengeFactory,
    NdaChallengeFactory,
    SolutionFactory,
    person_of,
)

pytestmark = pytest.mark.django_db


def fields_of(error) -> set:
    return {e.field for e in error.value.errors}


@pytest.fixture
def challenge():
    return ChallengeFactory()


@pytest.fixture
def responder():
    return MemberOrganisationFactory()


@pytest.fixture
def answerer(responder):
    return person_of(responder, "editor")


def submit(challenge, actor, **kwargs):
    data = {"description": "Датчики на LoRaWAN", "trl": 6, **kwargs}
    return services.submit_solution(challenge, actor, **data)


def test_submit_tells_the_owner_without_quoting_anything(challenge, answerer, responder):
    owner_person = person_of(challenge.owner, "owner")
    solution = submit(challenge, answerer, description=f"Описание {MARKER}")
    assert solution.status == "received" and solution.responder == responder
    assert AuditEvent.objects.filter(action="solution.submitted", object_id=str(solution.pk))
    notice = Notification.objects.get(recipient=owner_person, kind="solution.received")
    texts = f"{notice.title_ru} {notice.title_en} {notice.body_ru} {notice.body_en}"
    assert challenge.title in texts and MARKER not in texts
    assert notice.url == f"/exchange/challenges/solutions/{solution.pk}/"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": ""}, "description"),
        ({"trl": 0}, "trl"),
        ({"trl": 10}, "trl"),
        ({"trl": None}, "trl"),
        ({"price_indication": "a\nb"}, "price_indication"),
    ],
)
def test_bad_input_is_named(challenge, answerer, kwargs, field):
    with pytest.raises(ValidationFailed) as error:
        submit(challenge, answerer, **kwargs)
    assert field in fields_of(error)
    assert not Solution.objects.exists()


def test_several_solutions_but_no_exact_duplicate(challenge, answerer):
    submit(challenge, answerer, description="Вариант А")
    submit(challenge, answerer, description="Вариант Б")
    with pytest.raises(ValidationFailed) as error:
        submit(challenge, answerer, description="Вариант А")
    assert fields_of(error) == {"description"}
    assert Solution.objects.count() == 2


def test_only_while_open_and_before_the_deadline(answerer):
    for status in ("evaluating", "piloting", "closed"):
        with pytest.raises(Conflict) as error:
            submit(ChallengeFactory(status=status), answerer)
        assert error.value.code == "not_open"
    late = ChallengeFactory(deadline=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(Conflict) as error:
        submit(late, answerer)
    assert error.value.code == "deadline_passed"
    assert submit(ChallengeFactory(deadline=timezone.localdate()), answerer)
    assert Solution.objects.count() == 1


def test_not_the_owner_nor_outsiders(challenge):
    with pytest.raises(NotPermitted):
        submit(challenge, person_of(challenge.owner, "editor"))
    with pytest.raises(NotPermitted):
        submit(challenge, person_of(OrganisationFactory(status="applicant"), "owner"))
    with pytest.raises(NotPermitted):
        submit(challenge, person_of(MemberOrganisationFactory(), "viewer"))
    with pytest.raises(NotFound):
        submit(ChallengeFactory(status="draft"), person_of(MemberOrganisationFactory()))
    assert not Solution.objects.exists()


def test_members_only_challenge_is_invisible_to_outsiders():
    challenge = MembersChallengeFactory()
    with pytest.raises(NotFound):
        submit(challenge, person_of(OrganisationFactory(status="applicant"), "owner"))


def test_under_nda_the_nda_comes_first(responder, answerer):
    challenge = NdaChallengeFactory()
    owner_person = person_of(challenge.owner)
    with pytest.raises(Conflict) as error:
        submit(challenge, answerer)
    assert error.value.code == "nda_required"
    with pytest.raises(ValidationFailed) as error:
        services.accept_nda(challenge, answerer, accept=False)
    assert fields_of(error) == {"accept"}
    acceptance = services.accept_nda(challenge, answerer, accept=True)
    assert acceptance.organisation == responder
    assert acceptance.nda_sha256 == services.nda_sha256(challenge.nda_text)
    assert AuditEvent.objects.filter(action="challenge.nda_accepted")
    notice = Notification.objects.get(recipient=owner_person, kind="challenge.nda_accepted")
    assert MARKER not in notice.title_ru + notice.title_en + notice.body_ru + notice.body_en
    assert services.accept_nda(challenge, answerer, accept=True) == acceptance
    assert submit(challenge, answerer)


def test_nda_refusals(responder, answerer):
    with pytest.raises(Conflict) as error:
        services.accept_nda(ChallengeFactory(), answerer, accept=True)
    assert error.value.code == "no_nda"
    challenge = NdaChallengeFactory(owner=responder)
    with pytest.raises(Conflict) as error:
        services.accept_nda(challenge, answerer, accept=True)
    assert error.value.code == "own_challenge"
    with pytest.raises(NotPermitted):
        services.accept_nda(NdaChallengeFactory(), person_of(responder, "viewer"), accept=True)
    assert not NdaAcceptance.objects.exists()


def test_attachments_are_stored_by_content(challenge, answerer):
    solution = submit(
        challenge, answerer, files=[("spec.pdf", b"%PDF-1.4 spec"), ("photo.png", b"\x89PNG")]
    )
    names = sorted(a.filename for a in solution.attachments.all())
    assert names == ["photo.png", "spec.pdf"]
    attachment = solution.attachments.get(filename="spec.pdf")
    assert storage.get(attachment.sha256) == b"%PDF-1.4 spec"
    assert attachment.media_type == "application/pdf" and attachment.size == 13


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ([("virus.exe", b"MZ")], ("bad_type", "exe")),
        ([("empty.pdf", b"")], ("required", "empty.pdf")),
        ([("../x.pdf", b"x")], ("invalid", "../x.pdf")),
        (
            [("big.pdf", b"x" * (services.MAX_ATTACHMENT_BYTES + 1))],
            ("too_large", str(services.MAX_ATTACHMENT_BYTES)),
        ),
    ],
)
def test_attachment_limits_are_named(challenge, answerer, files, words):
    with pytest.raises(ValidationFailed) as error:
        submit(challenge, answerer, files=files)
    assert fields_of(error) == {"attachments[0]"}
    code, words = words
    assert error.value.errors[0].code == code
    assert words in str(error.value.errors[0].message)
    assert not Solution.objects.exists()


def test_too_many_attachments(challenge, answerer):
    files = [(f"f{i}.txt", b"x") for i in range(services.MAX_ATTACHMENTS + 1)]
    with pytest.raises(ValidationFailed) as error:
        submit(challenge, answerer, files=files)
    assert "attachments" in fields_of(error)


def test_the_pipeline(challenge, answerer, responder):
    owner_person = person_of(challenge.owner)
    solution = submit(challenge, answerer)
    for action, status in (
        ("shortlist", "shortlisted"),
        ("propose_pilot", "pilot_proposed"),
        ("accept", "accepted"),
    ):
        services.move_solution(solution, action, owner_person)
        assert solution.status == status
        assert Notification.objects.filter(
            recipient=answerer, kind=f"solution.{status}", object_id=str(solution.pk)
        ).exists()
    # accepting does not close the challenge
    challenge.refresh_from_db()
    assert challenge.status == "open"
    with pytest.raises(NotPermitted):
        services.withdraw_solution(solution, answerer)


def test_the_pipeline_has_no_shortcuts(challenge, answerer):
    owner_person = person_of(challenge.owner)
    solution = submit(challenge, answerer)
    with pytest.raises(Conflict) as error:
        services.move_solution(solution, "accept", owner_person)
    assert error.value.code == "invalid_transition"


@translation.override("en")  # the refusal is read in English
def test_declining_needs_feedback(challenge, answerer):
    owner_person = person_of(challenge.owner)
    solution = submit(challenge, answerer)
    with pytest.raises(ValidationFailed) as error:
        services.move_solution(solution, "decline", owner_person, feedback="  ")
    assert fields_of(error) == {"feedback"}
    assert "required when declining" in str(error.value.errors[0].message).lower()
    solution.refresh_from_db()
    assert solution.status == "received"
    services.move_solution(solution, "decline", owner_person, feedback="Дорого.")
    assert solution.status == "declined" and solution.feedback == "Дорого."
    notice = Notification.objects.get(recipient=answerer, kind="solution.declined")
    assert "Дорого" not in notice.body_ru


def test_only_the_owner_moves_and_the_responder_withdraws(challenge, answerer):
    solution = submit(challenge, answerer)
    with pytest.raises(NotPermitted):
        services.move_solution(solution, "shortlist", answerer)
    with pytest.raises(NotFound):
        services.move_solution(solution, "shortlist", person_of(MemberOrganisationFactory()))
    with pytest.raises(NotPermitted):
        services.withdraw_solution(solution, person_of(challenge.owner))
    owner_person = person_of(challenge.owner)
    services.withdraw_solution(solution, answerer)
    assert solution.status == "withdrawn"
    assert Notification.objects.filter(recipient=owner_person, kind="solution.withdrawn").exists()


def test_messages_between_the_two_sides_only(challenge, answerer):
    owner_person = person_of(challenge.owner)
    solution = submit(challenge, answerer)
    services.post_message(solution, owner_person, f"Вопрос {MARKER}")
    notice = Notification.objects.get(recipient=answerer, kind="solution.message")
    assert MARKER not in notice.title_ru + notice.title_en + notice.body_ru + notice.body_en
    services.post_message(solution, answerer, "Ответ")
    assert Notification.objects.filter(recipient=owner_person, kind="solution.message").exists()
    assert [m.author_organisation for m in SolutionMessage.objects.order_by("created_at")] == [
        challenge.owner,
        solution.responder,
    ]
    with pytest.raises(ValidationFailed) as error:
        services.post_message(solution, answerer, "")
    assert fields_of(error) == {"body"}
    operator = person_of(MemberOrganisationFactory())
    with pytest.raises(NotFound):
        services.post_message(solution, operator, "Привет")
    assert SolutionMessage.objects.count() == 2


def test_add_attachments_later(challenge, answerer):
    solution = SolutionFactory(
        challenge=challenge, responder=answerer.organisation_roles.get().organisation
    )
    services.add_attachments(solution, [("more.pdf", b"%PDF more")], answerer)
    assert solution.attachments.count() == 1
    with pytest.raises(NotFound):
        services.add_attachments(
            solution, [("x.pdf", b"x")], person_of(MemberOrganisationFactory())
        )
