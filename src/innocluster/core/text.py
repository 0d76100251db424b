"""Checks of free text from outside."""

import re
from typing import Annotated

from pydantic import AfterValidator

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(value: str) -> bool:
    """NUL and other control characters: PostgreSQL refuses NUL in text, and none belong in a name."""
    return bool(CONTROL_CHARACTERS.search(value))


def no_control_characters(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("must not contain control characters")
    return value


# A string from outside that may hold no control characters (use in API schemas).
CleanStr = Annotated[str, AfterValidator(no_control_characters)]


def in_language(obj, stem: str) -> str:
    """``obj.<stem>_en`` when the active language is English and it is filled in, else
    ``obj.<stem>_ru``: the models' bilingual names, titles and descriptions."""
    from django.utils.translation import get_language

    if (get_language() or "ru").startswith("en"):
        value = getattr(obj, f"{stem}_en", "")
        if value:
            return value
    return getattr(obj, f"{stem}_ru")
