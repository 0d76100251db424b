"""The in-memory matcher: ranks organisations, products, technology offers and challenges for a
query, with the evidence for each match and an explanation a person can read.

How a query is answered (``MatchIndex.search``):

1. The query text is analysed like the documents (``matching.text``): stems, Russian and English.
   A query with no stem the index knows returns nothing.
2. Text score: BM25 (k1 1.2, b 0.75) over an inverted index of numpy arrays (``segment``).
   Only items sharing at least one query term are candidates: no evidence, however good, makes
   an item that shares no word with the query a match.
3. The filters (kinds, audiences, the asker's own organisation, owner kinds, statuses, removed
   items) are applied to the candidates before anything is ranked.
4. The best ``CANDIDATE_POOL`` candidates by text go on to ranking. Their text scores are divided
   by the best one (0..1) and the evidence weights of ``ranking`` are added: shared priority
   areas, TRL against the asked minimum, shared OKVED class, region, past collaboration, recent
   activity. The best ``limit`` are returned, each with its ``Explanation``.

Long queries (a challenge's whole text) against a large index: a stem found in more than
``COMMON_TERM_SHARE`` of all items ("разработка", "system") costs a scan of a huge postings list
and says little. Such stems do not make an item a candidate on their own when the query has more
distinctive stems; their weight is still added, exactly, to the pooled candidates that contain
them. The result is the same ranking of the pool, at a fraction of the cost.

Edits (``MatchIndex.apply``): a changed or new item goes into a small delta segment, rebuilt on
each apply, and its old version in the base is marked dead; a removed item is only marked dead.
The delta's idf and average length are those of base and delta together at the time it is built
(the base keeps the statistics it was built with): fine while the delta is small next to the
base. When the delta or the dead items reach ``DELTA_MERGE_ITEMS``, both are merged into
a new base with fresh statistics, in a background thread: searches and further edits go on
meanwhile, and the edits made during the merge are carried over into the new delta. Searches
never wait for a writer: they read one immutable state object, which a writer replaces in a
single assignment.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from . import ranking
from .segment import (
    ARRAY_FIELDS,
    CODE_COLUMNS,
    NO_DAY,
    Codes,
    Ids,
    Segment,
    build_segment,
    day_number,
    empty_segment,
    item_key,
    merge_segments,
)
from .text import MAX_QUERY_WORDS, MAX_WORD_LENGTH, analyse, analyse_query, surface_forms

logger = logging.getLogger(__name__)

# Candidates ranked with evidence: the best this many by text (or 50 per result asked, if more).
# Evidence can lift a candidate by at most 0.48 of the best text score, so anything below the
# first couple of thousand by text is out of reach of the first page in all but freak cases.
CANDIDATE_POOL = 2000
# A stem in more than this share of the items counts only for candidates found by the query's
# rarer stems (see the module docstring); below COMMON_TERM_MIN_ITEMS items every stem is scanned,
# it costs under a millisecond there.
COMMON_TERM_SHARE = 0.1
COMMON_TERM_MIN_ITEMS = 20_000
# Delta items, or dead base items, that trigger a merge. Rebuilding a delta this size takes
# ~0.1 s (on every apply); a merge at a million items takes a few seconds, so it runs in a
# background thread (searches and applies go on meanwhile) unless BACKGROUND_MERGE is off.
DELTA_MERGE_ITEMS = 4000
BACKGROUND_MERGE = True
SNAPSHOT_FORMAT = 1
# The part of a query text that is analysed (analyse_query keeps at most MAX_QUERY_WORDS stems).
MAX_QUERY_CHARS = MAX_QUERY_WORDS * (MAX_WORD_LENGTH + 1)


@dataclass(frozen=True, slots=True)
class IndexRow:
    """What an index is built from: a MatchDocument row, or a synthetic one."""

    doc_id: int  # MatchDocument.id (any unique int in benchmarks)
    kind: str  # matching.choices.DocumentKind code
    object_id: str  # UUID string
    owner_id: str  # UUID string of the owning organisation (an organisation's own: itself)
    audience: str  # matching.choices.Audience code
    title: str
    terms: str  # space-separated stems, " ".join(matching.text.analyse(text))
    areas: str = ""  # space-separated priority-area codes
    okved: str = ""  # space-separated OKVED codes, main first
    region: str = ""
    org_kind: str = ""  # registry OrganisationKind code of the owner
    trl: int | None = None
    status: str = ""
    active_at: datetime | None = None
    removed: bool = False


@dataclass(frozen=True)
class MatchQuery:
    """What to look for, and what the asker may see."""

    text: str  # free text; analysed inside
    kinds: frozenset[str]  # DocumentKinds to return
    areas: frozenset[str] = frozenset()
    trl_min: int | None = None
    okved: tuple[str, ...] = ()  # the asker's OKVED codes, evidence when shared
    region: str = ""
    audiences: frozenset[str] = frozenset({"public"})  # what the asker may see
    exclude_owner: str | None = None  # the asker's organisation: never itself
    collaborators: frozenset[str] = frozenset()  # owner ids that worked with the asker before
    org_kinds: frozenset[str] | None = None  # only owners of these registry kinds
    statuses: frozenset[str] | None = None  # only items with these status codes


@dataclass(frozen=True)
class Explanation:
    """Why a candidate matched, and what counts against it."""

    shared_terms: tuple[str, ...]  # the query's own words the candidate shares, weightiest first
    shared_areas: tuple[str, ...]  # priority-area codes in common
    trl: str  # "meets" | "below" | "unknown" | "not_asked"
    trl_value: int | None
    supporting: tuple[str, ...]  # "okved", "region", "collaborated", "active"
    against: tuple[str, ...]  # "trl_below", "no_shared_area", "inactive", "weak_text"


@dataclass(frozen=True)
class Match:
    """One ranked candidate."""

    kind: str
    object_id: str
    owner_id: str
    title: str
    score: float  # higher is better; comparable within one result list
    explanation: Explanation


@dataclass(frozen=True)
class _State:
    """What a search reads: replaced as a whole by writers, never changed."""

    base: Segment
    delta: Segment | None
    live: int

    def segments(self) -> list[Segment]:
        return [self.base] if self.delta is None else [self.base, self.delta]


@dataclass
class _Plan:
    """A query compiled against the current code tables."""

    term_ids: list[int]
    stems: list[str]
    weights: list[float]
    kind_ok: np.ndarray
    audience_ok: np.ndarray
    org_kind_ok: np.ndarray | None
    status_ok: np.ndarray | None
    exclude_owner: bytes | None
    collaborators: list[bytes]
    areas: int
    okved_lo: np.uint64
    okved_hi: np.uint64
    region: int | None
    trl_min: int | None
    today: int

    def mask(self, segment: Segment, positions: np.ndarray) -> np.ndarray:
        """Which of the positions pass the filters."""
        ok = segment.alive[positions]
        ok &= self.kind_ok[segment.kind[positions]]
        ok &= self.audience_ok[segment.audience[positions]]
        if self.org_kind_ok is not None:
            ok &= self.org_kind_ok[segment.org_kind[positions]]
        if self.status_ok is not None:
            ok &= self.status_ok[segment.status[positions]]
        if self.exclude_owner is not None:
            owner = segment.owner_index(self.exclude_owner)
            if owner >= 0:
                ok &= segment.owner[positions] != owner
        return ok


@dataclass
class _Pool:
    """The ranked candidates of one segment."""

    segment: Segment
    positions: np.ndarray
    text: np.ndarray
    evidence: dict[str, np.ndarray] = field(default_factory=dict)


class MatchIndex:
    """The matcher's index (see the module docstring). Safe to search from many threads while
    one thread applies changes."""

    def __init__(
        self,
        base: Segment,
        vocab: dict[str, int],
        codes: dict[str, Codes],
        ids: Ids,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self._vocab = vocab
        self._codes = codes
        self._ids = ids
        self._write_lock = threading.Lock()
        self._delta_rows: dict[bytes, IndexRow] = {}
        # While a background merge runs: the keys applied since it began (else None).
        self._merging: list[bytes] | None = None
        self._merge_thread: threading.Thread | None = None
        self._state = _State(base, None, int(base.alive.sum()))
        # What the snapshot this index was loaded from said about itself (index_store's notes).
        self.meta: dict[str, Any] = meta or {}

    # Building and changing

    @classmethod
    def build(cls, rows: Iterable[IndexRow]) -> MatchIndex:
        """An index of the rows (removed ones skipped; of two rows for one item the later wins)."""
        vocab: dict[str, int] = {}
        codes = {name: Codes() for name in CODE_COLUMNS}
        ids = Ids()
        return cls(build_segment(rows, vocab, codes, ids), vocab, codes, ids)

    def apply(self, rows: Iterable[IndexRow]) -> None:
        """Upsert the rows by (kind, object_id); a row with removed=True drops its item.
        Applying the same row twice is harmless. The change is visible to searches on return."""
        rows = list(rows)
        if not rows:
            return
        with self._write_lock:
            keys = [self._key(row.kind, row.object_id) for row in rows]
            for key, row in zip(keys, rows, strict=True):
                if row.removed:
                    self._delta_rows.pop(key, None)
                else:
                    self._delta_rows[key] = row
            if self._merging is not None:
                self._merging.extend(keys)
            base = _without(self._state.base, keys)
            delta = self._build_delta(base)
            self._state = _State(base, delta, _live(base, delta))
            dead = base.n - int(base.alive.sum())
            due = max(len(self._delta_rows), dead) >= DELTA_MERGE_ITEMS
            if not due or self._merging is not None:
                return
            if not BACKGROUND_MERGE:
                self._merge_locked()
                return
            self._merging = []
            self._merge_thread = threading.Thread(
                target=self._merge_in_background, name="matching-merge", daemon=True
            )
            self._merge_thread.start()

    def _build_delta(self, base: Segment) -> Segment | None:
        if not self._delta_rows:
            return None
        return build_segment(
            self._delta_rows.values(), self._vocab, self._codes, self._ids, base.stats()
        )

    def _merge_in_background(self) -> None:
        """Merge the state as it is now while searches and applies go on; then put in the
        merged base, with the items changed meanwhile taken out of it and kept in the delta."""
        try:
            with self._write_lock:
                state = self._state
                n_vocab = len(self._vocab)
            merged = merge_segments(state.base, state.delta, n_vocab)
            with self._write_lock:
                changed = self._merging or []
                base = _without(merged, changed)
                kept = set(changed)
                self._delta_rows = {k: row for k, row in self._delta_rows.items() if k in kept}
                delta = self._build_delta(base)
                self._state = _State(base, delta, _live(base, delta))
        except Exception:  # the index stays as it was, unmerged but correct
            logger.exception("merging the matching index failed")
        finally:
            with self._write_lock:
                self._merging = None

    def merge(self) -> None:
        """Fold the delta and the dead items into the base now (after any merge under way)."""
        self._lock_settled()
        try:
            self._merge_locked()
        finally:
            self._write_lock.release()

    def _lock_settled(self) -> None:
        """Take the write lock once no background merge is under way."""
        while True:
            thread = self._merge_thread
            if thread is not None:
                thread.join()
            self._write_lock.acquire()
            if self._merging is None:
                return
            self._write_lock.release()

    def _merge_locked(self) -> None:
        state = self._state
        if state.delta is None and bool(state.base.alive.all()):
            return
        base = merge_segments(state.base, state.delta, len(self._vocab))
        self._delta_rows = {}
        self._state = _State(base, None, base.n)

    def _key(self, kind: str, object_id: str) -> bytes:
        return item_key(self._codes["kind"].code(kind), self._ids.to_bytes(str(object_id)))

    def __len__(self) -> int:
        """Live items."""
        return self._state.live

    def memory_bytes(self) -> int:
        """The arrays' size (the vocabulary and code tables, a few MB, not counted)."""
        return sum(
            array.nbytes
            for segment in self._state.segments()
            for array in segment.arrays().values()
        )

    # Searching

    def search(self, query: MatchQuery, limit: int = 20) -> list[Match]:
        """The best ``limit`` items for the query, best first, each with its explanation.

        Only items that share at least one of the query's stems are candidates; the filters of
        the query are applied before ranking. Any text may be given: a query whose text has no
        stem the index knows returns [].
        """
        if limit <= 0 or not query.kinds:
            return []
        text = query.text if isinstance(query.text, str) else str(query.text or "")
        text = text[:MAX_QUERY_CHARS]
        stems = [stem for stem in analyse_query(text) if stem in self._vocab]
        if not stems:
            return []
        state = self._state  # one consistent state for the whole search
        plan = self._plan(query, stems, Counter(analyse(text)))
        pools = self._pools(state, plan, max(CANDIDATE_POOL, 50 * limit), limit)
        if not pools:
            return []
        return self._rank(pools, plan, text, limit)

    def _plan(self, query: MatchQuery, stems: list[str], counts: Counter[str]) -> _Plan:
        codes = self._codes
        okved_lo, okved_hi = ranking.okved_bits(tuple(query.okved or ()))
        exclude = None
        if query.exclude_owner:
            exclude = self._ids.lookup(str(query.exclude_owner))
        collaborators = []
        for owner in query.collaborators or ():
            raw = self._ids.lookup(str(owner))
            if raw is not None:
                collaborators.append(raw)
        return _Plan(
            term_ids=[self._vocab[stem] for stem in stems],
            stems=stems,
            weights=[
                float(min(counts.get(stem, 1), ranking.QUERY_TERM_COUNT_CAP)) for stem in stems
            ],
            kind_ok=codes["kind"].allowed(query.kinds),
            audience_ok=codes["audience"].allowed(query.audiences or ()),
            org_kind_ok=None
            if query.org_kinds is None
            else codes["org_kind"].allowed(query.org_kinds),
            status_ok=None if query.statuses is None else codes["status"].allowed(query.statuses),
            exclude_owner=exclude,
            collaborators=collaborators,
            areas=ranking.area_mask(tuple(query.areas or ())),
            okved_lo=np.uint64(okved_lo),
            okved_hi=np.uint64(okved_hi),
            region=codes["region"].lookup(str(query.region)) if query.region else None,
            trl_min=_whole_number(query.trl_min),
            today=day_number(datetime.now(UTC)),
        )

    def _pools(self, state: _State, plan: _Plan, size: int, limit: int) -> list[_Pool]:
        """The best candidates of each segment by text, filtered, with their text scores."""
        segments = state.segments()
        n_items = sum(segment.n for segment in segments)
        document_frequency = np.zeros(len(plan.term_ids), dtype=np.int64)
        for segment in segments:
            for i, term in enumerate(plan.term_ids):
                if term < segment.n_terms:
                    document_frequency[i] += segment.indptr[term + 1] - segment.indptr[term]
        common = np.zeros(len(plan.term_ids), dtype=bool)
        if n_items >= COMMON_TERM_MIN_ITEMS:
            common = document_frequency > COMMON_TERM_SHARE * n_items
            if common.all():
                common[:] = False  # nothing more distinctive to find candidates with
        pools = self._score(segments, plan, common, size)
        if common.any() and sum(len(pool.positions) for pool in pools) < limit:
            # The distinctive stems found too few: let the common ones find candidates too.
            pools = self._score(segments, plan, np.zeros_like(common), size)
        return pools

    def _score(
        self, segments: list[Segment], plan: _Plan, common: np.ndarray, size: int
    ) -> list[_Pool]:
        scanned = [i for i in range(len(plan.term_ids)) if not common[i]]
        added = [i for i in range(len(plan.term_ids)) if common[i]]
        pools = []
        for segment in segments:
            scores = segment.accumulate(
                [plan.term_ids[i] for i in scanned], [plan.weights[i] for i in scanned]
            )
            positions = _best_filtered(segment, scores, plan, size)
            if not len(positions):
                continue
            text = scores[positions]
            for i in added:
                text += segment.term_weights(plan.term_ids[i], positions) * np.float32(
                    plan.weights[i]
                )
            pools.append(_Pool(segment, positions, text))
        return pools

    def _rank(self, pools: list[_Pool], plan: _Plan, text: str, limit: int) -> list[Match]:
        best_text = max(float(pool.text.max()) for pool in pools)
        if best_text <= 0:
            return []
        finals, texts, segment_of, position_of = [], [], [], []
        for number, pool in enumerate(pools):
            pool.text = pool.text / np.float32(best_text)
            pool.evidence = _evidence(pool.segment, pool.positions, plan)
            total = pool.text + sum(pool.evidence[name] for name in _WEIGHTED)
            finals.append(total)
            texts.append(pool.text)
            segment_of.append(np.full(len(pool.positions), number, dtype=np.int32))
            position_of.append(np.arange(len(pool.positions), dtype=np.int64))
        final = np.concatenate(finals)
        text_share = np.concatenate(texts)
        which = np.concatenate(segment_of)
        where = np.concatenate(position_of)
        if len(final) > limit:
            threshold = np.partition(final, len(final) - limit)[len(final) - limit]
            keep = np.flatnonzero(final >= threshold)
        else:
            keep = np.arange(len(final))
        # Best first; ties by text, then by the item's key: the same order whatever the history
        # of edits and merges that put the items where they are.
        keys = np.concatenate([pool.segment.keys[pool.positions] for pool in pools])
        tie = keys[keep]
        order = keep[np.lexsort((tie, -text_share[keep], -final[keep]))]
        order = order[:limit]
        shared = self._shared_terms(pools, which[order], where[order], plan, text)
        matches = []
        for rank, item in enumerate(order):
            pool = pools[which[item]]
            index = where[item]
            matches.append(self._match(pool, int(index), float(final[item]), shared[rank], plan))
        return matches

    def _shared_terms(
        self,
        pools: list[_Pool],
        which: np.ndarray,
        where: np.ndarray,
        plan: _Plan,
        text: str,
    ) -> list[tuple[str, ...]]:
        """For each returned item, the query's words it contains, weightiest first."""
        forms = surface_forms(text)
        contribution = np.zeros((len(which), len(plan.term_ids)), dtype=np.float32)
        for number, pool in enumerate(pools):
            rows = np.flatnonzero(which == number)
            if not len(rows):
                continue
            positions = pool.positions[where[rows]]
            order = np.argsort(positions, kind="stable")
            sorted_positions = positions[order]
            for column, term in enumerate(plan.term_ids):
                weights = pool.segment.term_weights(term, sorted_positions)
                contribution[rows[order], column] = weights * np.float32(plan.weights[column])
        shared = []
        for row in contribution:
            columns = [column for column in np.argsort(-row, kind="stable") if row[column] > 0]
            words = []
            for column in columns[: ranking.SHARED_TERMS_SHOWN]:
                stem = plan.stems[column]
                words.append(forms.get(stem, stem))
            shared.append(tuple(words))
        return shared

    def _match(
        self, pool: _Pool, index: int, score: float, shared: tuple[str, ...], plan: _Plan
    ) -> Match:
        segment = pool.segment
        position = int(pool.positions[index])
        evidence = {name: values[index] for name, values in pool.evidence.items()}
        trl = int(segment.trl[position])
        supporting = tuple(
            code
            for code, present in (
                ("okved", evidence["okved"] > 0),
                ("region", evidence["region"] > 0),
                ("collaborated", evidence["collaborated"] > 0),
                ("active", evidence["active"] > 0),
            )
            if present
        )
        against = tuple(
            code
            for code, present in (
                ("trl_below", evidence["trl"] < 0),
                ("no_shared_area", evidence["areas"] < 0),
                ("inactive", evidence["active"] < 0),
                ("weak_text", pool.text[index] < ranking.WEAK_TEXT),
            )
            if present
        )
        key = segment.keys[position]
        return Match(
            kind=self._codes["kind"].values[int(segment.kind[position])],
            object_id=self._ids.to_str(key[1:]),
            owner_id=self._ids.to_str(segment.owners[segment.owner[position]]),
            title=segment.title(position),
            score=round(score, 6),
            explanation=Explanation(
                shared_terms=shared,
                shared_areas=ranking.area_codes(int(segment.areas[position]) & plan.areas),
                trl=ranking.trl_verdict(trl, plan.trl_min),
                trl_value=trl or None,
                supporting=supporting,
                against=against,
            ),
        )

    # Snapshots

    def save(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        """Write the index to ``path`` (numpy arrays and JSON only, no pickle), atomically: a
        reader sees the old file or the new one, never half of one. ``extra`` is kept in the
        snapshot and comes back as ``meta`` on load."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_settled()
        try:
            self._merge_locked()
            base = self._state.base
            # Ids are given in insertion order, so the dict's order is the ids' order.
            vocab = list(self._vocab)
            codes = {name: list(table.values) for name, table in self._codes.items()}
            odd_ids = {raw.hex(): value for raw, value in self._ids.odd.items()}
        finally:
            self._write_lock.release()
        # Written outside the lock: the base's arrays are never changed, only replaced.
        meta = {
            "format": SNAPSHOT_FORMAT,
            "area_codes": list(ranking.AREA_CODES),
            "codes": codes,
            "odd_ids": odd_ids,
            "n_docs_stat": base.n_docs_stat,
            "total_len_stat": base.total_len_stat,
            "extra": extra or {},
        }
        arrays = base.arrays()
        arrays["vocab"] = np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8)
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with open(temporary, "wb") as handle:
                np.savez(handle, **arrays)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> MatchIndex:
        """The index saved at ``path``. Raises ValueError if it is not a snapshot this code
        wrote (another format, or other priority-area codes)."""
        with np.load(Path(path), allow_pickle=False) as data:
            meta = json.loads(data["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != SNAPSHOT_FORMAT or tuple(meta.get("area_codes", ())) != tuple(
                ranking.AREA_CODES
            ):
                raise ValueError("not a matching index snapshot of this version")
            vocab_text = data["vocab"].tobytes().decode("utf-8")
            arrays = {name: data[name] for name in ARRAY_FIELDS}
        stems = vocab_text.split("\n") if vocab_text else []
        vocab = {stem: i for i, stem in enumerate(stems)}
        codes = {name: Codes(meta["codes"][name]) for name in CODE_COLUMNS}
        ids = Ids({bytes.fromhex(raw): value for raw, value in meta["odd_ids"].items()})
        base = Segment(
            **arrays, n_docs_stat=meta["n_docs_stat"], total_len_stat=meta["total_len_stat"]
        )
        return cls(base, vocab, codes, ids, meta.get("extra") or {})

    @classmethod
    def empty(cls) -> MatchIndex:
        return cls(empty_segment(), {}, {name: Codes() for name in CODE_COLUMNS}, Ids())


def _without(segment: Segment, keys: list[bytes]) -> Segment:
    """The segment with the items of these keys marked dead (a copy if any was alive: running
    searches keep the mask they started with)."""
    found = segment.find(keys)
    found = found[found >= 0]
    if not len(found) or not segment.alive[found].any():
        return segment
    alive = segment.alive.copy()
    alive[found] = False
    return segment.with_alive(alive)


def _whole_number(value) -> int | None:
    """A TRL asked for as an int in 0..100 (TRLs go to 9), or None if it is not a number."""
    try:
        return None if value is None else max(0, min(int(value), 100))
    except (TypeError, ValueError, OverflowError):
        return None


def _live(base: Segment, delta: Segment | None) -> int:
    return int(base.alive.sum()) + (delta.n if delta is not None else 0)


# Evidence parts that add to the score (the rest only explain).
_WEIGHTED = ("areas", "trl", "okved", "region", "collaborated", "active")


def _best_filtered(segment: Segment, scores: np.ndarray, plan: _Plan, size: int) -> np.ndarray:
    """The positions of the best ``size`` candidates (score > 0) that pass the filters, sorted.

    Filtering a million candidates costs more than scoring them, so the best 2 * size by text
    are filtered first; only if fewer than ``size`` of them pass are all candidates filtered.
    Either way the result is the best ``size`` that pass (ties at the edge may add a few)."""
    candidates = np.flatnonzero(scores)
    if not len(candidates):
        return candidates
    if len(candidates) > 2 * size:
        values = scores[candidates]
        cut = len(values) - 2 * size
        threshold = np.partition(values, cut)[cut]
        head = candidates[values >= threshold]
        passing = head[plan.mask(segment, head)]
        if len(passing) < size:
            passing = candidates[plan.mask(segment, candidates)]
    else:
        passing = candidates[plan.mask(segment, candidates)]
    if len(passing) > size:
        values = scores[passing]
        cut = len(values) - size
        threshold = np.partition(values, cut)[cut]
        passing = passing[values >= threshold]
    return passing


def _evidence(segment: Segment, positions: np.ndarray, plan: _Plan) -> dict[str, np.ndarray]:
    """Each evidence weight of each candidate (0 where it does not apply)."""
    count = len(positions)
    evidence = {
        "areas": ranking.area_evidence(segment.areas[positions], plan.areas),
        "trl": ranking.trl_evidence(segment.trl[positions], plan.trl_min),
        "active": ranking.activity_evidence(segment.active[positions], plan.today, int(NO_DAY)),
    }
    okved = np.zeros(count, dtype=np.float32)
    if plan.okved_lo or plan.okved_hi:
        shared = ((segment.okved_lo[positions] & plan.okved_lo) != 0) | (
            (segment.okved_hi[positions] & plan.okved_hi) != 0
        )
        okved[shared] = ranking.W_OKVED_SHARED
    evidence["okved"] = okved
    region = np.zeros(count, dtype=np.float32)
    if plan.region:
        region[segment.region[positions] == plan.region] = ranking.W_REGION_SAME
    evidence["region"] = region
    collaborated = np.zeros(count, dtype=np.float32)
    owners = [segment.owner_index(raw) for raw in plan.collaborators]
    owners = [owner for owner in owners if owner >= 0]
    if owners:
        collaborated[np.isin(segment.owner[positions], owners)] = ranking.W_COLLABORATED
    evidence["collaborated"] = collaborated
    return evidence
