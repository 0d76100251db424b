# Full-text SQL built from constant table names; user words go in as parameters only.
# ruff: noqa: S608
"""Full-text search across the exchange, with facets, on the database's own engine.

One interface, ``search(user, q, ...)``, over ``MatchDocument``: SQLite FTS5 by default, and
PostgreSQL full-text search on PostgreSQL. Both index the document's ``terms`` (the stems
``matching.text.analyse`` made), and queries go through ``analyse_query`` too, so both engines
see the same tokens, and a Latin term shared by a Russian and an English text ("LiDAR") finds
both. Snowball alone leaves a noun and its adjective apart ("беспилотник" / "беспилотн"), so each
query stem of four letters or more is matched as a prefix, a Russian one after losing a
derivational ending (``query_terms``): "беспилотники" finds "беспилотных" and back, "склад"
finds "складской"; the index itself holds plain stems.

- SQLite: an FTS5 table ``matching_document_fts(terms)`` whose rowid is the document's id, kept
  in step by triggers on ``matching_matchdocument``.
- PostgreSQL: a stored generated ``search_vector`` column (``to_tsvector('simple', terms)``: the
  stems are already made, so no dictionary may change them) with a GIN index.

Both are (re)made after every ``migrate`` by ``ensure_search_index``, as registry/search.py does,
because Django's SQLite schema changes rebuild tables and drop their triggers.

No user text is ever syntax: each stem (letters and digits only) is quoted as a string for FTS5
and as a lexeme for ``to_tsquery`` (with ``*`` / ``:*`` for a prefix), and the query is a
parameter.

Ranking: a document matches when it holds any of the query's words. Documents holding all of
them come first, then by relevance (FTS5's bm25, PostgreSQL's ts_rank), then the most recently
changed. Without words (an empty query, or only stop words) everything the filters leave is
listed, most recently changed first.

Audience: anonymous visitors find public documents; people of admitted organisations and the
Fund's staff also members-only ones; removed documents are never found. Documents hold only
public text (indexing leaves NDA-protected fields out), so nothing found can leak them.

Facets (kind, priority area, TRL, status, language, owner kind) are counted from one grouped
query over everything the words match; each facet's counts apply every other facet's filter
but not its own, so choosing one kind still shows how many of each other kind there are. The
same groups give the total, so a page of results costs four queries: the groups, the page's
ids, those rows, their owners' names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.db import OperationalError, connection
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innocluster.registry.areas import PRIORITY_AREA_CODES

from .choices import Audience, DocumentKind
from .models import MatchDocument
from .text import CYRILLIC, analyse, analyse_query

FTS_TABLE = "matching_document_fts"
TABLE = MatchDocument._meta.db_table
_SQLITE_TRIGGERS = ("matching_doc_fts_insert", "matching_doc_fts_update", "matching_doc_fts_delete")
_SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(terms,"
    " tokenize = 'unicode61 remove_diacritics 0')",
    f"""CREATE TRIGGER matching_doc_fts_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.id, new.terms); END""",
    f"""CREATE TRIGGER matching_doc_fts_update AFTER UPDATE OF terms ON {TABLE}
        WHEN old.terms IS NOT new.terms BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
        INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.id, new.terms); END""",
    f"""CREATE TRIGGER matching_doc_fts_delete AFTER DELETE ON {TABLE} BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END""",
]
# The facets' columns, indexed so that counting them reads the index, not the documents' rows
# (whose long texts come first and would be read too): after the recency order for a query
# without words (whose page is then read off the index in order), and after the id for the
# documents the full-text index found.
_FACET_COLUMNS = "removed, audience, kind, areas, trl, status, language, org_kind"
_BY_ID = "matching_doc_facets_by_id"
_FACET_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS matching_doc_browse ON {TABLE}"
    f" (removed, changed_at, id, {_FACET_COLUMNS.removeprefix('removed, ')})",
    f"CREATE INDEX IF NOT EXISTS {_BY_ID} ON {TABLE} (id, {_FACET_COLUMNS}, changed_at)",
]
_POSTGRES_SETUP = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
    f"CREATE INDEX matching_doc_search_vector_gin ON {TABLE} USING gin (search_vector)",
]

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
SNIPPET_LENGTH = 240
# Snippets look for the query's words in this much of a document's text, no further.
SNIPPET_SCAN = 20_000
WORD = re.compile(r"[^\W_]+", re.UNICODE)
SPACES = re.compile(r"\s+")


def ensure_search_index(using_connection=None) -> None:
    """Create the full-text index if missing; on SQLite remake the triggers and, when the index
    does not hold exactly the table's documents, refill it."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
                list(_SQLITE_TRIGGERS),
            )
            kept = cursor.fetchone()[0] == len(_SQLITE_TRIGGERS)
            for trigger in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            for statement in _SQLITE_SETUP + _FACET_INDEXES:
                cursor.execute(statement)
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
            indexed = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            if not kept or indexed != cursor.fetchone()[0]:
                # Triggers missing (a migration remade the table) or counts apart: refill.
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, terms) SELECT id, terms FROM {TABLE}"
                )
        elif conn.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns"
                " WHERE table_name = %s AND column_name = 'search_vector'",
                [TABLE],
            )
            if cursor.fetchone() is None:  # ALTER TABLE only when needed: it takes a strong lock
                for statement in _POSTGRES_SETUP:
                    cursor.execute(statement)
            cursor.execute(_FACET_INDEXES[0])


