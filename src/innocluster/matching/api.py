"""Matchmaking endpoints: ranked, explained candidates for a challenge, a technology offer, a
product or an organisation, and a consortium for a project idea."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router

from innocluster.api.auth import ANY_AUTH, caller_with_scope, found
from innocluster.api.schemas import Problem
from innocluster.core.errors import FieldError, NotFound, NotPermitted, ValidationFailed
from innocluster.registry.areas import PRIORITY_AREA_CODES
from innocluster.registry.models import Organisation

from . import services
from .schemas import ChallengeMatchesOut, ChallengeMatchesQuery, ConsortiumIn, MatchGroupsOut

router = Router(tags=["matching"])
ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


def _actor(request):
    """The signed-in person, or an API token holding the ``read`` scope (403 otherwise)."""
    return caller_with_scope(request, "read")


def _owned(find, pk, actor, owner=lambda item: item.owner):
    """The item as its own page finds it for ``actor`` (drafts only for their owner), or 404
    for anyone who may not see it or its matches (no existence leak)."""
    try:
        item = find(actor, pk)
    except Http404:
        raise NotFound() from None
    try:
        services.check_may_match_for(actor, owner(item))
    except NotPermitted:
        raise NotFound() from None
    return item


def _grouped_matches(request, find, pk, match, owner=lambda item: item.owner) -> dict:
    """The grouped candidates ``match`` finds for the item ``find`` gives (404 as ``_owned``)."""
    actor = _actor(request)
    return _groups(match(actor, _owned(find, pk, actor, owner)))


def _organisation(actor, pk):
    return found(Organisation.objects.filter(pk=pk).first())


def candidate_out(candidate: services.Candidate, trl_min: int | None = None) -> dict:
    return {
        "rank": candidate.rank,
        "kind": candidate.kind,
        "id": candidate.object_id,
        "title": candidate.title,
        "score": candidate.score,
        "url": candidate.url,
        "owner": {"id": candidate.owner_id, "name": candidate.owner_name},
        "explanation": {
            "shared_terms": candidate.shared_terms,
            "shared_areas": candidate.shared_area_codes,
            "trl": {
                "verdict": candidate.trl,
                "value": candidate.trl_value,
                "required": trl_min,
                "text": candidate.trl_text,
            },
            "supporting": candidate.supporting,
            "against": candidate.against,
            "reasons_for": candidate.reasons_for,
            "reasons_against": candidate.reasons_against,
        },
    }


def _groups(results: dict, trl_min: int | None = None) -> dict:
    return {
        "groups": {
            key: [candidate_out(candidate, trl_min) for candidate in candidates]
            for key, candidates in results.items()
        }
    }


@router.get(
    "/challenges/{challenge_id}/matches",
    response={200: ChallengeMatchesOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Ranked, explained candidates for a challenge",
    description=(
        "Companies, products and technology offers that could answer the challenge, best "
        "first, each with its explanation: the shared words and priority areas, the TRL "
        "against the challenge's minimum, supporting evidence (OKVED, region, past "
        "collaboration, activity) and what counts against it. For the challenge owner's "
        "people and token and the Fund's staff; anyone else gets 404."
    ),
)
def challenge_matches(request, challenge_id: uuid.UUID, params: Query[ChallengeMatchesQuery]):
    from innocluster.exchange.selectors import challenge_for

    actor = _actor(request)
    challenge = _owned(challenge_for, challenge_id, actor)
    candidates = services.matches_for_challenge(
        actor, challenge, kind=params.kind, limit=params.limit
    )
    return {
        "challenge": challenge.pk,
        "candidates": [candidate_out(c, challenge.trl_min) for c in candidates],
    }


@router.get(
    "/technologies/{offer_id}/matches",
    response={200: MatchGroupsOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Licensees and open challenges for a technology offer",
)
def technology_matches(request, offer_id: uuid.UUID):
    from innocluster.exchange.catalogue_selectors import technology_for

    return _grouped_matches(request, technology_for, offer_id, services.matches_for_technology)


@router.get(
    "/products/{product_id}/matches",
    response={200: MatchGroupsOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Open challenges and customers for a product or service",
)
def product_matches(request, product_id: uuid.UUID):
    from innocluster.exchange.catalogue_selectors import product_for

    return _grouped_matches(request, product_for, product_id, services.matches_for_product)


@router.get(
    "/organisations/{organisation_id}/matches",
    response={200: MatchGroupsOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Challenges, technologies and partners for an organisation",
)
def organisation_matches(request, organisation_id: uuid.UUID):
    return _grouped_matches(
        request,
        _organisation,
        organisation_id,
        services.matches_for_organisation,
        owner=lambda organisation: organisation,
    )


@router.post(
    "/matching/consortium",
    response={200: MatchGroupsOut, **ERRORS},
    auth=ANY_AUTH,
    summary="A consortium of complementary kinds for a project idea",
    description=(
        "Customers (corporations, city bodies), companies (SMEs, startups) and science "
        "(universities, research institutes) that fit the idea, the best few of each, with "
        "their explanations."
    ),
)
def consortium(request, payload: ConsortiumIn):
    unknown = [code for code in payload.priority_areas if code not in PRIORITY_AREA_CODES]
    if unknown:
        raise ValidationFailed(
            [
                FieldError(
                    "priority_areas",
                    _("Unknown priority area %(code)s; one of %(codes)s.")
                    % {"code": unknown[0], "codes": ", ".join(PRIORITY_AREA_CODES)},
                    "unknown_area",
                )
            ]
        )
    if not any(character.isalnum() for character in payload.idea):
        raise ValidationFailed(
            [FieldError("idea", _("Describe the idea in a few words."), "required")]
        )
    results = services.consortium_for_idea(
        _actor(request),
        text=payload.idea,
        areas=payload.priority_areas,
        trl_min=payload.trl_min,
        limit=payload.limit,
    )
    return _groups(results, payload.trl_min)
