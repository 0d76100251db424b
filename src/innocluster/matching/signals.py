"""Keeping the index current: every save or delete of a searchable item re-indexes it once its
transaction commits (a rolled-back change never reaches the index).

Organisations: their own saves, and changes of their priority areas or further OKVED codes (m2m);
an organisation's save also refreshes its items' documents, which copy its region, kind and
OKVED codes. Exchange items keep their priority areas in a JSON field, so their saves suffice.
Bulk writes (``bulk_create``, ``update``) fire no signals: whoever makes them runs
``indexing.reindex_all`` afterwards (the demo command does).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import indexing
from .choices import DocumentKind

logger = logging.getLogger(__name__)


def _reindex(model, pk, kind: str) -> None:
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        indexing.remove_object(kind, pk)
        return
    indexing.index_object(obj)
    if kind == DocumentKind.ORGANISATION:
        indexing.index_owned_items(pk)


def _schedule(model, pk, kind: str, using=None) -> None:
    # robust: an indexing failure is logged, it does not turn a committed change into an error.
    transaction.on_commit(lambda: _reindex(model, pk, kind), using=using, robust=True)


def item_saved(sender, instance, raw=False, using=None, **kwargs) -> None:
    if raw:  # loaddata: the index is rebuilt by the command that loads data
        return
    _schedule(sender, instance.pk, indexing.kind_of(instance), using)


def item_deleted(sender, instance, using=None, **kwargs) -> None:
    kind, pk = indexing.kind_of(instance), instance.pk
    transaction.on_commit(lambda: indexing.remove_object(kind, pk), using=using, robust=True)


def organisation_links_changed(sender, instance, action, reverse, model, pk_set, using=None, **kw):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from innocluster.registry.models import Organisation

    if not reverse:
        _schedule(Organisation, instance.pk, DocumentKind.ORGANISATION, using)
    else:  # area.organisations.add(...): each organisation named changed
        for pk in pk_set or ():
            _schedule(Organisation, pk, DocumentKind.ORGANISATION, using)


def connect() -> None:
    from innocluster.exchange.models import Challenge, Product, TechnologyOffer
    from innocluster.registry.models import Organisation

    for model in (Organisation, Product, TechnologyOffer, Challenge):
        uid = f"matching:{model._meta.label_lower}"
        post_save.connect(item_saved, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(item_deleted, sender=model, dispatch_uid=uid + ":delete")
    for through in (Organisation.priority_areas.through, Organisation.okved_extra.through):
        m2m_changed.connect(
            organisation_links_changed,
            sender=through,
            dispatch_uid=f"matching:{through._meta.label_lower}",
        )
