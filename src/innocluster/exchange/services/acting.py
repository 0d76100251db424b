"""Who acts for which organisation on the exchange, shared by every use case: the challenge's
owner when posting, the responder when answering, the organisation accepting an NDA."""

from __future__ import annotations

import uuid
from functools import partial

from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed
from innocluster.core.text import clean_text

from .. import workflows
from ..permissions import acting_organisations

# One line of text (titles, names); multiline is the default of clean_text.
line = partial(clean_text, multiline=False)


def permit(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise NotPermitted(reason)


def checked_transition(table, locked, action: str, actor, refusal: str):
    """The row of ``table`` (workflows) that moves ``locked`` by ``action``, once ``actor`` may
    take it and its guard holds. ``refusal`` says that the state has no such move (with
    ``%(state)s`` and ``%(action)s``): ``Conflict`` ``invalid_transition``; a failed guard is
    ``Conflict`` ``guard_failed``; a refused permission ``NotPermitted``."""
    transition = workflows.find(table, locked.status, action)
    if transition is None:
        raise Conflict(
            refusal % {"state": locked.get_status_display(), "action": str(action)[:40]},
            code="invalid_transition",
        )
    permit(transition.permission(actor, locked))
    allowed, reason = transition.guard(locked)
    if not allowed:
        raise Conflict(reason, code="guard_failed")
    return transition


def acting_organisation(actor, organisation_id=None, *, field: str = "owner"):
    """The admitted organisation ``actor`` acts for: the one named by ``organisation_id`` (a
    UUID), or the only one they act for. Raises ``NotPermitted`` when they act for none and
    ``ValidationFailed`` naming ``field`` when the id is missing (several to choose from),
    malformed or not one of theirs."""
    organisations = acting_organisations(actor)
    if not organisations:
        raise NotPermitted(
            _(
                "Only people who act for an organisation admitted to the cluster (its owner, "
                "editor or signatory) may do this."
            )
        )
    if organisation_id in (None, ""):
        if len(organisations) == 1:
            return organisations[0]
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    _("Choose the organisation you act for: you act for several."),
                    "required",
                )
            ]
        )
    try:
        wanted = uuid.UUID(str(organisation_id))
    except (TypeError, ValueError, AttributeError):
        wanted = None
    for organisation in organisations:
        if organisation.pk == wanted:
            return organisation
    raise ValidationFailed(
        [
            FieldError(
                field,
                _("You do not act for this organisation, or it is not admitted to the cluster."),
                "invalid_choice",
            )
        ]
    )


def audit(actor, action: str, obj, *, before=None, after=None, summary: str = "") -> None:
    record_event(actor=actor, action=action, obj=obj, before=before, after=after, summary=summary)
