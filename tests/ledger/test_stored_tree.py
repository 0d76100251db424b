"""The stored tree: the complete-subtree hashes written with each append give roots and proofs
byte-identical to MerkleTree's (itself checked against RFC 6962's recursion in test_merkle), they
verify with RFC 9162's algorithms, and a proof reads a handful of rows, whatever the log's size."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from innocluster.ledger.merkle import (
    MerkleTree,
    extend,
    fold,
    key_node,
    leaf_hash,
    node_key,
    perfect_parts,
    verify_consistency,
    verify_inclusion,
)
from innocluster.ledger.models import LogEntry, LogNode, LogState
from innocluster.ledger.services import (
    LogCorrupted,
    NewEntry,
    append_entries,
    append_entry,
    current_tree,
    full_tree,
    log_size,
    verify_log,
)

SIZE = 75


def entry(i):
    return NewEntry("document.version", {"sha256": f"{i:064x}", "n": i}, "documents.version", i)


@pytest.fixture
def log(db):
    """75 entries, appended one by one and in batches of odd sizes (the two paths mixed)."""
    append_entry("document.version", {"sha256": f"{0:064x}", "n": 0})
    append_entries([entry(i) for i in range(1, 4)])
    for i in range(4, 11):
        append_entry("document.version", {"sha256": f"{i:064x}", "n": i})
    append_entries([entry(i) for i in range(11, 40)])
    append_entries([])
    for start in range(40, SIZE, 7):
        append_entries([entry(i) for i in range(start, min(start + 7, SIZE))])
    return [bytes(e.leaf_input) for e in LogEntry.objects.order_by("index")]


def test_node_keys_round_trip_and_grow_with_the_log():
    keys = []
    for level in range(0, 20):
        for position in (0, 1, 2, 5, 1000):
            key = node_key(level, position)
            assert key_node(key) == (level, position)
            keys.append((key, ((position + 1) << level) - 1))
    # ordered by the leaf that finished them: the table only grows at its end
    assert sorted(keys) == sorted(keys, key=lambda kv: (kv[1], kv[0]))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 5, 8, 13, 64, 100, 257])
def test_the_right_edge_kept_while_appending_gives_the_root(size):
    memory = MerkleTree()
    frontier, finished = [], []
    for i in range(size):
        value = leaf_hash(f"e{i}".encode())
        memory.append_leaf_hash(value)
        finished += extend(frontier, i, value)
        assert fold(frontier) == memory.root()
    for level, position, value in finished:
        assert memory.range_hash(position << level, (position + 1) << level) == value
    assert [memory.range_hash(p << lv, (p + 1) << lv) for lv, p in perfect_parts(0, size)] == (
        frontier
    )


def test_a_range_rfc_6962_never_hashes_is_refused():
    with pytest.raises(ValueError):
        perfect_parts(1, 3)  # two leaves not aligned to a subtree of two


def test_entries_and_nodes_are_written_together(log):
    assert log_size() == SIZE == LogState.objects.get().size
    # a complete binary tree over n leaves has n - 1 inner nodes, minus those of the right edge
    assert LogNode.objects.count() == SIZE - bin(SIZE).count("1")
    assert verify_log() == (SIZE, [])


def test_stored_roots_and_proofs_equal_the_in_memory_tree(log):
    memory = MerkleTree([leaf_hash(x) for x in log])
    stored = current_tree()
    assert full_tree().root() == memory.root()
    for size in range(0, SIZE + 1):
        assert stored.root(size) == memory.root(size)
    for size in [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 74, 75]:
        root = memory.root(size)
        for index in range(size):
            proof = stored.inclusion_proof(index, size)
            assert proof == memory.inclusion_proof(index, size)
            assert verify_inclusion(leaf_hash(log[index]), index, size, proof, root)
            assert not verify_inclusion(leaf_hash(b"forged"), index, size, proof, root)
        for first in range(1, size + 1):
            first_root, second_root, proof = stored.prove_consistency(first, size)
            assert proof == memory.consistency_proof(first, size)
            assert (first_root, second_root) == (memory.root(first), root)
            assert verify_consistency(first, size, first_root, root, proof)


def test_a_proof_reads_two_queries_of_a_few_rows(log):
    tree = current_tree()
    with CaptureQueriesContext(connection) as captured:
        root, path = tree.prove_inclusion(37, SIZE)
    assert len(captured.captured_queries) <= 2  # the nodes, and the one or two leaves
    assert verify_inclusion(leaf_hash(log[37]), 37, SIZE, path, root)
    with CaptureQueriesContext(connection) as captured:
        tree.prove_consistency(20, SIZE)
    assert len(captured.captured_queries) <= 2


def test_a_missing_node_is_refused_not_served_and_reported(log):
    LogNode.objects.filter(key=node_key(4, 1)).delete()  # the subtree of entries 16-31
    with pytest.raises(LogCorrupted):
        current_tree().prove_inclusion(0, SIZE)
    _size, problems = verify_log()
    assert [(p.position, p.code) for p in problems] == [(16, "node_missing")]


def test_a_tampered_node_is_reported_with_the_entries_it_covers(log):
    LogNode.objects.filter(key=node_key(2, 3)).update(hash=leaf_hash(b"x"))  # entries 12-15
    _size, problems = verify_log()
    assert [(p.position, p.code) for p in problems] == [(12, "node_changed")]
    assert "12–15" in problems[0].message


def test_a_deleted_tail_is_reported(log):
    LogEntry.objects.filter(index__gte=SIZE - 3).delete()
    size, problems = verify_log()
    assert size == SIZE - 3
    assert {p.code for p in problems} >= {"state_changed"}
    assert problems  # whichever rows tell it first, the log does not verify


def test_the_state_is_rebuilt_when_its_row_is_gone(log):
    LogState.objects.all().delete()
    appended = append_entry("document.version", {"sha256": "ff" * 32})
    assert appended.index == SIZE
    assert verify_log() == (SIZE + 1, [])


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_are_gap_free():
    """Four threads, each with its own connection, appending at once."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        pytest.skip("an in-memory SQLite test database is shared-cache: threads lock, not wait")
    errors = []

    def worker(n):
        try:
            for i in range(15):
                if i % 5 == 4:
                    append_entries([entry(1000 * n + i), entry(1000 * n + i + 500)])
                else:
                    append_entry("t", {"n": n, "i": i})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    indexes = list(LogEntry.objects.order_by("index").values_list("index", flat=True))
    assert indexes == list(range(4 * (12 + 3 * 2)))
    assert verify_log() == (len(indexes), [])
