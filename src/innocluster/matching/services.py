"""Matchmaking's use cases: who could answer a challenge, license a technology or buy a product;
what a company could answer, license or partner with; which consortium could carry an idea.

Each use case turns an item into a ``MatchQuery`` (its text, areas, TRL, the owner's region and
OKVED codes, the owner's past partners), asks the process's index (``index_store.get_index``)
and dresses the engine's matches for people: names, links and the explanation in words.

Who may ask: the people acting for the item's owner (or its API token) and the Fund's staff. What
they get is limited to what they may see: members-only items reach members and the Fund only,
and a challenge's NDA-protected text is put into its query only for someone who may read it, so
the shared words shown in an explanation never quote it to anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.errors import NotPermitted, ValidationFailed
from innocluster.documents.permissions import acts_for
from innocluster.programmes.selectors import area_labels
from innocluster.registry.choices import OrganisationKind, OrgRole
from innocluster.registry.models import Organisation, OrganisationRole

from .choices import DocumentKind
from .engine import Match, MatchQuery
from .index_store import get_index
from .reasons import against_reason, supporting_reason, trl_verdict
from .search import audiences_for, item_url

DEFAULT_LIMIT = 20
# Headings of the lists the use cases return, by their keys.
GROUP_HEADINGS = {
    "licensees": gettext_lazy("Companies that could license it"),
    "challenges": gettext_lazy("Open challenges it could answer"),
    "customers": gettext_lazy("Corporations and city bodies that could buy it"),
    "technologies": gettext_lazy("Technologies it could license"),
    "partners": gettext_lazy("Partners for a project"),
    "customer": gettext_lazy("Customer: a corporation or city body"),
    "company": gettext_lazy("Company: an SME or startup"),
    "science": gettext_lazy("Science: a university or research institute"),
    "organisation": gettext_lazy("Companies and organisations"),
    "product": gettext_lazy("Products and services"),
    "technology": gettext_lazy("Technology offers"),
}
MAX_LIMIT = 100
# What could answer a challenge.
CHALLENGE_ANSWER_KINDS = frozenset(
    {DocumentKind.ORGANISATION, DocumentKind.PRODUCT, DocumentKind.TECHNOLOGY}
)
# The order the challenge's page shows them in.
CHALLENGE_ANSWER_ORDER = (DocumentKind.ORGANISATION, DocumentKind.PRODUCT, DocumentKind.TECHNOLOGY)
# Challenges a company could still answer, and items still on offer.
OPEN_CHALLENGE_STATUSES = frozenset({"open"})
# The three complementary roles of a consortium for a project idea (registry kinds of each).
CONSORTIUM_ROLES: dict[str, frozenset[str]] = {
    "customer": frozenset({OrganisationKind.CORPORATION, OrganisationKind.CITY_BODY}),
    "company": frozenset({OrganisationKind.COMPANY, OrganisationKind.STARTUP}),
    "science": frozenset({OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE}),
}
# Who could license a technology or buy a product: organisations that make or buy things.
LICENSEE_KINDS = frozenset(
    {
        OrganisationKind.COMPANY,
        OrganisationKind.STARTUP,
        OrganisationKind.CORPORATION,
        OrganisationKind.CITY_BODY,
    }
)


@dataclass
class Candidate:
    """One ranked match as a page or the API shows it."""

    rank: int
    kind: str
    object_id: str
    title: str
    score: float
    url: str
    owner_id: str
    owner_name: str
    owner_url: str
    shared_terms: list[str]
    shared_areas: list[str]  # names, in the active language
    shared_area_codes: list[str]
    trl: str  # the engine's verdict code
    trl_value: int | None
    trl_text: str
    reasons_for: list[str] = field(default_factory=list)
    reasons_against: list[str] = field(default_factory=list)
    supporting: list[str] = field(default_factory=list)  # codes
    against: list[str] = field(default_factory=list)  # codes

    @property
    def kind_label(self) -> str:
        return str(DocumentKind(self.kind).label)


def check_may_match_for(actor, owner: Organisation) -> None:
    """The owner's people in any role (viewers read their organisation's private data), its
    token, and the Fund's staff may see matches for its items."""
    if getattr(actor, "is_fund_staff", False) or acts_for(actor, owner, roles=OrgRole.values):
        return
    raise NotPermitted(_("Only the owner's people and the Fund's staff see its matches."))


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        from innocluster.core.errors import FieldError

        raise ValidationFailed(
            [
                FieldError(
                    "limit",
                    _("Must be from 1 to %(most)s.") % {"most": MAX_LIMIT},
                    "out_of_range",
                )
            ]
        )
    return limit


