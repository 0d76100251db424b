"""Input of the Fund's back office: the queue's filter, decisions, bulk decisions, member search
and membership status changes. Parsing only; the decisions themselves are registry.services'.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from innocluster.core.errors import DomainError, ValidationFailed

from .choices import ApplicationStatus, LegalForm, MembershipStatus, OrganisationKind, SmeCategory
from .filters import RegistryFilter
from .models import MembershipApplication, PriorityArea, Region
from .search import search_words
from .workflows import MEMBERSHIP_TRANSITIONS

DEFAULT_QUEUE_STATUS = ApplicationStatus.PENDING_REVIEW
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _any(label) -> list[tuple[str, str]]:
    return [("", label)]


def region_choices() -> list[tuple[str, str]]:
    return [(r.code, f"{r.name} ({r.code})") for r in Region.objects.all()]


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: each FieldError at its field (or at the top when
    the form has no such field), any other refusal at the top."""
    if isinstance(error, ValidationFailed) and error.errors:
        for item in error.errors:
            form.add_error(item.field if item.field in form.fields else None, str(item.message))
    else:
        form.add_error(None, str(error.message))


class ApplicationFilterForm(forms.Form):
    """The applications queue's filter. The same parameters travel with a bulk decision, so the
    decision is rebuilt from exactly the filter the operator saw."""

    q = forms.CharField(
        label=_("Organisation name, INN or OGRN"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Application status"),
        choices=_any(_("Any status")) + ApplicationStatus.choices,
        required=False,
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=_any(_("Any kind")) + OrganisationKind.choices,
        required=False,
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"),
        choices=_any(_("Any legal form")) + LegalForm.choices,
        required=False,
    )
    submitted_from = forms.DateField(label=_("Submitted from"), required=False, widget=DATE_INPUT)
    submitted_to = forms.DateField(label=_("Submitted until"), required=False, widget=DATE_INPUT)

    PARAMS = ("q", "status", "region", "kind", "legal_form", "submitted_from", "submitted_to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _any(_("Any region")) + region_choices()

    @classmethod
    def from_query(cls, params) -> ApplicationFilterForm:
        """The filter of a request's parameters; without a ``status`` parameter the queue shows
        the applications waiting for review (an empty ``status`` means any status)."""
        data = {name: params.get(name, "") for name in cls.PARAMS}
        if "status" not in params:
            data["status"] = DEFAULT_QUEUE_STATUS
        return cls(data)

    def clean(self):
        data = super().clean()
        start, end = data.get("submitted_from"), data.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("The end of the period is before its start."))
        return data

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (``status`` always, so "any status" survives)."""
        params = {}
        for name in self.PARAMS:
            value = self.cleaned_data.get(name)
            if name == "status" or value:
                params[name] = value.isoformat() if hasattr(value, "isoformat") else value or ""
        return params

    def applications(self, user) -> QuerySet:
        """The applications matching the filter, oldest first (the queue is first come, first
        served), with what a queue row shows fetched in the same query."""
        data = self.cleaned_data
        queryset = MembershipApplication.objects.visible_to(user)
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        for name, lookup in (
            ("region", "organisation__region_id"),
            ("kind", "organisation__kind"),
            ("legal_form", "organisation__legal_form"),
        ):
            if data[name]:
                queryset = queryset.filter(**{lookup: data[name]})
        if data["submitted_from"]:
            queryset = queryset.filter(created_at__date__gte=data["submitted_from"])
        if data["submitted_to"]:
            queryset = queryset.filter(created_at__date__lte=data["submitted_to"])
        if data["q"]:
            queryset = queryset.filter(_organisation_search(data["q"]))
        return queryset.select_related(
            "organisation", "organisation__region", "applicant"
        ).order_by("created_at", "id")


def _organisation_search(query: str) -> Q:
    """Exact INN/OGRN, or every word in the organisation's search document.

    The registry's full-text filter (search.filter_by_words) works on the organisation table
    itself and cannot run inside a join; the queue is small, so a substring match over the same
    lower-cased search document answers the same question.
    """
    digits = query.replace(" ", "")
    if digits.isdigit() and len(digits) in (10, 12, 13, 15):
        return Q(organisation__inn=digits) | Q(organisation__ogrn=digits)
    condition = Q()
    for word in search_words(query):
        condition &= Q(organisation__search_document__contains=word)
    return condition


class DecisionForm(forms.Form):
    """An operator's decision on one application; the submit button chooses it."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to reject; the applicant sees it."),
    )


