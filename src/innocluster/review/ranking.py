"""Aggregating the experts' scores, ranking a call's applications, and drawing the funding line.

``rank_call(call)`` takes the applications of a call that are in expert review or before the
board (``CANDIDATE_STATES``: they compete for the budget), and for reference the ones already
decided (``DECIDED_STATES``, those with submitted reviews; they are ranked alongside but never
drawn into a funding line).
For each: the mean of its submitted reviews' totals (scoring.py: every total is on one 0–100
scale), how many there are, their spread (max − min) and the disagreement flag, raised when
the spread is above ``call.disagreement_threshold``, read in points of that same 0–100 scale.

The order: higher mean first; on a tie, an application without disagreement before one with
it; then the earlier submitted (``Application.submitted_at``); then the number, for a stable
order. Applications with no submitted review yet have no score and come last, unranked.

``funding_line(ranking, budget)`` funds in rank order while the next request fits what is
left of the budget; the first that does not fit is where the line is drawn (it and everything
below stay unfunded: skipping ahead is a choice the board makes, or what ``optimal=True`` does).

``funding_line(ranking, budget, optimal=True)`` picks the subset of candidates with the highest
total score whose requests fit the budget: a 0/1 knapsack, solved exactly by dynamic
programming over the budget in units of 1,000 roubles (requests rounded up, the budget down, so
the choice always fits in roubles; a request that is not a whole number of thousands may cost
up to 999.99 roubles of headroom). Values are the scores in thousandths of a point (integers,
so ties and sums are exact). Why by hand: the problem is one short loop; a solver library
(OR-Tools, PuLP) would be a heavy dependency for that, and its branch and bound gives no
better answer than an exact DP. The DP's row update is vectorised with numpy (one pass of
array operations per application over the whole budget, into preallocated buffers, in 32-bit
integers while the scores' sum fits): 2,000 applications over a 500 mln budget (500,000 units,
10⁹ cell updates) take about 0.35 s, exactly; the bits kept to recover the choice take 1 bit a
cell (125 MB at that size).

Size limit: the work is (budget units) × (applications). When that exceeds ``MAX_CELLS`` the
unit grows (2,000, 5,000, 10,000 roubles, ...) until it fits: the answer is then exact on the
coarser grid but may miss a better choice that only fits to the rouble; ``FundingLine.exact``
says which, and ``unit_rub`` which unit was used. Before that, units are divided by the
greatest common divisor of the requests and the budget (often 100,000 roubles or more), which
loses nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
from django.db.models import Count, Max, Min, Sum
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed
from innocluster.programmes.choices import ApplicationState as S
from innocluster.programmes.models import Application, BudgetLine

from .models import Review

CANDIDATE_STATES = (S.IN_REVIEW, S.BOARD)
DECIDED_STATES = (
    S.APPROVED,
    S.REJECTED,
    S.WAITLISTED,
    S.AGREEMENT,
    S.IN_IMPLEMENTATION,
    S.COMPLETED,
    S.TERMINATED,
)
THOUSANDTH = Decimal("0.001")
BASE_UNIT_RUB = 1000
# Budget units × applications the optimal selection works through exactly: 500 mln roubles ×
# 2,000 applications, about 0.35 s and 125 MB of kept bits; beyond it the unit grows.
MAX_CELLS = 1_000_000_000


@dataclass
class RankedApplication:
    """One application's place in the ranking."""

    application_id: object
    number: str
    title: str
    state: str
    submitted_at: object
    requested_rub: Decimal
    score: Decimal | None  # mean of the submitted reviews' totals, 0–100
    reviews: int  # submitted reviews
    spread: Decimal | None  # max − min of those totals
    disagreement: bool  # spread above the call's threshold
    rank: int | None = None  # 1 = best; None without a score

    @property
    def candidate(self) -> bool:
        """Scored and still to be decided: competes for the budget."""
        return self.score is not None and self.state in CANDIDATE_STATES


@dataclass
class Ranking:
    """A call's applications in rank order (the unscored last)."""

    call_id: object
    threshold: Decimal
    entries: list[RankedApplication] = field(default_factory=list)

    @property
    def candidates(self) -> list[RankedApplication]:
        return [e for e in self.entries if e.candidate]

    def by_id(self) -> dict:
        return {e.application_id: e for e in self.entries}


@dataclass
class FundingLine:
    """The applications funded under a budget, and where the line falls."""

    budget: Decimal
    optimal: bool
    funded: list[RankedApplication]
    unfunded: list[RankedApplication]
    first_unfunded: RankedApplication | None  # the first in rank order below the line
    total_requested: Decimal
    total_score: Decimal
    unit_rub: int = BASE_UNIT_RUB
    exact: bool = True

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.total_requested


