"""Evaluating a profile and a need against the catalogue: a verdict per measure (eligible,
unknown, ineligible) with one reason per criterion, a fit score, the ranking, the next question
to ask, and, when nothing fits, the closest measures and other help.

The catalogue is compiled once per process and recompiled when it changes (``Catalogue.load``
compares a cheap fingerprint of the measures table on each call).
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _

from .choices import STAGE_TRL, MeasureForm, Verdict
from .fields import FIELDS, Answers
from .rules import Compiled, compile_rule, cutoff, prepare

VERDICTS = {True: Verdict.ELIGIBLE, None: Verdict.UNKNOWN, False: Verdict.INELIGIBLE}
ORDER = {Verdict.ELIGIBLE: 0, Verdict.UNKNOWN: 1, Verdict.INELIGIBLE: 2}
# Weights of the parts of the fit score, as a business ranks what matters.
WEIGHTS = {"purpose": 3, "form": 2, "amount": 2, "cost": 1, "stage": 1, "area": 1}


def measure_requirements(measure) -> list[dict]:
    """The criteria a measure's own terms imply, joined to its rule by ``all``: a minimum
    project budget and a minimum co-financing share are requirements, checked against the need."""
    extra = []
    if measure.min_project_budget_rub is not None:
        extra.append({"field": "project_budget_rub", "ge": str(measure.min_project_budget_rub)})
    if measure.cofinancing_min_share is not None:
        extra.append({"field": "own_funds_share", "ge": str(measure.cofinancing_min_share)})
    return extra


@dataclass
class Entry:
    """A measure as evaluation needs it: its terms and its compiled rule."""

    measure: object  # the Measure row (for names and pages)
    compiled: Compiled
    code: str
    form: str
    purposes: frozenset
    areas: frozenset
    trl_bands: tuple
    amount_min: Decimal | None
    amount_max: Decimal | None
    cost_share_max: Decimal | None
    rate: Decimal | None

    @classmethod
    def of(cls, measure) -> Entry:
        return cls(
            measure=measure,
            compiled=compile_rule(measure.rules, measure_requirements(measure)),
            code=measure.code,
            form=measure.form,
            purposes=frozenset(measure.purposes or ()),
            areas=frozenset(measure.priority_areas or ()),
            trl_bands=tuple(STAGE_TRL[s] for s in measure.stages or () if s in STAGE_TRL),
            amount_min=measure.amount_min_rub,
            amount_max=measure.amount_max_rub,
            cost_share_max=measure.cost_share_max,
            rate=measure.rate_percent_min if measure.form == MeasureForm.LOAN else None,
        )


@dataclass
class Catalogue:
    """The relevant measures, compiled."""

    entries: list[Entry]
    periods: frozenset
    fingerprint: tuple = ()

    @classmethod
    def of(cls, measures, fingerprint=()) -> Catalogue:
        entries = [Entry.of(m) for m in measures]
        periods = frozenset(p for e in entries for p in e.compiled.periods)
        return cls(entries, periods, fingerprint)

    _lock = threading.Lock()
    _cached: Catalogue | None = None

    @classmethod
    def load(cls) -> Catalogue:
        """The catalogue of every measure that is not closed, compiled, cached per process."""
        from .models import Measure

        fingerprint = tuple(
            Measure.objects.aggregate(n=Count("pk"), last=Max("updated_at")).values()
        )
        cached = cls._cached
        if cached is not None and cached.fingerprint == fingerprint:
            return cached
        with cls._lock:
            measures = Measure.objects.exclude(status="closed").select_related("provider")
            cls._cached = cls.of(measures, fingerprint)
            return cls._cached


@dataclass
class Result:
    """One measure's answer for one profile."""

    entry: Entry
    verdict: str
    outcomes: tuple
    score: int
    fit: dict
    missing: tuple[str, ...]

    @property
    def code(self) -> str:
        return self.entry.code

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if o is False)


@dataclass
class Evaluation:
    """Everything the navigator answers for one profile and need."""

    answers: Answers
    results: list[Result]
    next_question: str | None
    today: datetime.date
    closest: list[Result] = field(default_factory=list)

    @property
    def eligible(self) -> list[Result]:
        return [r for r in self.results if r.verdict == Verdict.ELIGIBLE]


