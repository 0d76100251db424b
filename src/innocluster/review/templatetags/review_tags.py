"""The review pages' template helpers."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def rub(value) -> str:
    """Roubles as the rest of the portal writes them (``3 000 000 руб.``, ``3,000,000 RUB``);
    "—" for none."""
    from innocluster.programmes.selectors import money

    return money(value)