# --- who sees what -------------------------------------------------------------------------------


def audiences_for(actor) -> frozenset[str]:
    """The audiences ``actor`` may find: everyone public; the Fund's staff, people of admitted
    organisations and those organisations' API tokens also members-only items."""
    public = frozenset({Audience.PUBLIC.value})
    from innocluster.registry.choices import ADMITTED_STATUSES
    from innocluster.registry.models import OrganisationRole

    admitted_statuses = [str(status) for status in ADMITTED_STATUSES]
    organisation = getattr(actor, "organisation", None)  # an API token
    if organisation is not None:
        admitted = organisation.status in admitted_statuses
    elif actor is None or not actor.is_authenticated:
        return public
    elif actor.is_fund_staff:
        admitted = True
    else:
        admitted = OrganisationRole.objects.filter(
            user=actor, organisation__status__in=admitted_statuses
        ).exists()
    return public | {Audience.MEMBERS.value} if admitted else public


# --- facets' vocabularies ------------------------------------------------------------------------

FACETS = ("kind", "area", "trl", "status", "language", "owner_kind")


def area_label(code: str) -> str:
    from innocluster.programmes.selectors import AREA_LABELS

    return str(AREA_LABELS.get(code, code))


def _status_choices():
    from innocluster.exchange.choices import ChallengeStatus, ListingStatus
    from innocluster.registry.choices import PUBLIC_STATUSES, MembershipStatus

    from .indexing import indexed_challenge_statuses

    pairs = [(s.value, MembershipStatus(s).label) for s in PUBLIC_STATUSES]
    pairs.append((ListingStatus.PUBLISHED.value, ListingStatus.PUBLISHED.label))
    pairs += [(s.value, ChallengeStatus(s).label) for s in indexed_challenge_statuses()]
    return pairs


def facet_choices() -> dict[str, list[tuple[str, object]]]:
    """Every value each facet can take, with its label, in display order."""
    from innocluster.exchange.choices import Language
    from innocluster.registry.choices import OrganisationKind

    return {
        "kind": list(DocumentKind.choices),
        "area": [(code, area_label(code)) for code in PRIORITY_AREA_CODES],
        "trl": [(str(level), _("TRL %(level)s") % {"level": level}) for level in range(1, 10)],
        "status": _status_choices(),
        "language": list(Language.choices),
        "owner_kind": list(OrganisationKind.choices),
    }


# --- the query -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    """What the results are narrowed to; an empty tuple filters nothing. Values are codes
    already checked against ``facet_choices`` (forms and API schemas do that)."""

    kinds: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    trl_min: int | None = None
    statuses: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    owner_kinds: tuple[str, ...] = ()

    def passes(self, row: tuple, skip: str = "") -> bool:
        """Whether a (kind, areas, trl, status, language, owner kind) row passes every filter
        but ``skip``'s."""
        kind, areas, trl, status, language, owner_kind = row
        if skip != "kind" and self.kinds and kind not in self.kinds:
            return False
        if skip != "area" and self.areas and not set(areas.split()) & set(self.areas):
            return False
        if skip != "trl" and self.trl_min is not None and (trl is None or trl < self.trl_min):
            return False
        if skip != "status" and self.statuses and status not in self.statuses:
            return False
        if skip != "language" and self.languages and language not in self.languages:
            return False
        return not (
            skip != "owner_kind" and self.owner_kinds and owner_kind not in self.owner_kinds
        )

    def sql(self) -> tuple[list[str], list]:
        clauses, params = [], []
        for column, values in (
            ("kind", self.kinds),
            ("status", self.statuses),
            ("language", self.languages),
            ("org_kind", self.owner_kinds),
        ):
            if values:
                clauses.append(f"d.{column} IN ({', '.join(['%s'] * len(values))})")
                params.extend(values)
        if self.areas:
            clauses.append(
                "(" + " OR ".join(["(' ' || d.areas || ' ') LIKE %s"] * len(self.areas)) + ")"
            )
            params.extend(f"% {code} %" for code in self.areas)
        if self.trl_min is not None:
            clauses.append("d.trl >= %s")
            params.append(self.trl_min)
        return clauses, params


