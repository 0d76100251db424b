"""Forms of the applicants' pages: they parse what the browser sent into what the services take.

The rules (required sections, money, dates, choices against the call) are the services'; these
forms only turn fields into values, so a refusal always comes from one place and names the same
field as the API does (``budget[2].grant_rub`` is the third row's grant input here). Rows of the
budget and the milestones are plain forms with a prefix per row (``budget-2-grant_rub``), so the
page works without script: "add rows" posts the page back with more empty rows.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CostCategory, InnovationType, KpiCode
from .selectors import AREA_LABELS, lang

EMPTY_CHOICE = [("", "—")]
NUMBER_RE = re.compile(r"^[+-]?\d+$")


class VersionField(forms.CharField):
    """The application's version the editor loaded (optimistic locking); anything that is not
    a number counts as a version nobody has, so the service refuses it as stale."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        return int(text) if text.isdigit() and len(text) < 10 else -1


class StartForm(forms.Form):
    """Starting an application from a call's page: the project's title and, when the user acts
    for several organisations, which one leads."""

    lead = forms.ChoiceField(label=_("Lead applicant"))
    title = forms.CharField(
        label=_("Project title"),
        max_length=300,
        help_text=_("You can change it later."),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(org.pk): org for org in organisations}
        self.fields["lead"].choices = [(key, org.name) for key, org in self.organisations.items()]
        if len(self.organisations) == 1:
            self.fields["lead"].widget = forms.HiddenInput()
            self.fields["lead"].initial = next(iter(self.organisations))

    def lead_organisation(self):
        return self.organisations.get(self.cleaned_data.get("lead") or "")


class DetailsForm(forms.Form):
    """The project's title, summary, priority area and innovation type (among the call's)."""

    version = VersionField()
    title = forms.CharField(label=_("Project title"), required=False, max_length=1000)
    summary = forms.CharField(
        label=_("Summary of the project"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the consortium will do, for whom, and what will be new."),
    )
    priority_area = forms.ChoiceField(label=_("Priority area"), required=False)
    innovation_type = forms.ChoiceField(label=_("Innovation type"), required=False)

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        # Required to submit, and refused empty by the service; the form lets the service say so.
        self.fields["title"].required_mark = True
        types = dict(InnovationType.choices)
        self.fields["priority_area"].choices = EMPTY_CHOICE + [
            (code, str(AREA_LABELS.get(code, code))) for code in call.priority_areas or []
        ]
        self.fields["innovation_type"].choices = EMPTY_CHOICE + [
            (code, str(types.get(code, code))) for code in call.innovation_types or []
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data.get("title", ""),
            "summary": data.get("summary", ""),
            "priority_area": data.get("priority_area", ""),
            "innovation_type": data.get("innovation_type", ""),
        }


def _bilingual(value, fallback: str = "") -> str:
    if isinstance(value, dict):
        return value.get(lang()) or value.get("ru") or fallback
    return fallback


class AnswersForm(forms.Form):
    """The call's application form, built from its form version's fields (forms_schema): each
    field's label and help in the page's language, its required mark and its choices."""

    version = VersionField()

    def __init__(self, *args, specs=(), answers=None, **kwargs):
        answers = answers or {}
        super().__init__(*args, prefix="answers", **kwargs)
        # The version travels outside the prefix, as on every other section.
        self.fields.pop("version")
        self.specs = [s for s in specs if isinstance(s, dict) and s.get("name")]
        for spec in self.specs:
            name = spec["name"]
            field = self._field_for(spec)
            field.label = _bilingual(spec.get("label"), name)
            field.help_text = _bilingual(spec.get("help"))
            field.required = False  # a draft may leave them empty; submission checks them
            field.required_mark = bool(spec.get("required"))
            if answers.get(name) is not None:
                field.initial = answers[name]
            self.fields[name] = field

    @staticmethod
    def _field_for(spec) -> forms.Field:
        kind = spec.get("type")
        choices = [
            (c.get("code"), _bilingual(c.get("label"), c.get("code")))
            for c in spec.get("choices") or []
            if isinstance(c, dict)
        ]
        if kind == "textarea":
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), strip=False)
        if kind in ("number", "money"):
            return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        if kind == "date":
            return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}))
        if kind == "choice":
            return forms.ChoiceField(choices=EMPTY_CHOICE + choices)
        if kind == "choices":
            return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple)
        if kind == "boolean":
            return forms.BooleanField()
        return forms.CharField(strip=False)

    def answers(self) -> dict:
        """The answers as the service takes them: empty ones left out, numbers as numbers."""
        result = {}
        for spec in self.specs:
            name = spec["name"]
            value = self.cleaned_data.get(name)
            kind = spec.get("type")
            if kind == "boolean":
                if value:
                    result[name] = True
                continue
            if value in (None, "", []):
                continue
            if isinstance(value, str) and kind not in ("text", "textarea"):
                value = value.strip()
                if not value:
                    continue
            if kind == "number" and NUMBER_RE.match(value.replace(" ", "")):
                value = int(value.replace(" ", ""))
            elif kind in ("number", "money"):
                value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
            result[name] = value
        return result


