"""Application forms as data: check a form version's fields, and an application's answers.

A form version's ``fields`` is a list of::

    {"name": "summary", "type": "textarea", "label": {"ru": "...", "en": "..."},
     "required": true, "max_length": 2000, "help": {"ru": "...", "en": "..."},
     "choices": [{"code": "a", "label": {"ru": "...", "en": "..."}}],   # choice, choices
     "min": 0, "max": 100}                                               # number, money

Answers are a JSON object ``{field name: value}``:

- ``text``, ``textarea``: a string (at most ``max_length`` characters; 1,000 and 20,000 by
  default), no NUL characters;
- ``number``: a finite number (or a string holding one), within ``min`` and ``max``;
- ``money``: roubles, not negative, at most two decimal places (a number or a string; never
  rounded);
- ``date``: ``YYYY-MM-DD``;
- ``choice``: one code of the field's choices; ``choices``: a list of distinct codes;
- ``boolean``: ``true`` or ``false``.

A required field must have an answer: not absent, ``null``, an empty (blank) string or an empty
list. A required boolean must be ``true`` (a consent to tick).
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed

FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "money",
    "date",
    "choice",
    "choices",
    "boolean",
)
CHOICE_TYPES = ("choice", "choices")
TEXT_TYPES = ("text", "textarea")
NUMBER_TYPES = ("number", "money")
DEFAULT_MAX_LENGTH = {"text": 1000, "textarea": 20000}
MAX_LENGTH_LIMIT = 100_000
MAX_FIELDS = 200
MAX_CHOICES = 500
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ALLOWED_KEYS = {"name", "type", "label", "required", "max_length", "help", "choices", "min", "max"}
MONEY_LIMIT = Decimal("1e16")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bilingual_errors(value, path: str, *, optional_en: bool = False) -> list[FieldError]:
    """A ``{"ru", "en"}`` label: both non-empty strings (``en`` may be empty if optional)."""
    if not isinstance(value, dict):
        return [FieldError(path, _("must be an object with ru and en"), "type")]
    errors = []
    for key in value:
        if key not in ("ru", "en"):
            errors.append(FieldError(f"{path}.{key}", _("is not a known key"), "unknown_field"))
    for lang in ("ru", "en"):
        text = value.get(lang)
        if not isinstance(text, str) or (not text.strip() and not (optional_en and lang == "en")):
            errors.append(FieldError(f"{path}.{lang}", _("must be a non-empty text"), "required"))
        elif len(text) > 1000:
            errors.append(FieldError(f"{path}.{lang}", _("is too long"), "max_length"))
        elif "\x00" in text:
            errors.append(FieldError(f"{path}.{lang}", _("contains a NUL character"), "invalid"))
    return errors


def _number(value) -> Decimal | None:
    """``value`` as a finite Decimal, or None when it is not a number (booleans are not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = repr(value)
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if (
            not text
            or len(text) > 40
            or not re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d{1,3})?", text)
        ):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _field_errors(index: int, spec, seen: set[str]) -> list[FieldError]:
    path = f"fields[{index}]"
    if not isinstance(spec, dict):
        return [FieldError(path, _("must be an object"), "type")]
    errors: list[FieldError] = []
    for key in spec:
        if key not in ALLOWED_KEYS:
            errors.append(FieldError(f"{path}.{key}", _("is not a known key"), "unknown_field"))
    name = spec.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        errors.append(
            FieldError(
                f"{path}.name",
                _("must be a name of Latin lower-case letters, digits and _ (at most 64)"),
                "invalid",
            )
        )
    elif name in seen:
        errors.append(FieldError(f"{path}.name", _("is used by another field"), "duplicate"))
    else:
        seen.add(name)
    kind = spec.get("type")
    if kind not in FIELD_TYPES:
        errors.append(
            FieldError(
                f"{path}.type",
                _("must be one of: %(types)s") % {"types": ", ".join(FIELD_TYPES)},
                "invalid_choice",
            )
        )
        kind = None
    errors += _bilingual_errors(spec.get("label"), f"{path}.label")
    if "help" in spec:
        errors += _bilingual_errors(spec["help"], f"{path}.help", optional_en=True)
    if "required" in spec and not isinstance(spec["required"], bool):
        errors.append(FieldError(f"{path}.required", _("must be true or false"), "type"))
    if "max_length" in spec:
        value = spec["max_length"]
        if kind not in TEXT_TYPES:
            errors.append(
                FieldError(f"{path}.max_length", _("applies to text fields only"), "invalid")
            )
        elif not _is_int(value) or not 1 <= value <= MAX_LENGTH_LIMIT:
            errors.append(
                FieldError(
                    f"{path}.max_length",
                    _("must be a whole number from 1 to %(max)s") % {"max": MAX_LENGTH_LIMIT},
                    "invalid",
                )
            )
    bounds = {}
    for key in ("min", "max"):
        if key in spec:
            if kind not in NUMBER_TYPES:
                errors.append(
                    FieldError(f"{path}.{key}", _("applies to number fields only"), "invalid")
                )
            elif (number := _number(spec[key])) is None or isinstance(spec[key], str):
                errors.append(FieldError(f"{path}.{key}", _("must be a number"), "type"))
            else:
                bounds[key] = number
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        errors.append(FieldError(f"{path}.max", _("must not be below min"), "invalid"))
    if kind in CHOICE_TYPES:
        errors += _choices_errors(spec.get("choices"), f"{path}.choices")
    elif "choices" in spec and kind is not None:
        errors.append(FieldError(f"{path}.choices", _("applies to choice fields only"), "invalid"))
    return errors


