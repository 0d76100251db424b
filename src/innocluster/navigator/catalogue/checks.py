"""Checking one record of a feed: unknown and required keys, the code's pattern, every choice
code, money not negative, shares from 0 to 1, dates, and the rule, compiled with the measure's
own requirements. ``check_measure`` and ``check_institution`` return the record's normalised
values, or its errors as (field, message); they write nothing."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from innocluster.core.errors import ValidationFailed

from .. import services
from ..choices import InstitutionLevel, MeasureStatus
from ..fields import MAX_MONEY, MEASURE_CODE_PATTERN, parse_date
from ..models import Institution, Measure
from .reading import BadJson, Record
from .schema import (
    CHOICE_FIELDS,
    DATE_FIELDS,
    INSTITUTION_FIELDS,
    LIST_CHOICES,
    MEASURE_FIELDS,
    MONEY_FIELDS,
    PAST_DATES,
    RATE_FIELDS,
    REQUIRED,
    SHARE_FIELDS,
    TEXT_FIELDS,
)

MAX_RULE_NODES = 2000  # a rule is a few dozen nodes; this stops a rule bomb before parsing
INSTITUTION_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _as_decimal(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(_("must be a number"))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("must be a number")) from None
    if not number.is_finite():
        raise ValueError(_("must be a number"))
    return number


def _places(number: Decimal, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise ValueError(_("may have at most %(n)d decimal places") % {"n": places})
    return number.quantize(quantum)


def _check_money(value) -> Decimal:
    number = _as_decimal(value)
    if number < 0:
        raise ValueError(_("must not be negative"))
    if number > MAX_MONEY:
        raise ValueError(_("is implausibly large"))
    return _places(number, 2)


def _check_share(value) -> Decimal:
    number = _as_decimal(value)
    if not 0 <= number <= 1:
        raise ValueError(_("must be a share from 0 to 1"))
    return _places(number, 4)


def _check_rate(value) -> Decimal:
    number = _as_decimal(value)
    if not 0 <= number <= 100:
        raise ValueError(_("must be a percentage from 0 to 100"))
    return _places(number, 3)


def _check_date(value, name: str, today: datetime.date) -> datetime.date:
    day = parse_date(value)
    if name in PAST_DATES and day > today:
        raise ValueError(_("must not be in the future"))
    if day.year < 1900:
        raise ValueError(_("is implausibly early"))
    return day


def _check_term(value) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("must be a whole number of months"))
    if not 1 <= value <= 1200:
        raise ValueError(_("must be from 1 to 1200 months"))
    return value


def _check_list(value, allowed: tuple) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(_("must be a list of codes"))
    bad = [v for v in value if v not in allowed]
    if bad:
        raise ValueError(
            _("has unknown codes: %(codes)s (allowed: %(allowed)s)")
            % {"codes": ", ".join(bad), "allowed": ", ".join(allowed)}
        )
    return list(dict.fromkeys(value))


def _rule_json(value, counter: list):
    """The rule as plain JSON (YAML dates and JSON decimals made JSON-ready); ValueError if it
    holds anything a rule cannot, or is implausibly large."""
    counter[0] += 1
    if counter[0] > MAX_RULE_NODES:
        raise ValueError(_("is too large (more than %(n)d parts)") % {"n": MAX_RULE_NODES})
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError(_("has a key that is not text"))
        return {k: _rule_json(v, counter) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rule_json(v, counter) for v in value]
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10**15:
            return int(value)
        return float(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise ValueError(_("holds a value that is not JSON"))


def _check_text(value, limit: int | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("must be text"))
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise ValueError(_("must be at most %(n)d characters") % {"n": limit})
    return value


def _check_value(name: str, value, today: datetime.date):
    """The normalised value of one key, or ValueError naming the rule it broke."""
    if name == "code":
        if not isinstance(value, str) or not MEASURE_CODE_PATTERN.match(value):
            raise ValueError(
                _("must be lower-case letters, digits and hyphens, starting with a letter or digit")
            )
        return value
    if name == "provider":
        if not isinstance(value, str) or not value:
            raise ValueError(_("must be an institution's code"))
        return value
    if name in TEXT_FIELDS:
        return _check_text(value, TEXT_FIELDS[name])
    if name in CHOICE_FIELDS:
        if value not in CHOICE_FIELDS[name]:
            raise ValueError(
                _("must be one of: %(choices)s") % {"choices": ", ".join(CHOICE_FIELDS[name])}
            )
        return value
    if name in LIST_CHOICES:
        return [] if value is None else _check_list(value, LIST_CHOICES[name])
    if value is None:
        return None
    if name in MONEY_FIELDS:
        return _check_money(value)
    if name in SHARE_FIELDS:
        return _check_share(value)
    if name in RATE_FIELDS:
        return _check_rate(value)
    if name == "term_months":
        return _check_term(value)
    if name in DATE_FIELDS:
        return _check_date(value, name, today)
    raise AssertionError(name)


def check_measure(record: Record, existing: Measure | None, providers: set, today):
    """The record's checked values, and its errors as (field, message)."""
    raw = record.values
    if not isinstance(raw, dict):
        return None, [("", _("must be an object with a measure's keys"))]
    errors: list[tuple[str, str]] = []
    for key in raw:
        if key is None:
            errors.append(("", _("the row has more cells than the header has columns")))
        elif key not in MEASURE_FIELDS:
            errors.append((str(key), _("is not a known field")))
    for key in REQUIRED:
        # A new measure needs them all; an update may leave them out, never clear them.
        if (key in raw or existing is None or key == "code") and raw.get(key) in (None, ""):
            errors.append((key, _("is required")))
    clean: dict = {}
    for key in MEASURE_FIELDS:
        if key not in raw or key == "rules" or (key in REQUIRED and raw[key] in (None, "")):
            continue
        try:
            clean[key] = _check_value(key, raw[key], today)
        except ValueError as problem:
            errors.append((key, str(problem.args[0])))
    if clean.get("name_ru") == "" and not any(k == "name_ru" for k, _m in errors):
        errors.append(("name_ru", _("is required")))  # blank after trimming
    if "provider" in clean and clean["provider"] not in providers:
        errors.append(("provider", _("is not a known institution code")))
    if "rules" in raw:
        value = raw["rules"]
        if isinstance(value, BadJson):
            errors.append(
                ("rules", _("is not valid JSON: %(problem)s") % {"problem": value.problem})
            )
        else:
            try:
                clean["rules"] = _rule_json(value, [0]) or None
            except ValueError as problem:
                errors.append(("rules", str(problem.args[0])))
    if errors:
        return None, errors
    # The terms together, as they will be after the import (a partial record keeps the rest).
    merged = (
        {k: getattr(existing, k) for k in MEASURE_FIELDS if k != "provider"} if existing else {}
    )
    merged.update({k: v for k, v in clean.items() if k != "provider"})
    pairs = (
        ("amount_min_rub", "amount_max_rub"),
        ("rate_percent_min", "rate_percent_max"),
        ("opens_on", "closes_on"),
    )
    for low, high in pairs:
        if None not in (merged.get(low), merged.get(high)) and merged[low] > merged[high]:
            errors.append((low, _("must not be above %(other)s") % {"other": high}))
    if merged.get("status") == MeasureStatus.UPCOMING and not merged.get("opens_on"):
        errors.append(("opens_on", _("is required for an upcoming measure")))
    probe = Measure(
        **{
            k: v
            for k, v in merged.items()
            if k in ("min_project_budget_rub", "cofinancing_min_share")
        }
    )
    try:
        services.check_rules(probe, merged.get("rules"))
    except ValidationFailed as failed:
        errors += [(e.field, str(e.message)) for e in failed.errors]
    except RecursionError:
        errors.append(("rules", _("is nested too deeply")))
    return (None, errors) if errors else (clean, [])


