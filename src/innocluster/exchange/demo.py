"""Demo data of the exchange: technology offers of universities and research institutes,
products of member companies, challenges of corporations and city bodies in every status and
visibility with solutions at every step of the owner's pipeline, messages and NDA acceptances,
and expressions of interest, in Russian and English (``demo_data``).

Everything goes through the services (``catalogue_services`` for the catalogue and interest,
``services`` for challenges and solutions) as the people involved would do it; only the
publication dates are then spread over the past weeks with ``queryset.update()``, so the lists
read plausibly. The institutions, corporations and the city body the content speaks of are
added to the registry by the registry's demo generator when absent (by name); member companies
are the registry's own admitted companies (the demo member's company when there are too few).

The demo member user's company offers two products (and drafts a third), answers challenges
(one solution accepted for a pilot) and has sent and received expressions of interest; the demo
test-site owner's city body pilots a challenge.

Idempotent: an item whose owner already holds one with its title is left alone (a challenge
with its solutions), as is an interest already expressed, so a second run makes nothing new.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from innocluster.registry.choices import LegalForm, MembershipStatus, OrganisationKind
from innocluster.registry.models import Organisation

from . import catalogue_services as catalogue
from .choices import ChallengeStatus, ListingStatus, SolutionStatus
from .demo_data import CHALLENGES, INTERESTS, ORGANISATIONS, PRODUCTS, TECHNOLOGIES
from .models import Challenge, ExpressionOfInterest, Product, Solution, TechnologyOffer

SEED = 20261127
COMPANY_KINDS = (OrganisationKind.COMPANY, OrganisationKind.STARTUP)
# The order of the pipeline's moves that brings a solution to its fate.
PIPELINE = {
    SolutionStatus.RECEIVED: [],
    SolutionStatus.SHORTLISTED: ["shortlist"],
    SolutionStatus.PILOT_PROPOSED: ["shortlist", "propose_pilot"],
    SolutionStatus.ACCEPTED: ["shortlist", "propose_pilot", "accept"],
    SolutionStatus.DECLINED: ["decline"],
}
FEEDBACK = {
    "ru": "Спасибо за решение. Сейчас оно не подходит: не закрывает требования по размещению "
    "и интеграции; будем рады новому предложению.",
    "en": "Thank you for the solution. It does not fit now: it does not meet the placement and "
    "integration requirements; we would welcome a new proposal.",
}


@dataclass
class ExchangeDemoResult:
    """What one run made."""

    organisations: int = 0
    technologies: int = 0
    products: int = 0
    challenges: int = 0
    solutions: int = 0
    interests: int = 0
    seconds: float = 0.0
    skipped: str = ""
    timings: dict[str, float] = field(default_factory=dict)


class _Demo:
    def __init__(self, accounts: dict, member_org: Organisation, result: ExchangeDemoResult):
        self.accounts = accounts
        self.member_org = member_org
        self.result = result
        self.now = timezone.now()
        self.rng = random.Random(SEED)
        self.orgs: dict[str, Organisation] = {"member": member_org}
        self.people: dict = {}

    # organisations and people ------------------------------------------------------------------

    def organisations(self) -> None:
        """The named institutions, corporations and city body (made when absent), the demo
        test site, and the registry's member companies."""
        wanted = {key: spec[0] for key, spec in ORGANISATIONS.items()}
        found = {o.name_ru: o for o in Organisation.objects.filter(name_ru__in=wanted.values())}
        missing = [key for key, name in wanted.items() if name not in found]
        if missing:
            self.result.organisations = self._create(missing)
            found = {o.name_ru: o for o in Organisation.objects.filter(name_ru__in=wanted.values())}
        for key, name in wanted.items():
            self.orgs[key] = found[name]
        testsite_user = self.accounts.get("testsite_owner")
        testsite = (
            Organisation.objects.filter(
                kind=OrganisationKind.CITY_BODY, roles__user=testsite_user
            ).first()
            if testsite_user is not None
            else None
        )
        self.orgs["testsite"] = testsite or self.orgs["B2"]
        special = {o.pk for o in self.orgs.values()}
        companies = [
            o
            for o in Organisation.objects.filter(
                kind__in=COMPANY_KINDS,
                status=MembershipStatus.MEMBER,
                legal_form=LegalForm.LEGAL_ENTITY,
                member_number__isnull=False,
            ).order_by("member_number")[:40]
            if o.pk not in special
        ]
        for index in range(10):
            self.orgs[f"company:{index}"] = (
                companies[index] if index < len(companies) else self.member_org
            )

    def _create(self, keys: list[str]) -> int:
        """Add the named organisations to the registry as admitted Moscow members, with the
        registry's own demo generator (identifiers with valid check digits, history)."""
        from innocluster.registry import demo as registry_demo
        from innocluster.registry.demo.vocabulary import MOSCOW

        builder = registry_demo._new_builder(random.Random(f"exchange:{','.join(keys)}"))
        for key in keys:
            name_ru, name_en, kind, areas, okved = ORGANISATIONS[key]
            builder.add(
                name=(name_ru, name_en),
                kind=kind,
                legal_form=LegalForm.LEGAL_ENTITY,
                region=MOSCOW,
                status=MembershipStatus.MEMBER,
                areas=areas,
                okved_main=okved,
            )
        with transaction.atomic():  # the registry's numbering locks its sequence
            registry_demo._finish(
                builder,
                {},
                time.perf_counter(),
                use_trigger=False,
                count=0,
                what="organisations of the exchange's demo created",
            )
        return len(keys)

    def person(self, key: str):
        """Who acts for the organisation ``key`` (the demo users for their own)."""
        if key not in self.people:
            if key == "member":
                self.people[key] = self.accounts["member"]
            elif key == "testsite" and "testsite_owner" in self.accounts:
                self.people[key] = self.accounts["testsite_owner"]
            else:
                from innocluster.documents.demo import demo_signatory

                self.people[key] = demo_signatory(self.orgs[key])
        return self.people[key]

    def _days_ago(self, low: int, high: int) -> datetime.datetime:
        return self.now - datetime.timedelta(
            days=self.rng.randint(low, high), hours=self.rng.randint(0, 9)
        )

    # the catalogue -----------------------------------------------------------------------------

    def listings(self, model, specs, create, publish, archive) -> list:
        """Each listing, made when absent; returns them all in the order of ``specs``."""
        items = []
        for key, status, fields in specs:
            owner = self.orgs[key]
            item = model.objects.filter(owner=owner, title=fields["title"]).first()
            if item is None:
                actor = self.person(key)
                item = create(owner, dict(fields), actor=actor)
                if status in (ListingStatus.PUBLISHED, ListingStatus.ARCHIVED):
                    item = publish(item, actor=actor)
                    model.objects.filter(pk=item.pk).update(published_at=self._days_ago(3, 120))
                if status == ListingStatus.ARCHIVED:
                    item = archive(item, actor=actor, reason=fields.get("description", ""))
                if model is TechnologyOffer:
                    self.result.technologies += 1
                else:
                    self.result.products += 1
            items.append(item)
        return items

    # challenges --------------------------------------------------------------------------------

    def challenge(self, spec: dict) -> Challenge:
        from . import services

        owner = self.orgs[spec["owner"]]
        fields = spec["fields"]
        existing = Challenge.objects.filter(owner=owner, title=fields["title"]).first()
        if existing is not None:
            return existing
        actor = self.person(spec["owner"])
        life = spec["life"]
        data = {
            **fields,
            "deadline": timezone.localdate() + datetime.timedelta(days=self.rng.randint(20, 60)),
        }
        challenge = services.create_challenge(
            actor, data, owner=owner.pk, publish=life != ChallengeStatus.DRAFT
        )
        self.result.challenges += 1
        if life == ChallengeStatus.DRAFT:
            return challenge
        Challenge.objects.filter(pk=challenge.pk).update(published_at=self._days_ago(10, 60))
        for solution_spec in spec["solutions"]:
            self.solution(challenge, solution_spec)
        challenge.refresh_from_db()
        self.move(challenge, actor, life, spec.get("note", ""))
        return challenge

    def solution(self, challenge: Challenge, spec) -> Solution:
        from . import services

        key, fate, trl, description, messages = spec
        responder = self.orgs[key]
        actor = self.person(key)
        if challenge.visibility == "nda":
            services.accept_nda(challenge, actor, organisation=responder.pk, accept=True)
        solution = services.submit_solution(
            challenge,
            actor,
            description=description,
            trl=trl,
            references=responder.description_ru[:300],
            price_indication="по запросу" if challenge.language == "ru" else "on request",
            responder=responder.pk,
        )
        self.result.solutions += 1
        owner_actor = self.person(self._key_of(challenge.owner))
        for side, text in messages:
            services.post_message(solution, owner_actor if side == "owner" else actor, text)
        if fate == SolutionStatus.WITHDRAWN:
            services.withdraw_solution(solution, actor)
            return solution
        for action in PIPELINE[fate]:
            feedback = FEEDBACK[challenge.language] if action == "decline" else ""
            solution = services.move_solution(solution, action, owner_actor, feedback=feedback)
        return solution

    def _key_of(self, organisation: Organisation) -> str:
        return next(key for key, org in self.orgs.items() if org.pk == organisation.pk)

    def move(self, challenge: Challenge, actor, life: str, note: str) -> None:
        from . import services

        if life == ChallengeStatus.OPEN:
            return
        services.move_challenge(challenge, "evaluate", actor)
        if life == ChallengeStatus.EVALUATING:
            return
        if life == ChallengeStatus.PILOTING or life == "closed:adopted":
            services.move_challenge(challenge, "start_pilot", actor)
        if life.startswith("closed:"):
            outcome = life.split(":", 1)[1]
            services.move_challenge(challenge, "close", actor, outcome=outcome, note=note)

    # interest ----------------------------------------------------------------------------------

    def interests(self, technologies, products, challenges) -> None:
        items = {"technology": technologies, "product": products, "challenge": challenges}
        for key, kind, index, message in INTERESTS:
            item = items[kind][index]
            sender = self.orgs[key]
            if sender.pk == item.owner_id:  # a tiny registry: the member's company twice
                continue
            if ExpressionOfInterest.objects.filter(
                target_kind=kind, target_id=item.pk, organisation=sender
            ).exists():
                continue
            catalogue.express_interest(
                actor=self.person(key),
                kind=kind,
                target_id=item.pk,
                message=message,
                organisation=sender,
            )
            self.result.interests += 1