def _choices_errors(choices, path: str) -> list[FieldError]:
    if not isinstance(choices, list) or not choices:
        return [FieldError(path, _("must be a non-empty list of choices"), "required")]
    if len(choices) > MAX_CHOICES:
        return [FieldError(path, _("has too many choices"), "invalid")]
    errors: list[FieldError] = []
    codes: set[str] = set()
    for index, choice in enumerate(choices):
        here = f"{path}[{index}]"
        if not isinstance(choice, dict):
            errors.append(FieldError(here, _("must be an object with code and label"), "type"))
            continue
        for key in choice:
            if key not in ("code", "label"):
                errors.append(FieldError(f"{here}.{key}", _("is not a known key"), "unknown_field"))
        code = choice.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            errors.append(
                FieldError(
                    f"{here}.code",
                    _("must be a code of Latin letters, digits, _ . - (at most 64)"),
                    "invalid",
                )
            )
        elif code in codes:
            errors.append(FieldError(f"{here}.code", _("is used by another choice"), "duplicate"))
        else:
            codes.add(code)
        errors += _bilingual_errors(choice.get("label"), f"{here}.label")
    return errors


def check_form_fields(fields) -> None:
    """Check a form version's field definitions.

    Args:
        fields: the list of field definitions (see the module's docstring).

    Raises:
        ValidationFailed: naming each offending place, e.g. ``fields[2].type``.
    """
    if not isinstance(fields, list):
        raise ValidationFailed([FieldError("fields", _("must be a list of fields"), "type")])
    if not fields:
        raise ValidationFailed(
            [FieldError("fields", _("must hold at least one field"), "required")]
        )
    if len(fields) > MAX_FIELDS:
        raise ValidationFailed(
            [FieldError("fields", _("holds more than %(max)s fields") % {"max": MAX_FIELDS})]
        )
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, spec in enumerate(fields):
        errors += _field_errors(index, spec, seen)
    if errors:
        raise ValidationFailed(errors, message=_("The form's fields are invalid."))


def _is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return False