def check_institution(record: Record, existing: Institution | None):
    raw = record.values
    if not isinstance(raw, dict):
        return None, [("", _("must be an object with an institution's keys"))]
    errors: list[tuple[str, str]] = []
    for key in raw:
        if key not in INSTITUTION_FIELDS:
            errors.append((str(key), _("is not a known field")))
    clean: dict = {}
    code = raw.get("code")
    if not isinstance(code, str) or not INSTITUTION_CODE.match(code):
        errors.append(("code", _("must be lower-case letters, digits, hyphens and underscores")))
    else:
        clean["code"] = code
    for key in ("name_ru", "name_en"):
        if key in raw:
            try:
                clean[key] = _check_text(raw[key], 300)
            except ValueError as problem:
                errors.append((key, str(problem.args[0])))
    if clean.get("name_ru", "" if existing is None else None) == "":
        errors.append(("name_ru", _("is required")))
    if "level" in raw:
        if raw["level"] not in InstitutionLevel.values:
            errors.append(
                (
                    "level",
                    _("must be one of: %(choices)s")
                    % {"choices": ", ".join(InstitutionLevel.values)},
                )
            )
        else:
            clean["level"] = raw["level"]
    if "website" in raw:
        try:
            website = _check_text(raw["website"], 200)
            if website:
                URLValidator(schemes=["http", "https"])(website)
            clean["website"] = website
        except ValueError as problem:
            errors.append(("website", str(problem.args[0])))
        except ValidationError:
            errors.append(("website", _("must be an http(s) address")))
    return (None, errors) if errors else (clean, [])
