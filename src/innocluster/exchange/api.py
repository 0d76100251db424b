"""Challenges endpoints: the list and a challenge (anyone, scoped to what the caller may see),
posting one, accepting its NDA, answering it and the solutions.

Reading needs no sign-in; a person's session or an organisation's API token (scope ``read``)
shows what their organisation may see. Protected fields (``details``, ``expected_result``,
``requirements``) are ``null`` with ``details_protected: true`` whenever
``selectors.protected_text_visible_to`` says the caller may not read them. Writing needs a
person acting for an admitted organisation, or its token with the ``profile`` scope.
"""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from innocluster.api.auth import ANY_AUTH, caller_with_scope, optional_reader
from innocluster.api.schemas import ERRORS
from innocluster.core.errors import FieldError, NotFound, ValidationFailed
from innocluster.core.text import CleanStr

from . import selectors, services
from .models import PROTECTED_FIELDS
from .permissions import organisation_ids
from .schemas import (
    ChallengeIn,
    ChallengeOut,
    ChallengePage,
    NdaAcceptanceIn,
    NdaAcceptanceOut,
    SolutionIn,
    SolutionOut,
)
from .selectors import Viewer, protected_text_visible_to

router = Router(tags=["exchange"])
WRITE_SCOPE = "profile"


def _reader(request):
    return optional_reader(request)


def _writer(request):
    return caller_with_scope(request, WRITE_SCOPE)


def challenge_json(challenge, viewer) -> dict:
    visible = protected_text_visible_to(viewer, challenge)
    data = {
        "id": challenge.pk,
        "url": f"/exchange/challenges/{challenge.pk}/",
        "title": challenge.title,
        "summary": challenge.summary,
        "title_translated": challenge.title_translated,
        "summary_translated": challenge.summary_translated,
        "language": challenge.language,
        "owner": {"id": challenge.owner.pk, "name": challenge.owner.name},
        "status": challenge.status,
        "outcome": challenge.outcome,
        "visibility": challenge.visibility,
        "priority_areas": list(challenge.priority_areas),
        "trl_min": challenge.trl_min,
        "owner_offers": list(challenge.owner_offers),
        "budget_min_rub": challenge.budget_min_rub,
        "budget_max_rub": challenge.budget_max_rub,
        "deadline": challenge.deadline,
        "published_at": challenge.published_at,
        "details_protected": not visible,
        "nda_text": challenge.nda_text if challenge.visibility == "nda" else None,
        "version": challenge.version,
    }
    for name in PROTECTED_FIELDS:
        data[name] = getattr(challenge, name) if visible else None
    return data


def solution_json(solution) -> dict:
    return {
        "id": solution.pk,
        "url": f"/exchange/challenges/solutions/{solution.pk}/",
        "challenge": solution.challenge_id,
        "responder": {"id": solution.responder.pk, "name": solution.responder.name},
        "status": solution.status,
        "description": solution.description,
        "trl": solution.trl,
        "references": solution.references,
        "price_indication": solution.price_indication,
        "feedback": solution.feedback,
        "created_at": solution.created_at,
        "status_changed_at": solution.status_changed_at,
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "media_type": a.media_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in solution.attachments.all()
        ],
    }


class ChallengeQuery(Schema):
    status: CleanStr = NinjaField(
        "", max_length=16, description="open, evaluating, piloting or closed"
    )
    area: CleanStr = NinjaField("", max_length=32, description="a priority area code")
    visibility: CleanStr = NinjaField("", max_length=16, description="public, members or nda")
    offer: CleanStr = NinjaField("", max_length=16, description="what the owner offers")
    trl: int | None = NinjaField(None, ge=1, le=9, description="challenges a TRL qualifies for")
    limit: int = NinjaField(25, ge=1, le=200)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


def _check_query(filters: ChallengeQuery) -> dict:
    from .choices import ChallengeStatus, OwnerOffer, Visibility

    errors = []
    allowed = {
        "status": [s for s in ChallengeStatus.values if s != ChallengeStatus.DRAFT],
        "visibility": Visibility.values,
        "offer": OwnerOffer.values,
        "area": sorted(services.challenges.area_codes()),
    }
    values = {}
    for name, choices in allowed.items():
        value = getattr(filters, name)
        if value and value not in choices:
            errors.append(
                FieldError(
                    name,
                    _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(choices)},
                    "invalid_choice",
                )
            )
        elif value:
            values[name] = value
    if filters.trl:
        values["trl"] = filters.trl
    if errors:
        raise ValidationFailed(errors)
    return values


