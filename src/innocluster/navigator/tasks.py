"""Background work of the navigator (run by ``innocluster worker``): telling subscribers when a
measure becomes eligible for them (``subscriptions.py`` does the work), and keeping their
profiles in step with the registry."""

from __future__ import annotations

from django_tasks import task

from .subscriptions import mail_alerts, notify, refresh_profiles


@task()
def mail_subscribers(code: str, rules_version: int) -> int:
    """E-mail the alerts of measure ``code`` at ``rules_version`` not yet mailed; returns how
    many were sent."""
    from .models import Measure

    measure = Measure.objects.select_related("provider").filter(code=code).first()
    return 0 if measure is None else mail_alerts(measure, rules_version)


@task()
def notify_subscribers(code: str, rules_version: int) -> int:
    """Re-evaluate the subscribed organisations against measure ``code`` at ``rules_version``:
    an alert for each that it became eligible for (mailed by ``mail_subscribers``, enqueued
    here); ``eligible`` kept in step.
    Returns the number of alerts created."""
    return notify(code, rules_version)["alerts"]


@task()
def refresh_subscription_profiles(organisation_ids: list[str] | None = None) -> int:
    """Rebuild subscribers' profiles from the registry (all active ones, or those of
    ``organisation_ids``); returns how many changed."""
    return refresh_profiles(organisation_ids)