def collaborators_of(organisation_id) -> frozenset[str]:
    """Organisations that worked with this one: consortium partners in joint projects, and the
    other side of an exchange solution that went to a pilot or was accepted."""
    from innocluster.programmes.selectors import consortium_partners_of

    partners = consortium_partners_of(organisation_id) | _solution_partners_of(organisation_id)
    return frozenset(str(partner) for partner in partners)


def _solution_partners_of(organisation_id) -> set:
    # Read here rather than in exchange: like indexing, matching only reads the exchange's rows.
    from django.db.models import Q

    from innocluster.exchange.choices import SolutionStatus
    from innocluster.exchange.models import Solution

    pairs = Solution.objects.filter(
        Q(responder_id=organisation_id) | Q(challenge__owner_id=organisation_id),
        status__in=(SolutionStatus.PILOT_PROPOSED, SolutionStatus.ACCEPTED),
    ).values_list("responder_id", "challenge__owner_id")
    return {other for pair in pairs for other in pair if other != organisation_id}


def _owner_evidence(owner: Organisation) -> dict:
    okved = [owner.okved_main_id] if owner.okved_main_id else []
    okved += sorted(owner.okved_extra.values_list("code", flat=True))
    return {
        "okved": tuple(okved),
        "region": owner.region_id or "",
        "exclude_owner": str(owner.pk),
        "collaborators": collaborators_of(owner.pk),
    }


def _join(*parts) -> str:
    return "\n".join(part for part in parts if part)


def _run(query: MatchQuery, limit: int, trl_min: int | None = None) -> list[Candidate]:
    matches = get_index().search(query, limit=limit)
    return present(matches, trl_min=trl_min)


# --- for a challenge -------------------------------------------------------------------------


def challenge_query(actor, challenge, kinds=None) -> MatchQuery:
    """The query a challenge asks: all its text for whoever may read it, else its public part."""
    from innocluster.exchange.choices import Visibility
    from innocluster.exchange.models import PROTECTED_FIELDS
    from innocluster.exchange.selectors import protected_text_visible_to

    texts = [
        challenge.title,
        challenge.summary,
        challenge.title_translated,
        challenge.summary_translated,
    ]
    if challenge.visibility != Visibility.NDA or protected_text_visible_to(actor, challenge):
        texts += [getattr(challenge, name) for name in PROTECTED_FIELDS]
    return MatchQuery(
        text=_join(*texts),
        kinds=frozenset(kinds or CHALLENGE_ANSWER_KINDS),
        areas=frozenset(challenge.priority_areas),
        trl_min=challenge.trl_min,
        audiences=audiences_for(actor),
        **_owner_evidence(challenge.owner),
    )


def matches_for_challenge(actor, challenge, *, kind: str | None = None, limit=DEFAULT_LIMIT):
    """Companies, products and technology offers that could answer the challenge, best first.

    Args:
        actor: the person or API token asking (the owner's, or the Fund's staff).
        challenge: an exchange Challenge.
        kind: only this DocumentKind (organisation, product or technology), or all three.
        limit: how many, 1..100.

    Returns:
        Candidates, each with its explanation.
    """
    check_may_match_for(actor, challenge.owner)
    check_limit(limit)
    kinds = {kind} if kind else None
    query = challenge_query(actor, challenge, kinds)
    return _run(query, limit, trl_min=challenge.trl_min)