def _fit(entry: Entry, values: dict, need_purposes, need_forms) -> tuple[int, dict]:
    """The fit score (0-100) and its parts (each 0-1, only those the answers let us judge)."""
    parts = {}
    if need_purposes:
        parts["purpose"] = 1.0 if not entry.purposes.isdisjoint(need_purposes) else 0.0
    if need_forms:
        parts["form"] = 1.0 if entry.form in need_forms else 0.0
    amount = values["amount_rub"]
    if amount:
        cap = entry.amount_max
        budget = values["project_budget_rub"]
        if entry.cost_share_max is not None and budget:
            share_cap = entry.cost_share_max * budget
            cap = share_cap if cap is None else min(cap, share_cap)
        if entry.amount_min is not None and amount < entry.amount_min:
            parts["amount"] = 0.2  # more than it needs: the measure starts above the need
        elif cap is not None:
            parts["amount"] = float(min(cap, amount) / amount)
    if entry.form == MeasureForm.LOAN:  # cheaper money fits better; an unstated rate, halfway
        rate = entry.rate
        parts["cost"] = 0.5 if rate is None else 1.0 - min(float(rate), 20.0) / 20.0
    trl = values["trl"]
    if trl is not None and entry.trl_bands:
        parts["stage"] = 1.0 if any(lo <= trl <= hi for lo, hi in entry.trl_bands) else 0.0
    areas = values["priority_areas"]
    if areas and entry.areas:
        parts["area"] = 1.0 if not entry.areas.isdisjoint(areas) else 0.0
    if not parts:
        return 50, parts
    total = sum(WEIGHTS[k] * v for k, v in parts.items())
    return round(100 * total / sum(WEIGHTS[k] for k in parts)), parts


def evaluate(
    answers: Answers,
    *,
    today: datetime.date | None = None,
    catalogue: Catalogue | None = None,
) -> Evaluation:
    """Evaluate ``answers`` against every relevant measure; see the module docstring."""
    today = today or datetime.date.today()
    catalogue = catalogue or Catalogue.load()
    values = answers.values
    prepared = prepare(values)
    cutoffs = {period: cutoff(today, period) for period in catalogue.periods}
    need_purposes = frozenset(values["purposes"] or ())
    need_forms = frozenset(values["forms"] or ())
    results: list[Result] = []
    for entry in catalogue.entries:
        measure = entry.measure
        if measure.closes_on is not None and measure.closes_on < today:
            continue
        verdict, outcomes = entry.compiled.decide(prepared, cutoffs)
        missing: tuple[str, ...] = ()
        if verdict is None:
            missing = tuple(
                dict.fromkeys(
                    c.field
                    for c, o in zip(entry.compiled.criteria, outcomes, strict=True)
                    if o is None and c.field
                )
            )
        score, fit = _fit(entry, values, need_purposes, need_forms)
        results.append(Result(entry, VERDICTS[verdict], outcomes, score, fit, missing))
    results.sort(key=lambda r: (ORDER[r.verdict], -r.score, r.code))
    evaluation = Evaluation(answers, results, next_question(results), today)
    if not evaluation.eligible:
        evaluation.closest = closest(results)
    return evaluation


def next_question(results: list[Result]) -> str | None:
    """The unanswered field that would decide the most measures: counted over the unknown
    measures that name it, with those it alone keeps undecided counted twice. Ties go to the
    contract's order (FIELDS)."""
    counts: Counter = Counter()
    for result in results:
        if result.verdict == Verdict.UNKNOWN:
            for name in result.missing:
                counts[name] += 2 if len(result.missing) == 1 else 1
    if not counts:
        return None
    order = list(FIELDS)
    return max(counts, key=lambda name: (counts[name], -order.index(name)))


def closest(results: list[Result], limit: int = 5) -> list[Result]:
    """The ineligible measures that fail the fewest criteria (then fit best): what to show when
    nothing is eligible, with what would make each fit."""
    ineligible = [r for r in results if r.verdict == Verdict.INELIGIBLE]
    ineligible.sort(key=lambda r: (r.failed, -r.score, r.code))
    return ineligible[:limit]


def other_help(lang: str) -> list[dict]:
    """Help beyond the catalogue, for when no measure fits (never a dead end)."""
    with translation.override(lang):
        fund = settings.FUND_NAME_EN if lang == "en" else settings.FUND_NAME
        return [
            {
                "kind": "fund_operators",
                "title": _("Ask the Fund's operators"),
                "text": _(
                    "%(fund)s helps members choose and prepare applications for support, free "
                    "of charge. Write to them, with the answers above."
                )
                % {"fund": fund},
                "contact": getattr(settings, "NAVIGATOR_HELP_EMAIL", settings.DEFAULT_FROM_EMAIL),
            },
            {
                "kind": "consulting",
                "title": _("Business consulting"),
                "text": _(
                    "The city's business support centres advise on finance, export and "
                    "intellectual property, and can help meet the criteria that stop you now."
                ),
                "contact": "",
            },
            {
                "kind": "join_cluster",
                "title": _("Join the cluster"),
                "text": _(
                    "Many measures are for cluster members only. Joining is free and online."
                ),
                "contact": "/join/",
            },
        ]