def _sort_key(entry: RankedApplication):
    missing = entry.score is None
    return (
        missing,
        -(entry.score or 0),
        entry.disagreement,
        entry.submitted_at is None,
        entry.submitted_at.timestamp() if entry.submitted_at else 0,
        entry.number,
        str(entry.application_id),
    )


def rank_call(call) -> Ranking:
    """Aggregate the submitted reviews of ``call``'s applications and rank them.

    Args:
        call: a ``programmes.Call``.

    Returns:
        A ``Ranking``: entries in rank order, each with its mean score, review count, spread,
        disagreement flag, requested grant and rank (three queries whatever the size).
    """
    threshold = Decimal(call.disagreement_threshold)
    applications = list(
        Application.objects.filter(
            call=call, state__in=[*CANDIDATE_STATES, *DECIDED_STATES]
        ).values_list("id", "number", "title", "state", "submitted_at")
    )
    stats = {
        row["assignment__application_id"]: row
        for row in Review.objects.filter(
            assignment__application__call=call,
            submitted_at__isnull=False,
            total__isnull=False,
        )
        .values("assignment__application_id")
        .annotate(n=Count("id"), total_sum=Sum("total"), high=Max("total"), low=Min("total"))
        .order_by()
    }
    requested = dict(
        BudgetLine.objects.filter(application__call=call)
        .values("application_id")
        .annotate(grant=Sum("grant_rub"))
        .order_by()
        .values_list("application_id", "grant")
    )
    ranking = Ranking(call_id=call.pk, threshold=threshold)
    for pk, number, title, state, submitted_at in applications:
        row = stats.get(pk)
        if row is None and state in DECIDED_STATES:
            continue  # decided without review (rejected at screening): nothing to compare
        score = spread = None
        count = 0
        if row and row["n"]:
            count = row["n"]
            score = (Decimal(row["total_sum"]) / count).quantize(THOUSANDTH, ROUND_HALF_UP)
            spread = (Decimal(row["high"]) - Decimal(row["low"])).quantize(THOUSANDTH)
        ranking.entries.append(
            RankedApplication(
                application_id=pk,
                number=number or "",
                title=title,
                state=state,
                submitted_at=submitted_at,
                requested_rub=Decimal(requested.get(pk) or 0),
                score=score,
                reviews=count,
                spread=spread,
                disagreement=spread is not None and spread > threshold,
            )
        )
    ranking.entries.sort(key=_sort_key)
    for place, entry in enumerate((e for e in ranking.entries if e.score is not None), start=1):
        entry.rank = place
    return ranking


# --------------------------------------------------------------------------- the funding line


def _line(budget, optimal, candidates, chosen: set, unit=BASE_UNIT_RUB, exact=True):
    funded = [e for e in candidates if e.application_id in chosen]
    unfunded = [e for e in candidates if e.application_id not in chosen]
    return FundingLine(
        budget=budget,
        optimal=optimal,
        funded=funded,
        unfunded=unfunded,
        first_unfunded=unfunded[0] if unfunded else None,
        total_requested=sum((e.requested_rub for e in funded), Decimal(0)),
        total_score=sum((e.score for e in funded), Decimal(0)),
        unit_rub=unit,
        exact=exact,
    )


def funding_line(ranking: Ranking, budget, *, optimal: bool = False) -> FundingLine:
    """Draw the funding line of ``ranking`` under ``budget``.

    Args:
        ranking: from ``rank_call``; only its candidates (scored, in review or before the
            board) are considered.
        budget: roubles available (Decimal, int or text); anything else, or below zero, is
            refused (``ValidationFailed`` naming ``budget``).
        optimal: False: in rank order, funding while the next request fits (the first that
            does not is the line). True: the subset with the highest total score that fits.

    Returns:
        A ``FundingLine``: funded and unfunded in rank order, the first unfunded, the totals.
    """
    budget = _budget(budget)
    candidates = ranking.candidates
    if not optimal:
        chosen: set = set()
        left = budget
        for entry in candidates:
            if entry.requested_rub > left:
                break
            chosen.add(entry.application_id)
            left -= entry.requested_rub
        return _line(budget, False, candidates, chosen)
    chosen, unit, exact = _knapsack(candidates, budget)
    return _line(budget, True, candidates, chosen, unit, exact)


