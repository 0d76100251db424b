"""Who hears about an application's steps, and what they are asked to do
(``core.notifications.notify``): the partner invited and asked to sign its consent, the lead
asked to sign the submission, the Fund told of a new or resubmitted application, the lead told
of the screening's outcome."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from innocluster.core.notifications import fund_staff, notify

from ..models import Application


def application_url(application: Application) -> str:
    return f"/applications/{application.pk}/"


def document_url(document_id) -> str:
    return f"/documents/{document_id}/"


def partner_invited(member) -> None:
    application = member.application
    notify(
        [member.organisation],
        "application.partner_invited",
        _("%(lead)s invites you to the joint project “%(title)s”"),
        body=_("Your organisation's signatory confirms participation by signing the consent."),
        params={"lead": application.lead.name_ru, "title": application.title},
        url=application_url(application),
        obj=application,
    )


def consent_to_sign(member, document) -> None:
    application = member.application
    notify(
        [member.organisation],
        "application.consent_to_sign",
        _("Sign the consent to take part in “%(title)s”"),
        params={"title": application.title},
        url=document_url(document.pk),
        obj=application,
    )


def partner_answered(member, confirmed: bool) -> None:
    application = member.application
    title = (
        _("%(partner)s confirmed its participation in “%(title)s”")
        if confirmed
        else _("%(partner)s declined to take part in “%(title)s”")
    )
    notify(
        [application.lead],
        "application.partner_confirmed" if confirmed else "application.partner_declined",
        title,
        body=member.decline_reason or None,
        params={"partner": member.organisation.name_ru, "title": application.title},
        url=application_url(application),
        obj=application,
    )


def submission_to_sign(application: Application, document) -> None:
    notify(
        [application.lead],
        "application.submission_to_sign",
        _("Sign the submission of application %(number)s"),
        body=_("The application reaches the Fund once its signatory signs the submission."),
        params={"number": application.number},
        url=document_url(document.pk),
        obj=application,
    )


def submitted(application: Application) -> None:
    """The Fund hears of a submission once it is signed (the Fund screens nothing unsigned)."""
    notify(
        fund_staff(),
        "application.submitted",
        _("Application %(number)s was submitted to %(call)s"),
        params={"number": application.number, "call": application.call.code},
        url=f"/manage/applications/{application.pk}/",
        obj=application,
    )


# What the lead is told of a move the Fund made (screening, or a waitlisted application's fate).
SCREENING_TITLES = {
    "request_revision": _("Application %(number)s is returned for revision"),
    "pass_screening": _("Application %(number)s passed screening and goes to expert review"),
    "reject": _("Application %(number)s was rejected"),
    "approve": _("Application %(number)s is approved for support"),
}


def state_changed(application: Application, action: str, reason: str, source: str) -> None:
    """Tell the lead what the Fund decided, with the reasons: at screening, and on a waitlisted
    application. The board's own decisions are told by ``review.board.record_decision``, with
    the votes' outcome."""
    from ..choices import ApplicationState

    title = SCREENING_TITLES.get(action)
    if title is None or source == ApplicationState.BOARD:
        return
    notify(
        [application.lead],
        f"application.{action}",
        title,
        body=reason or None,
        params={"number": application.number or application.title},
        url=application_url(application),
        obj=application,
    )
