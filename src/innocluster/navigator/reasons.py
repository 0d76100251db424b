"""Saying why, in the user's language: one reason per criterion (the criterion, the value it
needs, the value given, the outcome), and the parts of the fit score."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .fields import FIELDS, Field
from .rules import Criterion

OUTCOMES = {True: "met", False: "not_met", None: "unknown"}


def _number(value) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def show_money(value) -> str:
    """An amount of roubles in the active language ("1 200 000 руб.", "1,200,000 RUB")."""
    return _("%(amount)s RUB") % {"amount": _number(value)}


def show(spec: Field, value) -> str:
    """A value as the user reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, frozenset | tuple | list | set):
        order = [code for code, _label in spec.choices]  # micro, small, medium: not A-Z
        ranked = sorted(value, key=lambda v: (order.index(v) if v in order else len(order), v))
        return ", ".join(show(spec, v) for v in ranked)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if spec.kind == "region":
        return region_name(value)
    if spec.kind == "money":
        return show_money(value)
    if spec.kind == "share":
        return f"{_number(Decimal(value) * 100)}%"
    if spec.choices:
        return spec.choice_label(value)
    return str(value)


@functools.cache
def _region_names() -> dict[str, tuple[str, str]]:
    from innocluster.registry.reference import regions

    return {row["code"]: (row["name_ru"], row["name_en"]) for row in regions()}


def region_name(code: str) -> str:
    """A region by its name in the active language ("RU-MOW" → "Москва"); the code if unknown."""
    names = _region_names().get(code)
    if names is None:
        return code
    return names[1] if translation.get_language() == "en" else names[0]


def _period(period: tuple[str, int]) -> str:
    unit, count = period
    if unit == "years":
        return ngettext("%(n)d year", "%(n)d years", count) % {"n": count}
    if unit == "months":
        return ngettext("%(n)d month", "%(n)d months", count) % {"n": count}
    return ngettext("%(n)d day", "%(n)d days", count) % {"n": count}


def requirement(criterion: Criterion, lang: str) -> str:
    """What the criterion needs, in words ("at most 100", "one of: Moscow")."""
    op, spec, value = criterion.op, criterion.spec, criterion.value
    if op in ("confirm", "unknown"):
        return criterion.label[lang]
    shown = "" if op.startswith("age_") or op == "between" else show(spec, value)
    if op == "between":
        low, high = value
        if low is None:
            return _("at most %(value)s") % {"value": show(spec, high)}
        if high is None:
            return _("at least %(value)s") % {"value": show(spec, low)}
        return _("from %(low)s to %(high)s") % {"low": show(spec, low), "high": show(spec, high)}
    templates = {
        "eq": "%(value)s",
        "ne": _("not %(value)s"),
        "lt": _("less than %(value)s"),
        "le": _("at most %(value)s"),
        "gt": _("more than %(value)s"),
        "ge": _("at least %(value)s"),
        "in": _("one of: %(value)s"),
        "not_in": _("none of: %(value)s"),
        "any_of": _("at least one of: %(value)s"),
        "all_of": _("all of: %(value)s"),
        "none_of": _("none of: %(value)s"),
        "okved": _("a code in: %(value)s"),
        "age_at_most": _("no more than %(period)s ago"),
        "age_less_than": _("less than %(period)s ago"),
        "age_at_least": _("at least %(period)s ago"),
        "age_more_than": _("more than %(period)s ago"),
    }
    text = templates[op]
    if op.startswith("age_"):
        return text % {"period": _period(value)}
    return text % {"value": shown}


def reasons(result, values: dict, lang: str) -> list[dict]:
    """One reason per criterion of ``result``'s measure, in ``lang``; ``values`` are the
    answers (``Answers.values``)."""
    out = []
    with translation.override(lang):
        for criterion, outcome in zip(result.entry.compiled.criteria, result.outcomes, strict=True):
            spec = criterion.spec
            if criterion.op == "confirm":
                kind = "confirm"
            elif criterion.op == "unknown":
                kind = "not_stated"
            else:
                kind = OUTCOMES[outcome]
            if criterion.label:
                title = criterion.label[lang]
            elif spec is not None:
                title = str(spec.label)
                title = title[:1].upper() + title[1:]
            else:
                title = _("Criterion")
            given = values.get(criterion.field) if criterion.field else None
            out.append(
                {
                    "criterion": title,
                    "field": criterion.field,
                    "required": requirement(criterion, lang),
                    "given": None if given is None else show(spec, given),
                    "outcome": kind,
                    "group": criterion.group,
                }
            )
    return out


FIT_LABELS = {
    "purpose": lambda: _("purpose"),
    "form": lambda: _("form of support"),
    "amount": lambda: _("share of the amount it can cover"),
    "cost": lambda: _("cost of money"),
    "stage": lambda: _("stage"),
    "area": lambda: _("priority area"),
}


def fit_parts(result, lang: str) -> list[dict]:
    """The parts of the fit score, each 0-100, in ``lang``."""
    with translation.override(lang):
        return [
            {"part": key, "label": str(FIT_LABELS[key]()), "value": round(value * 100)}
            for key, value in result.fit.items()
        ]


def field_label(name: str, lang: str) -> str:
    with translation.override(lang):
        return str(FIELDS[name].label)


def field_question(name: str, lang: str) -> str:
    with translation.override(lang):
        spec = FIELDS[name]
        return str(spec.question or spec.label)
