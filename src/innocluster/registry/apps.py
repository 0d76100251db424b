from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using="default", **kwargs):
    from django.db import connections

    from .search import ensure_search_index

    ensure_search_index(connections[using])


def _reference_may_have_changed(sender, **kwargs):
    """`migrate` may change the vocabularies' tables: forget the cached pages and choices."""
    from innocluster.core import pagecache

    pagecache.bump_reference_version()


class RegistryConfig(AppConfig):
    name = "innocluster.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self):
        post_migrate.connect(
            _ensure_search_index, sender=self, dispatch_uid="registry_search_index"
        )
        post_migrate.connect(
            _reference_may_have_changed, sender=self, dispatch_uid="registry_pagecache"
        )
        from . import signals

        signals.connect()
