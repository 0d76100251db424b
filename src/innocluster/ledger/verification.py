"""``verify_log``: recompute the whole log from its entries' bytes and compare everything stored
with it: leaf hashes, the complete-subtree nodes, the log state, every tree head's root and
every signed head's signature. Reads the log in batches (memory stays flat at any size) and
trusts nothing stored but the entries' bytes and the public keys.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from . import sth
from .merkle import EMPTY_ROOT, fold
from .models import LogEntry, LogKey, LogNode, LogState, TreeHead

BATCH = 20_000
_NODE = b"\x01"
_LEAF = b"\x00"


@dataclass
class Problem:
    """Something `log verify` found: where (an entry's index, a range's first entry, or a tree
    head's size), and what. ``code`` is stable: entry_missing, entry_changed, node_changed,
    node_missing, node_unexpected, state_changed, head_root, head_beyond, head_signature."""

    position: int
    message: str
    code: str = ""


class _Report:
    """Problems, with hashes derived from an already reported entry or node left unreported:
    one forged entry would otherwise show up once per level above it."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._blamed: list[int] = []  # positions already reported, sorted

    def add(self, position: int, message: str, code: str) -> None:
        self.problems.append(Problem(position, message, code))
        bisect.insort(self._blamed, position)

    def covered(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._blamed, start)
        return i < len(self._blamed) and self._blamed[i] < end

    def derived(
        self, start: int, end: int, stored: bytes, computed: bytes, what: str, code: str
    ) -> None:
        if stored != computed and not self.covered(start, end):
            self.add(
                start,
                _(
                    "the stored %(what)s over entries %(first)d–%(last)d does not match the "
                    "entries: it, or one of those entries, was rewritten"
                )
                % {"what": what, "first": start, "last": end - 1},
                code,
            )


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def verify_log(batch: int = BATCH) -> tuple[int, list[Problem]]:
    """Recompute everything from the entries' bytes: each leaf hash, the sequence of indexes,
    every stored node, the log state, and the root (and signature, if signed) of every tree
    head. Returns the number of entries and the problems found, in the order found."""
    report = _Report()
    quote = connection.ops.quote_name
    entries_sql = (
        f"SELECT {quote('index')}, {quote('leaf_input')}, {quote('leaf_hash')} "  # noqa: S608 (quoted model metadata)
        f"FROM {quote(LogEntry._meta.db_table)} WHERE {quote('index')} >= %s "
        f"ORDER BY {quote('index')} LIMIT %s"
    )
    nodes_sql = (
        f"SELECT {quote('key')}, {quote('hash')} FROM {quote(LogNode._meta.db_table)} "  # noqa: S608 (quoted model metadata)
        f"WHERE {quote('key')} >= %s AND {quote('key')} < %s"
    )
    heads = list(
        TreeHead.objects.order_by("tree_size").values_list("tree_size", "root_hash", flat=False)
    )
    roots: dict[int, bytes] = {}  # recomputed root of each head's size
    head_at = 0
    next_head = heads[0][0] if heads else -1
    frontier: list[bytes] = []
    size = 0
    gap = False
    sha256 = hashlib.sha256
    while not gap:
        rows = _rows(entries_sql, [size, batch])
        if not rows:
            break
        stored_nodes = dict(_rows(nodes_sql, [size << 6, (rows[-1][0] + 1) << 6]))
        for index, leaf_input, stored_hash in rows:
            if size == next_head:
                roots[size] = fold(frontier)
                while head_at < len(heads) and heads[head_at][0] == size:
                    head_at += 1
                next_head = heads[head_at][0] if head_at < len(heads) else -1
            if index != size:
                report.add(
                    size,
                    _("entry %(index)d is missing (next stored is %(next)d)")
                    % {"index": size, "next": index},
                    "entry_missing",
                )
                gap = True
                break
            value = sha256(_LEAF + bytes(leaf_input)).digest()
            if value != bytes(stored_hash):
                report.add(
                    index,
                    _("entry %(index)d: its bytes no longer match its leaf hash")
                    % {"index": index},
                    "entry_changed",
                )
            level, position = 0, index
            while position & 1:
                value = sha256(_NODE + frontier.pop() + value).digest()
                level, position = level + 1, position >> 1
                stored = stored_nodes.pop((index << 6) | level, None)
                if stored is None or stored != value:  # rare: only then the slower bookkeeping
                    _check_node(report, position << level, index, stored, value)
            frontier.append(value)
            size += 1
        for key in sorted(stored_nodes):  # keys no append makes: a planted row
            _unexpected_node(report, key)
    if not gap:
        # Nodes past the last entry: the tail of the log was deleted, or rows were planted.
        for key, _value in _rows(
            f"SELECT {quote('key')}, {quote('hash')} FROM {quote(LogNode._meta.db_table)} "  # noqa: S608 (quoted model metadata)
            f"WHERE {quote('key')} >= %s ORDER BY {quote('key')} LIMIT 100",
            [size << 6],
        ):
            _unexpected_node(report, key)
        _check_state(report, size)
    while head_at < len(heads) and heads[head_at][0] == size and not gap:
        roots[size] = fold(frontier) if size else EMPTY_ROOT
        head_at += 1
    _check_heads(report, size, roots)
    return size, report.problems


def _check_node(
    report: _Report, start: int, last: int, stored: bytes | None, computed: bytes
) -> None:
    if stored is None:
        if not report.covered(start, last + 1):
            report.add(
                start,
                _("the node over entries %(first)d–%(last)d is not stored")
                % {"first": start, "last": last},
                "node_missing",
            )
    else:
        report.derived(start, last + 1, bytes(stored), computed, _("node"), "node_changed")


def _unexpected_node(report: _Report, key: int) -> None:
    report.add(
        key >> 6,
        _("a stored node (key %(key)d) belongs to no entry of the log") % {"key": key},
        "node_unexpected",
    )


def _check_state(report: _Report, size: int) -> None:
    state = LogState.objects.filter(pk=1).first()
    if state is not None and state.size != size:  # a missing row is rebuilt on the next append
        report.add(
            min(size, state.size),
            _("the log state says %(stated)d entries, the log has %(size)d")
            % {"stated": state.size, "size": size},
            "state_changed",
        )


def _check_heads(report: _Report, size: int, roots: dict[int, bytes]) -> None:
    keys: dict[str, str | None] = {}
    for head in TreeHead.objects.order_by("tree_size").iterator(chunk_size=2000):
        stored_root = bytes(head.root_hash)
        if head.tree_size > size:
            report.add(
                head.tree_size,
                _("tree head %(head)d is larger than the log (%(size)d)")
                % {"head": head.tree_size, "size": size},
                "head_beyond",
            )
        elif roots.get(head.tree_size) != stored_root:
            report.add(
                head.tree_size,
                _("tree head %(head)d: the entries no longer give its root")
                % {"head": head.tree_size},
                "head_root",
            )
        if head.signature is None:
            continue
        if head.key_id not in keys:
            keys[head.key_id] = (
                LogKey.objects.filter(key_id=head.key_id)
                .values_list("public_key_pem", flat=True)
                .first()
            )
        pem = keys[head.key_id]
        valid = (
            pem is not None
            and head.timestamp is not None
            and len(stored_root) == 32
            and sth.signature_valid(
                pem,
                sth.signed_data(head.timestamp, head.tree_size, stored_root),
                bytes(head.signature),
            )
        )
        if not valid:
            report.add(
                head.tree_size,
                _("tree head %(head)d: its signature does not verify with key %(key)s")
                % {"head": head.tree_size, "key": head.key_id or "?"},
                "head_signature",
            )