# Russian derivational endings a query word's stem loses before it is matched as a prefix, so
# that a noun finds its adjective and back: "беспилотник" and "беспилотных" share "беспилот".
# Longest first; the root left must keep MIN_ROOT letters.
RU_DERIVATIONAL = ("ическ", "ирова", "изац", "ност", "ост", "ник", "чик", "щик", "ик", "ск")
MIN_ROOT = 5
# Shorter stems match only whole: "ии" or "iot" as a prefix would match far too much.
MIN_PREFIX = 4


@dataclass(frozen=True)
class Term:
    """One word of the query as the engine looks for it: a stem, whole or as a prefix."""

    text: str
    prefix: bool

    def matches(self, stem: str) -> bool:
        return stem.startswith(self.text) if self.prefix else stem == self.text

    def fts5(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        return quoted + " *" if self.prefix else quoted

    def lexeme(self) -> str:
        quoted = "'" + self.text.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + ":*" if self.prefix else quoted


def query_terms(stems: list[str]) -> list[Term]:
    """The query's stems as the engine matches them: words of MIN_PREFIX letters or more match
    as prefixes ("склад" finds "складск", "scan" finds "scanner"), and Russian ones first lose a
    derivational ending (see RU_DERIVATIONAL). Stems stay what ``analyse`` makes, so indexing
    and the matcher need nothing special; only the query reaches a little further."""
    terms: dict[Term, None] = {}
    for stem in stems:
        root = stem
        if CYRILLIC.search(stem):
            for ending in RU_DERIVATIONAL:
                if stem.endswith(ending) and len(stem) - len(ending) >= MIN_ROOT:
                    root = stem[: -len(ending)]
                    break
        prefix = len(root) >= MIN_PREFIX and not root.isdigit()
        terms.setdefault(Term(root, prefix), None)
    return list(terms)


class _Matches:
    """The matching documents in rank order, with their exact count: what Django's Paginator
    needs (``count()`` and slicing); a slice is two queries (the ids in order from the indexes,
    then those rows)."""

    def __init__(self, terms: list[Term], audiences, filters: SearchFilters, count: int):
        self.terms, self.audiences, self.filters, self._count = terms, audiences, filters, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("only slices")
        offset = item.start or 0
        limit = (item.stop if item.stop is not None else self._count) - offset
        if limit <= 0 or offset >= self._count:
            return []

        def build(covering: bool):
            source, where, params = _base(self.terms, self.audiences, covering)
            clauses, filter_params = self.filters.sql()
            where = " AND ".join([where, *clauses])
            order, order_params = _order(self.terms)
            sql = f"SELECT d.id FROM {source} WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
            # The ORDER BY's parameters come after the WHERE's in the statement.
            return sql, [*params, *filter_params, *order_params, limit, offset]

        ids = [row[0] for row in _fetch(build)]
        found = MatchDocument.objects.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def _fetch(build) -> list[tuple]:
    """Run the statement ``build(covering)`` makes: on SQLite first as reading the documents'
    facet columns from their covering index, and should that index be missing (a migration
    remade the table and ``ensure_search_index`` has not run yet), from the table."""
    covering = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        try:
            cursor.execute(*build(covering))
        except OperationalError:
            if not covering:
                raise
            cursor.execute(*build(False))
        return cursor.fetchall()


def _base(terms: list[Term], audiences, covering: bool = False) -> tuple[str, str, list]:
    """FROM and WHERE (with parameters) of the documents the words match that the audiences
    may find; ``covering`` (SQLite) reads the documents through their facets' index."""
    audiences = sorted(audiences)
    where = [f"d.removed = %s AND d.audience IN ({', '.join(['%s'] * len(audiences))})"]
    params: list = [False, *audiences]
    if not terms:
        return f"{TABLE} d", where[0], params
    if connection.vendor == "sqlite":
        # CROSS JOIN: SQLite keeps this order, the full-text match drives (never a scan of the
        # documents probing the full-text index row by row).
        hint = f" INDEXED BY {_BY_ID}" if covering else ""
        source = f"{FTS_TABLE} CROSS JOIN {TABLE} d{hint} ON d.id = {FTS_TABLE}.rowid"
        where.insert(0, f"{FTS_TABLE} MATCH %s")
        params.insert(0, " OR ".join(t.fts5() for t in terms))
    else:
        source = f"{TABLE} d"
        where.insert(0, "d.search_vector @@ to_tsquery('simple', %s)")
        params.insert(0, " | ".join(t.lexeme() for t in terms))
    return source, " AND ".join(where), params


def _order(terms: list[Term]) -> tuple[str, list]:
    recent = "d.changed_at DESC, d.id DESC"
    if not terms:
        return recent, []
    if connection.vendor == "sqlite":
        relevance = f"bm25({FTS_TABLE})"  # lower is better
        params: list = []
        every = (
            f"CASE WHEN d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
            " THEN 0 ELSE 1 END, "
        )
        all_words = " AND ".join(t.fts5() for t in terms)
    else:
        relevance = "ts_rank(d.search_vector, to_tsquery('simple', %s)) DESC"
        params = [" | ".join(t.lexeme() for t in terms)]
        every = "CASE WHEN d.search_vector @@ to_tsquery('simple', %s) THEN 0 ELSE 1 END, "
        all_words = " & ".join(t.lexeme() for t in terms)
    if len(terms) > 1:
        return every + relevance + ", " + recent, [all_words, *params]
    return relevance + ", " + recent, params


def _facet_groups(terms: list[Term], audiences) -> list[tuple[tuple, int]]:
    def build(covering: bool):
        source, where, params = _base(terms, audiences, covering)
        sql = (
            f"SELECT d.kind, d.areas, d.trl, d.status, d.language, d.org_kind, count(*)"
            f" FROM {source} WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6"
        )
        return sql, params

    return [(tuple(row[:6]), row[6]) for row in _fetch(build)]


# --- results -------------------------------------------------------------------------------------


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    """One found document, ready to show."""

    document: MatchDocument
    title: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    owner_id: str
    owner_name: str
    area_labels: list[str]

    @property
    def snippet_text(self) -> str:
        return _unescape(re.sub(r"</?mark>", "", str(self.snippet_html)))

    @property
    def kind_label(self) -> str:
        return str(DocumentKind(self.document.kind).label)

    @cached_property
    def status_label(self) -> str:
        return str(dict(_status_choices()).get(self.document.status, self.document.status))


@dataclass
class SearchResults:
    query: str
    stems: list[str]
    filters: SearchFilters
    page: object  # django.core.paginator.Page of Hit
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # The query had text but no word to search for (only stop words or punctuation).
    no_words: bool = False

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def hits(self) -> list[Hit]:
        return list(self.page.object_list)


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)