def matches_for_challenge_by_kind(actor, challenge, *, limit=10) -> dict[str, list[Candidate]]:
    """The best ``limit`` of each kind that could answer the challenge, by kind."""
    check_may_match_for(actor, challenge.owner)
    check_limit(limit)
    # One query's evidence (areas, partners, audiences) read once, asked of each kind.
    query = challenge_query(actor, challenge)
    return {
        str(kind): _run(replace(query, kinds=frozenset({kind})), limit, trl_min=challenge.trl_min)
        for kind in CHALLENGE_ANSWER_ORDER
    }


# --- for a technology offer or a product ------------------------------------------------------


def _item_text(item) -> str:
    return _join(
        item.title,
        item.summary,
        item.title_translated,
        item.summary_translated,
        item.description,
    )


def matches_for_technology(actor, offer, *, limit=DEFAULT_LIMIT) -> dict[str, list[Candidate]]:
    """Who could license a technology: companies that work in its field, and open challenges
    it could answer."""
    check_may_match_for(actor, offer.owner)
    check_limit(limit)
    common = {
        "text": _join(_item_text(offer), offer.lab_competencies),
        "areas": frozenset(offer.priority_areas),
        "audiences": audiences_for(actor),
        **_owner_evidence(offer.owner),
    }
    licensees = MatchQuery(
        kinds=frozenset({DocumentKind.ORGANISATION}), org_kinds=LICENSEE_KINDS, **common
    )
    challenges = MatchQuery(
        kinds=frozenset({DocumentKind.CHALLENGE}), statuses=OPEN_CHALLENGE_STATUSES, **common
    )
    return {"licensees": _run(licensees, limit), "challenges": _run(challenges, limit)}


def matches_for_product(actor, product, *, limit=DEFAULT_LIMIT) -> dict[str, list[Candidate]]:
    """Who could buy a product: open challenges it answers, and corporations and city bodies
    working in its field."""
    check_may_match_for(actor, product.owner)
    check_limit(limit)
    common = {
        "text": _item_text(product),
        "areas": frozenset(product.priority_areas),
        "audiences": audiences_for(actor),
        **_owner_evidence(product.owner),
    }
    challenges = MatchQuery(
        kinds=frozenset({DocumentKind.CHALLENGE}), statuses=OPEN_CHALLENGE_STATUSES, **common
    )
    customers = MatchQuery(
        kinds=frozenset({DocumentKind.ORGANISATION}),
        org_kinds=CONSORTIUM_ROLES["customer"],
        **common,
    )
    return {"challenges": _run(challenges, limit), "customers": _run(customers, limit)}


# --- for a company ----------------------------------------------------------------------------


def organisation_text(organisation: Organisation) -> str:
    """What a company is about: its names and descriptions, OKVED names, and what it lists on the
    exchange (titles of its products and technology offers)."""
    okved = []
    if organisation.okved_main_id:
        okved.append(organisation.okved_main.name_ru)
    okved += list(organisation.okved_extra.values_list("name_ru", flat=True))
    return _join(
        organisation.name_ru,
        organisation.name_en,
        organisation.description_ru,
        organisation.description_en,
        *okved,
        *_listed_titles_of(organisation.pk),
    )


def _listed_titles_of(organisation_id) -> list[str]:
    from innocluster.exchange.choices import ListingStatus
    from innocluster.exchange.models import Product, TechnologyOffer

    titles = []
    for model in (Product, TechnologyOffer):
        titles += model.objects.filter(
            owner_id=organisation_id, status=ListingStatus.PUBLISHED
        ).values_list("title", flat=True)[:50]
    return titles