class BulkDecisionForm(forms.Form):
    """A decision on every waiting application of the current filter, confirmed in two steps."""

    decision = forms.ChoiceField(
        label=_("Decision for all waiting applications of this filter"),
        choices=[("approve", _("Approve all")), ("reject", _("Reject all"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject; every applicant sees it."),
    )
    # Set by the confirmation step: how many applications the operator agreed to decide.
    expected = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        # The service refuses this too; asking before the confirmation step spares a round trip.
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the rejection."))
        return data


class MemberSearchForm(forms.Form):
    """The back office's member search: the registry's filters over every status."""

    q = forms.CharField(
        label=_("Name, INN, OGRN or words of the description"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Membership status"),
        choices=_any(_("Any status")) + MembershipStatus.choices,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=_any(_("Any kind")) + OrganisationKind.choices,
        required=False,
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    area = forms.ChoiceField(label=_("Priority area"), required=False)
    okved_section = forms.ChoiceField(
        label=_("OKVED 2 section"),
        choices=_any(_("Any section")) + [(c, c) for c in "ABCDEFGHIJKLMNOPQRSTU"],
        required=False,
    )
    sme_category = forms.ChoiceField(
        label=_("SME category"),
        choices=_any(_("Any category")) + SmeCategory.choices,
        required=False,
    )
    order = forms.ChoiceField(
        label=_("Order"),
        choices=[
            ("name", _("Name, A to Z")),
            ("-name", _("Name, Z to A")),
            ("-member_since", _("Newest members first")),
            ("member_since", _("Oldest members first")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _any(_("Any region")) + region_choices()
        self.fields["area"].choices = _any(_("Any area")) + [
            (a.code, a.name) for a in PriorityArea.objects.all()
        ]

    def registry_filter(self) -> RegistryFilter | None:
        """The registry's own filter (staff: every status), or None with the errors on the form."""
        if not self.is_valid():
            return None
        try:
            return RegistryFilter.from_params(self.cleaned_data, staff=True)
        except ValidationFailed as error:
            add_domain_errors(self, error)
            return None


# An operator's status actions: the action's code, the status it leads to, its label.
STATUS_ACTIONS = {
    "suspend": (MembershipStatus.SUSPENDED, _("Suspend")),
    "reinstate": (MembershipStatus.MEMBER, _("Reinstate (member or partner by region)")),
    "withdraw": (MembershipStatus.WITHDRAWN, _("Withdraw from the cluster")),
}


# What an operator may do from each status (each target is allowed by workflows.py).
ACTIONS_BY_STATUS = {
    MembershipStatus.APPLICANT: ("withdraw",),
    MembershipStatus.MEMBER: ("suspend", "withdraw"),
    MembershipStatus.PARTNER: ("suspend", "withdraw"),
    MembershipStatus.SUSPENDED: ("reinstate", "withdraw"),
    MembershipStatus.WITHDRAWN: ("reinstate",),
}


def status_actions_for(status: str) -> list[tuple[str, str]]:
    """The status actions offered for an organisation in ``status``."""
    allowed = MEMBERSHIP_TRANSITIONS.get(status, set())
    return [
        (code, STATUS_ACTIONS[code][1])
        for code in ACTIONS_BY_STATUS.get(status, ())
        if code == "reinstate" or STATUS_ACTIONS[code][0] in allowed
    ]


class StatusChangeForm(forms.Form):
    """Suspend, reinstate or withdraw an organisation, with the reason."""

    action = forms.ChoiceField(label=_("Change the membership"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the organisation's history."),
    )

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = status_actions_for(current_status)

    @property
    def to_status(self) -> str:
        return STATUS_ACTIONS[self.cleaned_data["action"]][0]
