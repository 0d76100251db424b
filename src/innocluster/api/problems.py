"""RFC 9457 problem details for every API error, so no input ever surfaces as a bare 500 page."""

from __future__ import annotations

import json
import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from innocluster.core.errors import DomainError

logger = logging.getLogger(__name__)
PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("Bad request"),
    401: _("Authentication required"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    422: _("Invalid input"),
    429: _("Too many requests"),
    500: _("Internal server error"),
}


def problem(
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    errors: list[dict] | None = None,
    **extra,
) -> HttpResponse:
    body = {
        "type": f"https://innocluster.org/problems/{code}",
        "title": str(TITLES.get(status, _("Error"))),
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    # A lone surrogate a client sent ("\ud800") may be quoted back in a message; it has no UTF-8
    # form, so it goes out as its JSON escape rather than failing the response.
    content = json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace")
    return HttpResponse(content, status=status, content_type=PROBLEM_CONTENT_TYPE)


def _field_of(loc) -> str:
    """Pydantic's error location ("body", "payload", "inn") as the field name a client sent."""
    parts = [
        str(p)
        for p in loc
        if p not in ("body", "query", "path", "header", "cookie", "payload", "filters")
    ]
    return ".".join(parts) or "body"


def install_problem_handlers(api) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        errors = [{"field": e.field, "message": str(e.message), "code": e.code} for e in exc.errors]
        return problem(request, exc.status, exc.code, str(exc.message), errors, **exc.extra)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        errors = [
            {
                "field": _field_of(e.get("loc", ())),
                "message": str(e.get("msg", "")),
                "code": str(e.get("type", "invalid")),
            }
            for e in exc.errors
        ]
        return problem(request, 422, "validation_error", str(_("The input is invalid.")), errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return problem(
            request,
            401,
            "not_authenticated",
            str(_("Sign in, or send a valid API token as 'Authorization: Bearer <token>'.")),
        )

    @api.exception_handler(AuthorizationError)
    def authorization_error(request, exc):
        return problem(request, 403, "forbidden", str(exc) or str(_("Forbidden.")))

    # A body Django cannot parse as multipart (no boundary, too many files or fields, too big)
    # is the client's mistake: a 400 problem, not a server error.
    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(RequestDataTooBig)
    @api.exception_handler(TooManyFilesSent)
    @api.exception_handler(TooManyFieldsSent)
    def unreadable_body(request, exc):
        return problem(
            request,
            400,
            "unreadable_body",
            str(_("The request body cannot be read: %(reason)s") % {"reason": exc}),
        )

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return problem(request, 429, "throttled", str(_("Too many requests.")))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return problem(request, exc.status_code, "http_error", str(exc))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(request, 404, "not_found", str(_("Not found.")))

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("Unhandled API error on %s", request.path)
        return problem(
            request,
            500,
            "server_error",
            str(_("An unexpected error occurred; it has been logged.")),
        )
