"""What every application use case shares: the permission check, the states in which an
application may change, the row lock, the text check and the audit record."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, NotPermitted
from innocluster.core.text import clean_text

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


# An application's text: one line unless the caller says multiline (titles, names).
_text = partial(clean_text, multiline=False)


def _audit(actor, action: str, application: Application, *, before=None, after=None, summary=""):
    record_event(
        actor=actor, action=action, obj=application, before=before, after=after, summary=summary
    )
