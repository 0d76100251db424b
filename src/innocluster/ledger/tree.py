"""The log's Merkle tree as the database holds it: roots and proofs of any size from O(log n)
stored hashes, in one or two queries, byte-identical to ``merkle.MerkleTree``'s."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy as _

from innocluster.core.errors import DomainError

from . import store
from .merkle import consistency_ranges, fold, inclusion_ranges, node_key, perfect_parts

Range = tuple[int, int]
Part = tuple[int, int]


class LogCorrupted(DomainError):
    """The stored log contradicts itself (a node or entry is missing, or the log shrank):
    nothing is served or signed from it; `innocluster log verify` says where (HTTP 500)."""

    def __init__(self, detail: str):
        super().__init__(
            message=_("The transparency log failed an integrity check: %(detail)s")
            % {"detail": detail},
            code="log_corrupted",
            status=500,
        )


def fetch_parts(parts: Iterable[Part], cursor=None, sql=None) -> dict[Part, bytes]:
    """The stored hashes of complete subtrees, in one query: leaves from the entries, the rest
    from the nodes (through ``cursor`` with its ``store.Statements`` when given). Raises
    ``LogCorrupted`` if one is missing."""
    wanted = set(parts)
    leaves = sorted(position for level, position in wanted if level == 0)
    keys = {node_key(level, position): (level, position) for level, position in wanted if level}
    found: dict[Part, bytes] = {}
    for key, value in store.select_hashes(leaves, sorted(keys), cursor, sql).items():
        found[(0, -1 - key) if key < 0 else keys[key]] = value
    if len(found) != len(wanted):
        level, position = min(wanted - found.keys())
        raise LogCorrupted(
            str(_("the hash of level %(level)d, position %(position)d is not stored"))
            % {"level": level, "position": position}
        )
    return found


class StoredTree:
    """The first ``size`` entries of the stored log, as a Merkle tree. Methods mirror
    ``MerkleTree``'s; each reads only the complete subtrees its answer needs."""

    def __init__(self, size: int):
        self.size = size

    def range_hashes(self, ranges: Sequence[Range]) -> list[bytes]:
        """MTH(D[start:end]) of each range, from one fetch of the subtrees they consist of."""
        split = [perfect_parts(start, end) for start, end in ranges]
        hashes = fetch_parts(part for parts in split for part in parts)
        return [fold([hashes[part] for part in parts]) for parts in split]

    def range_hash(self, start: int, end: int) -> bytes:
        return self.range_hashes([(start, end)])[0]

    def root(self, tree_size: int | None = None) -> bytes:
        size = self.size if tree_size is None else tree_size
        self._check_size(size)
        return self.range_hash(0, size)

    def inclusion_proof(self, leaf_index: int, tree_size: int) -> list[bytes]:
        return self.prove_inclusion(leaf_index, tree_size)[1]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        return self.prove_consistency(first, second)[2]

    def prove_inclusion(self, leaf_index: int, tree_size: int) -> tuple[bytes, list[bytes]]:
        """``(root of tree_size, PATH(leaf_index, D[tree_size]))`` from one fetch."""
        self._check_size(tree_size)
        ranges = inclusion_ranges(leaf_index, tree_size)
        root, *path = self.range_hashes([(0, tree_size), *ranges])
        return root, path

    def prove_consistency(self, first: int, second: int) -> tuple[bytes, bytes, list[bytes]]:
        """``(root of first, root of second, PROOF(first, D[second]))`` from one fetch."""
        self._check_size(second)
        ranges = consistency_ranges(first, second)
        first_root, second_root, *proof = self.range_hashes([(0, first), (0, second), *ranges])
        return first_root, second_root, proof

    def _check_size(self, tree_size: int) -> None:
        if not 0 <= tree_size <= self.size:
            raise ValueError(f"tree_size must be between 0 and {self.size}")
