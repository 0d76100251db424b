"""Keep the operators' cached application lists fresh (``core.pagecache.personal_page``):
any write to what a list row shows (applications, their consortia and budgets, calls, reviews
and assignments) replaces the programmes' version token, now and at commit. Organisations'
names are the registry's version. Bulk ``QuerySet.update`` calls fire no signals: the pages'
one-minute lifetime is the safety net, as for the public pages."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _bump(sender, **kwargs) -> None:
    from innocluster.core import pagecache

    pagecache.bump_on_commit(pagecache.bump_programmes_version)


def connect() -> None:
    from innocluster.review.models import Assignment, Review

    from .models import Application, BudgetLine, Call, ConsortiumMember

    for model in (Application, ConsortiumMember, BudgetLine, Call, Assignment, Review):
        post_save.connect(_bump, sender=model, dispatch_uid=f"pagecache-{model._meta.label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"pagecache-{model._meta.label}-d")
