"""The eligibility rule language: eligibility rules are data stored with each measure, checked
here, and compiled to Python for speed. docs/navigator.md is the reference; in short:

    rule      := {"all": [rule, ...]} | {"any": [rule, ...]} | {"not": rule} | criterion
    criterion := {"field": NAME, OP: VALUE, "label"?: {"ru": ..., "en": ...}}
               | {"confirm": {"ru": ..., "en": ...}}    the applicant confirms it when applying
               | {"unknown": {"ru": ..., "en": ...}}    a criterion the sources do not state

    OP: eq ne | lt le gt ge | between [low, high] (either may be null) | in not_in [values]
        | any_of all_of none_of [codes] (list fields) | okved [codes or sections] (OKVED fields)
        | age_at_most age_less_than age_at_least age_more_than {"years"|"months"|"days": n}
          (date fields: how long ago)

The logic is three-valued (Kleene): a criterion on an unanswered field is unknown; ``all`` is
false if any part is false, else unknown if any part is unknown; ``any`` is true if any part is
true, else unknown if any is; ``not`` keeps unknown unknown. A missing answer alone therefore
never makes a measure eligible or ineligible. ``confirm`` counts as met (it is shown as a
condition to confirm); ``unknown`` is always unknown and no answer decides it.

Why compile by hand: a generic JSON Logic interpreter walks the rule tree per evaluation and is
two-valued; the navigator evaluates every measure per request, and 10,000 measures must take
under 10 ms, so each rule becomes one generated Python function (names are checked against the
field contract and every value is a bound constant, never source text).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed

from .fields import FIELDS, Field, _check

COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge", "between")
SET_OPS = ("in", "not_in")
LIST_OPS = ("any_of", "all_of", "none_of")
AGE_OPS = ("age_at_most", "age_less_than", "age_at_least", "age_more_than")
FIELD_OPS = (*COMPARISONS, *SET_OPS, *LIST_OPS, "okved", *AGE_OPS)
TEXT_OPS = ("confirm", "unknown")
GROUPS = ("all", "any", "not")
PERIOD_UNITS = ("years", "months", "days")

# Which operators each kind of field takes.
OPS_BY_KIND = {
    "bool": ("eq", "ne"),
    "choice": ("eq", "ne", "in", "not_in"),
    "region": ("eq", "ne", "in", "not_in"),
    "okved": ("eq", "ne", "okved"),
    "okveds": ("okved",),
    "int": COMPARISONS,
    "money": COMPARISONS,
    "share": COMPARISONS,
    "date": (*COMPARISONS, *AGE_OPS),
    "choices": LIST_OPS,
    "codes": LIST_OPS,
}
MAX_DEPTH = 8
MAX_CRITERIA = 64
FAR_FUTURE = datetime.date(9999, 12, 31)


@dataclass(frozen=True)
class Criterion:
    """One leaf of a rule, as checked: ``op`` on ``field`` with ``value`` (normalised)."""

    op: str
    field: str | None
    value: object
    label: dict | None = None  # {"ru": ..., "en": ...}: overrides the generated wording
    group: str | None = None  # "any" or "not" when it sits under one (for the wording)

    @property
    def spec(self) -> Field | None:
        return FIELDS.get(self.field) if self.field else None


def _error(path: str, message: str) -> FieldError:
    return FieldError(path, message, "invalid_rule")


def _text(value, path: str, errors: list) -> dict | None:
    if not isinstance(value, dict) or not value.get("ru") or not value.get("en"):
        errors.append(_error(path, _('must be an object with non-empty "ru" and "en" texts')))
        return None
    if set(value) - {"ru", "en"} or not all(isinstance(v, str) for v in value.values()):
        errors.append(_error(path, _('may hold only "ru" and "en" texts')))
        return None
    return {"ru": value["ru"].strip(), "en": value["en"].strip()}


def _value(spec: Field, value, path: str, errors: list):
    try:
        return _check(spec, value, FAR_FUTURE, lenient=True)
    except ValueError as problem:
        errors.append(_error(path, str(problem.args[0])))
        return None


def _period(value, path: str, errors: list) -> tuple[str, int] | None:
    if (
        not isinstance(value, dict)
        or len(value) != 1
        or next(iter(value)) not in PERIOD_UNITS
        or isinstance(next(iter(value.values())), bool)
        or not isinstance(next(iter(value.values())), int)
        or not 0 <= next(iter(value.values())) <= 200 * 366
    ):
        errors.append(_error(path, _('must be a period such as {"years": 2} or {"months": 12}')))
        return None
    return next(iter(value.items()))


def _criterion(node: dict, path: str, errors: list, group: str | None) -> Criterion | None:
    ops = [key for key in node if key in FIELD_OPS or key in TEXT_OPS]
    extra = set(node) - {"field", "label", *ops}
    if extra:
        errors.append(_error(f"{path}.{sorted(extra)[0]}", _("is not a known key of a criterion")))
        return None
    if len(ops) != 1:
        errors.append(
            _error(
                path,
                _("must have exactly one operator (%(ops)s)")
                % {"ops": ", ".join((*FIELD_OPS, *TEXT_OPS))},
            )
        )
        return None
    op = ops[0]
    label = _text(node["label"], f"{path}.label", errors) if "label" in node else None
    if op in TEXT_OPS:
        if "field" in node:
            errors.append(
                _error(f"{path}.field", _("a %(op)s criterion has no field") % {"op": op})
            )
            return None
        text = _text(node[op], f"{path}.{op}", errors)
        return None if text is None else Criterion(op, None, None, text, group)
    name = node.get("field")
    spec = FIELDS.get(name) if isinstance(name, str) else None
    if spec is None:
        errors.append(
            _error(
                f"{path}.field",
                _("must name a profile or need field, not %(name)r") % {"name": name},
            )
        )
        return None
    if op not in OPS_BY_KIND[spec.kind]:
        errors.append(
            _error(
                f"{path}.{op}",
                _("cannot be used on %(field)s (it takes: %(ops)s)")
                % {"field": name, "ops": ", ".join(OPS_BY_KIND[spec.kind])},
            )
        )
        return None
    raw, where = node[op], f"{path}.{op}"
    before = len(errors)
    if op in AGE_OPS:
        value = _period(raw, where, errors)
    elif op == "between":
        if not isinstance(raw, list) or len(raw) != 2 or raw == [None, None]:
            errors.append(_error(where, _("must be [low, high]; one of them may be null")))
            return None
        value = tuple(None if v is None else _value(spec, v, where, errors) for v in raw)
        if None not in value and value[0] > value[1]:
            errors.append(_error(where, _("low must not be above high")))
    elif op in (*SET_OPS, *LIST_OPS, "okved"):
        if not isinstance(raw, list) or not raw:
            errors.append(_error(where, _("must be a non-empty list")))
            return None
        if op == "okved":
            value = frozenset(_value(FIELDS["okved"], raw, where, errors) or ())
        elif op in LIST_OPS:
            value = frozenset(_value(spec, raw, where, errors) or ())
        else:
            value = frozenset(_value(spec, v, where, errors) for v in raw)
    else:
        value = _value(spec, raw, where, errors)
    if len(errors) != before:
        return None
    return Criterion(op, name, value, label, group)


# A checked rule: a Criterion, or ("all" | "any", [children]), or ("not", [child]).
Tree = Criterion | tuple


def parse_tree(rule, path: str = "rules") -> tuple[Tree, list[Criterion]]:
    """Check a rule; returns it as a tree and its criteria in order, or raises
    ``ValidationFailed`` naming each offending place (``rules.all[2].field``) and what is wrong
    there."""
    errors: list[FieldError] = []
    tree = _walk(rule, path, errors, 0, None)
    criteria = leaves(tree) if tree is not None else []
    if not errors and len(criteria) > MAX_CRITERIA:
        errors.append(_error(path, _("has more than %(n)d criteria") % {"n": MAX_CRITERIA}))
    if errors:
        raise ValidationFailed(errors, message=_("The eligibility rule is invalid."))
    return tree, criteria


def parse(rule, path: str = "rules") -> list[Criterion]:
    """The criteria of a checked rule, in order (see ``parse_tree``)."""
    return parse_tree(rule, path)[1]


def leaves(tree: Tree) -> list[Criterion]:
    if isinstance(tree, Criterion):
        return [tree]
    return [leaf for child in tree[1] for leaf in leaves(child)]


def _walk(node, path: str, errors: list, depth: int, group: str | None) -> Tree | None:
    if depth > MAX_DEPTH:
        errors.append(_error(path, _("is nested too deeply")))
        return None
    if not isinstance(node, dict) or not node:
        errors.append(_error(path, _("must be an object: a criterion, or all/any/not")))
        return None
    groups = [key for key in GROUPS if key in node]
    if not groups:
        return _criterion(node, path, errors, group)
    if len(node) != 1:
        errors.append(_error(path, _("a group must hold only its one key (all, any or not)")))
        return None
    key = groups[0]
    if key == "not":
        child = _walk(node["not"], f"{path}.not", errors, depth + 1, "not")
        return None if child is None else ("not", [child])
    parts = node[key]
    if not isinstance(parts, list) or (key == "any" and not parts):
        errors.append(_error(f"{path}.{key}", _("must be a list of rules")))
        return None
    inner = group if key == "all" else "any"
    children = [
        _walk(part, f"{path}.{key}[{i}]", errors, depth + 1, inner) for i, part in enumerate(parts)
    ]
    if any(child is None for child in children):
        return None
    return (key, children)


# ------------------------------------------------------------------------------ compiling


class Compiled:
    """A measure's checked rule: its tree and criteria (in order), and, compiled on first use,
    ``decide(p, cutoffs) -> (verdict, outcomes)``: verdict True / False / None (eligible, not,
    unknown), outcomes one per criterion. The catalogue-wide evaluator (engine.py) reads the
    tree; ``decide`` serves one measure over many profiles (subscriptions) and the rule editor."""

    def __init__(self, tree: Tree, criteria: list[Criterion]):
        self.tree = tree
        self.criteria = criteria
        self.periods = frozenset(c.value for c in criteria if c.op in AGE_OPS)
        self.fields = frozenset(c.field for c in criteria if c.field)

    @functools.cached_property
    def decide(self):
        return _generate(self.tree, self.criteria)


def _all(parts):
    if False in parts:
        return False
    return None if None in parts else True


def _any(parts):
    if True in parts:
        return True
    return None if None in parts else False


def _not(part):
    return None if part is None else not part


# A field's value as the compiled code reads it from the prepared profile: OKVED codes as the
# set of every code that covers them (see fields.okved_prefixes).
def source_key(name: str, op: str) -> str:
    return f"{name}~" if op == "okved" else name


_ATOM = {
    "eq": "{v} == C[{i}]",
    "ne": "{v} != C[{i}]",
    "lt": "{v} < C[{i}]",
    "le": "{v} <= C[{i}]",
    "gt": "{v} > C[{i}]",
    "ge": "{v} >= C[{i}]",
    "in": "{v} in C[{i}]",
    "not_in": "{v} not in C[{i}]",
    "any_of": "not C[{i}].isdisjoint({v})",
    "all_of": "C[{i}].issubset({v})",
    "none_of": "C[{i}].isdisjoint({v})",
    "okved": "not C[{i}].isdisjoint({v})",
    "age_at_most": "{v} >= K[C[{i}]]",
    "age_less_than": "{v} > K[C[{i}]]",
    "age_at_least": "{v} <= K[C[{i}]]",
    "age_more_than": "{v} < K[C[{i}]]",
}


def compile_rule(rule, extra: list[dict] | None = None) -> Compiled:
    """Check ``rule`` (None: no criteria) joined by ``all`` with ``extra`` criteria (the
    measure's own requirements such as a minimum project budget). Raises ValidationFailed."""
    if rule:
        parse(rule)  # errors name places in the rule as written: rules.all[2].field
    tree, criteria = parse_tree({"all": ([rule] if rule else []) + list(extra or [])})
    return Compiled(tree, criteria)


def _generate(tree: Tree, criteria: list[Criterion]):
    """``decide`` as one generated Python function (see the module docstring)."""
    constants: list = []
    lines = ["def decide(p, K):"]
    variables: dict[str, str] = {}
    index = {id(c): i for i, c in enumerate(criteria)}

    def constant(value) -> int:
        constants.append(value)
        return len(constants) - 1

    def atom(criterion: Criterion) -> str:
        name = f"o{index[id(criterion)]}"
        if criterion.op == "confirm":
            lines.append(f"    {name} = True")
            return name
        if criterion.op == "unknown":
            lines.append(f"    {name} = None")
            return name
        key = source_key(criterion.field, criterion.op)
        if key not in variables:
            variables[key] = f"v{len(variables)}"
            lines.append(f"    {variables[key]} = p[{key!r}]")
        v = variables[key]
        if criterion.op == "between":
            low, high = criterion.value
            test = " and ".join(
                t
                for t in (
                    None if low is None else f"C[{constant(low)}] <= {v}",
                    None if high is None else f"{v} <= C[{constant(high)}]",
                )
                if t
            )
        else:
            test = _ATOM[criterion.op].format(v=v, i=constant(criterion.value))
        lines.append(f"    {name} = None if {v} is None else ({test})")
        return name

    def expression(node: Tree) -> str:
        if isinstance(node, Criterion):
            return atom(node)
        key, children = node
        if key == "not":
            return f"_not({expression(children[0])})"
        helper = "_all" if key == "all" else "_any"
        return f"{helper}(({''.join(expression(child) + ', ' for child in children)}))"

    verdict = expression(tree)
    outcomes = "".join(f"o{i}, " for i in range(len(criteria)))
    lines.append(f"    return {verdict}, ({outcomes})")
    namespace = {"C": tuple(constants), "_all": _all, "_any": _any, "_not": _not}
    exec(compile("\n".join(lines), "<eligibility rule>", "exec"), namespace)  # noqa: S102 - see the module docstring
    return namespace["decide"]


def cutoff(today: datetime.date, period: tuple[str, int]) -> datetime.date:
    """``today`` minus ``period`` on the calendar (a month back from 31 March is 28/29 February)."""
    unit, count = period
    if unit == "days":
        return today - datetime.timedelta(days=count)
    months = count * 12 if unit == "years" else count
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    if year < 1:
        return datetime.date.min
    for day in (today.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def prepare(values: dict) -> dict:
    """The profile and need as compiled rules read them (OKVED codes expanded to the codes
    that cover them)."""
    from .fields import okved_prefixes

    prepared = dict(values)
    main = values.get("okved_main")
    prepared["okved_main~"] = None if main is None else frozenset(okved_prefixes(main))
    codes = values.get("okved")
    if codes is None:
        prepared["okved~"] = None
    else:
        prepared["okved~"] = frozenset(p for code in codes for p in okved_prefixes(code))
    return prepared
