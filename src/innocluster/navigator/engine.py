"""Evaluating one profile against the whole catalogue at once, column by column.

Why by hand: no library evaluates thousands of three-valued rule trees per request fast enough
(a JSON Logic interpreter walks one tree at a time, two-valued); 10,000 measures must take
under 10 ms. The catalogue's rules are compiled into arrays once:

- every distinct criterion ("atom": field, operator, value) is evaluated once per profile, and
  criteria of the same field and operator together, as one numpy operation;
- truth values are Kleene's, encoded F=0 < U=1 < T=2, so ``all`` is the minimum of its parts,
  ``any`` the maximum and ``not`` is 2 - x;
- the rule trees' groups are evaluated level by level, deepest first, each level's ``all``
  groups with one ``np.minimum.reduceat`` and its ``any`` groups with one ``maximum``; a
  measure's verdict is its root's value.

``rules.Compiled.decide`` is the same logic for one measure in plain Python; the tests check that
the two agree on random rules and profiles.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import numpy as np

from .choices import MeasureForm, Purpose
from .fields import FIELDS, PRIORITY_AREAS
from .rules import AGE_OPS, SET_OPS, Criterion, cutoff, source_key

F, U, T = 0, 1, 2
TRUTH = {F: False, U: None, T: True}
FIELD_IDS = {name: i for i, name in enumerate(FIELDS)}
NO_FIELD = -1
PURPOSE_BITS = {code: 1 << i for i, code in enumerate(Purpose.values)}
AREA_BITS = {code: 1 << i for i, code in enumerate(PRIORITY_AREAS)}
FORM_IDS = {code: i for i, code in enumerate(MeasureForm.values)}
FAR = float(datetime.date.max.toordinal())
QUESTION_FACTOR = np.array([0.5 if spec.group == "need" else 1.0 for spec in FIELDS.values()])


def relevance(scores):
    """How much a measure counts when choosing the next question: its fit score (50 when the
    need says nothing) as a share, at least 0.05 so that no measure is ignored."""
    return np.maximum(scores, 5) / 100


def _scalar(value) -> float:
    """A profile or rule value as a number: dates as day ordinals, booleans as 0/1."""
    if isinstance(value, datetime.date):
        return float(value.toordinal())
    return float(value)


def mask(codes, bits: dict) -> int:
    out = 0
    for code in codes or ():
        out |= bits.get(code, 0)
    return out


class _Group:
    """The atoms of one field and operator, evaluated together."""

    def __init__(self, field: str, op: str):
        self.field, self.op = field, op
        self.key = source_key(field, op)
        self.atoms: list[int] = []
        self.values: list = []

    def freeze(self, periods: list):
        self.ids = np.array(self.atoms, dtype=np.intp)
        op, values = self.op, self.values
        if op in ("eq", "ne") and isinstance(values[0], str):
            self.vocab = {v: i for i, v in enumerate(dict.fromkeys(values))}
            self.codes = np.array([self.vocab[v] for v in values])
        elif op in ("eq", "ne", "lt", "le", "gt", "ge"):
            self.vocab = None
            self.consts = np.array([_scalar(v) for v in values])
        elif op == "between":
            self.low = np.array([np.nan if lo is None else _scalar(lo) for lo, _hi in values])
            self.high = np.array([np.nan if hi is None else _scalar(hi) for _lo, hi in values])
        elif op in AGE_OPS:
            self.period = np.array([periods.index(v) for v in values], dtype=np.intp)
        else:  # sets: a matrix of atoms × the codes they name
            self.vocab = {}
            for codes in values:
                for code in codes:
                    self.vocab.setdefault(code, len(self.vocab))
            self.matrix = np.zeros((len(values), max(len(self.vocab), 1)), dtype=np.int8)
            for row, codes in enumerate(values):
                for code in codes:
                    self.matrix[row, self.vocab[code]] = 1
            self.required = self.matrix.sum(axis=1)
        return self

    def evaluate(self, value, cutoffs: np.ndarray) -> np.ndarray:
        """Each atom's truth (bool array) for the profile's ``value`` (not None)."""
        op = self.op
        if op in ("eq", "ne") and getattr(self, "vocab", None) is not None:
            hit = self.codes == self.vocab.get(value, -1)
            return hit if op == "eq" else ~hit
        if op in ("eq", "ne", "lt", "le", "gt", "ge"):
            x, c = _scalar(value), self.consts
            return {
                "eq": c == x,
                "ne": c != x,
                "lt": x < c,
                "le": x <= c,
                "gt": x > c,
                "ge": x >= c,
            }[op]
        if op == "between":
            x = _scalar(value)
            return (np.isnan(self.low) | (self.low <= x)) & (np.isnan(self.high) | (x <= self.high))
        if op in AGE_OPS:
            x, c = _scalar(value), cutoffs[self.period]
            return {
                "age_at_most": x >= c,
                "age_less_than": x > c,
                "age_at_least": x <= c,
                "age_more_than": x < c,
            }[op]
        if op in SET_OPS:
            column = self.vocab.get(value)
            hit = (
                np.zeros(len(self.atoms), dtype=bool)
                if column is None
                else self.matrix[:, column].astype(bool)
            )
            return hit if op == "in" else ~hit
        columns = [self.vocab[code] for code in value if code in self.vocab]
        hits = self.matrix[:, columns].sum(axis=1) if columns else np.zeros(len(self.atoms))
        if op in ("any_of", "okved"):
            return hits > 0
        if op == "none_of":
            return hits == 0
        return hits == self.required  # all_of


class Program:
    """The catalogue's rules as arrays (see the module docstring). ``entries`` are
    ``evaluation.Entry`` objects; their order is the program's measure order."""

    def __init__(self, entries):
        self.entries = entries
        atom_ids: dict = {}
        groups: dict[tuple, _Group] = {}
        constant_atoms: list[tuple[int, int]] = []  # (atom, truth) for confirm / unknown
        self.kinds: list[str] = []
        children: list[list[int]] = []
        depths: list[int] = []
        atom_nodes: list[int] = []
        atom_of_node: list[int] = []
        node_measure: list[int] = []
        node_field: list[int] = []
        self.roots: list[int] = []
        self.measure_atoms: list[np.ndarray] = []
        periods: list = []

        def atom(criterion: Criterion) -> int:
            if criterion.op in ("confirm", "unknown") or criterion.field is None:
                key = (criterion.op,)
            else:
                key = (criterion.field, criterion.op, criterion.value)
            found = atom_ids.get(key)
            if found is not None:
                return found
            found = atom_ids[key] = len(atom_ids)
            if criterion.op == "confirm":
                constant_atoms.append((found, T))
            elif criterion.op == "unknown":
                constant_atoms.append((found, U))
            else:
                group = groups.setdefault(
                    (criterion.field, criterion.op), _Group(criterion.field, criterion.op)
                )
                group.atoms.append(found)
                group.values.append(criterion.value)
                if criterion.op in AGE_OPS and criterion.value not in periods:
                    periods.append(criterion.value)
            return found

        def node(tree, depth: int, measure: int, mine: list[int]) -> int:
            index = len(self.kinds)
            depths.append(depth)
            if isinstance(tree, Criterion):
                self.kinds.append("atom")
                children.append([])
                atom_nodes.append(index)
                atom_of_node.append(atom(tree))
                node_measure.append(measure)
                node_field.append(FIELD_IDS.get(tree.field, NO_FIELD) if tree.field else NO_FIELD)
                mine.append(index)
                return index
            key, parts = tree
            if key == "all" and not parts:  # no criteria: met
                self.kinds.append("atom")
                children.append([])
                atom_nodes.append(index)
                atom_of_node.append(atom(Criterion("confirm", None, None)))
                node_measure.append(measure)
                node_field.append(NO_FIELD)
                return index
            self.kinds.append(key)
            children.append([])
            children[index] = [node(part, depth + 1, measure, mine) for part in parts]
            return index

        for number, entry in enumerate(entries):
            mine: list[int] = []
            self.roots.append(node(entry.compiled.tree, 0, number, mine))
            self.measure_atoms.append(np.array(mine, dtype=np.intp))

        self.periods = periods
        self.groups = [g.freeze(periods) for g in groups.values()]
        self.atom_count = len(atom_ids)
        self.constant_atoms = (
            np.array([a for a, _t in constant_atoms], dtype=np.intp),
            np.array([t for _a, t in constant_atoms], dtype=np.int8),
        )
        self.node_count = len(self.kinds)
        self.atom_nodes = np.array(atom_nodes, dtype=np.intp)
        self.atom_of_node = np.array(atom_of_node, dtype=np.intp)
        self.node_measure = np.array(node_measure, dtype=np.intp)
        self.node_field = np.array(node_field, dtype=np.intp)
        self.root_nodes = np.array(self.roots, dtype=np.intp)
        # Groups by depth, deepest first: (kind, parents, concatenated children, offsets).
        by_level: dict = defaultdict(lambda: defaultdict(lambda: ([], [], [])))
        for index, kind in enumerate(self.kinds):
            if kind == "atom":
                continue
            parents, kids, offsets = by_level[depths[index]][kind]
            parents.append(index)
            offsets.append(len(kids))
            kids.extend(children[index])
        self.levels = [
            (
                kind,
                np.array(parents, dtype=np.intp),
                np.array(kids, dtype=np.intp),
                np.array(offsets, dtype=np.intp),
            )
            for depth in sorted(by_level, reverse=True)
            for kind, (parents, kids, offsets) in by_level[depth].items()
        ]
        self._terms(entries)

    def _terms(self, entries) -> None:
        """The measures' terms as arrays, for the fit score."""
        nan = np.nan

        def money(value):
            return nan if value is None else float(value)

        self.purposes = np.array([mask(e.purposes, PURPOSE_BITS) for e in entries], dtype=np.int64)
        self.areas = np.array([mask(e.areas, AREA_BITS) for e in entries], dtype=np.int64)
        self.forms = np.array([FORM_IDS.get(e.form, -1) for e in entries], dtype=np.intp)
        self.amount_min = np.array([money(e.amount_min) for e in entries])
        self.amount_max = np.array([money(e.amount_max) for e in entries])
        self.cost_share = np.array([money(e.cost_share_max) for e in entries])
        self.is_loan = np.array([e.form == MeasureForm.LOAN for e in entries])
        self.rate = np.array([money(e.rate) for e in entries])
        trl = []
        for e in entries:
            bits = 0
            for low, high in e.trl_bands:
                for level in range(low, high + 1):
                    bits |= 1 << level
            trl.append(bits)
        self.trl = np.array(trl, dtype=np.int64)
        closes = [e.measure.closes_on for e in entries]
        self.closes = np.array([FAR if d is None else float(d.toordinal()) for d in closes])

    # ------------------------------------------------------------------ running

    def run(self, prepared: dict, today: datetime.date) -> np.ndarray:
        """The truth of every node for one profile (prepared by ``rules.prepare``)."""
        cutoffs = np.array([float(cutoff(today, p).toordinal()) for p in self.periods] or [0.0])
        atoms = np.full(self.atom_count, U, dtype=np.int8)
        constant_ids, constant_truth = self.constant_atoms
        atoms[constant_ids] = constant_truth
        for group in self.groups:
            value = prepared[group.key]
            if value is None:
                continue  # unanswered: the atoms stay unknown
            atoms[group.ids] = np.where(group.evaluate(value, cutoffs), T, F)
        nodes = np.empty(self.node_count, dtype=np.int8)
        nodes[self.atom_nodes] = atoms[self.atom_of_node]
        for kind, parents, kids, offsets in self.levels:
            if kind == "all":
                nodes[parents] = np.minimum.reduceat(nodes[kids], offsets)
            elif kind == "any":
                nodes[parents] = np.maximum.reduceat(nodes[kids], offsets)
            else:  # not
                nodes[parents] = T - nodes[kids]
        return nodes

    def outcomes(self, nodes: np.ndarray, measure: int) -> tuple:
        """One measure's criteria outcomes (True / False / None), in its criteria's order."""
        return tuple(TRUTH[int(v)] for v in nodes[self.measure_atoms[measure]])

    def failed(self, nodes: np.ndarray) -> np.ndarray:
        """How many criteria each measure fails."""
        unmet = nodes[self.atom_nodes] == F
        return np.bincount(self.node_measure[unmet], minlength=len(self.entries))

    def question_weights(
        self, nodes: np.ndarray, verdicts: np.ndarray, scores: np.ndarray
    ) -> np.ndarray:
        """Per field (FIELDS order): over the unknown measures that leave it unanswered, how
        many, counting twice those it alone keeps undecided and each as much as it fits the
        need (``relevance``); need fields count half (who the business is comes before what it
        needs)."""
        values = nodes[self.atom_nodes]
        fields = self.node_field
        open_ = (values == U) & (fields != NO_FIELD) & (verdicts[self.node_measure] == U)
        # which (measure, field) pairs are open, as a dense matrix: cheaper than deduplicating
        reads = np.zeros((len(self.entries), len(FIELD_IDS)), dtype=bool)
        reads[self.node_measure[open_], fields[open_]] = True
        per_measure = reads.sum(axis=1)
        weights = (1 + (per_measure == 1)) * relevance(scores)
        return (weights @ reads) * QUESTION_FACTOR

    def scores(self, values: dict) -> np.ndarray:
        """The fit score of every measure (as ``evaluation.fit`` gives for one)."""
        from .evaluation import WEIGHTS

        n = len(self.entries)
        total = np.zeros(n)
        weight = np.zeros(n)

        def add(part: str, value, where=None):
            w = WEIGHTS[part] if where is None else np.where(where, WEIGHTS[part], 0)
            nonlocal total, weight
            total = total + w * value
            weight = weight + w

        purposes = mask(values["purposes"], PURPOSE_BITS)
        if purposes:  # a measure that states no purpose is not judged on it
            add("purpose", (self.purposes & purposes) != 0, where=self.purposes != 0)
        if values["forms"]:
            wanted = np.zeros(len(FORM_IDS) + 1, dtype=bool)
            for code in values["forms"]:
                wanted[FORM_IDS[code]] = True
            add("form", wanted[self.forms])
        amount = values["amount_rub"]
        if amount:
            amount = float(amount)
            cap = self.amount_max.copy()
            budget = values["project_budget_rub"]
            if budget:
                share_cap = self.cost_share * float(budget)
                cap = np.where(np.isnan(cap), share_cap, np.fmin(cap, share_cap))
            too_small = amount < self.amount_min  # NaN compares False
            covered = np.where(too_small, 0.2, np.minimum(cap, amount) / amount)
            add("amount", np.nan_to_num(covered), where=too_small | ~np.isnan(cap))
        cost = np.where(np.isnan(self.rate), 0.5, 1.0 - np.minimum(self.rate, 20.0) / 20.0)
        add("cost", np.where(self.is_loan, cost, 0.0), where=self.is_loan)
        trl = values["trl"]
        if trl is not None:
            add("stage", (self.trl >> trl) & 1, where=self.trl != 0)
        areas = mask(values["priority_areas"], AREA_BITS)
        if areas:
            add("area", (self.areas & areas) != 0, where=self.areas != 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(weight > 0, np.rint(100 * total / np.where(weight > 0, weight, 1)), 50)
        return score.astype(np.int64)
