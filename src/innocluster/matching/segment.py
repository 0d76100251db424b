"""One block of the matcher's index: an inverted index and per-item evidence, all numpy arrays.

Why arrays and not Python objects: at a million items with ~40 distinct stems each, the index
holds ~40 million postings. As numpy arrays that is ~10 bytes a posting (position int32, BM25
weight float32, term frequency uint16), ~400 MB, and a query is a handful of vectorised scatters;
as Python dicts or lists it would be ten times the memory and a hundred times slower. scipy's
sparse matrices would do the same job but the project does not need scipy for anything else.

Layout (CSC-like): the postings of term ``t`` are ``post[indptr[t]:indptr[t + 1]]``, the
positions of the items containing it in increasing order, with ``weight`` the precomputed BM25
weight (idf times saturated tf, k1 = 1.2, b = 0.75, Lucene's idf as bm25s computes it) and ``tf``
the raw count kept so a merge can recompute weights with new statistics. Everything else is one
array per item position: its key (kind byte + UUID bytes), its evidence columns, its title.

A segment is never changed after it is made, except its ``alive`` mask, which the index replaces
by a modified copy (never edits in place) so searches running meanwhile see a consistent state.
"""

from __future__ import annotations

import uuid
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from .ranking import area_mask, okved_bits

if TYPE_CHECKING:
    from .engine import IndexRow

K1 = 1.2
B = 0.75
# active_at unknown.
NO_DAY = np.iinfo(np.int32).min
UUID_NAMESPACE = uuid.UUID("5b0b7c2e-4f0c-4d5c-9d43-2f1f3c6f6a10")


