import json

from django.utils.translation import gettext as _
from ninja import Schema

from innocluster.core.errors import FieldError, ValidationFailed


class FieldProblem(Schema):
    field: str
    message: str
    code: str


class Problem(Schema):
    """RFC 9457 problem details, with a machine-readable ``code`` and the offending fields."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


# The problems an authenticated endpoint may answer with (its routes add them to ``response``).
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


def require_json_object(request) -> None:
    """Where every field of a body is optional (a review, a milestone report), a body that is
    not a JSON object (``[]``, ``null``, unreadable) must not pass for an empty draft: refuse
    it (422 naming ``body``)."""
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValidationFailed([FieldError("body", _("Send a JSON object."), "invalid_json")])