def matches_for_organisation(actor, organisation, *, limit=DEFAULT_LIMIT):
    """For a company: open challenges it could answer, technologies it could license, and
    partners for a project, each list best first."""
    check_may_match_for(actor, organisation)
    check_limit(limit)
    common = {
        "text": organisation_text(organisation),
        "areas": frozenset(organisation.priority_areas.values_list("code", flat=True)),
        "audiences": audiences_for(actor),
        **_owner_evidence(organisation),
    }
    return {
        "challenges": _run(
            MatchQuery(
                kinds=frozenset({DocumentKind.CHALLENGE}),
                statuses=OPEN_CHALLENGE_STATUSES,
                **common,
            ),
            limit,
        ),
        "technologies": _run(
            MatchQuery(kinds=frozenset({DocumentKind.TECHNOLOGY}), **common), limit
        ),
        "partners": _run(MatchQuery(kinds=frozenset({DocumentKind.ORGANISATION}), **common), limit),
    }


# --- for a project idea -----------------------------------------------------------------------


def consortium_for_idea(
    actor, *, text: str, areas=(), trl_min: int | None = None, limit: int = 5
) -> dict[str, list[Candidate]]:
    """A consortium of complementary kinds for a project idea: customers (corporations, city
    bodies), companies (SMEs and startups) and science (universities, research institutes), the
    best few of each. The asker's own organisation is left out when it acts for exactly one."""
    check_limit(limit)
    own = _own_organisation(actor)
    evidence = _owner_evidence(own) if own is not None else {}
    audiences = audiences_for(actor)
    results = {}
    for role, kinds in CONSORTIUM_ROLES.items():
        query = MatchQuery(
            text=text,
            kinds=frozenset({DocumentKind.ORGANISATION}),
            areas=frozenset(areas),
            trl_min=trl_min,
            audiences=audiences,
            org_kinds=kinds,
            **evidence,
        )
        results[role] = _run(query, limit, trl_min=trl_min)
    return results


def _own_organisation(actor) -> Organisation | None:
    organisation = getattr(actor, "organisation", None)  # an API token
    if organisation is not None:
        return organisation
    if not getattr(actor, "is_authenticated", False):
        return None
    roles = list(
        OrganisationRole.objects.filter(user=actor).values_list("organisation_id", flat=True)[:2]
    )
    if len(set(roles)) != 1:
        return None
    return Organisation.objects.filter(pk=roles[0]).first()


# --- presentation -----------------------------------------------------------------------------


def present(matches: list[Match], *, trl_min: int | None = None) -> list[Candidate]:
    """The engine's matches with names, links and reasons in words (one query for the owners)."""
    owners = {
        str(pk): (name_ru, name_en)
        for pk, name_ru, name_en in Organisation.objects.filter(
            pk__in={match.owner_id for match in matches}
        ).values_list("pk", "name_ru", "name_en")
    }
    from django.utils.translation import get_language

    english = (get_language() or "ru").startswith("en")
    candidates = []
    for rank, match in enumerate(matches, start=1):
        explanation = match.explanation
        name_ru, name_en = owners.get(match.owner_id, ("", ""))
        candidates.append(
            Candidate(
                rank=rank,
                kind=match.kind,
                object_id=match.object_id,
                title=match.title,
                score=round(float(match.score), 4),
                url=item_url(match.kind, match.object_id),
                owner_id=match.owner_id,
                owner_name=(name_en or name_ru) if english else name_ru,
                owner_url=item_url(DocumentKind.ORGANISATION, match.owner_id),
                shared_terms=list(explanation.shared_terms),
                shared_areas=area_labels(explanation.shared_areas),
                shared_area_codes=list(explanation.shared_areas),
                trl=explanation.trl,
                trl_value=explanation.trl_value,
                trl_text=trl_verdict(
                    explanation.trl, trl_value=explanation.trl_value, trl_min=trl_min
                ),
                reasons_for=[supporting_reason(code) for code in explanation.supporting],
                reasons_against=[
                    against_reason(code, trl_value=explanation.trl_value, trl_min=trl_min)
                    for code in explanation.against
                    if code != "trl_below"  # trl_text says it already
                ],
                supporting=list(explanation.supporting),
                against=list(explanation.against),
            )
        )
    return candidates
