"""Background work of documents (run by ``innocluster worker``, or ``innocluster documents
remind`` from cron)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
# Signers are reminded when a deadline is this many days away or has passed.
REMIND_DAYS_BEFORE = 3


def signers_of(step):
    """The people who may sign ``step``."""
    from innocluster.accounts.models import User
    from innocluster.registry.choices import OrgRole

    from .choices import StepRole

    if step.role == StepRole.USER:
        return User.objects.filter(pk=step.user_id, is_active=True)
    return User.objects.filter(
        is_active=True,
        organisation_roles__organisation_id=step.organisation_id,
        organisation_roles__role=OrgRole.SIGNATORY,
    ).distinct()


def send_signing_reminders(days_before: int | None = None, now: dt.datetime | None = None) -> int:
    """E-mail the signers of pending steps whose deadline is within ``days_before`` days (default
    REMIND_DAYS_BEFORE, setting DOCUMENT_REMIND_DAYS_BEFORE) or has passed, at most once per
    Moscow day per step. Returns the number of steps reminded."""
    from .choices import IN_FLIGHT_STATUSES, StepStatus
    from .models import SigningStep

    days = (
        days_before
        if days_before is not None
        else getattr(settings, "DOCUMENT_REMIND_DAYS_BEFORE", REMIND_DAYS_BEFORE)
    )
    now = now or timezone.now()
    today = timezone.localtime(now, MOSCOW).date()
    steps = (
        SigningStep.objects.filter(
            status=StepStatus.PENDING,
            document__status__in=IN_FLIGHT_STATUSES,
            deadline__isnull=False,
            deadline__lte=now + dt.timedelta(days=days),
        )
        .exclude(last_reminded_on=today)
        .select_related("document", "organisation")
    )
    reminded = 0
    for step in steps:
        # Claim the step for today first: two workers never both send the same reminder.
        with transaction.atomic():
            claimed = (
                SigningStep.objects.filter(pk=step.pk)
                .exclude(last_reminded_on=today)
                .update(last_reminded_on=today)
            )
            if not claimed:
                continue
            SigningStep.objects.filter(pk=step.pk).update(reminders_sent=step.reminders_sent + 1)
        for user in signers_of(step):
            _mail(user, step, now)
        reminded += 1
    return reminded


def _mail(user, step, now) -> None:
    document = step.document
    with translation.override(user.preferred_language or "ru"):
        overdue = step.deadline < now
        subject = (_("Overdue: sign %(number)s") if overdue else _("Reminder: sign %(number)s")) % {
            "number": document.registration_number
        }
        body = _(
            "The document %(number)s “%(title)s” waits for the signature of %(organisation)s.\n"
            "Deadline: %(deadline)s (Moscow time)."
        ) % {
            "number": document.registration_number,
            "title": document.title,
            "organisation": step.organisation,
            "deadline": timezone.localtime(step.deadline, MOSCOW).strftime("%Y-%m-%d %H:%M"),
        }
        send_mail(subject, body, None, [user.email], fail_silently=True)


@task()
def signing_reminders() -> int:
    """The reminders as a background task (schedule it daily)."""
    return send_signing_reminders()


@task()
def issue_accession_agreement(organisation_id: str, actor_id: str | None) -> str | None:
    """Register and send an admitted organisation's accession agreement (bulk admissions leave
    it to the worker).
    Returns the agreement's registration number, or None if the organisation left meanwhile."""
    from innocluster.accounts.models import User
    from innocluster.registry.choices import ADMITTED_STATUSES
    from innocluster.registry.models import Organisation

    from .accession import create_accession_agreement

    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        if organisation is None or organisation.status not in ADMITTED_STATUSES:
            return None
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        # An agreement already on its route is returned as it is: a retried task adds nothing.
        return create_accession_agreement(organisation, actor).registration_number
