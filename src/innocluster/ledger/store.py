"""The log's hot paths in plain SQL: an append is two to four statements and a proof one, with
none of the ORM's per-row work (a million-entry log appends thousands of entries a second).

Table and column names come from the models' metadata, quoted; every value is a bound parameter.
"""

# ruff: noqa: S608 - the statements are built from quoted model metadata only

from __future__ import annotations

import functools
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from .models import LogEntry, LogNode, LogState

STATE_ID = 1
_ENTRY_COLUMNS = (
    "index",
    "kind",
    "object_type",
    "object_id",
    "leaf_input",
    "leaf_hash",
    "appended_at",
)


@dataclass(frozen=True)
class Statements:
    """The statements for one database and placeholder style, built once (quoting per call
    costs more than SQLite's work on a small append)."""

    vendor: str
    mark: str  # "%s" for Django's cursors, "?" for the sqlite3 driver's own
    read_state: str
    reserve: str
    entries: str
    entry_marks: str
    nodes: str
    node_marks: str
    node_hashes: str
    leaf_hashes: str

    def marks(self, count: int) -> str:
        return f"({', '.join([self.mark] * count)})"


@functools.cache
def statements(vendor: str, mark: str = "%s") -> Statements:
    q = connection.ops.quote_name
    state, entries, nodes = (q(m._meta.db_table) for m in (LogState, LogEntry, LogNode))
    names = ", ".join(q(c) for c in _ENTRY_COLUMNS)
    size, key = q("size"), q("key")
    return Statements(
        vendor=vendor,
        mark=mark,
        read_state=f"SELECT {size} FROM {state} WHERE {q('id')} = {mark}",
        # Takes the next indexes and the row's write lock in one statement (RETURNING:
        # PostgreSQL, and SQLite since 3.35); it returns the new size.
        reserve=f"UPDATE {state} SET {size} = {size} + {mark} WHERE {q('id')} = {mark} "
        f"RETURNING {size}",
        entries=f"INSERT INTO {entries} ({names}) VALUES ",
        entry_marks=f"({', '.join([mark] * len(_ENTRY_COLUMNS))})",
        nodes=f"INSERT INTO {nodes} ({key}, {q('hash')}) VALUES ",
        node_marks=f"({mark}, {mark})",
        node_hashes=f"SELECT {key}, {q('hash')} FROM {nodes} WHERE {key} IN ",
        leaf_hashes=f"SELECT -1 - {q('index')}, {q('leaf_hash')} FROM {entries} "
        f"WHERE {q('index')} IN ",
    )


@contextmanager
def append_cursor():
    """A cursor for appending, with its statements; use it inside ``transaction.atomic()``.

    On SQLite it is the sqlite3 driver's own cursor on Django's connection, in Django's
    transaction: Django's cursor wrapper (rewriting each query's placeholders, debug hooks)
    costs more than SQLite's own work on a one-entry append, and one entry per transaction is
    how documents append. Its queries do not show in Django's query log."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            yield cursor, statements("sqlite", "?")
        finally:
            cursor.close()
    else:
        with connection.cursor() as cursor:
            yield cursor, statements(connection.vendor)


def reserve(cursor, sql: Statements, count: int) -> int | None:
    """Lock the log's state until the transaction ends and advance its size by ``count``;
    returns the size before (the first new index), or None if the state row is missing."""
    cursor.execute(sql.reserve, [count, STATE_ID])
    row = cursor.fetchone()
    return None if row is None else row[0] - count


def insert_entries(cursor, sql: Statements, rows: Sequence[tuple]) -> None:
    """Insert entry rows: (index, kind, object_type, object_id, leaf_input, leaf_hash,
    appended_at adapted for the database)."""
    _insert(cursor, sql, sql.entries, sql.entry_marks, len(_ENTRY_COLUMNS), rows)


def insert_nodes(cursor, sql: Statements, rows: Sequence[tuple[int, bytes]]) -> None:
    """Insert node rows: (key, hash)."""
    _insert(cursor, sql, sql.nodes, sql.node_marks, 2, rows)


def _insert(cursor, sql, insert: str, marks: str, width: int, rows: Sequence[tuple]) -> None:
    if len(rows) == 1:
        cursor.execute(insert + marks, rows[0])
    elif sql.vendor == "sqlite":  # one prepared statement, stepped in C
        cursor.executemany(insert + marks, rows)
    elif rows:  # a few hundred rows per statement: one round trip each
        per = max(1, 5000 // width)
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                insert + ", ".join([marks] * len(chunk)),
                [value for row in chunk for value in row],
            )


def select_hashes(
    leaves: Sequence[int], node_keys: Sequence[int], cursor=None, sql: Statements | None = None
) -> dict[int, bytes]:
    """Stored hashes in one query: leaf ``i`` under key ``-1 - i``, nodes under their key."""
    if cursor is None:
        with connection.cursor() as cursor:
            return select_hashes(leaves, node_keys, cursor, statements(connection.vendor))
    parts, params = [], []
    if node_keys:
        parts.append(sql.node_hashes + sql.marks(len(node_keys)))
        params += node_keys
    if leaves:
        parts.append(sql.leaf_hashes + sql.marks(len(leaves)))
        params += leaves
    if not parts:
        return {}
    cursor.execute(" UNION ALL ".join(parts), params)
    return {key: bytes(value) for key, value in cursor.fetchall()}


def stored_size() -> int | None:
    """The committed size of the log from its state row (None if the row is missing)."""
    with connection.cursor() as cursor:
        cursor.execute(statements(connection.vendor).read_state, [STATE_ID])
        row = cursor.fetchone()
    return None if row is None else row[0]
