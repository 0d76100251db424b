"""Formatting of KPI figures: amounts with thin group separators, ratios and shares, a dash
for a figure that cannot be worked out yet (nothing paid, nothing decided)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()
DASH = "—"


@register.filter
def amount(value) -> str:
    if value is None:
        return DASH
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, places, use_l10n=True, force_grouping=True)


@register.filter
def ratio(value) -> str:
    if value is None:
        return DASH
    return number_format(Decimal(value), 2, use_l10n=True)


@register.filter
def percent(value) -> str:
    if value is None:
        return DASH
    return number_format(Decimal(value) * 100, 1, use_l10n=True) + " %"
