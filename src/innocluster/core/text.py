"""Checks of free text from outside."""

import re
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator

from .errors import FieldError

# Control characters, and lone UTF-16 surrogates (JSON can carry "\ud800", but no database or
# UTF-8 page can store or show it).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_control_characters(value: str) -> bool:
    """NUL and other control characters (PostgreSQL refuses NUL in text, and none belong in a
    name), and lone surrogates."""
    return bool(CONTROL_CHARACTERS.search(value))


def no_control_characters(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("must not contain control characters")
    return value


# A string from outside that may hold no control characters (use in API schemas).
CleanStr = Annotated[str, AfterValidator(no_control_characters)]


def clean_text(
    errors: list,
    field: str,
    value,
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = True,
) -> str:
    """A service's free-text input, stripped; each problem is appended to ``errors`` as a
    ``FieldError`` naming ``field`` (``type``, ``required``, ``too_long``, ``invalid``).

    Args: ``value`` as it came (None counts as empty); ``multiline`` False refuses line
    breaks too (titles, names). Returns the stripped text ("" when it is not a text).
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(FieldError(field, _("Must be a text."), "type"))
        return ""
    value = value.strip()
    if required and not value:
        errors.append(FieldError(field, _("This field is required."), "required"))
    elif len(value) > max_length:
        errors.append(
            FieldError(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")
        )
    elif has_control_characters(value) or (not multiline and ("\n" in value or "\r" in value)):
        errors.append(FieldError(field, _("Must not contain control characters."), "invalid"))
    return value


def in_language(obj, stem: str) -> str:
    """``obj.<stem>_en`` when the active language is English and it is filled in, else
    ``obj.<stem>_ru``: the models' bilingual names, titles and descriptions."""
    from django.utils.translation import get_language

    if (get_language() or "ru").startswith("en"):
        value = getattr(obj, f"{stem}_en", "")
        if value:
            return value
    return getattr(obj, f"{stem}_ru")