def search(
    user,
    q: str,
    *,
    kinds=(),
    areas=(),
    trl_min: int | None = None,
    statuses=(),
    languages=(),
    owner_kinds=(),
    page=1,
    per_page: int = DEFAULT_PER_PAGE,
    audiences=None,
) -> SearchResults:
    """Search the exchange and the registry as ``user`` may: one page of hits with snippets
    and links, the total and the facet counts.

    Args: ``q`` any text at all (nothing in it is syntax); filters as codes (unknown codes simply
    match nothing); ``page`` a number or anything (out of range or not a number: the nearest
    page); ``audiences`` overrides what ``user`` may see (an API token's organisation).
    """
    q = q or ""
    stems = analyse_query(q)
    audiences = frozenset(audiences) if audiences is not None else audiences_for(user)
    filters = SearchFilters(
        kinds=tuple(kinds),
        areas=tuple(areas),
        trl_min=trl_min,
        statuses=tuple(statuses),
        languages=tuple(languages),
        owner_kinds=tuple(owner_kinds),
    )
    terms = query_terms(stems)
    groups = _facet_groups(terms, audiences)
    total = sum(n for row, n in groups if filters.passes(row))
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    paginator = Paginator(_Matches(terms, audiences, filters, total), per_page)
    result_page = paginator.get_page(page)
    result_page.object_list = _hits(list(result_page.object_list), terms)
    return SearchResults(
        query=q,
        stems=stems,
        filters=filters,
        page=result_page,
        facets=_facets(groups, filters),
        no_words=bool(q.strip()) and not stems,
    )


