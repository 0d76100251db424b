from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using="default", **kwargs):
    from django.db import connections

    from .search import ensure_search_index

    ensure_search_index(connections[using])


class MatchingConfig(AppConfig):
    name = "innocluster.matching"
    label = "matching"
    verbose_name = "Partner matchmaking"

    def ready(self):
        post_migrate.connect(
            _ensure_search_index, sender=self, dispatch_uid="matching_search_index"
        )
        from . import signals

        signals.connect()
