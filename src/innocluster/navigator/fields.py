"""The profile and the need: the field names the API, the questionnaire and the rules share (a
contract), what each accepts, and how an answer is checked and normalised for evaluation.

Any field may be missing: a missing answer is ``None`` after normalisation, and the rules treat
it as unknown (three-valued logic), never as "no".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from innocluster.core.errors import FieldError, ValidationFailed
from innocluster.registry.areas import PRIORITY_AREA_CODES
from innocluster.registry.choices import LegalForm, OrganisationKind, SmeCategory
from innocluster.registry.sme import compute_sme_category

from .choices import MeasureForm, Purpose

PRIORITY_AREAS = PRIORITY_AREA_CODES
REGION_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
# An OKVED 2 section letter, or a class, subclass, group or subgroup: "J", "62", "62.01", "62.01.1"
OKVED_PATTERN = re.compile(r"^(?:[A-U]|\d{2}(?:\.\d{1,2}(?:\.\d{1,2})?)?)$")
MEASURE_CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_MONEY = Decimal("1e15")  # a quadrillion roubles: anything above is a typo

# OKVED 2 sections by the two-digit classes they hold (OK 029-2014 follows NACE Rev. 2).
_SECTION_CLASSES = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}


def okved_section(code: str) -> str | None:
    """The section letter of an OKVED 2 code ("62.01" → "J")."""
    if code[:1].isalpha():
        return code
    number = int(code[:2])
    for section, (low, high) in _SECTION_CLASSES.items():
        if low <= number <= high:
            return section
    return None


def okved_prefixes(code: str) -> set[str]:
    """Every code a rule may name to cover ``code``: its section and each shorter code on the
    way ("62.01" → {"J", "62", "62.0", "62.01"}); a rule's ``okved`` set matches if it shares one."""
    found = {code}
    section = okved_section(code)
    if section:
        found.add(section)
    for end in range(2, len(code)):
        if code[end - 1] != ".":
            found.add(code[:end])
    return found


