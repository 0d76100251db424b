"""The review pages' forms: they parse input; the services check the rules and say why."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innocluster.programmes.choices import ApplicationState

from .choices import DeclineReason, Vote


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why you decline"), choices=DeclineReason.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the reason is “Other”."),
    )


class ConflictForm(forms.Form):
    organisation = forms.ChoiceField(
        label=_("The conflict is with"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "An organisation of the consortium: you will never be assigned to any of its "
            "applications."
        ),
    )
    reason = forms.CharField(
        label=_("What the conflict of interest is"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Declaring it withdraws you from this application."),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("This application only"))] + [
            (str(o.pk), o.name) for o in organisations
        ]
        self.fields["organisation"].initial = ""


class AssignForm(forms.Form):
    """An operator assigns an expert by hand (choices filled in by the view)."""

    application = forms.ChoiceField(label=_("Application"))
    expert = forms.ChoiceField(label=_("Expert"))

    def __init__(self, *args, applications=(), experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", "—")] + [
            (str(a.pk), f"{a.number} {a.title}"[:120]) for a in applications
        ]
        self.fields["expert"].choices = [("", "—")] + [
            (str(e.pk), f"{e.user} ({', '.join(e.areas) or '—'})") for e in experts
        ]


class SessionForm(forms.Form):
    """An operator convenes the board on the ranking's agenda (members filled in by the view)."""

    held_on = forms.DateField(
        label=_("Date of the session"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("YYYY-MM-DD"),
    )
    members = forms.MultipleChoiceField(
        label=_("Board members"), widget=forms.CheckboxSelectMultiple
    )
    optimal = forms.BooleanField(
        label=_("Suggest the optimal funding line (instead of rank order)"), required=False
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(u.pk), u.full_name or u.email) for u in members]


OUTCOME_CHOICES = [
    (ApplicationState.APPROVED.value, ApplicationState.APPROVED.label),
    (ApplicationState.REJECTED.value, ApplicationState.REJECTED.label),
    (ApplicationState.WAITLISTED.value, ApplicationState.WAITLISTED.label),
]


class VoteForm(forms.Form):
    vote = forms.ChoiceField(choices=Vote.choices)
