"""Challenges, NDA acceptances and solutions, and the people who act for their organisations."""

import datetime

import factory
from django.utils import timezone

from innocluster.exchange.models import Challenge, NdaAcceptance, Solution
from tests.accounts.factories import UserFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

# A word that appears only in protected text: no response may show it to whoever may not read.
MARKER = "Zyxwquorblat"


def future(days: int = 30) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def person_of(organisation, role: str = "editor"):
    """A user holding ``role`` in ``organisation``."""
    user = UserFactory()
    OrganisationRoleFactory(organisation=organisation, user=user, role=role)
    return user


class ChallengeFactory(factory.django.DjangoModelFactory):
    """An open public challenge, complete enough to publish."""

    class Meta:
        model = Challenge

    owner = factory.SubFactory(MemberOrganisationFactory)
    title = factory.Sequence(lambda n: f"Датчики утечек на теплотрассах {n}")
    summary = "Нужны недорогие датчики для раннего обнаружения утечек."
    details = f"Подробности задачи {MARKER}: участки, давление, связь."
    expected_result = f"Пилот на 10 км {MARKER}"
    requirements = f"Работа при -40 {MARKER}"
    priority_areas = factory.LazyFunction(lambda: ["energy", "ict"])
    trl_min = 5
    owner_offers = factory.LazyFunction(lambda: ["pilot"])
    budget_min_rub = 1_000_000
    budget_max_rub = 5_000_000
    deadline = factory.LazyFunction(future)
    visibility = "public"
    status = "open"
    published_at = factory.LazyFunction(timezone.now)


class DraftChallengeFactory(ChallengeFactory):
    status = "draft"
    published_at = None


class NdaChallengeFactory(ChallengeFactory):
    visibility = "nda"
    nda_text = "Стороны обязуются не раскрывать сведения о задаче третьим лицам."


class MembersChallengeFactory(ChallengeFactory):
    visibility = "members"


class NdaAcceptanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NdaAcceptance

    challenge = factory.SubFactory(NdaChallengeFactory)
    organisation = factory.SubFactory(MemberOrganisationFactory)
    nda_sha256 = "0" * 64


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution

    challenge = factory.SubFactory(ChallengeFactory)
    responder = factory.SubFactory(MemberOrganisationFactory)
    description = factory.Sequence(lambda n: f"Беспроводные датчики давления, вариант {n}")
    trl = 6
    status = "received"
    status_changed_at = factory.LazyFunction(timezone.now)
