"""Domain errors that services raise and every front end turns into a clear message.

The API renders them as RFC 9457 problem details; the pages show the message next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass
class FieldError:
    """One offending input field and the rule it broke."""

    field: str
    message: str
    code: str = "invalid"


@dataclass
class DomainError(Exception):
    """A use case refused: nothing was changed.

    ``code`` is stable and machine-readable; ``status`` is the HTTP status the API answers with.
    """

    message: str
    code: str = "invalid"
    status: int = 400
    errors: list[FieldError] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.errors:
            return str(self.message)
        details = "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        return f"{self.message} ({details})"


class ValidationFailed(DomainError):
    """Input broke one or more rules (HTTP 422)."""

    def __init__(self, errors: list[FieldError], message: str = _("The input is invalid.")):
        super().__init__(message=message, code="validation_error", status=422, errors=errors)


class Conflict(DomainError):
    """The change would clash with existing data, e.g. a duplicate INN (HTTP 409)."""

    def __init__(self, message: str, code: str = "conflict", errors=None, extra=None):
        super().__init__(
            message=message, code=code, status=409, errors=errors or [], extra=extra or {}
        )


class NotPermitted(DomainError):
    """The user may see the object but not do this to it (HTTP 403)."""

    def __init__(self, message: str, code: str = "forbidden"):
        super().__init__(message=message, code=code, status=403)


class NotFound(DomainError):
    """Absent, or invisible to this user: the two are never told apart (HTTP 404)."""

    def __init__(self, message: str = _("Not found."), code: str = "not_found"):
        super().__init__(message=message, code=code, status=404)