def _budget(value) -> Decimal:
    """The budget as Decimal roubles; a refusal naming ``budget`` when it is not one."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        amount = None
    if isinstance(value, bool) or amount is None or not amount.is_finite() or amount < 0:
        raise ValidationFailed(
            [FieldError("budget", _("Must be an amount of roubles, zero or more."), "invalid")]
        )
    return amount


def _units(amount: Decimal, unit: int, rounding) -> int:
    return int((amount / unit).to_integral_value(rounding=rounding))


def _knapsack(candidates: list[RankedApplication], budget: Decimal) -> tuple[set, int, bool]:
    """The best-scoring subset of ``candidates`` whose requests fit ``budget``.

    Returns (chosen application ids, the unit in roubles, whether the unit is the exact one).
    """
    if budget <= 0 or not candidates:
        free = {e.application_id for e in candidates if e.requested_rub <= 0}
        return free, BASE_UNIT_RUB, True
    unit = BASE_UNIT_RUB
    capacity = _units(budget, unit, ROUND_FLOOR)
    weights = [_units(e.requested_rub, unit, ROUND_CEILING) for e in candidates]
    # Requests that cost nothing are always taken; those above the budget never.
    always = {e.application_id for e, w in zip(candidates, weights, strict=True) if w <= 0}
    items = [(i, w) for i, w in enumerate(weights) if 0 < w <= capacity]
    if not items:
        return always, unit, True
    capacity = min(capacity, sum(w for _, w in items))
    # Lossless: a common divisor of every weight and the capacity shrinks the grid.
    divisor = 0
    for _index, w in items:
        divisor = math.gcd(divisor, w)
    divisor = math.gcd(divisor, capacity) or 1
    scale = divisor
    exact = True
    if (capacity // scale) * len(items) > MAX_CELLS:
        # Coarser grid: grow the unit (×2, ×5, ×10, ...) until the work fits; rounding requests
        # up and the budget down keeps every choice within the budget.
        exact = False
        for factor in _steps():
            scale = factor * divisor
            if (capacity // scale) * len(items) <= MAX_CELLS:
                break
    if exact:
        cap = capacity // scale
        wts = [w // scale for _, w in items]
    else:
        cap = _units(budget, unit * scale, ROUND_FLOOR)
        wts = [_units(candidates[i].requested_rub, unit * scale, ROUND_CEILING) for i, _ in items]
        cap = min(cap, sum(wts))
    values = [int(candidates[i].score / THOUSANDTH) for i, _ in items]
    picked = _solve(wts, values, cap)
    chosen = always | {candidates[items[k][0]].application_id for k in picked}
    return chosen, unit * scale, exact


def _steps():
    magnitude = 1
    while True:
        for step in (2, 5, 10):
            yield step * magnitude
        magnitude *= 10


def _solve(weights: list[int], values: list[int], capacity: int) -> list[int]:
    """0/1 knapsack by DP over capacities 0..capacity, one vectorised row per item.

    ``best[c]`` is the highest value with total weight at most ``c``; for item ``i`` of weight
    ``w`` the candidate ``best[c − w] + v`` replaces ``best[c]`` where it is higher (computed
    from the row before the item, so each item is taken at most once). Which cells improved is
    kept as packed bits per item; walking back from the full capacity recovers the choice.
    """
    # int32 halves the memory traffic of every pass while the sum of the values fits in it.
    dtype = np.int32 if sum(values) < 2**31 - 1 else np.int64
    best = np.zeros(capacity + 1, dtype=dtype)
    # Preallocated buffers: each pass writes into them instead of allocating three arrays.
    shifted = np.empty(capacity + 1, dtype=dtype)
    improved = np.empty(capacity + 1, dtype=bool)
    taken: list[np.ndarray | None] = []
    for w, v in zip(weights, values, strict=True):
        if w > capacity or v <= 0:
            taken.append(None)
            continue
        size = capacity + 1 - w
        np.add(best[:size], v, out=shifted[:size])  # taking the item: from the previous row
        np.greater(shifted[:size], best[w:], out=improved[:size])
        np.maximum(best[w:], shifted[:size], out=best[w:])
        taken.append(np.packbits(improved[:size]))
    picked: list[int] = []
    c = capacity
    for i in range(len(weights) - 1, -1, -1):
        bits = taken[i]
        if bits is None or c < weights[i]:
            continue
        offset = c - weights[i]
        if bits[offset >> 3] >> (7 - (offset & 7)) & 1:
            picked.append(i)
            c -= weights[i]
    picked.reverse()
    return picked