class Codes:
    """A growing table of short codes (kinds, audiences, regions, ...) as small ints; 0 is "".

    Only the index's writer (under its lock) adds codes; readers only look codes up, which is
    safe while a writer adds (dict reads are atomic under the GIL).
    """

    def __init__(self, values: Iterable[str] = ("",)) -> None:
        self.values: list[str] = list(values)
        self.index: dict[str, int] = {value: i for i, value in enumerate(self.values)}

    def code(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = len(self.values)
            self.values.append(value)
            self.index[value] = found
        return found

    def lookup(self, value: str) -> int | None:
        return self.index.get(value)

    def allowed(self, values: Iterable[str]) -> np.ndarray:
        """A lookup table: True at the codes of the values given."""
        table = np.zeros(len(self.values), dtype=bool)
        for value in values:
            found = self.index.get(value)
            if found is not None:
                table[found] = True
        return table


class Ids:
    """UUID strings as 16 bytes. An id that is not a UUID gets a name-based UUID and is
    remembered, so it comes back as given."""

    def __init__(self, odd: dict[bytes, str] | None = None) -> None:
        self.odd: dict[bytes, str] = odd or {}

    def to_bytes(self, value: str) -> bytes:
        try:
            return uuid.UUID(value).bytes
        except (ValueError, TypeError, AttributeError):
            value = str(value)
            raw = uuid.uuid5(UUID_NAMESPACE, value).bytes
            self.odd[raw] = value
            return raw

    def lookup(self, value: str) -> bytes | None:
        """The bytes of an id, without remembering a new odd one (for queries)."""
        try:
            return uuid.UUID(value).bytes
        except (ValueError, TypeError, AttributeError):
            raw = uuid.uuid5(UUID_NAMESPACE, str(value)).bytes
            return raw if raw in self.odd else None

    def to_str(self, raw: bytes) -> str:
        # numpy's fixed-width bytes drop trailing NULs when an element is read back.
        raw = raw.ljust(16, b"\0")
        return self.odd.get(raw) or str(uuid.UUID(bytes=raw))


def item_key(kind_code: int, object_bytes: bytes) -> bytes:
    """An item's key: its kind's code byte and its UUID's bytes (kind + object_id is unique)."""
    return bytes((kind_code,)) + object_bytes


def day_number(moment: datetime | None) -> int:
    """Days since 1970-01-01 (UTC) of a datetime; naive ones are taken as UTC."""
    if moment is None:
        return int(NO_DAY)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() // 86400)


@dataclass(frozen=True)
class Stats:
    """What BM25's idf and length normalisation are computed from."""

    n_docs: int
    total_len: int
    df: np.ndarray  # int32 per term id


@dataclass(frozen=True)
class Segment:
    """Postings and item columns of one block (see the module docstring)."""

    indptr: np.ndarray  # int64, n_terms + 1
    post: np.ndarray  # int32 positions
    tf: np.ndarray  # uint16
    weight: np.ndarray  # float32
    doc_len: np.ndarray  # int32
    doc_id: np.ndarray  # int64
    keys: np.ndarray  # S17: kind code byte + object UUID
    key_order: np.ndarray  # int32: positions in key order (for lookups by key)
    kind: np.ndarray  # int32 codes (the global Codes tables)
    audience: np.ndarray
    region: np.ndarray
    org_kind: np.ndarray
    status: np.ndarray
    areas: np.ndarray  # uint16 bit mask (ranking.AREA_CODES)
    okved_lo: np.ndarray  # uint64: OKVED classes 0..63
    okved_hi: np.ndarray  # uint64: OKVED classes 64..127
    trl: np.ndarray  # int8, 0 unknown
    active: np.ndarray  # int32 day number, NO_DAY unknown
    owner: np.ndarray  # int32 index into owners
    owners: np.ndarray  # S16 owner UUIDs, sorted, unique
    title_blob: np.ndarray  # uint8, UTF-8 titles one after another
    title_off: np.ndarray  # int64, n + 1
    alive: np.ndarray  # bool
    n_docs_stat: int  # what idf was computed with (this segment's, or base + delta)
    total_len_stat: int

    @property
    def n(self) -> int:
        return len(self.doc_len)

    @property
    def n_terms(self) -> int:
        return len(self.indptr) - 1

    def df(self) -> np.ndarray:
        return np.diff(self.indptr).astype(np.int32)

    def stats(self) -> Stats:
        return Stats(self.n_docs_stat, self.total_len_stat, self.df())

    def find(self, keys: list[bytes]) -> np.ndarray:
        """The positions of the items with these keys, -1 where there is none (one vectorised
        binary search: a call per key would cost more than the search itself)."""
        found = np.full(len(keys), -1, dtype=np.int64)
        if not self.n or not keys:
            return found
        probes = np.array(keys, dtype="S17")
        at = np.searchsorted(self.keys, probes, sorter=self.key_order)
        inside = at < self.n
        positions = self.key_order[at[inside]]
        hit = self.keys[positions] == probes[inside]
        found[np.flatnonzero(inside)[hit]] = positions[hit]
        return found

    def title(self, position: int) -> str:
        start, end = self.title_off[position], self.title_off[position + 1]
        return self.title_blob[start:end].tobytes().decode("utf-8", "replace")

    def owner_index(self, raw: bytes) -> int:
        """This segment's index of an owner UUID, or -1."""
        if not len(self.owners):
            return -1
        at = int(np.searchsorted(self.owners, raw))
        return at if at < len(self.owners) and self.owners[at] == raw.rstrip(b"\0") else -1

    def accumulate(self, term_ids: list[int], query_weights: list[float]) -> np.ndarray:
        """The text score of every position for these terms (0 where none occurs)."""
        scores = np.zeros(self.n, dtype=np.float32)
        indptr, post, weight = self.indptr, self.post, self.weight
        for term, query_weight in zip(term_ids, query_weights, strict=True):
            if term >= self.n_terms:
                continue
            start, end = indptr[term], indptr[term + 1]
            if start == end:
                continue
            # Positions are unique within a term's postings, so a fancy-indexed += is exact.
            if query_weight == 1.0:
                scores[post[start:end]] += weight[start:end]
            else:
                scores[post[start:end]] += weight[start:end] * np.float32(query_weight)
        return scores

    def term_weights(self, term: int, positions: np.ndarray) -> np.ndarray:
        """The weight of one term at each of the (sorted) positions, 0 where it does not occur."""
        found = np.zeros(len(positions), dtype=np.float32)
        if term >= self.n_terms or not len(positions):
            return found
        start, end = int(self.indptr[term]), int(self.indptr[term + 1])
        if start == end:
            return found
        postings = self.post[start:end]
        at = np.searchsorted(postings, positions)
        inside = at < len(postings)
        hit = np.zeros(len(positions), dtype=bool)
        hit[inside] = postings[at[inside]] == positions[inside]
        found[hit] = self.weight[start + at[hit]]
        return found

    def with_alive(self, alive: np.ndarray) -> Segment:
        return replace(self, alive=alive)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array, by field name (for snapshots)."""
        return {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if isinstance(getattr(self, field.name), np.ndarray)
        }


ARRAY_FIELDS = tuple(
    name for name in Segment.__dataclass_fields__ if name not in ("n_docs_stat", "total_len_stat")
)


class _Columns:
    """Per-item values gathered while reading rows, as compact arrays (not Python lists: a
    million rows of Python ints would cost several times the memory)."""

    def __init__(self) -> None:
        self.doc_id = array("q")
        self.doc_len = array("i")
        self.n_terms = array("i")
        self.kind = array("i")
        self.audience = array("i")
        self.region = array("i")
        self.org_kind = array("i")
        self.status = array("i")
        self.areas = array("H")
        self.okved_lo = array("Q")
        self.okved_hi = array("Q")
        self.trl = array("b")
        self.active = array("i")
        self.owner = array("i")
        self.keys: list[bytes] = []
        self.titles: list[bytes] = []
        self.term_ids = array("i")
        self.tf = array("H")


def _read_rows(rows: Iterable[IndexRow], vocab: dict[str, int], codes: dict[str, Codes], ids: Ids):
    columns = _Columns()
    owners: dict[bytes, int] = {}
    kinds, audiences, regions = codes["kind"], codes["audience"], codes["region"]
    org_kinds, statuses = codes["org_kind"], codes["status"]
    term_ids_extend, tf_extend = columns.term_ids.extend, columns.tf.extend
    setdefault = vocab.setdefault
    for row in rows:
        if row.removed:
            continue
        tokens = row.terms.split()
        counts = Counter(tokens)
        # A new stem gets the next id: len(vocab) is evaluated before setdefault inserts it.
        term_ids_extend([setdefault(stem, len(vocab)) for stem in counts])
        try:
            tf_extend(counts.values())
        except OverflowError:  # a stem repeated over 65535 times in one document
            tf_extend([min(count, 65535) for count in counts.values()])
        columns.n_terms.append(len(counts))
        columns.doc_len.append(len(tokens))
        columns.doc_id.append(int(row.doc_id))
        kind = kinds.code(row.kind)
        if kind > 255:
            raise ValueError("more than 255 kinds of documents")
        columns.kind.append(kind)
        columns.keys.append(item_key(kind, ids.to_bytes(str(row.object_id))))
        columns.audience.append(audiences.code(row.audience))
        columns.region.append(regions.code(row.region or ""))
        columns.org_kind.append(org_kinds.code(row.org_kind or ""))
        columns.status.append(statuses.code(row.status or ""))
        columns.areas.append(area_mask(row.areas or ""))
        low, high = okved_bits(row.okved or "")
        columns.okved_lo.append(low)
        columns.okved_hi.append(high)
        trl = row.trl
        columns.trl.append(trl if trl is not None and 0 < trl < 128 else 0)
        columns.active.append(day_number(row.active_at))
        owner_raw = ids.to_bytes(str(row.owner_id))
        owner = owners.get(owner_raw)
        if owner is None:
            owner = owners[owner_raw] = len(owners)
        columns.owner.append(owner)
        columns.titles.append((row.title or "").encode("utf-8", "replace"))
    return columns, owners


def build_segment(
    rows: Iterable[IndexRow],
    vocab: dict[str, int],
    codes: dict[str, Codes],
    ids: Ids,
    base: Stats | None = None,
) -> Segment:
    """A segment of the rows (removed ones skipped). Without ``base`` its BM25 statistics are its
    own; with it (a delta), idf and the average length are those of base and delta together."""
    columns, owner_table = _read_rows(rows, vocab, codes, ids)
    n = len(columns.doc_len)
    n_terms_per_doc = np.frombuffer(columns.n_terms, dtype=np.int32) if n else np.zeros(0, np.int32)
    term_ids = np.frombuffer(columns.term_ids, dtype=np.int32) if len(columns.term_ids) else None
    if term_ids is None:
        term_ids = np.zeros(0, dtype=np.int32)
        tf_raw = np.zeros(0, dtype=np.uint16)
    else:
        tf_raw = np.frombuffer(columns.tf, dtype=np.uint16)
    doc_starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_terms_per_doc, out=doc_starts[1:])
    positions = spread(np.arange(n, dtype=np.int32), doc_starts)
    # Stable: within a term the positions stay in increasing order, which lookups rely on.
    order = np.argsort(term_ids, kind="stable")
    post = positions[order]
    del positions
    tf = tf_raw[order]
    n_vocab = len(vocab)
    counts = np.bincount(term_ids, minlength=n_vocab)
    # Free the gathered postings now: the weights below need as much memory again.
    del order, term_ids, tf_raw
    columns.term_ids = columns.tf = None
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])

    # Owners sorted so a query's owner is found by binary search.
    owner_bytes = np.array(list(owner_table), dtype="S16") if owner_table else np.zeros(0, "S16")
    owner_sort = np.argsort(owner_bytes, kind="stable")
    owner_rank = np.empty(len(owner_bytes), dtype=np.int32)
    owner_rank[owner_sort] = np.arange(len(owner_bytes), dtype=np.int32)
    owner = np.frombuffer(columns.owner, dtype=np.int32) if n else np.zeros(0, np.int32)

    titles = columns.titles
    title_off = np.zeros(n + 1, dtype=np.int64)
    if n:
        np.cumsum([len(title) for title in titles], out=title_off[1:])
    title_blob = np.frombuffer(b"".join(titles), dtype=np.uint8).copy()

    keys = np.array(columns.keys, dtype="S17") if n else np.zeros(0, "S17")
    key_order = np.argsort(keys, kind="stable").astype(np.int32)
    alive = np.ones(n, dtype=bool)
    if n > 1:
        # The same item given twice: the later row wins (stable sort keeps row order per key).
        sorted_keys = keys[key_order]
        repeated = np.flatnonzero(sorted_keys[:-1] == sorted_keys[1:])
        alive[key_order[repeated]] = False

    def column(values: array, dtype) -> np.ndarray:
        return np.frombuffer(values, dtype=dtype).copy() if n else np.zeros(0, dtype)

    doc_len = column(columns.doc_len, np.int32)
    if base is None:
        n_stat, total_stat = n, int(doc_len.sum())
        df = counts.astype(np.int64)
    else:
        n_stat, total_stat = base.n_docs + n, base.total_len + int(doc_len.sum())
        df = counts.astype(np.int64)
        df[: len(base.df)] += base.df
    weight = _weights(indptr, post, tf, doc_len, df, n_stat, total_stat)
    return Segment(
        indptr=indptr,
        post=post,
        tf=tf,
        weight=weight,
        doc_len=doc_len,
        doc_id=column(columns.doc_id, np.int64),
        keys=keys,
        key_order=key_order,
        kind=column(columns.kind, np.int32),
        audience=column(columns.audience, np.int32),
        region=column(columns.region, np.int32),
        org_kind=column(columns.org_kind, np.int32),
        status=column(columns.status, np.int32),
        areas=column(columns.areas, np.uint16),
        okved_lo=column(columns.okved_lo, np.uint64),
        okved_hi=column(columns.okved_hi, np.uint64),
        trl=column(columns.trl, np.int8),
        active=column(columns.active, np.int32),
        owner=owner_rank[owner] if n else np.zeros(0, np.int32),
        owners=owner_bytes[owner_sort],
        title_blob=title_blob,
        title_off=title_off,
        alive=alive,
        n_docs_stat=n_stat,
        total_len_stat=total_stat,
    )


def _weights(indptr, post, tf, doc_len, df, n_docs, total_len) -> np.ndarray:
    """BM25 weight of every posting: idf(term) * tf / (tf + k1 * (1 - b + b * len / avg_len))."""
    if not len(post):
        return np.zeros(0, dtype=np.float32)
    n_docs = max(n_docs, 1)
    avg_len = max(total_len / n_docs, 1.0)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = (K1 * (1.0 - B + B * doc_len.astype(np.float32) / np.float32(avg_len))).astype(
        np.float32
    )
    weight = spread(idf, indptr)
    tf_float = tf.astype(np.float32)
    weight *= tf_float
    tf_float += norm[post]
    weight /= tf_float
    return weight


def spread(values: np.ndarray, indptr: np.ndarray, chunk: int = 1 << 20) -> np.ndarray:
    """``values[t]`` repeated ``indptr[t + 1] - indptr[t]`` times, for every t: np.repeat, in
    pieces of about ``chunk`` outputs. One np.repeat over 40 million postings holds the GIL for
    ~0.4 s, which would stall every search while a background merge runs."""
    total = int(indptr[-1]) if len(indptr) else 0
    out = np.empty(total, dtype=values.dtype)
    count = len(indptr) - 1
    start = 0
    while start < count:
        stop = int(np.searchsorted(indptr, indptr[start] + chunk, side="right")) - 1
        stop = min(max(stop, start + 1), count)
        out[indptr[start] : indptr[stop]] = np.repeat(
            values[start:stop], np.diff(indptr[start : stop + 1])
        )
        start = stop
    return out


def merge_segments(base: Segment, delta: Segment | None, n_vocab: int) -> Segment:
    """One segment of the live items of both, with fresh BM25 statistics.

    No sort of the postings is needed: each term's base postings come first, then its delta
    postings (delta positions follow all base ones), so every posting's new place is its old one
    shifted by a per-term offset. Linear in the postings, a few seconds at a million items.
    """
    parts = [base] if delta is None or not delta.n else [base, delta]
    keep = [part.alive for part in parts]
    new_position = []
    offset = 0
    for alive in keep:
        new_position.append((np.cumsum(alive, dtype=np.int64) - 1 + offset).astype(np.int32))
        offset += int(alive.sum())
    n = offset

    # Each part's postings of live items, still sorted by (term, position).
    term_of, post_of, tf_of, count_of = [], [], [], []
    for part, alive, renumber in zip(parts, keep, new_position, strict=True):
        terms = spread(np.arange(part.n_terms, dtype=np.int32), part.indptr)
        live = alive[part.post]
        terms = terms[live]
        term_of.append(terms)
        post_of.append(renumber[part.post[live]])
        tf_of.append(part.tf[live])
        count_of.append(np.bincount(terms, minlength=n_vocab).astype(np.int64))
    counts = np.sum(count_of, axis=0) if len(count_of) > 1 else count_of[0]
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    total = int(indptr[-1])
    post = np.empty(total, dtype=np.int32)
    tf = np.empty(total, dtype=np.uint16)
    if len(parts) == 1:
        post[:] = post_of[0]
        tf[:] = tf_of[0]
    else:
        base_counts, delta_counts = count_of
        delta_before = np.concatenate(([0], np.cumsum(delta_counts)[:-1]))
        base_through = np.cumsum(base_counts)
        places = np.arange(len(term_of[0]), dtype=np.int64) + delta_before[term_of[0]]
        post[places] = post_of[0]
        tf[places] = tf_of[0]
        places = np.arange(len(term_of[1]), dtype=np.int64) + base_through[term_of[1]]
        post[places] = post_of[1]
        tf[places] = tf_of[1]
    del term_of, post_of, tf_of

    def joined(name: str) -> np.ndarray:
        return np.concatenate(
            [getattr(part, name)[alive] for part, alive in zip(parts, keep, strict=True)]
        )

    owners = np.unique(np.concatenate([part.owners for part in parts]))
    owner = np.concatenate(
        [
            np.searchsorted(owners, part.owners).astype(np.int32)[part.owner[alive]]
            for part, alive in zip(parts, keep, strict=True)
        ]
    )
    blobs, lengths = [], []
    for part, alive in zip(parts, keep, strict=True):
        part_lengths = np.diff(part.title_off)
        blobs.append(part.title_blob[spread(alive, part.title_off)])
        lengths.append(part_lengths[alive])
    title_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.concatenate(lengths), out=title_off[1:])
    keys = joined("keys")
    doc_len = joined("doc_len")
    total_len = int(doc_len.sum())
    weight = _weights(indptr, post, tf, doc_len, counts, n, total_len)
    return Segment(
        indptr=indptr,
        post=post,
        tf=tf,
        weight=weight,
        doc_len=doc_len,
        doc_id=joined("doc_id"),
        keys=keys,
        key_order=np.argsort(keys, kind="stable").astype(np.int32),
        kind=joined("kind"),
        audience=joined("audience"),
        region=joined("region"),
        org_kind=joined("org_kind"),
        status=joined("status"),
        areas=joined("areas"),
        okved_lo=joined("okved_lo"),
        okved_hi=joined("okved_hi"),
        trl=joined("trl"),
        active=joined("active"),
        owner=owner,
        owners=owners,
        title_blob=np.concatenate(blobs),
        title_off=title_off,
        alive=np.ones(n, dtype=bool),
        n_docs_stat=n,
        total_len_stat=total_len,
    )


def empty_segment() -> Segment:
    return build_segment([], {}, {name: Codes() for name in CODE_COLUMNS}, Ids())


CODE_COLUMNS = ("kind", "audience", "region", "org_kind", "status")
