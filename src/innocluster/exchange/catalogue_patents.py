"""Russian patent numbers, checked and written one way.

Rospatent numbers inventions from 2000001 (1994) on, so an invention's number has 7 digits
beginning with 2; utility models (the "small patent") carry 6 digits today. The kind code says
which document it is: C1, C2, C9 an invention's patent, U1, U2, U9 a utility model's. People
type the number every way ("RU 2712345 C1", "2712345", "RU2712345", "№ 2 712 345"); it is kept
as ``RU 2712345 C1`` (or ``RU 2712345`` without a kind code).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError

INVENTION_KINDS = ("C1", "C2", "C9")
UTILITY_MODEL_KINDS = ("U1", "U2", "U9")
MAX_PATENTS = 50
# Cyrillic letters that look like the Latin ones of a kind code or the country.
LOOKALIKES = str.maketrans({"С": "C", "с": "C", "У": "U", "у": "U", "Р": "R", "р": "R"})
SEPARATORS = re.compile(r"[\s\u00a0\u2009\u202f.\-]+")
SHAPE = re.compile(r"^(?P<country>[A-Z]{2})?(?P<number>\d+)(?P<kind>[A-Z]\d?)?$")


def rule() -> str:
    return _(
        "must be a Russian patent number: 7 digits beginning with 2 for an invention "
        "(RU 2712345 C1) or 6 digits for a utility model (RU 212345 U1)"
    )


def normalise_patent_number(value) -> tuple[str, str]:
    """One patent number as typed.

    Returns: (the number written ``RU 2712345 C1``, "") or ("", why it is not one)."""
    if not isinstance(value, str):
        return "", _("must be a text")
    text = value.strip().translate(LOOKALIKES).upper()
    text = text.removeprefix("№").removeprefix("N°").strip()
    compact = SEPARATORS.sub("", text)
    match = SHAPE.match(compact)
    if not compact or match is None:
        return "", rule()
    country, number, kind = match["country"], match["number"], match["kind"] or ""
    if country and country != "RU":
        return "", _("only Russian patents (RU) are listed here")
    if kind and kind not in INVENTION_KINDS + UTILITY_MODEL_KINDS:
        return "", _(
            "has an unknown kind code %(kind)s: C1, C2 or C9 for an invention, "
            "U1, U2 or U9 for a utility model"
        ) % {"kind": kind}
    invention = len(number) == 7 and number.startswith("2")
    utility_model = len(number) == 6
    if kind in INVENTION_KINDS and not invention:
        return "", _(
            "is an invention's patent (%(kind)s): its number has 7 digits beginning with 2"
        ) % {"kind": kind}
    if kind in UTILITY_MODEL_KINDS and not utility_model:
        return "", _("is a utility model's patent (%(kind)s): its number has 6 digits") % {
            "kind": kind
        }
    if not (invention or utility_model):
        return "", rule()
    return " ".join(part for part in ("RU", number, kind) if part), ""


def split_numbers(value) -> list | None:
    """A list as given, or a text of numbers one a line (or separated by commas or
    semicolons); None when it is neither."""
    if isinstance(value, str):
        return [part for part in re.split(r"[\n;,]+", value) if part.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    return None


def check_patent_numbers(value, field: str = "patent_numbers") -> tuple[list[str], list]:
    """Every number of a list (or a text of numbers), written one way.

    Returns: (the numbers, each once, in the order given; the ``FieldError``s, each naming
    ``patent_numbers[i]`` and the rule)."""
    items = split_numbers(value)
    if items is None:
        return [], [FieldError(field, _("must be a list of patent numbers"), "type")]
    if len(items) > MAX_PATENTS:
        return [], [
            FieldError(field, _("at most %(n)d patent numbers") % {"n": MAX_PATENTS}, "too_long")
        ]
    numbers: list[str] = []
    seen: set[str] = set()
    errors = []
    for index, item in enumerate(items):
        normal, problem = normalise_patent_number(item)
        here = f"{field}[{index}]"
        if problem:
            shown = item.strip()[:40] if isinstance(item, str) else ""
            message = f"“{shown}” {problem}" if shown else problem
            errors.append(FieldError(here, message, "invalid_patent_number"))
            continue
        key = normal.split()[1]
        if key in seen:
            errors.append(
                FieldError(
                    here,
                    _("%(number)s is listed twice") % {"number": normal},
                    "duplicate",
                )
            )
            continue
        seen.add(key)
        numbers.append(normal)
    return numbers, errors
