"""Evaluating a profile and a need against the catalogue: a verdict per measure (eligible,
unknown, ineligible) with one reason per criterion, a fit score, the ranking, the next question
to ask, and, when nothing fits, the closest measures and other help.

The catalogue is compiled once per process and recompiled when it changes (``Catalogue.load``
compares a cheap fingerprint of the measures table on each call).
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _

from .choices import STAGE_TRL, MeasureForm, Verdict
from .engine import FIELD_IDS, TRUTH, Program
from .fields import FIELDS, Answers
from .rules import Compiled, compile_rule, prepare

FIELD_NAMES = list(FIELDS)
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


class Catalogue:
    """The relevant measures (sorted by code), compiled: each rule checked and turned into a
    tree, and the whole catalogue into one ``engine.Program``."""

    _lock = threading.Lock()
    _cached: Catalogue | None = None

    def __init__(self, entries: list[Entry], fingerprint: tuple = ()):
        self.entries = sorted(entries, key=lambda e: e.code)
        self.fingerprint = fingerprint
        self.program = Program(self.entries)

    @classmethod
    def of(cls, measures, fingerprint: tuple = ()) -> Catalogue:
        return cls([Entry.of(m) for m in measures], fingerprint)

    @classmethod
    def load(cls) -> Catalogue:
        """The catalogue of every measure that is not closed, compiled once per process and
        again when a measure or its provider is added, changed or removed (a count and the
        latest update times tell, in one query)."""
        from .models import Measure

        fingerprint = tuple(
            Measure.objects.aggregate(
                n=Count("pk"),
                last=Max("updated_at"),
                # the providers' names are shown from the cached measures too
                provider=Max("provider__updated_at"),
            ).values()
        )
        cached = cls._cached
        if cached is not None and cached.fingerprint == fingerprint:
            return cached
        with cls._lock:
            measures = Measure.objects.exclude(status="closed").select_related("provider")
            cls._cached = cls.of(measures, fingerprint)
            return cls._cached


class Result:
    """One measure's answer for one profile; the criteria's outcomes, what is missing and the
    parts of the fit are worked out when asked for (a page shows a few of thousands)."""

    __slots__ = ("entry", "verdict", "score", "_evaluation", "_number", "__dict__")

    def __init__(self, entry: Entry, verdict: str, score: int, evaluation, number: int):
        self.entry, self.verdict, self.score = entry, verdict, score
        self._evaluation, self._number = evaluation, number

    @property
    def code(self) -> str:
        return self.entry.code

    @functools.cached_property
    def outcomes(self) -> tuple:
        return self._evaluation.program.outcomes(self._evaluation.nodes, self._number)

    @functools.cached_property
    def missing(self) -> tuple[str, ...]:
        """The unanswered fields its criteria read, when its verdict is unknown."""
        if self.verdict != Verdict.UNKNOWN:
            return ()
        criteria = self.entry.compiled.criteria
        return tuple(
            dict.fromkeys(
                c.field
                for c, o in zip(criteria, self.outcomes, strict=True)
                if o is None and c.field
            )
        )

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if o is False)

    @functools.cached_property
    def fit(self) -> dict:
        return fit(self.entry, self._evaluation.answers.values)[1]

    def __repr__(self) -> str:
        return f"<Result {self.code} {self.verdict} {self.score}>"


class Results(Sequence):
    """The ranked results, made into ``Result`` objects as they are read."""

    def __init__(self, evaluation, order: np.ndarray):
        self._evaluation, self._order = evaluation, order
        self._made: dict[int, Result] = {}

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        number = int(self._order[index])
        made = self._made.get(number)
        if made is None:
            made = self._made[number] = self._evaluation.result(number)
        return made


class Evaluation:
    """Everything the navigator answers for one profile and need: ``results`` (ranked),
    ``counts`` per verdict, ``next_question``, and ``closest`` when nothing is eligible."""

    def __init__(self, answers: Answers, catalogue: Catalogue, today: datetime.date):
        self.answers, self.today = answers, today
        self.program = program = catalogue.program
        self.entries = catalogue.entries
        self.nodes = program.run(prepare(answers.values), today)
        self.verdicts = self.nodes[program.root_nodes] if len(program.root_nodes) else np.zeros(0)
        self.scores = program.scores(answers.values)
        relevant = np.flatnonzero(program.closes >= today.toordinal())
        rank = 2 - self.verdicts[relevant].astype(np.int64)  # eligible 0, unknown 1, not 2
        order = relevant[np.lexsort((relevant, -self.scores[relevant], rank))]
        self.results = Results(self, order)
        self.counts = {
            verdict: int(np.count_nonzero(self.verdicts[relevant] == truth))
            for truth, verdict in (
                (2, Verdict.ELIGIBLE),
                (1, Verdict.UNKNOWN),
                (0, Verdict.INELIGIBLE),
            )
        }
        self._relevant = relevant
        self.next_question = self.next_question_without(())
        self.closest = [] if self.counts[Verdict.ELIGIBLE] else self._closest(order)

    def result(self, number: int) -> Result:
        verdict = VERDICTS[TRUTH[int(self.verdicts[number])]]
        return Result(self.entries[number], verdict, int(self.scores[number]), self, number)

    @property
    def eligible(self) -> list[Result]:
        order = self.results._order
        return [self.result(int(n)) for n in order[self.verdicts[order] == 2]]

    def next_question_without(self, skipped) -> str | None:
        """The unanswered field that would decide the most measures, leaving out ``skipped``
        (fields the user chose not to answer): counted over the unknown relevant measures that
        read it, those it alone keeps undecided counted twice, each weighted by its fit to the
        need, need fields half; ties go to the contract's order (FIELDS)."""
        verdicts = np.full(len(self.verdicts), -1, dtype=np.int8)
        verdicts[self._relevant] = self.verdicts[self._relevant]
        weights = self.program.question_weights(self.nodes, verdicts, self.scores)
        for name in skipped:
            if name in FIELD_IDS:
                weights[FIELD_IDS[name]] = 0
        if not len(weights) or weights.max() <= 0:
            return None
        return FIELD_NAMES[int(np.argmax(weights))]  # argmax: the first of equals

    def _closest(self, order: np.ndarray, limit: int = 5) -> list[Result]:
        """The ineligible measures that fail the fewest criteria (then fit best, then by code:
        the entries' order)."""
        failed = self.program.failed(self.nodes)
        ineligible = order[self.verdicts[order] == 0]
        ranked = ineligible[np.lexsort((ineligible, -self.scores[ineligible], failed[ineligible]))]
        return [self.result(int(n)) for n in ranked[:limit]]


