"""Keeping subscribers' stored profiles in step with the registry: connected in the
navigator's ``AppConfig.ready``."""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save

# The registry fires Django's model signals when an organisation, its revenue or its links to
# OKVED codes and priority areas change (registry/signals.py listens to the same ones for the
# page cache). The organisations touched in a transaction are collected and refreshed once, in
# the background, when it commits. Bulk writes fire no signals: the nightly full refresh
# (refresh_subscription_profiles with no arguments) covers them.
# The set is per thread, as database connections and their transactions are: another
# thread's commit must not take (and refresh too early) the ids of a transaction still open.
_local = threading.local()


def _pending() -> set[str]:
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = set()
    return pending


def _touched(organisation_id, using=None) -> None:
    if organisation_id is None:
        return
    _pending().add(str(organisation_id))
    # One callback per change; the first to run takes the whole set, the rest find it empty.
    # (A rolled-back change leaves its ids for the next commit: one needless refresh.)
    transaction.on_commit(_flush_touched, using=using)


def _flush_touched() -> None:
    from .models import Subscription

    pending = _pending()
    ids = sorted(pending)
    pending.clear()
    if not ids:
        return
    subscribed = sorted(
        str(pk)
        for pk in Subscription.objects.filter(organisation_id__in=ids, active=True).values_list(
            "organisation_id", flat=True
        )
    )
    if subscribed:
        from .tasks import refresh_subscription_profiles

        refresh_subscription_profiles.enqueue(subscribed)


def organisation_saved(sender, instance, raw=False, using=None, **kwargs) -> None:
    if not raw:
        _touched(instance.pk, using)


def revenue_saved(sender, instance, raw=False, using=None, **kwargs) -> None:
    if not raw:
        _touched(instance.organisation_id, using)


def organisation_links_changed(sender, instance, action, reverse, pk_set, using=None, **kw):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # an organisation's codes or areas changed
        _touched(instance.pk, using)
    else:  # an OKVED code or area gained or lost organisations
        for pk in pk_set or ():
            _touched(pk, using)


def connect() -> None:
    """Refresh subscribers' profiles when their organisation changes in the registry."""
    from django.db.models.signals import post_delete

    from innocluster.registry.models import AnnualRevenue, Organisation

    post_save.connect(organisation_saved, sender=Organisation, dispatch_uid="navigator:org")
    post_save.connect(revenue_saved, sender=AnnualRevenue, dispatch_uid="navigator:revenue")
    post_delete.connect(revenue_saved, sender=AnnualRevenue, dispatch_uid="navigator:revenue-del")
    for through in (Organisation.priority_areas.through, Organisation.okved_extra.through):
        m2m_changed.connect(
            organisation_links_changed,
            sender=through,
            dispatch_uid=f"navigator:{through._meta.label_lower}",
        )


def disconnect() -> None:
    """Undo ``connect`` (tests)."""
    from django.db.models.signals import post_delete

    from innocluster.registry.models import AnnualRevenue, Organisation

    post_save.disconnect(sender=Organisation, dispatch_uid="navigator:org")
    post_save.disconnect(sender=AnnualRevenue, dispatch_uid="navigator:revenue")
    post_delete.disconnect(sender=AnnualRevenue, dispatch_uid="navigator:revenue-del")
    for through in (Organisation.priority_areas.through, Organisation.okved_extra.through):
        m2m_changed.disconnect(
            sender=through, dispatch_uid=f"navigator:{through._meta.label_lower}"
        )
