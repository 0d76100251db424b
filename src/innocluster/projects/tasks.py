"""Background work of projects (run by ``innocluster worker``): daily reminders of overdue
milestone reports."""

from __future__ import annotations

from django_tasks import task


@task()
def remind_overdue_reports() -> int:
    """Remind each lead of each overdue milestone report, at most once a week per milestone;
    returns how many reminders were sent."""
    from .services import remind_overdue

    return remind_overdue()
