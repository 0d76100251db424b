"""The log's hot paths in plain SQL: an append is four statements and a proof one, with none of
the ORM's per-row work (a million-entry log appends thousands of entries a second).

Table and column names come from the models' metadata, quoted; every value is a bound parameter.
"""

# ruff: noqa: S608 - the statements are built from quoted model metadata only

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections

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


@functools.cache
def _sql(vendor: str) -> dict[str, str]:
    """The statements, quoted for ``vendor``, built once (quoting per call costs more than
    SQLite's work on a small append)."""
    q = connections[DEFAULT_DB_ALIAS].ops.quote_name
    state, entries, nodes = (q(m._meta.db_table) for m in (LogState, LogEntry, LogNode))
    names = ", ".join(q(c) for c in _ENTRY_COLUMNS)
    marks = ", ".join(["%s"] * len(_ENTRY_COLUMNS))
    return {
        "read_state": f"SELECT {q('size')} FROM {state} WHERE {q('id')} = %s",
        "write_state": f"UPDATE {state} SET {q('size')} = %s WHERE {q('id')} = %s",
        "entries": f"INSERT INTO {entries} ({names}) VALUES ",
        "entry_marks": f"({marks})",
        "nodes": f"INSERT INTO {nodes} ({q('key')}, {q('hash')}) VALUES ",
        "node_marks": "(%s, %s)",
        "node_hashes": f"SELECT {q('key')}, {q('hash')} FROM {nodes} WHERE {q('key')} IN ",
        "leaf_hashes": f"SELECT -1 - {q('index')}, {q('leaf_hash')} FROM {entries} WHERE {q('index')} IN ",
    }


def read_state(cursor, lock: bool) -> int | None:
    """The log's size, or None if the state row is missing; ``lock`` holds the row until the
    transaction ends (PostgreSQL; SQLite's write transaction already does)."""
    db = cursor.db
    sql = _sql(db.vendor)["read_state"]
    if lock and db.features.has_select_for_update:
        sql += " FOR UPDATE"
    cursor.execute(sql, [STATE_ID])
    row = cursor.fetchone()
    return None if row is None else row[0]


def write_state(cursor, size: int) -> None:
    cursor.execute(_sql(cursor.db.vendor)["write_state"], [size, STATE_ID])


def insert_entries(cursor, rows: Sequence[tuple]) -> None:
    """Insert entry rows: (index, kind, object_type, object_id, leaf_input, leaf_hash,
    appended_at adapted for the database)."""
    sql = _sql(cursor.db.vendor)
    _insert(cursor, sql["entries"], sql["entry_marks"], len(_ENTRY_COLUMNS), rows)


def insert_nodes(cursor, rows: Sequence[tuple[int, bytes]]) -> None:
    """Insert node rows: (key, hash)."""
    sql = _sql(cursor.db.vendor)
    _insert(cursor, sql["nodes"], sql["node_marks"], 2, rows)


def _insert(cursor, insert: str, marks: str, width: int, rows: Sequence[tuple]) -> None:
    if len(rows) == 1:
        cursor.execute(insert + marks, rows[0])
    elif cursor.db.vendor == "sqlite":  # one prepared statement, stepped in C
        cursor.executemany(insert + marks, rows)
    elif rows:  # a few hundred rows per statement: one round trip each
        per = max(1, 5000 // width)
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                insert + ", ".join([marks] * len(chunk)),
                [value for row in chunk for value in row],
            )


def select_hashes(leaves: Sequence[int], node_keys: Sequence[int], cursor=None) -> dict[int, bytes]:
    """Stored hashes in one query: leaf ``i`` under key ``-1 - i``, nodes under their key."""
    sql = _sql(connection.vendor)
    parts, params = [], []
    if node_keys:
        parts.append(sql["node_hashes"] + f"({', '.join(['%s'] * len(node_keys))})")
        params += node_keys
    if leaves:
        parts.append(sql["leaf_hashes"] + f"({', '.join(['%s'] * len(leaves))})")
        params += leaves
    if not parts:
        return {}
    if cursor is None:
        with connection.cursor() as cursor:
            return select_hashes(leaves, node_keys, cursor)
    cursor.execute(" UNION ALL ".join(parts), params)
    return {key: bytes(value) for key, value in cursor.fetchall()}


def stored_size() -> int | None:
    """The committed size of the log from its state row (None if the row is missing)."""
    with connection.cursor() as cursor:
        return read_state(cursor, lock=False)