@dataclass(frozen=True)
class Field:
    """One answer the navigator can use."""

    name: str
    kind: str  # choice, choices, bool, int, money, share, date, region, okved, okveds, codes
    label: Promise
    group: str = "profile"  # or "need"
    choices: tuple[tuple[str, Promise], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    question: Promise | None = None  # how the questionnaire asks it, when not the label

    def choice_label(self, value) -> str:
        for code, label in self.choices:
            if code == value:
                return str(label)
        return str(value)


def _choices(enum) -> tuple[tuple[str, Promise], ...]:
    return tuple((str(value), label) for value, label in enum.choices)


_AREA_LABELS = (
    ("ict", _("Information and communication technologies")),
    ("manufacturing", _("Advanced production technologies and robotics")),
    ("materials", _("New materials and nanotechnology")),
    ("medicine", _("Medicine and pharmaceutics")),
    ("biotech", _("Biotechnology")),
    ("environment", _("Environment protection technologies")),
    ("construction", _("Prospective construction technologies")),
    ("energy", _("Electricity and heat supply and usage technologies")),
    ("transport", _("Prospective transport systems")),
    ("fintech", _("Financial technologies")),
)

PROFILE_FIELDS: tuple[Field, ...] = (
    Field(
        "org_form",
        "choice",
        _("legal form"),
        choices=_choices(LegalForm),
        question=_("What is your legal form?"),
    ),
    Field(
        "kind",
        "choice",
        _("kind of organisation"),
        choices=_choices(OrganisationKind),
        question=_("What kind of organisation are you?"),
    ),
    Field(
        "registered_on",
        "date",
        _("registration date"),
        question=_("When was the business registered?"),
    ),
    Field("region", "region", _("region"), question=_("In which region is it registered?")),
    Field(
        "okved_main",
        "okved",
        _("main OKVED 2 code"),
        question=_("What is your main activity code (OKVED 2)?"),
    ),
    Field(
        "okved", "okveds", _("OKVED 2 codes"), question=_("Which other OKVED 2 codes do you have?")
    ),
    Field(
        "employees",
        "int",
        _("employees"),
        minimum=0,
        maximum=10_000_000,
        question=_("How many employees do you have?"),
    ),
    Field(
        "revenue_rub",
        "money",
        _("revenue for the last full year, RUB"),
        question=_("What was your revenue for the last full year, in roubles?"),
    ),
    Field(
        "revenue_3y_rub",
        "money",
        _("revenue over the last three years, RUB"),
        question=_("What was your revenue over the last three years, in roubles?"),
    ),
    Field(
        "sme_category",
        "choice",
        _("SME category"),
        choices=_choices(SmeCategory),
        question=_("Which SME category are you in?"),
    ),
    Field(
        "sme_register",
        "bool",
        _("in the SME register"),
        question=_("Are you in the SME register (the Federal Tax Service's)?"),
    ),
    Field(
        "cluster_member",
        "bool",
        _("member of the cluster"),
        question=_("Are you a member of the innovation cluster?"),
    ),
    Field(
        "intersectoral_cluster_member",
        "bool",
        _("member of an intersectoral cluster"),
        question=_("Are you a member of an intersectoral cluster?"),
    ),
    Field(
        "skolkovo_participant",
        "bool",
        _("Skolkovo participant"),
        question=_("Are you a participant of the Skolkovo project?"),
    ),
    Field(
        "defence_industry",
        "bool",
        _("defence-industry company"),
        question=_("Is your company part of the defence industry?"),
    ),
    Field(
        "productivity_project_participant",
        "bool",
        _("participant of the national labour-productivity project"),
        question=_("Do you take part in the national labour-productivity project?"),
    ),
    Field(
        "holds_russian_patent",
        "bool",
        _("holds a Russian patent"),
        question=_("Do you hold a Russian patent (as its sole holder)?"),
    ),
    Field(
        "priority_areas",
        "codes",
        _("priority areas"),
        choices=_AREA_LABELS,
        question=_("In which priority areas do you work?"),
    ),
    Field(
        "trl",
        "int",
        _("technology readiness level"),
        minimum=1,
        maximum=9,
        question=_("What is the technology readiness level (TRL 1-9) of your project?"),
    ),
    Field(
        "taxes_paid_moscow_rub",
        "money",
        _("taxes paid to the Moscow budget last year, RUB"),
        question=_("How much tax did you pay to the Moscow budget last year, in roubles?"),
    ),
    Field(
        "person_age",
        "int",
        _("age of the applicant"),
        minimum=0,
        maximum=130,
        question=_("How old are you (for support of individuals)?"),
    ),
    Field(
        "prior_support",
        "codes",
        _("support received before"),
        question=_("Which support measures have you received before?"),
    ),
)

NEED_FIELDS: tuple[Field, ...] = (
    Field(
        "purposes",
        "choices",
        _("purposes"),
        group="need",
        choices=_choices(Purpose),
        question=_("What do you need support for?"),
    ),
    Field(
        "forms",
        "choices",
        _("forms of support"),
        group="need",
        choices=_choices(MeasureForm),
        question=_("Which forms of support suit you?"),
    ),
    Field(
        "amount_rub",
        "money",
        _("amount needed, RUB"),
        group="need",
        question=_("How much money do you need, in roubles?"),
    ),
    Field(
        "project_budget_rub",
        "money",
        _("project budget, RUB"),
        group="need",
        question=_("What is the whole budget of the project, in roubles?"),
    ),
    Field(
        "own_funds_share",
        "share",
        _("share of own funds"),
        group="need",
        question=_("What share of the project do you finance yourself (0 to 1)?"),
    ),
)

FIELDS: dict[str, Field] = {f.name: f for f in (*PROFILE_FIELDS, *NEED_FIELDS)}
PROFILE_NAMES = tuple(f.name for f in PROFILE_FIELDS)
NEED_NAMES = tuple(f.name for f in NEED_FIELDS)


def _number(value, lenient: bool) -> Decimal:
    """A JSON number (or, from a form, its text with spaces and a decimal comma) as Decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InvalidOperation
    if isinstance(value, str):
        if not lenient:
            raise InvalidOperation
        value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return Decimal(str(value))


def _money(value, lenient: bool) -> int | Decimal:
    try:
        amount = _number(value, lenient)
    except (InvalidOperation, ValueError):
        raise ValueError(_("must be a number of roubles")) from None
    if not amount.is_finite():
        raise ValueError(_("must be a number of roubles"))
    if amount < 0:
        raise ValueError(_("must not be negative"))
    if amount > MAX_MONEY:
        raise ValueError(_("is implausibly large"))
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(amount) if amount == amount.to_integral_value() else amount


def parse_date(value) -> datetime.date:
    """A date, or its ISO text, as a date; ValueError says the form it must take."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(_("must be a date as YYYY-MM-DD"))


_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


def _check(field: Field, value, today: datetime.date, lenient: bool = False):
    """The normalised value, or ValueError with the rule it broke. JSON input is typed (a
    number is a number); ``lenient`` also takes the text a form or a rule file gives."""
    kind = field.kind
    if kind == "bool":
        if lenient and isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if not isinstance(value, bool):
            raise ValueError(_("must be true or false"))
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            # Decimal digits (what int() reads), not str.isdigit: "--5" and "²" pass isdigit,
            # and int() then fails with its own untranslated message (so do 4,300+ digits).
            text = value.strip() if lenient and isinstance(value, str) else ""
            if not re.fullmatch(r"-?\d{1,4000}", text):
                raise ValueError(_("must be a whole number"))
            value = int(text)
        if field.minimum is not None and value < field.minimum:
            raise ValueError(_("must be at least %(min)d") % {"min": field.minimum})
        if field.maximum is not None and value > field.maximum:
            raise ValueError(_("must be at most %(max)d") % {"max": field.maximum})
        return value
    if kind == "money":
        return _money(value, lenient)
    if kind == "share":
        try:
            share = _number(value, lenient)
        except (InvalidOperation, ValueError):
            raise ValueError(_("must be a number from 0 to 1")) from None
        if not share.is_finite() or not 0 <= share <= 1:
            raise ValueError(_("must be a number from 0 to 1"))
        return share
    if kind == "date":
        day = parse_date(value)
        if day > today:
            raise ValueError(_("must not be in the future"))
        if day.year < 1800:
            raise ValueError(_("is implausibly early"))
        return day
    if kind == "choice":
        if not isinstance(value, str) or value not in dict(field.choices):
            raise ValueError(
                _("must be one of: %(choices)s")
                % {"choices": ", ".join(c for c, _l in field.choices)}
            )
        return value
    if kind == "region":
        if not isinstance(value, str) or not REGION_PATTERN.match(value.strip().upper()):
            raise ValueError(_("must be an ISO 3166-2 code such as RU-MOW"))
        return value.strip().upper()
    if kind == "okved":
        if not isinstance(value, str) or not OKVED_PATTERN.match(value.strip()):
            raise ValueError(_("must be an OKVED 2 code such as 62.01"))
        return value.strip()
    # lists
    if lenient and isinstance(value, str):
        value = [part for part in re.split(r"[,;\s]+", value) if part]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(_("must be a list of codes"))
    items = [v.strip() for v in value if v.strip()]
    if kind == "okveds":
        bad = [v for v in items if not OKVED_PATTERN.match(v)]
        if bad:
            raise ValueError(
                _("has codes that are not OKVED 2: %(codes)s") % {"codes": ", ".join(bad)}
            )
    elif kind == "choices" or field.choices:
        known = dict(field.choices)
        bad = [v for v in items if v not in known]
        if bad:
            raise ValueError(
                _("has unknown codes: %(codes)s (allowed: %(choices)s)")
                % {"codes": ", ".join(bad), "choices": ", ".join(known)}
            )
    else:  # measure codes
        bad = [v for v in items if not MEASURE_CODE_PATTERN.match(v)]
        if bad:
            raise ValueError(_("has malformed codes: %(codes)s") % {"codes": ", ".join(bad)})
    return tuple(dict.fromkeys(items))


@dataclass
class Answers:
    """A checked profile and need: every field's normalised value, ``None`` where unanswered.

    ``derived`` names the fields the navigator worked out itself (the SME category)."""

    values: dict
    derived: tuple[str, ...] = ()

    def given(self) -> dict:
        """The answered fields only, as JSON-ready values (for saving and sharing)."""
        out = {}
        for name, value in self.values.items():
            if value is None or name in self.derived:
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out

    def profile(self) -> dict:
        given = self.given()
        return {k: v for k, v in given.items() if k in PROFILE_NAMES}

    def need(self) -> dict:
        given = self.given()
        return {k: v for k, v in given.items() if k in NEED_NAMES}


def derive_sme_category(employees, revenue) -> str | None:
    """The 209-FZ category when staff and revenue decide it; None when they do not yet.

    Both known: the larger of the two categories. One known: only "large" is certain (the
    other could only make it larger); anything smaller stays unknown."""
    if employees is None and revenue is None:
        return None
    category = compute_sme_category(employees, revenue)
    if employees is not None and revenue is not None:
        return category
    return category if category == SmeCategory.LARGE else None


def check_answers(
    profile: dict | None,
    need: dict | None = None,
    *,
    today: datetime.date | None = None,
    lenient: bool = False,
) -> Answers:
    """Check a profile and a need; raises ``ValidationFailed`` naming every offending field
    (``profile.trl``, ``need.amount_rub``) and the rule it broke. Unknown fields are refused:
    a typo must not silently become "unanswered". ``lenient``: values may be text, as a
    form's query string gives them ("1 200 000", "yes", "62.01, 72.19")."""
    today = today or datetime.date.today()
    errors: list[FieldError] = []
    values: dict = dict.fromkeys(FIELDS)
    for group, given, names in (("profile", profile, PROFILE_NAMES), ("need", need, NEED_NAMES)):
        if given is None:
            continue
        if not isinstance(given, dict):
            errors.append(FieldError(group, str(_("must be an object")), "type"))
            continue
        for name, value in given.items():
            if name not in names:
                errors.append(
                    FieldError(f"{group}.{name}", str(_("is not a known field")), "unknown_field")
                )
                continue
            if value is None or (lenient and value in ("", [])):
                continue  # unanswered (an empty list is an answer: "none")
            try:
                values[name] = _check(FIELDS[name], value, today, lenient)
            except ValueError as problem:
                errors.append(FieldError(f"{group}.{name}", str(problem.args[0])))
    if errors:
        raise ValidationFailed(errors)
    derived: tuple[str, ...] = ()
    if values["sme_category"] is None:
        category = derive_sme_category(values["employees"], values["revenue_rub"])
        if category:
            values["sme_category"] = category
            derived = ("sme_category",)
    return Answers(values, derived)