def run(accounts: dict, member_org: Organisation) -> ExchangeDemoResult:
    """Make the exchange's demo that is not there yet (see the module's docstring).

    Args:
        accounts: the demo users by role (``member`` and ``testsite_owner`` are used).
        member_org: the demo member user's company.

    Returns:
        An ``ExchangeDemoResult``: what was made now, the seconds taken, or why nothing was.
    """
    result = ExchangeDemoResult()
    began = time.perf_counter()
    if "member" not in accounts:
        result.skipped = "no demo member user"
        return result
    demo = _Demo(accounts, member_org, result)
    step = time.perf_counter()
    demo.organisations()
    result.timings["organisations"] = time.perf_counter() - step
    step = time.perf_counter()
    technologies = demo.listings(
        TechnologyOffer,
        TECHNOLOGIES,
        catalogue.create_technology,
        catalogue.publish_technology,
        catalogue.archive_technology,
    )
    products = demo.listings(
        Product,
        PRODUCTS,
        catalogue.create_product,
        catalogue.publish_product,
        catalogue.archive_product,
    )
    result.timings["catalogue"] = time.perf_counter() - step
    step = time.perf_counter()
    challenges = [demo.challenge(spec) for spec in CHALLENGES]
    result.timings["challenges"] = time.perf_counter() - step
    demo.interests(technologies, products, challenges)
    result.seconds = time.perf_counter() - began
    return result


def demo_items() -> dict:
    """The demo's items by kind (for checks and tests)."""
    return {
        "technologies": TechnologyOffer.objects.filter(
            title__in=[spec[2]["title"] for spec in TECHNOLOGIES]
        ),
        "products": Product.objects.filter(title__in=[spec[2]["title"] for spec in PRODUCTS]),
        "challenges": Challenge.objects.filter(
            title__in=[spec["fields"]["title"] for spec in CHALLENGES]
        ),
    }


__all__ = ["ExchangeDemoResult", "demo_items", "run"]