class RowForm(forms.Form):
    """One row of a table of inputs: each input is named by its column's header and its row's
    number (aria-labelledby), since a table row has no room for visible labels."""

    table = ""
    first_field = ""

    def __init__(self, *args, index: int, **kwargs):
        super().__init__(*args, prefix=f"{self.table}-{index}", **kwargs)
        self.index = index
        self.number = index + 1
        for name, field in self.fields.items():
            field.widget.attrs["aria-labelledby"] = (
                f"{self.table}-col-{name} {self.table}-row-{index}"
            )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(str(v or "").strip() for v in data.values())


class BudgetRowForm(RowForm):
    """A budget line: a cost category in a year, what the grant pays and the co-financing."""

    table = "budget"
    first_field = "category"
    category = forms.ChoiceField(
        label=_("Cost category"), required=False, choices=EMPTY_CHOICE + CostCategory.choices
    )
    year = forms.CharField(
        label=_("Year"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    grant_rub = forms.CharField(
        label=_("Grant, RUB"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    cofinancing_rub = forms.CharField(
        label=_("Co-financing, RUB"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def line(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data.get("category") or None,
            "year": (data.get("year") or "").strip(),
            "grant_rub": (data.get("grant_rub") or "").strip() or "0",
            "cofinancing_rub": (data.get("cofinancing_rub") or "").strip() or "0",
        }


class MilestoneRowForm(RowForm):
    """A milestone: its title, deliverables, due date and the grant tranche paid for it."""

    table = "milestones"
    first_field = "title"
    title = forms.CharField(label=_("Title"), required=False, max_length=1000)
    deliverables = forms.CharField(
        label=_("Deliverables"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.CharField(
        label=_("Due date"),
        required=False,
        max_length=20,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    tranche_rub = forms.CharField(
        label=_("Grant tranche, RUB"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def milestone(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data.get("title") or "",
            "deliverables": data.get("deliverables") or "",
            "due_on": (data.get("due_on") or "").strip(),
            "tranche_rub": (data.get("tranche_rub") or "").strip() or "0",
        }


class KpiForm(forms.Form):
    """The consortium's KPI targets: one input per indicator the cluster counts; an empty one is
    no commitment."""

    version = VersionField()

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, prefix="kpi", **kwargs)
        self.fields.pop("version")
        targets = targets or {}
        for code, label in KpiCode.choices:
            self.fields[code] = forms.CharField(
                label=label,
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                initial=_plain(targets.get(code)),
            )

    def targets(self) -> tuple[list[dict], list[str]]:
        """The service's list and, for each of its entries, the input it came from."""
        items, names = [], []
        for code, _label in KpiCode.choices:
            value = (self.cleaned_data.get(code) or "").strip()
            if value:
                items.append({"kpi": code, "target": value.replace("\u00a0", "").replace(" ", "")})
                names.append(code)
        return items, names


def _plain(value) -> str:
    """A Decimal as typed (no trailing zeros of kopecks on whole numbers)."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class InviteForm(forms.Form):
    """Inviting a partner by its INN."""

    inn = forms.CharField(
        label=_("Partner's INN"),
        max_length=20,
        required=False,
        help_text=_("10 digits for an organisation, 12 for an entrepreneur."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class DeclineForm(forms.Form):
    """A partner declining to take part, with its reason."""

    reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttachmentForm(forms.Form):
    """A file for one of the call's documents, or as supporting material."""

    version = VersionField()
    required_document = forms.ChoiceField(label=_("Document"), required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_document"].choices = [
            (doc["code"], doc["name"]) for doc in documents
        ] + [("", _("Supporting material"))]
