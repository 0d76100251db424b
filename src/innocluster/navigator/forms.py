"""Forms of the navigator's pages: the answers (one form serves the step-by-step questionnaire,
the single form and the results page, all over GET so answers live in the address), the filters
of the results and of the catalogue, and the operators' rule editor.

The answers form checks nothing itself: ``fields.check_answers`` is the one judge, and each of
its ``FieldError``s (``profile.trl: must be at most 9``) is put on the field it names. Choice
fields therefore accept any value here, so a wrong code gets the contract's message, not
Django's generic one.
"""

from __future__ import annotations

import json

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from innocluster.core.errors import FieldError, ValidationFailed

from .choices import MeasureForm, MeasureStatus, Purpose
from .fields import FIELDS, PROFILE_NAMES, Answers, Field, check_answers

YES, NO, UNKNOWN = "yes", "no", "unknown"
BOOL_CHOICES = ((YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Don't know")))
# Text inputs for lists: codes separated by commas (kept as one value in the address).
TEXT_LIST_KINDS = ("okveds",)


def is_text_list(spec: Field) -> bool:
    return spec.kind in TEXT_LIST_KINDS or (spec.kind == "codes" and not spec.choices)


class LaxChoiceField(forms.ChoiceField):
    """A choice the contract checks (``check_answers`` names the allowed codes)."""

    def valid_value(self, value) -> bool:
        return True


class LaxMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value) -> bool:
        return True


def _hint(spec: Field):
    if spec.kind == "money":
        return _("In roubles, digits only, for example 5000000.")
    if spec.kind == "share":
        return _("A number from 0 to 1, for example 0.3 for 30%.")
    if spec.kind == "okved":
        return _("For example 62.01.")
    if spec.kind == "okveds":
        return _("Codes separated by commas, for example 62.02, 72.19.")
    if spec.kind == "codes" and not spec.choices:
        return _("Codes of the measures, separated by commas.")
    if spec.kind == "date":
        return _("As YYYY-MM-DD.")
    return ""


def region_choices():
    from innocluster.registry.models import Region

    return [("", _("— not stated —"))] + [
        (region.code, f"{region.name} ({region.code})") for region in Region.objects.all()
    ]


def answer_field(spec: Field, *, single: bool = False) -> forms.Field:
    """The form field that asks ``spec``: radios for a few choices (a select in the single
    form), checkboxes for lists of choices, a number, a date, yes / no / don't know."""
    label = capfirst(spec.question or spec.label)
    common = {"required": False, "label": label, "help_text": _hint(spec)}
    kind = spec.kind
    if kind == "bool":
        return LaxChoiceField(choices=BOOL_CHOICES, widget=forms.RadioSelect, **common)
    if kind == "choice":
        if single:
            choices = (("", _("— not stated —")), *spec.choices)
            return LaxChoiceField(choices=choices, widget=forms.Select, **common)
        return LaxChoiceField(choices=spec.choices, widget=forms.RadioSelect, **common)
    if kind in ("choices", "codes") and spec.choices:
        return LaxMultipleChoiceField(
            choices=spec.choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "int":
        attrs = {"inputmode": "numeric"}
        if spec.minimum is not None:
            attrs["min"] = spec.minimum
        if spec.maximum is not None:
            attrs["max"] = spec.maximum
        return forms.CharField(widget=forms.NumberInput(attrs=attrs), **common)
    if kind in ("money", "share"):
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **common,
        )
    if kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "region":
        return forms.CharField(widget=forms.Select(choices=()), **common)
    if kind == "okved":
        return forms.CharField(
            widget=forms.TextInput(attrs={"list": "okved-codes", "autocomplete": "off"}),
            **common,
        )
    return forms.CharField(widget=forms.TextInput(attrs={"autocomplete": "off"}), **common)


def raw_value(spec: Field, value):
    """A form's cleaned value as ``check_answers`` takes it; None for no answer."""
    if spec.kind == "bool":
        if value in ("", None, UNKNOWN):
            return None
        return {YES: True, NO: False}.get(value, value)
    if isinstance(value, list):
        return [v for v in value if v] or None
    if isinstance(value, str):
        value = value.strip()
    return value or None


def query_pairs(answers: Answers, *, skipped=(), exclude=()) -> list[tuple[str, str]]:
    """The answers as address parameters (what the hidden inputs and the links carry)."""
    pairs: list[tuple[str, str]] = []
    given = answers.given()
    for name, spec in FIELDS.items():
        if name in exclude or name not in given:
            continue
        value = given[name]
        if spec.kind == "bool":
            pairs.append((name, YES if value else NO))
        elif isinstance(value, list):
            if is_text_list(spec):
                pairs.append((name, ", ".join(value)))
            else:
                pairs.extend((name, str(v)) for v in value)
        else:
            pairs.append((name, str(value)))
    pairs.extend(("skip", name) for name in FIELDS if name in skipped and name not in exclude)
    return pairs


class AnswersForm(forms.Form):
    """The profile and the need, every field optional; ``skip`` names the questions the user
    chose not to answer (the questionnaire does not ask them again).

    After ``is_valid()``: ``answers`` holds every valid answer (also when other fields are
    wrong: the page still lists what was given), ``skipped`` the skipped names, ``error_fields``
    the contract names that were refused."""

    def __init__(self, data=None, *, single: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        for name, spec in FIELDS.items():
            self.fields[name] = answer_field(spec, single=single)
            if spec.kind == "region":
                self.fields[name].widget.choices = region_choices()
        self.fields["skip"] = forms.MultipleChoiceField(
            required=False, choices=[(n, n) for n in FIELDS], widget=forms.MultipleHiddenInput
        )
        self.fields["step"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.answers = check_answers({}, {})
        self.skipped: set[str] = set()
        self.error_fields: list[str] = []

    def _raw(self, exclude=()) -> tuple[dict, dict]:
        profile, need = {}, {}
        for name, spec in FIELDS.items():
            if name in self.skipped or name in exclude:
                continue
            value = raw_value(spec, self.cleaned_data.get(name))
            if value is not None:
                (profile if name in PROFILE_NAMES else need)[name] = value
        return profile, need

    def clean(self):
        cleaned = super().clean()
        data = self.data
        skipped = set(cleaned.get("skip") or ())
        # "Don't know", or "next" on an empty question, is a skip too: it is not asked again.
        for name, spec in FIELDS.items():
            if spec.kind == "bool" and data.get(name) == UNKNOWN:
                skipped.add(name)
        step = cleaned.get("step")
        if step in FIELDS and raw_value(FIELDS[step], cleaned.get(step)) is None:
            skipped.add(step)
        self.skipped = skipped
        profile, need = self._raw()
        try:
            self.answers = check_answers(profile, need, lenient=True)
        except ValidationFailed as failure:
            bad = []
            for error in failure.errors:
                name = error.field.split(".", 1)[-1]
                if name in self.fields:
                    self.add_error(name, error.message)
                    bad.append(name)
                else:
                    self.add_error(None, f"{error.field}: {error.message}")
            self.error_fields = [n for n in FIELDS if n in bad]
            try:
                self.answers = check_answers(*self._raw(exclude=bad), lenient=True)
            except ValidationFailed:
                self.answers = check_answers({}, {})
        return cleaned

    def pairs(self, *, exclude=()) -> list[tuple[str, str]]:
        return query_pairs(self.answers, skipped=self.skipped, exclude=exclude)


def has_answers(querydict) -> bool:
    return any(key in FIELDS or key in ("skip", "started") for key in querydict)


# --- filters -----------------------------------------------------------------------------------


def _blank(label):
    return [("", label)]


class ResultFilterForm(forms.Form):
    """Filters of the results page (prefixed ``f_``: ``forms`` and ``purposes`` are answers)."""

    f_form = forms.ChoiceField(
        label=_("Form of support"), required=False, choices=_blank(_("Any form"))
    )
    f_provider = forms.ChoiceField(
        label=_("Provider"), required=False, choices=_blank(_("Any provider"))
    )
    f_purpose = forms.ChoiceField(
        label=_("Purpose"), required=False, choices=_blank(_("Any purpose"))
    )

    def __init__(self, data=None, *, providers=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["f_form"].choices = _blank(_("Any form")) + list(MeasureForm.choices)
        self.fields["f_purpose"].choices = _blank(_("Any purpose")) + list(Purpose.choices)
        self.fields["f_provider"].choices = _blank(_("Any provider")) + [
            (p.code, p.name) for p in providers
        ]


class MeasureFilterForm(forms.Form):
    """Filters of the catalogue list: words in the name, form, provider, purpose, status."""

    q = forms.CharField(label=_("Words in the name or code"), required=False, max_length=200)
    form = forms.ChoiceField(label=_("Form of support"), required=False)
    provider = forms.ChoiceField(label=_("Provider"), required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, data=None, *, providers=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["form"].choices = _blank(_("Any form")) + list(MeasureForm.choices)
        self.fields["purpose"].choices = _blank(_("Any purpose")) + list(Purpose.choices)
        self.fields["status"].choices = _blank(_("Any status")) + list(MeasureStatus.choices)
        self.fields["provider"].choices = _blank(_("Any provider")) + [
            (p.code, p.name) for p in providers
        ]

    def clean_q(self):
        value = self.cleaned_data["q"]
        if any(ord(ch) < 32 for ch in value):
            raise forms.ValidationError(_("must not contain control characters"))
        return value.strip()


# --- organisations -----------------------------------------------------------------------------


class OrganisationChoiceForm(forms.Form):
    """Which of the user's organisations (subscriptions, alerts, the registry profile)."""

    organisation = forms.ChoiceField(label=_("Organisation"))

    def __init__(self, data=None, *, organisations=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]
        self.organisations = {str(o.pk): o for o in organisations}

    @property
    def chosen(self):
        return self.organisations.get(self.cleaned_data.get("organisation"))


class AlertReadForm(forms.Form):
    organisation = forms.UUIDField(widget=forms.HiddenInput)
    alert = forms.UUIDField(required=False, widget=forms.HiddenInput)


# --- operators ---------------------------------------------------------------------------------


def parse_json(text: str, path: str, *, empty=None):
    """JSON from a textarea, or ValidationFailed naming ``path`` and the line and column."""
    text = (text or "").strip()
    if not text:
        return empty
    try:
        return json.loads(text)
    except RecursionError:  # nested deeper than the decoder goes; no rule is that deep
        raise ValidationFailed(
            [FieldError(path, str(_("is nested too deeply")), "invalid_json")]
        ) from None
    except json.JSONDecodeError as problem:
        raise ValidationFailed(
            [
                FieldError(
                    path,
                    str(
                        _("is not valid JSON: %(msg)s at line %(line)d, column %(col)d")
                        % {"msg": problem.msg, "line": problem.lineno, "col": problem.colno}
                    ),
                    "invalid_json",
                )
            ]
        ) from None


class RuleEditForm(forms.Form):
    """The operators' editor: the rule as JSON, an optional custom profile to test it with, and
    the comment of a publication."""

    rules = forms.CharField(
        label=_("Eligibility rule (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "code"}),
        help_text=_(
            'The rule language is described in docs/navigator.md. "null" means no criteria.'
        ),
    )
    custom = forms.CharField(
        label=_("Your own test profile (JSON, optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "class": "code"}),
        help_text=_('A profile, or {"profile": {...}, "need": {...}}.'),
    )
    comment = forms.CharField(
        label=_("Comment (what changed and why)"), required=False, max_length=500
    )

    def parsed_rules(self):
        """The rule, or ValidationFailed (``rules``: not JSON)."""
        return parse_json(self.cleaned_data.get("rules", ""), "rules")

    def parsed_custom(self) -> tuple[dict, dict] | None:
        data = parse_json(self.cleaned_data.get("custom", ""), "custom")
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ValidationFailed([FieldError("custom", str(_("must be an object")))])
        if set(data) <= {"profile", "need"} and data:
            return data.get("profile") or {}, data.get("need") or {}
        return data, {}
