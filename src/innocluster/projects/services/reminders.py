"""Reminders of overdue milestone reports: each lead hears about each late milestone at most
once in ``REMINDER_INTERVAL``."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from innocluster.core.notifications import notify

from ..models import ReportReminder
from .common import project_url

REMINDER_INTERVAL = datetime.timedelta(days=7)


def remind_overdue(now: datetime.datetime | None = None) -> int:
    """Notify the lead of each project in implementation of each milestone whose report is
    overdue (``selectors.overdue_reports``), unless reminded of it in the last 7 days; the
    reminder's time is stored.

    Returns the number of reminders sent (one per project and milestone).
    """
    from ..selectors import overdue_reports

    now = now or timezone.now()
    sent = 0
    for late in overdue_reports(timezone.localdate(now)):
        with transaction.atomic():
            reminder, created = ReportReminder.objects.select_for_update().get_or_create(
                project=late.project,
                milestone=late.milestone,
                defaults={"reminded_at": now, "count": 1},
            )
            if not created:
                if reminder.reminded_at > now - REMINDER_INTERVAL:
                    continue
                reminder.reminded_at = now
                reminder.count += 1
                reminder.save(update_fields=["reminded_at", "count"])
            application = late.project.application
            notify(
                [application.lead],
                "project.report_overdue",
                gettext_lazy(
                    "The report on milestone %(number)s of “%(title)s” is %(days)s days overdue"
                ),
                body=gettext_lazy(
                    "It was due on %(due)s. Submit it on the project's page, or ask the Fund "
                    "for a supplementary agreement moving the date."
                ),
                params={
                    "number": late.milestone.number,
                    "title": application.title,
                    "days": late.days,
                    "due": late.tranche.due_on.strftime("%d.%m.%Y"),
                },
                url=project_url(late.project),
                obj=late.project,
            )
            sent += 1
    return sent
