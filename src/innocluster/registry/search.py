"""Word search over the registry, on the database's own full-text engine.

SQLite: an FTS5 table kept in step with ``registry_organisation.search_document`` by triggers.
PostgreSQL: a GIN index over ``to_tsvector('simple', search_document)``.
Both are (re)built after every ``migrate`` by ``ensure_search_index``, because Django's SQLite
schema changes rebuild tables and drop their triggers.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models.expressions import RawSQL

FTS_TABLE = "registry_organisation_fts"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8

_SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER IF NOT EXISTS registry_org_fts_insert AFTER INSERT ON registry_organisation BEGIN
        INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.rowid, new.search_document); END""",
    f"""CREATE TRIGGER IF NOT EXISTS registry_org_fts_update AFTER UPDATE OF search_document ON registry_organisation BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.rowid;
        INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.rowid, new.search_document); END""",
    f"""CREATE TRIGGER IF NOT EXISTS registry_org_fts_delete AFTER DELETE ON registry_organisation BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.rowid; END""",
]
_POSTGRES_SETUP = [
    "CREATE INDEX IF NOT EXISTS registry_org_search_gin ON registry_organisation"
    " USING gin (to_tsvector('simple', search_document))",
]


def ensure_search_index(using_connection=None) -> None:
    """Create the full-text index if missing and, on SQLite, rebuild it from the table."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for statement in _SQLITE_SETUP:
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT rowid, search_document FROM registry_organisation"
            )
        elif conn.vendor == "postgresql":
            for statement in _POSTGRES_SETUP:
                cursor.execute(statement)


def search_words(query: str) -> list[str]:
    """The words of a user's query, lower-cased; punctuation and operators are dropped."""
    return [w.lower() for w in WORD.findall(query or "")][:MAX_WORDS]


def filter_by_words(queryset, query: str):
    """Organisations whose names, identifiers or descriptions contain every word of ``query``
    (each word also matches as a prefix, so "робот" finds "робототехника")."""
    words = search_words(query)
    if not words:
        return queryset
    # A subquery on the primary key (not a where-clause naming the table) stays correct when the
    # queryset is itself nested in another query, where Django renames the table.
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{w}"*' for w in words)
        return queryset.filter(
            pk__in=RawSQL(
                f"SELECT id FROM registry_organisation WHERE rowid IN"
                f" (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
                [match],
            )
        )
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{w}:*" for w in words)
        return queryset.filter(
            pk__in=RawSQL(
                "SELECT id FROM registry_organisation"
                " WHERE to_tsvector('simple', search_document) @@ to_tsquery('simple', %s)",
                [tsquery],
            )
        )
    for word in words:  # any other database: a plain substring scan
        queryset = queryset.filter(search_document__contains=word)
    return queryset
