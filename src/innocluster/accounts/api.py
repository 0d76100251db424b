"""The caller's own profile and the organisation's API tokens."""

from __future__ import annotations

import uuid

from ninja import Router, Status

from innocluster.api.auth import ANY_AUTH, caller_token, session_auth
from innocluster.api.schemas import ERRORS
from innocluster.core.errors import NotFound

from .models import ApiToken
from .schemas import IssuedTokenOut, MeOut, TokenIn, TokenOut
from .services import issue_api_token, revoke_api_token

router = Router(tags=["accounts"])


def token_out(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "organisation_id": token.organisation_id,
        "scopes": token.scopes,
        "key_prefix": token.key_prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get(
    "/me", response={200: MeOut, **ERRORS}, auth=ANY_AUTH, summary="The caller's own profile"
)
def me(request):
    token = caller_token(request)
    if token is not None:
        return {"kind": "token", "token": token_out(token)}
    from innocluster.registry import selectors

    user = request.auth
    return {
        "kind": "user",
        "email": user.email,
        "full_name": user.full_name,
        "platform_role": user.platform_role,
        "email_confirmed": user.email_confirmed,
        "organisations": [
            {
                "id": r.organisation.id,
                "name_ru": r.organisation.name_ru,
                "status": r.organisation.status,
                "member_number": r.organisation.member_number,
                "role": r.role,
            }
            for r in selectors.roles_of(user)
        ],
        "applications": [
            {
                "id": a.id,
                "organisation_id": a.organisation_id,
                "status": a.status,
                "created_at": a.created_at,
            }
            for a in selectors.applications_of(user)
        ],
    }


@router.post(
    "/organisations/{org_id}/tokens",
    response={201: IssuedTokenOut, **ERRORS},
    auth=session_auth,
    summary="Issue an API token for an organisation",
)
def issue_token(request, org_id: uuid.UUID, payload: TokenIn):
    from innocluster.registry import selectors

    organisation = selectors.organisation_for(request.auth, org_id)
    token, raw = issue_api_token(request.auth, organisation, payload.name, list(payload.scopes))
    return Status(201, {**token_out(token), "key": raw})


@router.get(
    "/organisations/{org_id}/tokens",
    response={200: list[TokenOut], **ERRORS},
    auth=session_auth,
    summary="An organisation's API tokens",
)
def list_tokens(request, org_id: uuid.UUID):
    from innocluster.registry import selectors
    from innocluster.registry.permissions import may_administer_organisation

    organisation = selectors.organisation_for(request.auth, org_id)
    if not may_administer_organisation(request.auth, organisation)[0]:
        raise NotFound()
    return [token_out(t) for t in organisation.api_tokens.order_by("-created_at")]


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, **ERRORS},
    auth=session_auth,
    summary="Revoke an API token",
)
def revoke_token(request, token_id: uuid.UUID):
    from innocluster.registry.permissions import may_administer_organisation

    token = ApiToken.objects.select_related("organisation").filter(pk=token_id).first()
    if token is None or not may_administer_organisation(request.auth, token.organisation)[0]:
        raise NotFound()
    return token_out(revoke_api_token(request.auth, token))
