"""Background work of search and matching (run by ``innocluster worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def rebuild_indexes() -> int:
    """Once a day: every search document rebuilt from its item (bulk writes, which fire no
    signals, are caught up), then the matcher's index built afresh from them and its snapshot
    written, so a process starting tomorrow loads a current one instead of building. Returns
    the number of items the matcher holds."""
    from . import index_store, indexing

    indexing.reindex_all()
    return len(index_store.rebuild_index())
