"""SME category under Federal Law 209-FZ, with the thresholds of Government Decree 265 of 2016
(reference/priority-areas.md). The category is the larger of the two that staff and revenue
give, as 209-FZ art. 4 reads; with neither known it is unknown."""

from __future__ import annotations

from decimal import Decimal

from .choices import SmeCategory

# (category, max employees, max revenue in roubles), smallest first.
THRESHOLDS = [
    (SmeCategory.MICRO, 15, Decimal("120000000")),
    (SmeCategory.SMALL, 100, Decimal("800000000")),
    (SmeCategory.MEDIUM, 250, Decimal("2000000000")),
]
ORDER = [SmeCategory.MICRO, SmeCategory.SMALL, SmeCategory.MEDIUM, SmeCategory.LARGE]


def _by_limit(value, index: int) -> SmeCategory:
    for category, *limits in THRESHOLDS:
        if value <= limits[index]:
            return category
    return SmeCategory.LARGE


def compute_sme_category(employees: int | None, revenue_rub: Decimal | int | None) -> str:
    """The SME category, or "" when neither staff nor revenue is known."""
    found = []
    if employees is not None:
        found.append(_by_limit(employees, 0))
    if revenue_rub is not None:
        found.append(_by_limit(Decimal(revenue_rub), 1))
    if not found:
        return ""
    return max(found, key=ORDER.index).value
