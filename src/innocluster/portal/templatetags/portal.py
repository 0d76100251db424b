"""Template helpers of the portal: accessible form fields and images that respect the
visually-impaired version's "images off" choice."""

from __future__ import annotations

from django import template
from django.forms.widgets import CheckboxSelectMultiple, RadioSelect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.inclusion_tag("portal/includes/field.html")
def form_field(field, hint: str = ""):
    """A labelled control with its help text and errors, tied together by aria-describedby.

    Groups of checkboxes or radios are rendered as a fieldset with a legend.
    """
    described = []
    help_id = f"{field.auto_id}_help"
    error_id = f"{field.auto_id}_error"
    if field.help_text or hint:
        described.append(help_id)
    if field.errors:
        described.append(error_id)
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    widget = field.field.widget
    is_group = isinstance(widget, CheckboxSelectMultiple | RadioSelect)
    is_checkbox = getattr(widget, "input_type", "") == "checkbox" and not is_group
    return {
        "field": field,
        "widget_html": field.as_widget(attrs=attrs),
        "help_id": help_id,
        "error_id": error_id,
        "hint": hint,
        "is_group": is_group,
        "is_checkbox": is_checkbox,
        "described": " ".join(described),
    }


@register.simple_tag(takes_context=True)
def a11y_img(context, src: str, alt: str, css_class: str = ""):
    """An <img>, or its text alternative when the visitor switched images off."""
    prefs = context.get("a11y")
    if prefs is not None and prefs.enabled and not prefs.images:
        return format_html('<span class="img-alt {}">{}</span>', css_class, alt)
    return format_html('<img src="{}" alt="{}" class="{}">', src, alt, css_class)


@register.filter
def check_state(passed) -> str:
    """A membership check's result as a stable state code: pass, fail or review."""
    if passed is True:
        return "pass"
    if passed is False:
        return "fail"
    return "review"


CHECK_LABELS = {
    "identifiers_valid": _("Identifiers are valid"),
    "not_already_member": _("Not already a member"),
    "contact_confirmed": _("Contact e-mail confirmed"),
    "agreement_accepted": _("Accession agreement accepted"),
    "no_other_administrator": _("No other administrator"),
}


@register.filter
def check_label(code: str) -> str:
    """The name of a membership check, in the active language."""
    return str(CHECK_LABELS.get(code, code))
