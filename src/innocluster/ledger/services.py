"""Appending to the transparency log, recording tree heads, and checking the whole log."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction

from innocluster.core.sequences import next_number

from .merkle import MerkleTree, leaf_hash
from .models import LogEntry, TreeHead

SEQUENCE = "ledger.entries"


def canonical_json(payload: dict) -> bytes:
    """The bytes an entry hashes: JSON with sorted keys and no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def append_entry(
    kind: str, payload: dict, *, object_type: str = "", object_id: str = ""
) -> LogEntry:
    """Append one entry; call it inside the transaction of the change it records, so the entry
    exists exactly when the change does. Indexes come from a locked counter: no gaps, no twins."""
    with transaction.atomic():
        index = next_number(SEQUENCE) - 1
        leaf_input = canonical_json({"kind": kind, **payload})
        return LogEntry.objects.create(
            index=index,
            kind=kind,
            object_type=object_type,
            object_id=str(object_id),
            leaf_input=leaf_input,
            leaf_hash=leaf_hash(leaf_input),
        )


def current_tree(tree_size: int | None = None) -> MerkleTree:
    """The Merkle tree of the stored leaf hashes (all, or the first ``tree_size``)."""
    hashes = LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)
    if tree_size is not None:
        hashes = hashes[:tree_size]
    return MerkleTree([bytes(h) for h in hashes.iterator(chunk_size=10_000)])


def record_tree_head() -> TreeHead:
    """Record the root of the log as it stands."""
    tree = current_tree()
    head, _created = TreeHead.objects.get_or_create(
        tree_size=tree.size, defaults={"root_hash": tree.root()}
    )
    return head


@dataclass
class Problem:
    """Something `log verify` found: where, and what."""

    position: int
    message: str


def verify_log() -> tuple[int, list[Problem]]:
    """Recompute everything from the entries' bytes: each leaf hash, the sequence of indexes, and
    the root of every recorded tree head. Returns the number of entries and the problems found."""
    problems: list[Problem] = []
    tree = MerkleTree()
    rows = LogEntry.objects.order_by("index").values_list("index", "leaf_input", "leaf_hash")
    for index, leaf_input, stored_hash in rows.iterator(chunk_size=10_000):
        if index != tree.size:
            problems.append(
                Problem(tree.size, f"entry {tree.size} is missing (next stored is {index})")
            )
            break
        computed = leaf_hash(bytes(leaf_input))
        if computed != bytes(stored_hash):
            problems.append(
                Problem(index, f"entry {index}: its bytes no longer match its leaf hash")
            )
        tree.append_leaf_hash(computed)
    for head in TreeHead.objects.order_by("tree_size"):
        if head.tree_size > tree.size:
            problems.append(
                Problem(
                    head.tree_size,
                    f"tree head {head.tree_size} is larger than the log ({tree.size})",
                )
            )
        elif tree.root(head.tree_size) != bytes(head.root_hash):
            problems.append(
                Problem(
                    head.tree_size,
                    f"tree head {head.tree_size}: the entries no longer give its root",
                )
            )
    return tree.size, problems
