"""Word search and filtering of the registry on the database's own full-text engine.

Each organisation has two indexed texts: ``search_document`` (lower-cased names, identifiers and
descriptions: what people search for) and ``search_facets`` (one token per filterable value:
status, region, kind, SME category, OKVED section, legal form, each priority area). A registry
query with words or filters is one full-text match over both, which the engine answers from its
posting lists however the filters combine; the count is that match's size, and the page is taken
in name order by whichever plan suits that size (see ``SearchResult``).

SQLite: an FTS5 table ``registry_organisation_fts(body, facets)`` kept in step by triggers.
PostgreSQL: stored generated ``search_vector`` and ``facet_vector`` columns with GIN indexes.
Both are (re)built after every ``migrate`` by ``ensure_search_index``, because Django's SQLite
schema changes rebuild tables and drop their triggers.
"""

from __future__ import annotations

import re
import uuid
from functools import cached_property

from django.db import connection
from django.db.models.expressions import RawSQL

from .choices import PUBLIC_STATUSES

FTS_TABLE = "registry_organisation_fts"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8
PUBLIC_FACET = "zpublic"
# Above this many matches the page is read by walking the sort index and keeping the matches
# (they are dense there); below it the matches are fetched and sorted (cheaper when few).
DENSE_MATCHES = 2000

_SQLITE_TRIGGERS = ("registry_org_fts_insert", "registry_org_fts_update", "registry_org_fts_delete")
_SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(body, facets,"
    " tokenize = 'unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER registry_org_fts_insert AFTER INSERT ON registry_organisation BEGIN
        INSERT INTO {FTS_TABLE}(rowid, body, facets)
        VALUES (new.rowid, new.search_document, new.search_facets); END""",
    f"""CREATE TRIGGER registry_org_fts_update
        AFTER UPDATE OF search_document, search_facets ON registry_organisation BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.rowid;
        INSERT INTO {FTS_TABLE}(rowid, body, facets)
        VALUES (new.rowid, new.search_document, new.search_facets); END""",
    f"""CREATE TRIGGER registry_org_fts_delete AFTER DELETE ON registry_organisation BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.rowid; END""",
]
# Two vectors, as SQLite's two columns: facets apart from words, so neither needs weights (GIN
# stores none, so weighted queries re-read every candidate row) and a facet never matches a word.
_POSTGRES_SETUP = [
    "DROP INDEX IF EXISTS registry_org_search_gin",
    "ALTER TABLE registry_organisation DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE registry_organisation ADD COLUMN search_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', search_document)) STORED",
    "ALTER TABLE registry_organisation ADD COLUMN facet_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', search_facets)) STORED",
    "CREATE INDEX registry_org_search_vector_gin ON registry_organisation USING gin (search_vector)",
    "CREATE INDEX registry_org_facet_vector_gin ON registry_organisation USING gin (facet_vector)",
]


def _token(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(value).lower())


def facet_tokens(
    *,
    status: str = "",
    region: str | None = "",
    kind: str = "",
    sme_category: str = "",
    okved_section: str = "",
    legal_form: str = "",
    areas=(),
    public: bool | None = None,
) -> list[str]:
    """The facet tokens of an organisation, or of a filter (only the values it sets)."""
    tokens = []
    for prefix, value in (
        ("zst", status),
        ("zrg", region),
        ("zkd", kind),
        ("zsme", sme_category),
        ("zok", okved_section),
        ("zlf", legal_form),
    ):
        if value:
            tokens.append(prefix + _token(value))
    tokens.extend("zar" + _token(code) for code in areas)
    if public if public is not None else status in PUBLIC_STATUSES:
        tokens.append(PUBLIC_FACET)
    return tokens


def ensure_search_index(using_connection=None) -> None:
    """Create the full-text index if missing and, on SQLite, rebuild it from the table."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(f"SELECT name FROM pragma_table_info('{FTS_TABLE}')")
            if {row[0] for row in cursor.fetchall()} not in (set(), {"body", "facets"}):
                cursor.execute(f"DROP TABLE {FTS_TABLE}")  # an older layout
            for trigger in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            for statement in _SQLITE_SETUP:
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, body, facets)"
                " SELECT rowid, search_document, search_facets FROM registry_organisation"
            )
        elif conn.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns"
                " WHERE table_name = 'registry_organisation' AND column_name = 'facet_vector'"
            )
            if cursor.fetchone() is None:  # ALTER TABLE only when needed: it takes a strong lock
                for statement in _POSTGRES_SETUP:
                    cursor.execute(statement)


def search_words(query: str) -> list[str]:
    """The words of a user's query, lower-cased; punctuation and operators are dropped."""
    return [w.lower() for w in WORD.findall(query or "")][:MAX_WORDS]


def _sqlite_match(words: list[str], facets: list[str]) -> str:
    return " AND ".join([f'body : "{w}"*' for w in words] + [f"facets : {t}" for t in facets])