@router.get(
    "/challenges",
    response={200: ChallengePage, **ERRORS},
    auth=None,
    summary="Published challenges the caller may see",
    description=(
        "Public and NDA challenges for everyone; members-only ones for people of admitted "
        "organisations (and their tokens) and the Fund's staff. Under NDA `details`, "
        "`expected_result` and `requirements` are null and `details_protected` is true unless "
        "the caller's organisation owns the challenge or accepted its NDA. Newest first."
    ),
)
def list_challenges(request, filters: Query[ChallengeQuery]):
    reader = _reader(request)
    values = _check_query(filters)
    viewer = Viewer.of(reader)
    queryset = selectors.listed_challenges(viewer, **values)
    count = queryset.count()
    rows = list(queryset[filters.offset : filters.offset + filters.limit])
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [challenge_json(c, viewer) for c in rows],
    }


def _challenge(reader, challenge_id):
    from django.http import Http404

    try:
        return selectors.challenge_for(reader, challenge_id)
    except Http404:
        raise NotFound() from None


@router.get(
    "/challenges/{challenge_id}",
    response={200: ChallengeOut, **ERRORS},
    auth=None,
    summary="One challenge",
)
def get_challenge(request, challenge_id: str):
    reader = _reader(request)
    return challenge_json(_challenge(reader, challenge_id), Viewer.of(reader))


@router.post(
    "/challenges",
    response={201: ChallengeOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Post a challenge (a draft, or published with publish: true)",
)
def post_challenge(request, payload: ChallengeIn):
    actor = _writer(request)
    data = payload.model_dump(exclude={"owner", "publish"})
    challenge = services.create_challenge(actor, data, owner=payload.owner, publish=payload.publish)
    return Status(201, challenge_json(challenge, Viewer.of(actor)))


@router.post(
    "/challenges/{challenge_id}/nda-acceptance",
    response={201: NdaAcceptanceOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Accept a challenge's NDA on behalf of an organisation",
)
def accept_nda(request, challenge_id: str, payload: NdaAcceptanceIn):
    actor = _writer(request)
    challenge = _challenge(actor, challenge_id)
    acceptance = services.accept_nda(
        challenge, actor, organisation=payload.organisation, accept=payload.accept
    )
    return Status(
        201,
        {
            "challenge": challenge.pk,
            "organisation": {
                "id": acceptance.organisation.pk,
                "name": acceptance.organisation.name,
            },
            "nda_sha256": acceptance.nda_sha256,
            "accepted_at": acceptance.created_at,
        },
    )


def _files(attachments) -> list[tuple[str, bytes]]:
    files, errors = [], []
    for index, item in enumerate(attachments):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            errors.append(
                FieldError(f"attachments[{index}].content_base64", _("Must be base64."), "invalid")
            )
            continue
        files.append((item.filename, content))
    if errors:
        raise ValidationFailed(errors)
    return files


@router.post(
    "/challenges/{challenge_id}/solutions",
    response={201: SolutionOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Answer a challenge with a solution",
    description=(
        "The challenge must be open and its deadline not past; under NDA the responder's "
        "organisation accepted the NDA first. Attachments: base64, limited in size and type."
    ),
)
def post_solution(request, challenge_id: str, payload: SolutionIn):
    actor = _writer(request)
    challenge = _challenge(actor, challenge_id)
    solution = services.submit_solution(
        challenge,
        actor,
        description=payload.description,
        trl=payload.trl,
        references=payload.references,
        price_indication=payload.price_indication,
        files=_files(payload.attachments),
        responder=payload.responder,
    )
    return Status(201, solution_json(solution))


@router.get(
    "/challenges/{challenge_id}/solutions",
    response={200: list[SolutionOut], **ERRORS},
    auth=ANY_AUTH,
    summary="A challenge's solutions: all for its owner, the caller's own for a responder",
)
def list_solutions(request, challenge_id: str):
    actor = caller_with_scope(request, "read", WRITE_SCOPE)
    challenge = _challenge(actor, challenge_id)
    ids = organisation_ids(actor)
    solutions = challenge.solutions.select_related("responder").prefetch_related("attachments")
    if challenge.owner_id not in ids:
        solutions = solutions.filter(responder_id__in=ids)
    return [solution_json(s) for s in solutions.order_by("created_at")]
