"""Who is calling: a person through the portal session, or a system with an API token."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from innocluster.accounts.models import ApiToken
from innocluster.accounts.services import authenticate_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ic_...``: a scoped, revocable organisation token."""

    openapi_description = "An organisation's API token (scoped, revocable)."

    def authenticate(self, request, token: str):
        found = authenticate_token(token)
        if found is not None:
            request.api_token = found
        return found


class PortalSession(SessionAuth):
    """The portal's session cookie (CSRF is checked on unsafe methods)."""


token_auth = TokenAuth()
session_auth = PortalSession()
ANY_AUTH = [token_auth, session_auth]


def caller_user(request):
    """The signed-in person, or None when a system calls with a token."""
    return None if isinstance(request.auth, ApiToken) else request.auth


def caller_token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None