def fit(entry: Entry, values: dict) -> tuple[int, dict]:
    """One measure's fit score (0-100) and its parts (each 0-1, only those the answers let us
    judge); ``engine.Program.scores`` computes the same for the whole catalogue at once."""
    parts = {}
    need_purposes, need_forms = values["purposes"], values["forms"]
    if need_purposes and entry.purposes:  # a measure that states no purpose is not judged
        parts["purpose"] = 1.0 if not entry.purposes.isdisjoint(need_purposes) else 0.0
    if need_forms:
        parts["form"] = 1.0 if entry.form in need_forms else 0.0
    amount = values["amount_rub"]
    if amount:
        amount = float(amount)
        cap = None if entry.amount_max is None else float(entry.amount_max)
        budget = values["project_budget_rub"]
        if entry.cost_share_max is not None and budget:
            share_cap = float(entry.cost_share_max) * float(budget)
            cap = share_cap if cap is None else min(cap, share_cap)
        if entry.amount_min is not None and amount < float(entry.amount_min):
            parts["amount"] = 0.2  # the measure starts above the need
        elif cap is not None:
            parts["amount"] = min(cap, amount) / amount
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
    total = 0.0
    weight = 0
    for key in WEIGHTS:  # the engine's order, so both sum the same floats
        if key in parts:
            total += WEIGHTS[key] * parts[key]
            weight += WEIGHTS[key]
    return round(100 * total / weight), parts


def evaluate(
    answers: Answers,
    *,
    today: datetime.date | None = None,
    catalogue: Catalogue | None = None,
) -> Evaluation:
    """Evaluate ``answers`` against every relevant measure (not closed, not past its closing
    date): see ``Evaluation``."""
    return Evaluation(answers, catalogue or Catalogue.load(), today or datetime.date.today())


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