def _postgres_where(words: list[str], facets: list[str]) -> tuple[str, list[str]]:
    """The WHERE clause (and its parameters) matching every word as a prefix and every facet."""
    clauses, params = [], []
    if words:
        clauses.append("search_vector @@ to_tsquery('simple', %s)")
        params.append(" & ".join(f"{w}:*" for w in words))
    if facets:
        clauses.append("facet_vector @@ to_tsquery('simple', %s)")
        params.append(" & ".join(facets))
    return " AND ".join(clauses), params


def filter_by_words(queryset, query: str):
    """Organisations whose names, identifiers or descriptions contain every word of ``query``
    (each word also matches as a prefix, so "робот" finds "робототехника"), for querysets that
    need the ORM (exports, the back office's own filters)."""
    words = search_words(query)
    if not words:
        return queryset
    # A subquery on the primary key (not a where-clause naming the table) stays correct when the
    # queryset is itself nested in another query, where Django renames the table.
    if connection.vendor == "sqlite":
        return queryset.filter(
            pk__in=RawSQL(
                f"SELECT id FROM registry_organisation WHERE rowid IN"
                f" (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
                [_sqlite_match(words, [])],
            )
        )
    if connection.vendor == "postgresql":
        where, params = _postgres_where(words, [])
        return queryset.filter(
            pk__in=RawSQL(f"SELECT id FROM registry_organisation WHERE {where}", params)
        )
    for word in words:  # any other database: a plain substring scan
        queryset = queryset.filter(search_document__contains=word)
    return queryset


ORDER_COLUMNS = {
    "name": ("name_ru", "ASC"),
    "-name": ("name_ru", "DESC"),
    "member_since": ("member_since", "ASC"),
    "-member_since": ("member_since", "DESC"),
}


class SearchResult:
    """The ids of the organisations matching words and facets, in the requested order, with
    their exact count: what Django's Paginator needs (``count()`` and slicing).

    Written in SQL by hand because the ORM cannot express the choice that makes it fast: with
    many matches, walk the sort index and keep rows whose id is among the matches; with few,
    fetch the matches and sort them. The exact count, known first, decides.
    """

    def __init__(self, words: list[str], facets: list[str], order: str = "name"):
        self.words, self.facets = words, facets
        self.column, self.direction = ORDER_COLUMNS[order]
        self.vendor = connection.vendor

    def _execute(self, sql: str, params: list):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @cached_property
    def _count(self) -> int:
        if self.vendor == "sqlite":
            sql = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            return self._execute(sql, [_sqlite_match(self.words, self.facets)])[0][0]
        where, params = _postgres_where(self.words, self.facets)
        return self._execute(f"SELECT count(*) FROM registry_organisation WHERE {where}", params)[
            0
        ][0]

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("SearchResult supports slices only")
        offset = item.start or 0
        limit = (item.stop if item.stop is not None else self._count) - offset
        if limit <= 0 or offset >= self._count:
            return []
        order = f"{self.column} {self.direction}, id {self.direction}"
        if self.vendor == "sqlite":
            matches = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            # NULLs (no member_since) sort last either way, as PostgreSQL's NULLS LAST below.
            nulls = f"{self.column} IS NULL, " if self.column == "member_since" else ""
            hint = (
                f" INDEXED BY {sort_index_name(self.column)}" if self._count > DENSE_MATCHES else ""
            )
            sql = (
                f"SELECT id FROM registry_organisation{hint} WHERE rowid IN ({matches})"
                f" ORDER BY {nulls}{order} LIMIT %s OFFSET %s"
            )
            params = [_sqlite_match(self.words, self.facets), limit, offset]
        else:
            where, params = _postgres_where(self.words, self.facets)
            sql = (
                f"SELECT id FROM registry_organisation WHERE {where}"
                f" ORDER BY {self.column} {self.direction} NULLS LAST, id {self.direction}"
                " LIMIT %s OFFSET %s"
            )
            params = [*params, limit, offset]
        return [self._as_pk(row[0]) for row in self._execute(sql, params)]

    @staticmethod
    def _as_pk(value):
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def sort_index_name(column: str) -> str:
    """The name of the (column, id) index that the registry's order by ``column`` walks."""
    from .models import Organisation

    for index in Organisation._meta.indexes:
        if list(index.fields) == [column, "id"]:
            return index.name
    raise LookupError(f"no ({column}, id) index on Organisation")


def full_text_serves(words: list[str], facets: list[str]) -> bool:
    """Whether the full-text index is the best way to answer these words and facets. Not for a
    list with nothing to match (staff's unfiltered list), nor on PostgreSQL for the plain public
    list, which it counts faster from the status index; nor on databases without full-text."""
    if connection.vendor not in ("sqlite", "postgresql") or not (words or facets):
        return False
    return bool(words) or facets != [PUBLIC_FACET] or connection.vendor != "postgresql"
