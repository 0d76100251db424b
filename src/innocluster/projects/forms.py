"""Forms of the project pages: they parse the input; the services check the rules and their
errors are shown next to the fields (``portal.forms.add_domain_error``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innocluster.programmes.choices import ApplicationState, KpiCode

from .selectors import PROJECT_STATES


class ProjectFilterForm(forms.Form):
    """The list's filters (the API takes the same ones)."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state"))]
        + [(s.value, ApplicationState(s).label) for s in PROJECT_STATES],
    )
    call = forms.CharField(label=_("Call code"), required=False, max_length=64)
    overdue = forms.BooleanField(label=_("Only with overdue reports"), required=False)
    awaiting = forms.BooleanField(label=_("Only with reports waiting for the Fund"), required=False)


class ReportForm(forms.Form):
    """A milestone report: what was done, the KPI values of the period, the version loaded."""

    summary = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The deliverables achieved and how; required to submit."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in KpiCode.choices:
            self.fields[f"kpi_{code}"] = forms.CharField(
                label=label,
                required=False,
                max_length=40,
                help_text=_("Achieved in this milestone's period; leave empty if none."),
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    def kpi_values(self) -> dict:
        return {code: self.cleaned_data.get(f"kpi_{code}") or "" for code in KpiCode.values}

    @staticmethod
    def field_map() -> dict:
        return {f"kpi_values.{code}": f"kpi_{code}" for code in KpiCode.values}


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentForm(forms.Form):
    reference = forms.CharField(
        label=_("Payment order reference"),
        max_length=100,
        help_text=_("The number and date of the payment order."),
    )


class SupplementaryForm(forms.Form):
    """New due dates and tranche amounts for the milestones to change, and the reason."""

    reason = forms.CharField(
        label=_("Reasons for the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, tranches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tranches = list(tranches)
        for tranche in self.tranches:
            number = tranche.milestone.number
            self.fields[f"due_on_{number}"] = forms.DateField(
                label=_("Milestone %(n)d: new due date") % {"n": number},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                help_text=_("Now %(date)s.") % {"date": tranche.due_on.strftime("%d.%m.%Y")},
            )
            self.fields[f"tranche_{number}"] = forms.CharField(
                label=_("Milestone %(n)d: new tranche, RUB") % {"n": number},
                required=False,
                max_length=40,
                help_text=_("Now %(amount)s.") % {"amount": tranche.amount_rub},
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    def changes(self) -> tuple[dict, dict]:
        """The service's ``changes`` (only milestones with something new) and the map of its
        error fields back to this form's fields."""
        items, field_map = [], {}
        for tranche in self.tranches:
            number = tranche.milestone.number
            due = self.cleaned_data.get(f"due_on_{number}")
            amount = (self.cleaned_data.get(f"tranche_{number}") or "").strip()
            if due is None and not amount:
                continue
            index = len(items)
            items.append(
                {
                    "id": str(tranche.milestone_id),
                    "due_on": due.isoformat() if due else None,
                    "tranche_rub": amount or None,
                }
            )
            field_map[f"changes.milestones[{index}].due_on"] = f"due_on_{number}"
            field_map[f"changes.milestones[{index}].tranche_rub"] = f"tranche_{number}"
        return {"milestones": items}, field_map
