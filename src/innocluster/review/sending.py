"""Sending reviewed applications to the board, one or every reviewed one of a call at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from innocluster.core.errors import DomainError, NotPermitted
from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import Application

from .permissions import may_manage_review
from .selectors import reviews_complete


@dataclass
class SendReport:
    """What a bulk send did: the applications moved and the ones left, with why."""

    sent: list = field(default_factory=list)  # application numbers
    left: list = field(default_factory=list)  # (number, reason)


def send_to_board(call, *, actor, applications=None) -> SendReport:
    """Move ``call``'s applications in expert review whose reviews are all in to the board
    (``programmes.services.move(application, "send_to_board")``, one transaction each, so one
    refusal stops none of the others).

    Args: call; actor: an operator; applications: only these (ids or rows); every application
    of the call in review when None.
    Returns: a ``SendReport``.
    Raises: NotPermitted for anyone but the Fund's operators (nothing changes then).
    """
    allowed, reason = may_manage_review(actor)
    if not allowed:
        raise NotPermitted(reason)
    from innocluster.programmes.services import move

    rows = Application.objects.filter(call=call, state=ApplicationState.IN_REVIEW).order_by(
        "number", "pk"
    )
    if applications is not None:
        rows = rows.filter(pk__in=[getattr(a, "pk", a) for a in applications])
    report = SendReport()
    for application in rows:
        label = application.number or application.title
        complete, why = reviews_complete(application)
        if not complete:
            report.left.append((label, why))
            continue
        try:
            move(application, "send_to_board", actor=actor)
        except DomainError as exc:
            report.left.append((label, str(exc.message)))
        else:
            report.sent.append(label)
    if applications is not None and not report.sent and not report.left:
        report.left.append(("—", _("The application is not in expert review.")))
    return report
