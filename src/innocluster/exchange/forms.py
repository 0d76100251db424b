"""Forms of the challenge and solution pages: they parse what a browser sends into the types the
services take; the rules (required to publish, TRL 1..9, the budget's order, files' limits)
are the services', so the page and the API refuse alike."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innocluster.programmes.forms import VersionField

from .choices import (
    ChallengeOutcome,
    ChallengeStatus,
    Language,
    OwnerOffer,
    SolutionStatus,
    Visibility,
)

TRL_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 10)]


def area_choices() -> list[tuple[str, str]]:
    from innocluster.registry.models import PriorityArea

    return [(a.code, a.name) for a in PriorityArea.objects.all()]


class ChallengeForm(forms.Form):
    """A challenge's fields, as its owner writes them (a draft may leave most empty)."""

    version = VersionField()
    owner = forms.ChoiceField(label=_("On behalf of"), required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Everyone who sees the challenge reads it, also under NDA."),
    )
    details = forms.CharField(
        label=_("The problem in detail"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    expected_result = forms.CharField(
        label=_("Expected result"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    requirements = forms.CharField(
        label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    visibility = forms.ChoiceField(
        label=_("Who reads the details"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
    )
    nda_text = forms.CharField(
        label=_("Non-disclosure agreement"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Required under NDA: responders accept this text before they read the details."
        ),
    )
    priority_areas = forms.MultipleChoiceField(
        label=_("Priority areas"), widget=forms.CheckboxSelectMultiple, required=False
    )
    trl_min = forms.TypedChoiceField(
        label=_("Minimum TRL"), choices=TRL_CHOICES, coerce=int, empty_value=None, required=False
    )
    owner_offers = forms.MultipleChoiceField(
        label=_("What you offer"),
        choices=OwnerOffer.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    budget_min_rub = forms.DecimalField(
        label=_("Budget from, RUB"), required=False, max_digits=18, decimal_places=2
    )
    budget_max_rub = forms.DecimalField(
        label=_("Budget up to, RUB"), required=False, max_digits=18, decimal_places=2
    )
    deadline = forms.DateField(
        label=_("Deadline for solutions"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title_translated = forms.CharField(
        label=_("Title in the other language"), max_length=300, required=False
    )
    summary_translated = forms.CharField(
        label=_("Summary in the other language"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_areas"].choices = area_choices()
        if len(organisations) > 1:
            self.fields["owner"].choices = [("", "—")] + [
                (str(o.pk), o.name) for o in organisations
            ]
        else:
            del self.fields["owner"]

    def service_data(self) -> dict:
        from .services import FIELDS

        return {name: self.cleaned_data.get(name) for name in FIELDS}


class ChallengeMoveForm(forms.Form):
    """A challenge's move: the action, and what it needs (a new deadline, an outcome)."""

    action = forms.CharField(widget=forms.HiddenInput, max_length=40)
    deadline = forms.DateField(
        label=_("New deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *ChallengeOutcome.choices], required=False
    )
    note = forms.CharField(
        label=_("Note on the outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class NdaForm(forms.Form):
    """Accepting a challenge's NDA on behalf of an organisation."""

    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    accept = forms.BooleanField(required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            self.fields["organisation"].choices = [("", "—")] + [
                (str(o.pk), o.name) for o in organisations
            ]
        else:
            del self.fields["organisation"]
        names = ", ".join(o.name for o in organisations)
        self.fields["accept"].label = _("I accept the NDA on behalf of %(org)s") % {"org": names}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class SolutionForm(forms.Form):
    """A solution to a challenge."""

    responder = forms.ChoiceField(label=_("On behalf of"), required=False)
    description = forms.CharField(
        label=_("Description of the solution"), widget=forms.Textarea(attrs={"rows": 8})
    )
    trl = forms.TypedChoiceField(
        label=_("TRL of the solution"), choices=TRL_CHOICES, coerce=int, empty_value=None
    )
    references = forms.CharField(
        label=_("References"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Where the solution already works, and who can confirm it."),
    )
    price_indication = forms.CharField(label=_("Price indication"), max_length=300, required=False)
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            self.fields["responder"].choices = [("", "—")] + [
                (str(o.pk), o.name) for o in organisations
            ]
        else:
            del self.fields["responder"]
        from .services import ALLOWED_EXTENSIONS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS

        self.fields["files"].help_text = _(
            "Up to %(n)d files of at most %(mb)d MB each: %(types)s."
        ) % {
            "n": MAX_ATTACHMENTS,
            "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
            "types": ", ".join(ALLOWED_EXTENSIONS),
        }


class MoreFilesForm(forms.Form):
    """More files for a solution the owner has not decided on yet."""

    files = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = SolutionForm().fields["files"].help_text


def read_files(uploads, limit: int) -> list[tuple[str, bytes]]:
    """Uploaded files as (name, bytes), each read up to ``limit + 1`` bytes (enough for the
    service to refuse a file that is too large without reading all of it)."""
    return [(upload.name, upload.read(limit + 1)) for upload in uploads or []]


class SolutionMoveForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, max_length=40)
    feedback = forms.CharField(
        label=_("Feedback to the responder"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when declining."),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ChallengeFilterForm(forms.Form):
    """The challenge list's filters (the same as the export's)."""

    area = forms.ChoiceField(label=_("Priority area"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any"))]
        + [(c.value, c.label) for c in ChallengeStatus if c != ChallengeStatus.DRAFT],
    )
    offer = forms.ChoiceField(
        label=_("The owner offers"), required=False, choices=[("", _("Any")), *OwnerOffer.choices]
    )
    trl = forms.TypedChoiceField(
        label=_("My solution's TRL"),
        choices=TRL_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Any")), *area_choices()]

    def filters(self) -> dict:
        """The valid filters (an invalid value is dropped, not an error page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            key: data.get(key)
            for key in ("area", "status", "offer", "trl")
            if key not in self.errors and data.get(key)
        }


SOLUTION_COLUMNS = list(SolutionStatus)
