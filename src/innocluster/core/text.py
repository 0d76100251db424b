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
