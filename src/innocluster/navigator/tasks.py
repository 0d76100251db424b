"""Background work of the navigator (run by ``innocluster worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_subscribers(code: str, rules_version: int) -> int:
    """Re-evaluate the subscribed organisations against measure ``code`` (being written: see
    issue 4's subscriptions)."""
    return 0
