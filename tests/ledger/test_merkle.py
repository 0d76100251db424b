"""The Merkle tree against RFC 6962's recursive definitions, computed the slow, obvious way."""

import hashlib

import pytest

from innocluster.ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    split_point,
    verify_consistency,
    verify_inclusion,
)

ENTRIES = [f"entry {i}".encode() for i in range(70)]


def mth(data):
    """RFC 6962 §2.1, literally."""
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = split_point(len(data))
    return hashlib.sha256(b"\x01" + mth(data[:k]) + mth(data[k:])).digest()


def path(m, data):
    if len(data) == 1:
        return []
    k = split_point(len(data))
    if m < k:
        return path(m, data[:k]) + [mth(data[k:])]
    return path(m - k, data[k:]) + [mth(data[:k])]


def subproof(m, data, complete):
    n = len(data)
    if m == n:
        return [] if complete else [mth(data)]
    k = split_point(n)
    if m <= k:
        return subproof(m, data[:k], complete) + [mth(data[k:])]
    return subproof(m - k, data[k:], False) + [mth(data[:k])]


@pytest.fixture(scope="module")
def tree():
    built = MerkleTree()
    for entry in ENTRIES:
        built.append(entry)
    return built


def test_hashes_have_the_rfc_domain_separation():
    assert leaf_hash(b"a") == hashlib.sha256(b"\x00a").digest()
    assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()
    assert MerkleTree().root() == EMPTY_ROOT


def test_the_rfc_6962_reference_root():
    """The root of the RFC 6962 test vectors (certificate-transparency-go's merkle tests)."""
    leaves = [
        bytes.fromhex(h)
        for h in [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
    ]
    assert MerkleTree([leaf_hash(x) for x in leaves]).root().hex() == (
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )


@pytest.mark.parametrize("size", range(0, 71))
def test_roots_equal_the_recursive_definition(tree, size):
    assert tree.root(size) == mth(ENTRIES[:size])


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 9, 16, 31, 64, 70])
def test_inclusion_proofs_equal_path_and_verify(tree, size):
    root = tree.root(size)
    for index in range(size):
        proof = tree.inclusion_proof(index, size)
        assert proof == path(index, ENTRIES[:size])
        assert verify_inclusion(leaf_hash(ENTRIES[index]), index, size, proof, root)
        assert not verify_inclusion(leaf_hash(b"forged"), index, size, proof, root)
        if size > 1:
            assert not verify_inclusion(
                leaf_hash(ENTRIES[index]), (index + 1) % size, size, proof, root
            )


@pytest.mark.parametrize("second", [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 33, 70])
def test_consistency_proofs_equal_proof_and_verify(tree, second):
    second_root = tree.root(second)
    for first in range(1, second + 1):
        proof = tree.consistency_proof(first, second)
        assert proof == subproof(first, ENTRIES[:second], True)
        first_root = tree.root(first)
        assert verify_consistency(first, second, first_root, second_root, proof)
        if first < second:
            assert not verify_consistency(
                first, second, leaf_hash(b"rewritten"), second_root, proof
            )
            assert not verify_consistency(first, second, first_root, leaf_hash(b"other"), proof)


def test_a_rewritten_history_is_not_consistent():
    honest = MerkleTree([leaf_hash(e) for e in ENTRIES[:20]])
    rewritten = MerkleTree([leaf_hash(e) for e in ENTRIES[:5] + [b"changed"] + ENTRIES[6:20]])
    proof = rewritten.consistency_proof(10, 20)
    assert not verify_consistency(10, 20, honest.root(10), rewritten.root(20), proof)


@pytest.mark.parametrize(("leaf_index", "tree_size"), [(5, 5), (-1, 3), (0, 71)])
def test_out_of_range_proof_requests_are_refused(tree, leaf_index, tree_size):
    with pytest.raises(ValueError):
        tree.inclusion_proof(leaf_index, tree_size)