def _facets(groups, filters: SearchFilters) -> dict[str, list[FacetValue]]:
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for row, n in groups:
        kind, areas, trl, status, language, owner_kind = row
        values = {
            "kind": [kind],
            "area": areas.split(),
            "trl": [str(trl)] if trl is not None else [],
            "status": [status],
            "language": [language],
            "owner_kind": [owner_kind] if owner_kind else [],
        }
        for name in FACETS:
            if filters.passes(row, skip=name):
                for value in values[name]:
                    counts[name][value] += n
    selected = {
        "kind": filters.kinds,
        "area": filters.areas,
        "trl": (str(filters.trl_min),) if filters.trl_min is not None else (),
        "status": filters.statuses,
        "language": filters.languages,
        "owner_kind": filters.owner_kinds,
    }
    facets = {}
    for name, choices in facet_choices().items():
        facets[name] = [
            FacetValue(code, str(label), counts[name][code], code in selected[name])
            for code, label in choices
            if counts[name][code] or code in selected[name]
        ]
    return facets


def _hits(documents: list[MatchDocument], terms: list[Term]) -> list[Hit]:
    if not documents:
        return []
    from innocluster.registry.models import Organisation

    owners = {
        pk: (ru, en)
        for pk, ru, en in Organisation.objects.filter(
            pk__in={d.owner_id for d in documents}
        ).values_list("pk", "name_ru", "name_en")
    }
    english = (get_language() or "ru").startswith("en")
    hits = []
    for doc in documents:
        ru, en = owners.get(doc.owner_id, ("", ""))
        title = doc.title
        if doc.title_translated and (doc.language == "ru") == english:
            title = doc.title_translated
        hits.append(
            Hit(
                document=doc,
                title=title,
                title_html=highlight(title, terms),
                snippet_html=snippet(doc.public_text, terms),
                url=item_url(doc.kind, doc.object_id),
                owner_id=str(doc.owner_id),
                owner_name=(en or ru) if english else ru,
                area_labels=[area_label(code) for code in doc.areas.split()],
            )
        )
    return hits


# --- links ---------------------------------------------------------------------------------------

_URL_NAMES = {
    DocumentKind.ORGANISATION: "registry:detail",
    DocumentKind.PRODUCT: "exchange:product",
    DocumentKind.TECHNOLOGY: "exchange:technology",
    DocumentKind.CHALLENGE: "exchange:challenge",
}


def item_url(kind: str, object_id) -> str:
    """The page of an indexed item, or "" while that page does not exist."""
    name = _URL_NAMES.get(kind)
    if name is None:
        return ""
    try:
        return reverse(name, args=[object_id])
    except NoReverseMatch:
        return ""


# --- snippets ------------------------------------------------------------------------------------


def _terms(terms) -> list[Term]:
    """Query terms, or plain stems (matched whole)."""
    return [t if isinstance(t, Term) else Term(t, False) for t in terms]


def _iter_marks(text: str, terms: list[Term]):
    """Where the words of ``text`` that the query's terms match are, in order.

    A stem is the start of its (normalised, lower-cased) word, so a word whose first letters
    begin no term is passed over without stemming it: snippets stay cheap on long texts."""
    if not terms:
        return
    heads = tuple({t.text[:3] for t in terms})
    for m in WORD.finditer(text):
        word = unicodedata.normalize("NFKC", m.group()).lower().replace("ё", "е")
        if word.startswith(heads) and any(t.matches(stem) for stem in analyse(word) for t in terms):
            yield m.span()


def _marks(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    return list(_iter_marks(text, terms))


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    out, at = [], 0
    for start, end in spans:
        out.append(escape(text[at:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def highlight(text: str, terms) -> SafeString:
    """``text`` escaped, with the words the query's terms match in <mark>."""
    return mark_safe(_marked(text, _marks(text, _terms(terms))))  # noqa: S308 (every piece is escaped)


def snippet(text: str, terms, length: int = SNIPPET_LENGTH) -> SafeString:
    """About ``length`` characters of ``text`` around the first word of the query, escaped, the
    query's words in <mark>; the text's beginning when no word of it is there."""
    terms = _terms(terms)
    text = SPACES.sub(" ", text[:SNIPPET_SCAN]).strip()
    if not text:
        return mark_safe("")
    first = next(_iter_marks(text, terms), None)
    start = 0
    if first is not None and first[0] > length // 3:
        start = first[0] - length // 3
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first[0] else first[0]
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    body = _marked(piece, _marks(piece, terms))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 (every piece is escaped)
