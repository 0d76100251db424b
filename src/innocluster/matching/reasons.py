"""The engine's explanation codes in words, for the pages and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _


def supporting_reason(code: str) -> str:
    return {
        "okved": _("Works in the same OKVED class"),
        "region": _("Is in the same region"),
        "collaborated": _("Has worked with you before"),
        "active": _("Active on the platform within the last year"),
    }.get(code, code)


def against_reason(code: str, *, trl_value: int | None, trl_min: int | None) -> str:
    if code == "trl_below":
        return _("TRL %(value)s is below the required %(minimum)s") % {
            "value": trl_value,
            "minimum": trl_min,
        }
    return {
        "no_shared_area": _("No priority area in common"),
        "inactive": _("No activity on the platform for over two years"),
        "weak_text": _("Shares few words with the request"),
    }.get(code, code)


def trl_verdict(verdict: str, *, trl_value: int | None, trl_min: int | None) -> str:
    """One sentence on readiness, or "" when the request sets no minimum and the item no TRL."""
    if verdict == "meets":
        return _("TRL %(value)s meets the required %(minimum)s") % {
            "value": trl_value,
            "minimum": trl_min,
        }
    if verdict == "below":
        return _("TRL %(value)s is below the required %(minimum)s") % {
            "value": trl_value,
            "minimum": trl_min,
        }
    if verdict == "unknown":
        return _("TRL not stated")
    if trl_value:
        return _("TRL %(value)s") % {"value": trl_value}
    return ""
