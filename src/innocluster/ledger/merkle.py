"""Merkle tree hashing, inclusion and consistency proofs, exactly as RFC 6962 §2.1 and RFC 9162
§2.1 define them, and the verification algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.

Written here rather than taken from a library: the log keeps the hashes of its complete
(power-of-two, aligned) subtrees in its own table, so proofs over a million entries read a few
dozen stored hashes. A proof is computed in two steps that any storage can share: which leaf
ranges its hashes cover (``inclusion_ranges``, ``consistency_ranges``), and the hash of each range
from the complete subtrees it decomposes into (``perfect_parts``, ``fold``). ``MerkleTree`` below
keeps those subtrees in memory; ``ledger.tree.StoredTree`` reads them from the database; both give
byte-identical proofs. pymerkle, the library the benchmarks compare with, keeps its own storage.
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


# --------------------------------------------------------------------------- proof layouts
# A range (start, end) is the half-open list of leaf positions D[start:end]. Every range that
# RFC 6962's recursion reaches from D[0:n] starts at a multiple of the largest power of two not
# above its size, so it splits, left to right, into complete subtrees of decreasing size.


def perfect_parts(start: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees ``(level, position)`` that make up D[start:end], left to right; a
    subtree of level h at position p covers leaves [p * 2**h, (p + 1) * 2**h)."""
    parts: list[tuple[int, int]] = []
    n, offset = end - start, start
    while n > 0:  # one step per 1 bit of the size, largest first
        level = n.bit_length() - 1
        if offset & ((1 << level) - 1):
            raise ValueError(f"range [{start}, {end}) is not one RFC 6962 ever hashes")
        parts.append((level, offset >> level))
        offset += 1 << level
        n -= 1 << level
    return parts


def fold(part_hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from the hashes of its ``perfect_parts``: RFC 6962 splits off the largest
    (leftmost) complete subtree first, so the parts combine from the right."""
    if not part_hashes:
        return EMPTY_ROOT
    value = part_hashes[-1]
    for left in reversed(part_hashes[:-1]):
        value = node_hash(left, value)
    return value


def inclusion_ranges(leaf_index: int, tree_size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes form PATH(leaf_index, D[tree_size]) (RFC 6962 §2.1.1), nearest
    the leaf first."""
    if not 0 <= leaf_index < tree_size:
        raise ValueError("leaf_index must be below tree_size")
    ranges: list[tuple[int, int]] = []
    start, end, m = 0, tree_size, leaf_index
    while end - start > 1:
        k = split_point(end - start)
        if m < k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m = start + k, m - k
    ranges.reverse()  # PATH lists the sibling nearest the leaf first
    return ranges


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The ranges whose hashes form PROOF(first, D[second]) (RFC 6962 §2.1.2)."""
    if not 0 < first <= second:
        raise ValueError("need 0 < first <= second")
    ranges: list[tuple[int, int]] = []
    start, end, m, complete = 0, second, first, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def node_key(level: int, position: int) -> int:
    """A complete subtree's number in the log's node table: the index of its last leaf times 64,
    plus its level. Appends complete nodes in increasing key order, so the table only grows at
    its end, and the nodes finished by the leaves [a, b) are exactly the keys [64a, 64b)."""
    return ((((position + 1) << level) - 1) << 6) | level


def key_node(key: int) -> tuple[int, int]:
    """``(level, position)`` of a ``node_key``."""
    level = key & 63
    return level, ((key >> 6) + 1 >> level) - 1


def extend(frontier: list[bytes], index: int, value: bytes) -> list[tuple[int, int, bytes]]:
    """Append the leaf hash ``value`` at ``index`` to ``frontier``, the hashes of the
    ``perfect_parts`` of D[0:index] (changed in place). Returns the complete subtrees the leaf
    finished, as ``(level, position, hash)``, lowest first."""
    finished: list[tuple[int, int, bytes]] = []
    level, position = 0, index
    while position & 1:  # the last part has this leaf's level: the two make one a level up
        value = node_hash(frontier.pop(), value)
        level, position = level + 1, position >> 1
        finished.append((level, position, value))
    frontier.append(value)
    return finished


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
        return [self.range_hash(*r) for r in inclusion_ranges(leaf_index, tree_size)]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """PROOF(m, D[n]) of RFC 6962 §2.1.2."""
        self._check_size(second)
        return [self.range_hash(*r) for r in consistency_ranges(first, second)]

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
