"""Invalidation of the public pages' cache (core/pagecache.py): every change that could alter a
public page (a profile, the registry list, the statistics, the home page) moves the registry
version. Bulk writes fire no signals: whoever makes them bumps the version itself (the demo
generator does), and the cache's TTL bounds the rest."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from innocluster.core import pagecache

from .models import (
    AnnualRevenue,
    MembershipStatusChange,
    OkvedCode,
    Organisation,
    PriorityArea,
    Region,
)

REGISTRY_MODELS = (Organisation, AnnualRevenue, MembershipStatusChange)
REFERENCE_MODELS = (Region, OkvedCode, PriorityArea)


def registry_changed(sender, using=None, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: no pages are being served from this data yet
        return
    pagecache.bump_on_commit(pagecache.bump_registry_version, using=using)


def organisation_links_changed(sender, action, using=None, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        pagecache.bump_on_commit(pagecache.bump_registry_version, using=using)


def reference_changed(sender, using=None, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    pagecache.bump_on_commit(pagecache.bump_reference_version, using=using)


def connect() -> None:
    for model in REGISTRY_MODELS:
        uid = f"pagecache:{model._meta.label_lower}"
        post_save.connect(registry_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(registry_changed, sender=model, dispatch_uid=uid + ":delete")
    for through in (Organisation.priority_areas.through, Organisation.okved_extra.through):
        m2m_changed.connect(
            organisation_links_changed,
            sender=through,
            dispatch_uid=f"pagecache:{through._meta.label_lower}",
        )
    for model in REFERENCE_MODELS:
        uid = f"pagecache:{model._meta.label_lower}"
        post_save.connect(reference_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(reference_changed, sender=model, dispatch_uid=uid + ":delete")
