"""Who is calling: a person through the portal session, or a system with an API token."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from innocluster.accounts.models import ApiToken
from innocluster.accounts.services import authenticate_token
from innocluster.core.errors import NotFound, NotPermitted


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


def caller_with_scope(request, *scopes: str):
    """The signed-in person, or the API token when it holds one of ``scopes``; any other token
    is refused (403 ``missing_scope``, naming the scopes)."""
    user = caller_user(request)
    if user is not None:
        return user
    token = caller_token(request)
    if not any(token.has_scope(scope) for scope in scopes):
        raise NotPermitted(
            _("This API token lacks the scope %(scope)s.") % {"scope": " or ".join(scopes)},
            code="missing_scope",
        )
    return token


def caller_person(request):
    """The signed-in person; an API token is refused (403 ``person_only``): people act here."""
    user = caller_user(request)
    if user is None:
        raise NotPermitted(
            _("A person signs in to do this; an API token cannot."), code="person_only"
        )
    return user


def optional_reader(request, scope: str = "read"):
    """Who reads an endpoint open to everyone: a bearer token, which must be valid (401) and hold
    ``scope`` (403 ``missing_scope``), else the session's person (anonymous included)."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        return request.user
    token = authenticate_token(header[7:].strip())
    if token is None:
        raise AuthenticationError()
    if not token.has_scope(scope):
        raise NotPermitted(
            _("This API token lacks the scope %(scope)s.") % {"scope": scope},
            code="missing_scope",
        )
    return token


def found(value):
    """``value``, or 404 when it is None: what the caller may not see is not found."""
    if value is None:
        raise NotFound()
    return value
