"""Appending to the transparency log, proofs, recording and signing tree heads.

Checking the whole log is in ``verification.py`` (``verify_log``, re-exported here).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import sth, store
from .merkle import MerkleTree, perfect_parts
from .models import LogEntry, LogKey, LogState, TreeHead
from .tree import LogCorrupted, StoredTree, fetch_parts
from .verification import Problem, verify_log

__all__ = [
    "LogCorrupted",
    "NewEntry",
    "Problem",
    "append_entries",
    "append_entry",
    "canonical_json",
    "current_signed_tree_head",
    "current_tree",
    "full_tree",
    "latest_signed_tree_head",
    "log_size",
    "record_tree_head",
    "sign_tree_head",
    "signer_public_key",
    "tree_head_document",
    "verify_log",
    "verify_tree_head_document",
]

SIGNER_KEY_NAME = "log-signer"
STATE_ID = store.STATE_ID


def canonical_json(payload: dict) -> bytes:
    """The bytes an entry hashes: JSON with sorted keys and no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class NewEntry:
    """One entry for ``append_entries``: the arguments of ``append_entry``."""

    kind: str
    payload: dict = field(default_factory=dict)
    object_type: str = ""
    object_id: str = ""


# --------------------------------------------------------------------------- appending


def _reserve(
    cursor, sql: store.Statements, count: int, whole_edge: bool
) -> tuple[int, list[bytes]]:
    """Take ``count`` indexes: the first of them, with the log's state row locked until the
    transaction ends, and the hashes of the right edge's complete subtrees
    (``perfect_parts(0, size)``, left to right) that the new entries combine with: all of them
    for a batch; for one entry only the smallest ones, as many as its index ends in 1 bits
    (none, half the time). Every append takes this lock first: indexes come out gap-free and
    single, as from a locked counter."""
    first = store.reserve(cursor, sql, count)
    if first is None:
        # The first append ever, or the tables were emptied (tests): the size is what is
        # stored. Two processes racing here both insert; get_or_create reads the winner's.
        top = LogEntry.objects.aggregate(top=Max("index"))["top"]
        LogState.objects.get_or_create(
            pk=STATE_ID, defaults={"size": 0 if top is None else top + 1}
        )
        first = store.reserve(cursor, sql, count)
        assert first is not None
    parts = perfect_parts(0, first)
    if not whole_edge:
        ones = (first ^ (first + 1)).bit_length() - 1  # the trailing 1 bits of the new index
        parts = parts[len(parts) - ones :] if ones else []
    hashes = fetch_parts(parts, cursor, sql) if parts else {}
    return first, [hashes[part] for part in parts]


def _append(items: Sequence[NewEntry], now=None) -> tuple[int, list[tuple]]:
    """Append ``items``; returns the first index and the entry rows written."""
    appended_at = connection.ops.adapt_datetimefield_value(now or timezone.now())
    sha256 = hashlib.sha256
    if not items:
        return store.stored_size() or 0, []
    # No savepoint: if an append fails, the change it records must not commit either.
    with transaction.atomic(savepoint=False), store.append_cursor() as (cursor, sql):
        first, frontier = _reserve(cursor, sql, len(items), whole_edge=len(items) > 1)
        rows: list[tuple] = []
        nodes: list[tuple[int, bytes]] = []
        index = first
        for item in items:
            leaf_input = canonical_json({"kind": item.kind, **item.payload})
            value = sha256(b"\x00" + leaf_input).digest()
            rows.append(
                (
                    index,
                    item.kind,
                    item.object_type,
                    str(item.object_id),
                    leaf_input,
                    value,
                    appended_at,
                )
            )
            # merkle.extend, inline: this loop runs a million times in a bulk load
            level, position = 0, index
            while position & 1:
                value = sha256(b"\x01" + frontier.pop() + value).digest()
                level, position = level + 1, position >> 1
                nodes.append(((index << 6) | level, value))
            frontier.append(value)
            index += 1
        store.insert_entries(cursor, sql, rows)
        if nodes:
            store.insert_nodes(cursor, sql, nodes)
    return first, rows


def append_entries(items: Iterable[NewEntry]) -> range:
    """Append several entries in order, in one transaction (call it inside the transaction of
    the changes they record). Returns the indexes they got. Much faster per entry than
    ``append_entry`` in a loop: one lock, one insert of entries, one of nodes."""
    first, rows = _append(list(items))
    return range(first, first + len(rows))


def append_entry(
    kind: str, payload: dict, *, object_type: str = "", object_id: str = ""
) -> LogEntry:
    """Append one entry; call it inside the transaction of the change it records, so the entry
    exists exactly when the change does. Indexes come from the locked log state: no gaps, no
    twins. The complete subtrees it finishes are stored in the same transaction."""
    now = timezone.now()
    _first, [row] = _append([NewEntry(kind, payload, object_type, str(object_id))], now)
    index, kind, object_type, object_id, leaf_input, value, _at = row
    entry = LogEntry(
        index=index,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        leaf_input=leaf_input,
        leaf_hash=value,
        appended_at=now,
    )
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


# --------------------------------------------------------------------------- reading


def log_size() -> int:
    """The number of entries committed to the log."""
    size = store.stored_size()
    if size is None:
        top = LogEntry.objects.aggregate(top=Max("index"))["top"]
        size = 0 if top is None else top + 1
    return size


