"""How the matcher weighs structured evidence against text, and how it explains a match.

The final score of a candidate is its text score divided by the best text score among the
candidates (so the best text match has 1.0) plus the evidence weights below. Each weight is a
prior, sized against that 0..1 text scale; none is fitted to an evaluation set (the evaluation
set must stay an independent judge of the matcher). The positive weights add up to 0.48: a
candidate with every piece of evidence ties one whose text is about twice as close but which has
none, and no evidence lifts a candidate whose text is weak over one whose text is strong and
whose evidence is neutral.
"""

from __future__ import annotations

import numpy as np

# The ten priority areas (reference/priority-areas.md, registry PriorityArea codes). The order is
# the bit order of the index's area masks and is saved in snapshots: append, never reorder.
AREA_CODES: tuple[str, ...] = (
    "ict",
    "manufacturing",
    "materials",
    "medicine",
    "biotech",
    "environment",
    "construction",
    "energy",
    "transport",
    "fintech",
)
AREA_BIT = {code: 1 << i for i, code in enumerate(AREA_CODES)}

# A shared priority area is the strongest evidence besides the text: the owner declared the
# topic, whatever words they used. Still below the text gap between a close and a loose match.
W_AREA_SHARED = 0.15
# The candidate declared areas and none of them is one the query asked for: a mild sign it is off
# topic (mild, because declarations are coarse). No areas declared at all counts nothing.
W_AREA_NONE_SHARED = -0.05
# The technology is as mature as asked: the asker can pilot or buy it, not only research it.
W_TRL_MEETS = 0.10
# Each level below the asked minimum costs this much: one level short is a small gap (a pilot
# closes it), four levels short means years of development; capped so the text still counts.
W_TRL_BELOW_PER_LEVEL = -0.07
W_TRL_BELOW_CAP = -0.35
# Same OKVED class (the first two digits) as the asker: the same line of business, a hint of a
# supplier or partner who understands the domain. Weaker than areas: classes are broad.
W_OKVED_SHARED = 0.07
# Same region: pilots and joint work are easier nearby; the weakest hint, the cluster is regional.
W_REGION_SAME = 0.04
# The two organisations worked together before: trust already exists, a strong social signal,
# but it must not bring back a partner whose text does not fit.
W_COLLABORATED = 0.08
# Active within a year: somebody will answer. Nothing for two years or more: likely dormant,
# which costs more than recent activity earns (a dead lead wastes the asker's time).
W_ACTIVE = 0.04
W_INACTIVE = -0.08
ACTIVE_DAYS = 365
INACTIVE_DAYS = 730
# A text score under this share of the best candidate's is shown as counting against the match.
WEAK_TEXT = 0.3

# A repeated query word counts up to this many times: a long challenge text that repeats one word
# should not let that word outweigh the rest of its content.
QUERY_TERM_COUNT_CAP = 3
# Shared terms shown per match.
SHARED_TERMS_SHOWN = 8

# Bits set in each of the 1024 possible area masks, for counting shared areas.
_POPCOUNT = np.array([bin(i).count("1") for i in range(1 << len(AREA_CODES))], dtype=np.int8)


def area_mask(codes: str | frozenset[str] | tuple[str, ...] | list[str]) -> int:
    """The bit mask of the known priority-area codes given (space-separated or a collection)."""
    if isinstance(codes, str):
        codes = codes.split()
    mask = 0
    for code in codes:
        mask |= AREA_BIT.get(code, 0)
    return mask


def area_codes(mask: int) -> tuple[str, ...]:
    """The priority-area codes of a mask, in AREA_CODES order."""
    return tuple(code for code, bit in AREA_BIT.items() if mask & bit)


def okved_bits(codes: str | tuple[str, ...] | list[str]) -> tuple[int, int]:
    """The OKVED classes (first two digits, 01..99) of the codes as a 128-bit mask (low, high)."""
    if isinstance(codes, str):
        codes = codes.split()
    low = high = 0
    for code in codes:
        head = code.strip()[:2]
        if len(head) == 2 and head.isascii() and head.isdigit():
            cls = int(head)
            if cls < 64:
                low |= 1 << cls
            else:
                high |= 1 << (cls - 64)
    return low, high


def trl_evidence(trl: np.ndarray, trl_min: int | None) -> np.ndarray:
    """The TRL part of the evidence for candidates with these TRLs (0 = unknown)."""
    weights = np.zeros(len(trl), dtype=np.float32)
    if trl_min is None:
        return weights
    known = trl > 0
    gap = trl_min - trl.astype(np.int16)
    weights[known & (gap <= 0)] = W_TRL_MEETS
    below = known & (gap > 0)
    weights[below] = np.maximum(W_TRL_BELOW_PER_LEVEL * gap[below], W_TRL_BELOW_CAP)
    return weights


def area_evidence(areas: np.ndarray, query_mask: int) -> np.ndarray:
    """The priority-area part of the evidence for candidates with these area masks."""
    weights = np.zeros(len(areas), dtype=np.float32)
    if not query_mask:
        return weights
    shared = (areas & query_mask) != 0
    weights[shared] = W_AREA_SHARED
    weights[~shared & (areas != 0)] = W_AREA_NONE_SHARED
    return weights


def shared_area_count(areas: np.ndarray, query_mask: int) -> np.ndarray:
    """How many priority areas each candidate shares with the query."""
    return _POPCOUNT[(areas & query_mask).astype(np.int64) & ((1 << len(AREA_CODES)) - 1)]


def activity_evidence(active_days: np.ndarray, today: int, unknown: int) -> np.ndarray:
    """The activity part of the evidence: recent (+), dormant for two years or more (-)."""
    weights = np.zeros(len(active_days), dtype=np.float32)
    known = active_days != unknown
    age = today - active_days.astype(np.int64)
    weights[known & (age <= ACTIVE_DAYS)] = W_ACTIVE
    weights[known & (age >= INACTIVE_DAYS)] = W_INACTIVE
    return weights


def trl_verdict(trl: int, trl_min: int | None) -> str:
    """The explanation's TRL verdict: "meets", "below", "unknown" or "not_asked"."""
    if trl_min is None:
        return "not_asked"
    if trl <= 0:
        return "unknown"
    return "meets" if trl >= trl_min else "below"
