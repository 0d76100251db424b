"""What every application use case shares: the permission check, the states in which an
application may change, the row lock, the text check and the audit record."""

from __future__ import annotations

from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, FieldError, NotPermitted
from innocluster.core.text import has_control_characters

from ..choices import ApplicationState
from ..models import Application

# States in which the lead may change the application (a returned one is revised in place).
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.REVISION_REQUESTED)


def _permit(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise NotPermitted(reason)


def _editable(application: Application) -> None:
    if application.state not in EDITABLE_STATES:
        raise Conflict(
            _(
                "The application is “%(state)s”: it can be changed only as a draft "
                "or when returned for revision."
            )
            % {"state": ApplicationState(application.state).label},
            code="not_editable",
        )


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("call").get(pk=application.pk)


def _text(
    errors: list, field: str, value, *, required: bool, max_length: int, multiline: bool = False
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(FieldError(field, _("Must be a text."), "type"))
        return ""
    value = value.strip()
    if required and not value:
        errors.append(FieldError(field, _("This field is required."), "required"))
    elif len(value) > max_length:
        errors.append(
            FieldError(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")
        )
    elif has_control_characters(value) or (not multiline and ("\n" in value or "\r" in value)):
        errors.append(FieldError(field, _("Must not contain control characters."), "invalid"))
    return value


def _audit(actor, action: str, application: Application, *, before=None, after=None, summary=""):
    record_event(
        actor=actor, action=action, obj=application, before=before, after=after, summary=summary
    )