def _answer_error(spec: dict, value, path: str) -> FieldError | None:
    kind = spec["type"]
    if kind in TEXT_TYPES:
        if not isinstance(value, str):
            return FieldError(path, _("must be a text"), "type")
        limit = spec.get("max_length") or DEFAULT_MAX_LENGTH[kind]
        if len(value) > limit:
            return FieldError(
                path, _("must be at most %(max)s characters") % {"max": limit}, "max_length"
            )
        if "\x00" in value:
            return FieldError(path, _("contains a NUL character"), "invalid")
        return None
    if kind in NUMBER_TYPES:
        number = _number(value)
        if number is None:
            return FieldError(path, _("must be a number"), "type")
        if kind == "money":
            if number < 0:
                return FieldError(path, _("must not be negative"), "min_value")
            if number >= MONEY_LIMIT:
                return FieldError(path, _("is too large"), "max_value")
            if number != number.quantize(Decimal("0.01")):
                return FieldError(path, _("must have at most two decimal places"), "invalid")
        if "min" in spec and (low := _number(spec["min"])) is not None and number < low:
            return FieldError(path, _("must be at least %(min)s") % {"min": low}, "min_value")
        if "max" in spec and (high := _number(spec["max"])) is not None and number > high:
            return FieldError(path, _("must be at most %(max)s") % {"max": high}, "max_value")
        return None
    if kind == "date":
        if isinstance(value, datetime.datetime):
            return FieldError(path, _("must be a date (YYYY-MM-DD)"), "type")
        if isinstance(value, datetime.date):
            return None
        if not isinstance(value, str) or not DATE_RE.match(value):
            return FieldError(path, _("must be a date (YYYY-MM-DD)"), "type")
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return FieldError(path, _("is not a valid date"), "invalid")
        return None
    codes = {choice["code"] for choice in spec.get("choices") or []}
    if kind == "choice":
        if not isinstance(value, str) or value not in codes:
            return FieldError(path, _("is not one of the choices"), "invalid_choice")
        return None
    if kind == "choices":
        if not isinstance(value, list):
            return FieldError(path, _("must be a list of choices"), "type")
        if any(not isinstance(item, str) or item not in codes for item in value):
            return FieldError(
                path, _("holds a code that is not one of the choices"), "invalid_choice"
            )
        if len(set(value)) != len(value):
            return FieldError(path, _("holds a choice twice"), "duplicate")
        return None
    if kind == "boolean":
        if not isinstance(value, bool):
            return FieldError(path, _("must be true or false"), "type")
        return None
    return FieldError(path, _("has a field type this form does not know"), "invalid")


def check_form_answers(fields, answers, *, prefix: str = "answers") -> list[FieldError]:
    """Check an application's answers against a form version's fields.

    Args:
        fields: the form version's fields (already checked by ``check_form_fields``).
        answers: a dict ``{field name: value}``.
        prefix: what the errors' field paths start with (``answers.summary``); ``""`` for bare
            field names.

    Returns:
        Every problem found (empty when the answers are fine): a required field unanswered, a
        wrong type, a code not among the choices, a text too long, an unknown field. Nothing is
        raised, so a caller can gather these with its own errors.
    """

    def path(name) -> str:
        return f"{prefix}.{name}" if prefix else str(name)

    if not isinstance(answers, dict):
        return [FieldError(prefix or "answers", _("must be an object"), "type")]
    specs = {spec["name"]: spec for spec in fields if isinstance(spec, dict) and "name" in spec}
    errors: list[FieldError] = []
    for name in answers:
        if name not in specs:
            errors.append(FieldError(path(name), _("is not a field of this form"), "unknown_field"))
    for name, spec in specs.items():
        value = answers.get(name)
        if _is_empty(value) or (spec.get("type") == "boolean" and value is False):
            if spec.get("required"):
                errors.append(FieldError(path(name), _("is required"), "required"))
            continue
        error = _answer_error(spec, value, path(name))
        if error is not None:
            errors.append(error)
    return errors
