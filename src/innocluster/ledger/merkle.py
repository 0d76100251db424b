"""Merkle tree hashing, inclusion and consistency proofs, exactly as RFC 6962 §2.1 and RFC 9162
§2.1 define them, and the verification algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.

Written here rather than taken from a library: the log keeps the hashes of its complete
(power-of-two, aligned) subtrees in its own tables, so proofs over a million entries read a few
dozen stored hashes; the tree below asks a ``SubtreeStore`` for them, and the in-memory store is
only the simplest one. pymerkle, the library the benchmarks compare with, keeps its own storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1): where RFC 6962 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """A tree over an append-only list of leaf hashes.

    Complete subtrees (a power-of-two size, aligned to it) never change once filled, so their
    hashes are kept; any range's hash then costs O(log n) node hashes.
    """

    def __init__(self, leaf_hashes: Sequence[bytes] = ()):
        self._levels: list[list[bytes]] = [[]]  # level h holds the complete subtrees of 2**h leaves
        for value in leaf_hashes:
            self.append_leaf_hash(value)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, entry: bytes) -> int:
        """Append an entry; returns its index."""
        return self.append_leaf_hash(leaf_hash(entry))

    def append_leaf_hash(self, value: bytes) -> int:
        index = self.size
        self._levels[0].append(value)
        level, position = 0, index
        while position % 2 == 1:  # this leaf completed a subtree one level up
            left, right = self._levels[level][position - 1], self._levels[level][position]
            level, position = level + 1, position // 2
            if len(self._levels) == level:
                self._levels.append([])
            self._levels[level].append(node_hash(left, right))
        return index

    def _complete(self, start: int, size: int) -> bytes:
        return self._levels[size.bit_length() - 1][start // size]

    def range_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range that RFC 6962's recursion reaches."""
        n = end - start
        if n <= 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            return self._complete(start, n)
        k = split_point(n)
        return node_hash(self.range_hash(start, start + k), self.range_hash(start + k, end))

    def root(self, tree_size: int | None = None) -> bytes:
        """The root hash of the first ``tree_size`` entries (all by default)."""
        size = self.size if tree_size is None else tree_size
        self._check_size(size)
        return self.range_hash(0, size)

    def inclusion_proof(self, leaf_index: int, tree_size: int) -> list[bytes]:
        """PATH(m, D[n]) of RFC 6962 §2.1.1."""
        self._check_size(tree_size)
        if not 0 <= leaf_index < tree_size:
            raise ValueError("leaf_index must be below tree_size")
        proof: list[bytes] = []
        start, end, m = 0, tree_size, leaf_index
        while end - start > 1:
            k = split_point(end - start)
            if m < k:
                proof.append(self.range_hash(start + k, end))
                end = start + k
            else:
                proof.append(self.range_hash(start, start + k))
                start, m = start + k, m - k
        proof.reverse()  # PATH lists the sibling nearest the leaf first
        return proof

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """PROOF(m, D[n]) of RFC 6962 §2.1.2."""
        self._check_size(second)
        if not 0 < first <= second:
            raise ValueError("need 0 < first <= second")
        proof: list[bytes] = []
        start, end, m, complete = 0, second, first, True
        while m != end - start:
            k = split_point(end - start)
            if m <= k:
                proof.append(self.range_hash(start + k, end))
                end = start + k
            else:
                proof.append(self.range_hash(start, start + k))
                start, m, complete = start + k, m - k, False
        if not complete:
            proof.append(self.range_hash(start, end))
        proof.reverse()
        return proof

    def _check_size(self, tree_size: int) -> None:
        if not 0 <= tree_size <= self.size:
            raise ValueError(f"tree_size must be between 0 and {self.size}")


def verify_inclusion(
    leaf: bytes, leaf_index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show the leaf hash ``leaf`` at ``leaf_index`` in the tree
    of ``tree_size`` entries whose root is ``root``?"""
    if not 0 <= leaf_index < tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does ``proof`` show that the tree of ``first`` entries with root
    ``first_root`` is a prefix of the tree of ``second`` entries with root ``second_root``?"""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first tree is a complete subtree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0
