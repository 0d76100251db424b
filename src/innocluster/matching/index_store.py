"""This process's matching index: loaded once, then kept current from MatchDocument.

The first ``get_index()`` loads the snapshot ``VAR_DIR/matching/index.npz`` (written by
``rebuild_index()``) or, without a usable one, builds the index from MatchDocument. After that,
at most once per ``MATCHING_POLL_SECONDS`` (1 s by default; tests use 0), it reads the documents
whose ``changed_at`` is at or after the latest one it has seen minus ``OVERLAP`` and applies them,
so an edit is found within about a second. The overlap is there because ``changed_at`` is set
when a row is saved, not when its transaction commits: a row saved just before one we have seen
may become visible just after. Rows already applied in the same version are skipped; applying one
twice would be harmless anyway.

A snapshot is used only if it was written for the same database, and only if, once the changes
since it are applied, it holds as many items as MatchDocument has live rows; otherwise (the
database was reloaded, rows were deleted outright) the index is built from the database again.
Only ``rebuild_index()`` writes snapshots: a read path should not write hundreds of megabytes,
and several processes would race to do it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .engine import IndexRow, MatchIndex
from .models import MatchDocument

logger = logging.getLogger(__name__)

OVERLAP = timedelta(seconds=5)
DEFAULT_POLL_SECONDS = 1.0
CHUNK = 5000
FIELDS = (
    "id",
    "kind",
    "object_id",
    "owner_id",
    "audience",
    "title",
    "terms",
    "areas",
    "okved",
    "region",
    "org_kind",
    "trl",
    "status",
    "active_at",
    "removed",
    "changed_at",
)


@dataclass
class _Store:
    index: MatchIndex
    last_seen: datetime | None  # the latest changed_at applied (the database's values only)
    last_poll: float = 0.0
    applied: dict[int, datetime] = field(default_factory=dict)  # within the overlap window


_lock = threading.Lock()
_refresh_lock = threading.Lock()
_store: _Store | None = None


def snapshot_path() -> Path:
    """Where the snapshot lives (MATCHING_INDEX_DIR, by default VAR_DIR/matching)."""
    directory = getattr(settings, "MATCHING_INDEX_DIR", None) or Path(settings.VAR_DIR) / "matching"
    return Path(directory) / "index.npz"


def row_from_document(doc: MatchDocument) -> IndexRow:
    """The index row of a MatchDocument."""
    return IndexRow(
        doc_id=doc.id,
        kind=doc.kind,
        object_id=str(doc.object_id),
        owner_id=str(doc.owner_id),
        audience=doc.audience,
        title=doc.title,
        terms=doc.terms,
        areas=doc.areas,
        okved=doc.okved,
        region=doc.region,
        org_kind=doc.org_kind,
        trl=doc.trl,
        status=doc.status,
        active_at=doc.active_at,
        removed=doc.removed,
    )


def _row(values: tuple) -> IndexRow:
    (doc_id, kind, object_id, owner_id, audience, title, terms, areas, okved, region, org_kind,
     trl, status, active_at, removed, _changed_at) = values  # fmt: skip
    return IndexRow(
        doc_id=doc_id,
        kind=kind,
        object_id=str(object_id),
        owner_id=str(owner_id),
        audience=audience,
        title=title,
        terms=terms,
        areas=areas,
        okved=okved,
        region=region,
        org_kind=org_kind,
        trl=trl,
        status=status,
        active_at=active_at,
        removed=removed,
    )


def _database_name() -> str:
    return f"{connection.vendor}:{connection.settings_dict.get('NAME')}"


def _build_from_database() -> _Store:
    latest: list[datetime | None] = [None]

    def rows() -> Iterator[IndexRow]:
        query = MatchDocument.objects.filter(removed=False).values_list(*FIELDS)
        for values in query.iterator(chunk_size=CHUNK):
            changed_at = values[-1]
            if latest[0] is None or changed_at > latest[0]:
                latest[0] = changed_at
            yield _row(values)

    index = MatchIndex.build(rows())
    return _Store(index, latest[0])


def _load_or_build() -> _Store:
    path = snapshot_path()
    if path.exists():
        try:
            index = MatchIndex.load(path)
        except (OSError, ValueError, KeyError) as error:
            logger.warning("matching index snapshot %s not usable: %s", path, error)
        else:
            extra = index.meta
            last_seen = parse_datetime(extra.get("last_seen") or "")
            if extra.get("database") == _database_name() and last_seen is not None:
                changed = MatchDocument.objects.filter(changed_at__gte=last_seen - OVERLAP)
                # Much changed since: a fresh build is quicker than applying it all as edits.
                if changed.count() <= max(CHUNK, len(index) // 4):
                    store = _Store(index, last_seen)
                    _refresh(store)
                    if len(store.index) == MatchDocument.objects.filter(removed=False).count():
                        return store
                logger.warning("matching index snapshot %s is out of date; building anew", path)
    return _build_from_database()


def _refresh(store: _Store) -> None:
    """Apply the documents changed since the store last looked."""
    query = MatchDocument.objects.all()
    if store.last_seen is not None:
        since = store.last_seen - OVERLAP
        query = query.filter(changed_at__gte=since)
        store.applied = {key: at for key, at in store.applied.items() if at >= since}
    batch: list[IndexRow] = []
    for values in query.order_by("changed_at", "id").values_list(*FIELDS).iterator(CHUNK):
        doc_id, changed_at = values[0], values[-1]
        if store.applied.get(doc_id) == changed_at:
            continue
        store.applied[doc_id] = changed_at
        if store.last_seen is None or changed_at > store.last_seen:
            store.last_seen = changed_at
        batch.append(_row(values))
        if len(batch) >= CHUNK:
            store.index.apply(batch)
            batch = []
    if batch:
        store.index.apply(batch)


def get_index(poll_seconds: float | None = None) -> MatchIndex:
    """This process's index, with the changes of MatchDocument applied (looked for at most once
    per ``poll_seconds``, by default the MATCHING_POLL_SECONDS setting or 1 s)."""
    global _store
    store = _store
    if store is None:
        with _lock:
            if _store is None:
                _store = _load_or_build()
                _store.last_poll = time.monotonic()
                return _store.index
            store = _store
    if poll_seconds is None:
        poll_seconds = float(getattr(settings, "MATCHING_POLL_SECONDS", DEFAULT_POLL_SECONDS))
    # One thread polls; the others go on with the index as it is rather than wait.
    due = time.monotonic() - store.last_poll >= poll_seconds
    if due and _refresh_lock.acquire(blocking=False):
        try:
            store.last_poll = time.monotonic()
            _refresh(store)
        finally:
            _refresh_lock.release()
    return store.index


def rebuild_index() -> MatchIndex:
    """Build the index from MatchDocument, write the snapshot, and use it in this process."""
    global _store
    store = _build_from_database()
    store.index.save(
        snapshot_path(),
        extra={
            "database": _database_name(),
            "last_seen": store.last_seen.isoformat() if store.last_seen else None,
            "built_at": timezone.now().isoformat(),
        },
    )
    store.last_poll = time.monotonic()
    with _lock:
        _store = store
    return store.index


def reset_for_tests() -> None:
    """Forget this process's index (each test's database rolls back under it)."""
    global _store
    with _lock:
        _store = None