def current_tree(tree_size: int | None = None) -> StoredTree:
    """The log's Merkle tree (all of it, or its first ``tree_size`` entries), read from the
    stored subtree hashes as its methods need them: ``root()``, ``inclusion_proof(m, n)``,
    ``consistency_proof(m, n)``, ``prove_inclusion``, ``prove_consistency``."""
    size = log_size()
    if tree_size is not None:
        if not 0 <= tree_size <= size:
            raise ValueError(f"tree_size must be between 0 and {size}")
        size = tree_size
    return StoredTree(size)


def full_tree(tree_size: int | None = None) -> MerkleTree:
    """The Merkle tree rebuilt in memory from every stored leaf hash (slow: for checks)."""
    hashes = LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)
    if tree_size is not None:
        hashes = hashes[:tree_size]
    return MerkleTree([bytes(h) for h in hashes.iterator(chunk_size=10_000)])


# --------------------------------------------------------------------------- tree heads


def record_tree_head() -> TreeHead:
    """Record the root of the log as it stands (unsigned; see ``sign_tree_head``)."""
    tree = current_tree()
    head, _created = TreeHead.objects.get_or_create(
        tree_size=tree.size, defaults={"root_hash": tree.root()}
    )
    return head


def signer_public_key() -> tuple[str, str]:
    """``(public key PEM, key id)`` of the key that signs tree heads now; made on first use."""
    from innocluster.pki.keystore import get_or_create_key

    public_key = get_or_create_key(SIGNER_KEY_NAME).public_key()
    return sth.public_key_pem(public_key), sth.key_id(public_key)


def latest_signed_tree_head() -> TreeHead | None:
    """The signed tree head of the largest size, or None if the log never signed one."""
    return TreeHead.objects.filter(signature__isnull=False).order_by("-tree_size").first()


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def sign_tree_head() -> TreeHead:
    """Sign the log as it stands now (RFC 6962 §3.5). If the latest signed head already has the
    log's size, return it. Before signing, check that the stored tree still gives the root of
    the latest signed head: the log never signs a history that contradicts one it signed.

    Raises ``LogCorrupted`` if it does not (or the log is smaller than a signed head)."""
    from innocluster.pki.keystore import get_or_create_key

    private_key = get_or_create_key(SIGNER_KEY_NAME)
    public_key = private_key.public_key()
    key_id = sth.key_id(public_key)
    with transaction.atomic():
        size = log_size()
        latest = latest_signed_tree_head()
        if latest is not None and latest.tree_size == size:
            return latest
        tree = StoredTree(size)
        if latest is not None:
            if latest.tree_size > size:
                raise LogCorrupted(
                    _("the log has %(size)d entries, fewer than its signed tree head of %(head)d")
                    % {"size": size, "head": latest.tree_size}
                )
            previous, root = tree.range_hashes([(0, latest.tree_size), (0, size)])
            if previous != bytes(latest.root_hash):
                raise LogCorrupted(
                    _("the stored tree no longer gives the root of signed tree head %(head)d")
                    % {"head": latest.tree_size}
                )
        else:
            root = tree.root()
        LogKey.objects.get_or_create(
            key_id=key_id, defaults={"public_key_pem": sth.public_key_pem(public_key)}
        )
        # Never earlier than the previous head: a later tree never carries an older time.
        timestamp = max(_now_ms(), latest.timestamp if latest is not None else 0)
        signature = sth.sign(private_key, sth.signed_data(timestamp, size, root))
        signed = {"timestamp": timestamp, "signature": signature, "key_id": key_id}
        head, created = TreeHead.objects.select_for_update().get_or_create(
            tree_size=size, defaults={"root_hash": root, **signed}
        )
        if created or head.signature is not None:  # ours, or a concurrent signer's
            return head
        if bytes(head.root_hash) != root:
            raise LogCorrupted(
                _("the recorded tree head %(head)d has a root the stored tree does not give")
                % {"head": size}
            )
        for name, value in signed.items():
            setattr(head, name, value)
        head.save(update_fields=list(signed))
        return head


def current_signed_tree_head(min_interval: float | None = None) -> TreeHead:
    """The latest signed tree head, signing the log as it stands if there is none or the log
    grew since, unless the latest was signed less than ``min_interval`` seconds ago (setting
    ``LOG_TREE_HEAD_MIN_INTERVAL``, default 1): a stream of requests cannot make the platform
    sign (and store) a head per request."""
    if min_interval is None:
        min_interval = float(getattr(settings, "LOG_TREE_HEAD_MIN_INTERVAL", 1))
    latest = latest_signed_tree_head()
    if latest is not None:
        size = log_size()
        if latest.tree_size == size:
            return latest
        if latest.tree_size < size and _now_ms() - latest.timestamp < min_interval * 1000:
            return latest
    return sign_tree_head()  # refuses a log smaller than its signed head


def tree_head_document(head: TreeHead) -> dict:
    """The JSON of a signed tree head that a member keeps and that evidence packages carry as
    log/tree-head.json; anyone can check it with openssl (see its ``how_to_verify``)."""
    if head.signature is None or head.timestamp is None:
        raise ValueError(f"tree head {head.tree_size} is not signed")
    key = LogKey.objects.get(key_id=head.key_id)
    return sth.document(
        tree_size=head.tree_size,
        root_hash=bytes(head.root_hash),
        timestamp=head.timestamp,
        signature=bytes(head.signature),
        key_id_hex=head.key_id,
        public_key_pem_text=key.public_key_pem,
    )


def verify_tree_head_document(doc: dict) -> bool:
    """Do the document's fields, signed bytes, key id and signature agree? (Not: is its key
    the platform's; compare ``doc["key_id"]`` with the published key for that.)"""
    return sth.verify_document(doc)
