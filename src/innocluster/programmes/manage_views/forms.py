"""The back office's forms: the list's filter (rendering; ``ApplicationFilter`` checks the
values), a workflow move on one application and a bulk action on a filtered list."""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from ..bulk import action_choices
from ..choices import ApplicationState, InnovationType
from ..filters import ORDERINGS
from ..models import Call
from ..selectors import AREA_LABELS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ORDER_LABELS = {
    "-submitted": _("Newest submissions first"),
    "submitted": _("Oldest submissions first"),
    "number": _("By number"),
    "-number": _("By number, descending"),
    "title": _("By title"),
    "-created": _("Newest drafts first"),
    "-score": _("Best score first"),
}


CALL_CHOICES_SECONDS = 600


def calls_version() -> str:
    """Changes whenever a call is added, changed or removed (one small query)."""
    found = Call.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return f"{found['n']}:{found['last'].timestamp() if found['last'] else 0}"


def call_choices(version: str | None = None) -> list[tuple[str, str]]:
    """The calls of the filter's select, kept until a call changes (or ten minutes)."""
    version = version or calls_version()
    key = f"programmes:manage:call-choices:{version}"
    choices = cache.get(key)
    if choices is None:
        choices = [
            (code, f"{title} ({code})")
            for code, title in Call.objects.order_by("-opens_at", "code").values_list(
                "code", "title_ru"
            )
        ]
        cache.set(key, choices, CALL_CHOICES_SECONDS)
    return choices


class ApplicationFilterForm(forms.Form):
    """The list's filter as a GET form; every field travels in the URL."""

    q = forms.CharField(
        label=_("Title words or number"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    call = forms.ChoiceField(label=_("Call"), required=False)
    state = forms.MultipleChoiceField(
        label=_("State"),
        choices=ApplicationState.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    area = forms.ChoiceField(label=_("Priority area"), required=False)
    innovation_type = forms.ChoiceField(
        label=_("Innovation type"),
        choices=[("", _("Any type")), *InnovationType.choices],
        required=False,
    )
    lead = forms.CharField(label=_("Lead applicant: INN or name"), max_length=200, required=False)
    partner = forms.CharField(label=_("Partner's INN"), max_length=12, required=False)
    submitted_from = forms.DateField(label=_("Submitted from"), required=False, widget=DATE_INPUT)
    submitted_to = forms.DateField(label=_("Submitted until"), required=False, widget=DATE_INPUT)
    disagreement = forms.ChoiceField(
        label=_("Reviewers disagree"),
        choices=[("", _("Either")), ("yes", _("Yes: flagged")), ("no", _("No"))],
        required=False,
    )
    order = forms.ChoiceField(
        label=_("Sort"), choices=[(k, ORDER_LABELS[k]) for k in ORDERINGS], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls_version = calls_version()
        self.fields["call"].choices = [("", _("Every call"))] + call_choices(self.calls_version)
        self.fields["area"].choices = [("", _("Any area"))] + [
            (code, label) for code, label in AREA_LABELS.items()
        ]

    @classmethod
    def from_query(cls, params) -> ApplicationFilterForm:
        """Bound to the request's parameters; states may come repeated or comma-separated."""
        data = params.copy() if hasattr(params, "copy") else dict(params)
        if hasattr(data, "setlist"):
            states = [s for item in params.getlist("state") for s in item.split(",") if s]
            data.setlist("state", states)
        return cls(data)


class MoveForm(forms.Form):
    """One workflow move on one application; the reason where the move needs one."""

    action = forms.CharField(max_length=64)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BulkForm(forms.Form):
    """A bulk action on every application of the filter; ``expected`` and ``confirm`` make the
    second, confirmed step (the count must not have changed since the operator saw it)."""

    action = forms.ChoiceField(label=_("Action"))
    reason = forms.CharField(
        label=_("Reason (for rejections, revisions and the waitlist)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            *action_choices(),
            ("export_csv", _("Export to CSV")),
            ("export_xlsx", _("Export to XLSX")),
        ]
