"""Factories of the expert pool for the review tests: experts (with their user), declared
conflicts, applications in expert review with their consortium, and assignments."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from innocluster.core.models import AuditEvent
from innocluster.programmes.choices import ApplicationState, MemberRole, ParticipationStatus
from innocluster.programmes.models import Application, ConsortiumMember
from innocluster.review.models import Assignment, ConflictDeclaration, Expert
from tests.accounts.factories import ExpertFactory as ExpertUserFactory
from tests.programmes.factories import ApplicationFactory, CallFactory
from tests.registry.factories import MemberOrganisationFactory

_seq = {"n": 0}


class ExpertFactory(factory.django.DjangoModelFactory):
    """An active external expert in ICT (keywords: machine learning, digital twin), cap 10."""

    class Meta:
        model = Expert
        skip_postgeneration_save = True

    user = factory.SubFactory(ExpertUserFactory)
    kind = "external"
    areas = factory.LazyFunction(lambda: ["ict"])
    keywords = factory.LazyFunction(lambda: ["машинное обучение", "digital twin"])
    load_cap = 10
    active = True

    @factory.post_generation
    def affiliations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.affiliations.set(extracted)


class ConflictDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    expert = factory.SubFactory(ExpertFactory)
    reason = "Родственник работает в компании"


def call_in_review(**fields):
    """A call whose deadline has passed (3 reviewers per application by default)."""
    now = timezone.now()
    fields.setdefault("opens_at", now - datetime.timedelta(days=40))
    fields.setdefault("deadline", now - datetime.timedelta(days=10))
    fields.setdefault("published_at", now - datetime.timedelta(days=41))
    return CallFactory(**fields)


def in_review(call=None, *, partners=(), submitted_at=None, **fields) -> Application:
    """An application of ``call`` in expert review: a lead and confirmed ``partners``."""
    _seq["n"] += 1
    call = call or call_in_review()
    fields.setdefault("number", f"{call.code.upper()}-{_seq['n']:04d}")
    fields.setdefault("summary", "Платформа цифровых двойников для заводов.")
    fields.setdefault("state", ApplicationState.IN_REVIEW)
    application = ApplicationFactory(
        call=call,
        submitted_at=submitted_at or timezone.now() - datetime.timedelta(days=15),
        **fields,
    )
    for partner in partners:
        add_member(application, partner)
    return application


def add_member(application, organisation, status=ParticipationStatus.CONFIRMED):
    return ConsortiumMember.objects.create(
        application=application, organisation=organisation, role=MemberRole.PARTNER, status=status
    )


def past_application(*organisations, submitted_at, lead=None) -> Application:
    """An application of another call, submitted at ``submitted_at``, whose consortium is
    ``organisations`` (the first is the lead)."""
    lead = lead or organisations[0]
    application = ApplicationFactory(
        call=call_in_review(),
        lead=lead,
        state=ApplicationState.APPROVED,
        submitted_at=submitted_at,
        number=f"OLD-{_seq['n']:04d}",
    )
    _seq["n"] += 1
    for organisation in organisations:
        if organisation != lead:
            add_member(application, organisation)
    return application


def years_ago(years: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=round(365.25 * years))


def assignment(application, expert, **fields) -> Assignment:
    return Assignment.objects.create(application=application, expert=expert, **fields)


def review_state() -> dict:
    """Everything a refused review action must leave as it was."""
    return {
        "assignments": sorted(
            (str(a), str(e), s, r)
            for a, e, s, r in Assignment.objects.values_list(
                "application_id", "expert_id", "status", "decline_reason"
            )
        ),
        "declarations": ConflictDeclaration.objects.count(),
        "experts": Expert.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


__all__ = [
    "ConflictDeclarationFactory",
    "ExpertFactory",
    "MemberOrganisationFactory",
    "add_member",
    "assignment",
    "call_in_review",
    "in_review",
    "past_application",
    "review_state",
    "years_ago",
]
