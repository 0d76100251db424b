"""Input of the documents pages: the list filters, the signing actions, the create page and the
certificates page. Parsing only; every change is a documents (or pki) service's.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innocluster.core.text import has_control_characters
from innocluster.registry.models import Organisation

from .choices import DocumentStatus, DocumentType, StepRole
from .rendering import TEMPLATES

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_REASON = 2000
MAX_BODY = 20_000
ROUTE_ROWS = 4


def _any(label) -> list[tuple[str, str]]:
    return [("", label)]


def _plain(value: str) -> str:
    if value and has_control_characters(value):
        raise ValidationError(_("Must not contain control characters."), code="invalid")
    return value


class DocumentFilterForm(forms.Form):
    """Search and filters of the inbox, the outbox and the operators' list of documents in
    flight. The parameters are those of the documents API list (documents/filters.py)."""

    q = forms.CharField(
        label=_("Registration number or title"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=_any(_("Any status")) + DocumentStatus.choices, required=False
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=_any(_("Any type")) + DocumentType.choices, required=False
    )
    date_from = forms.DateField(label=_("Created from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Created until"), required=False, widget=DATE_INPUT)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    PARAMS = ("q", "status", "type", "date_from", "date_to", "overdue")

    def clean_q(self):
        return _plain(self.cleaned_data["q"].strip())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def as_params(self) -> dict[str, str]:
        """The valid filter as query parameters (for paging links)."""
        params = {}
        for name in self.PARAMS:
            value = self.cleaned_data.get(name)
            if value is True:
                params[name] = "on"
            elif value:
                params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return params

    def api_params(self) -> dict[str, str]:
        """The filter as the documents filter class takes it."""
        params = self.as_params()
        if "overdue" in params:
            params["overdue"] = "true"
        return params


class SimpleSignForm(forms.Form):
    """A simple electronic signature: the signer confirms with their password, or with a code
    from their authenticator app when they have one."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    totp_code = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def __init__(self, *args, uses_totp: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.uses_totp = uses_totp
        if uses_totp:
            del self.fields["password"]
            self.fields["totp_code"].required = True
            self.fields["totp_code"].help_text = _("Six digits; the code changes every 30 seconds.")
        else:
            del self.fields["totp_code"]
            self.fields["password"].required = True
            self.fields["password"].help_text = _(
                "Re-entering your password confirms that you, not someone at your computer, sign."
            )

    def service_kwargs(self) -> dict:
        if self.uses_totp:
            return {"totp_code": self.cleaned_data["totp_code"].replace(" ", "")}
        return {"password": self.cleaned_data["password"]}


class ReasonForm(forms.Form):
    """Reject or revoke: the reason every party will read."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Every party of the document sees the reason."),
    )

    def clean_reason(self):
        return _plain(self.cleaned_data["reason"].strip())


class CountersignForm(forms.Form):
    """The Fund's countersignature: the Fund's signatory confirms with a click; the platform adds
    the Fund's signature to the PDF."""

    confirm = forms.BooleanField(
        label=_("I have read the document and countersign it for the Fund"), required=True
    )


def _organisation_by_reference(value: str, user=None) -> Organisation | None:
    """An organisation by INN, OGRN or member number (the identifiers people know), among those
    ``user`` may see and the Fund: an applicant's existence is not told to strangers."""
    value = value.strip()
    if not value:
        return None
    from .fund import fund_inn

    matching = Q(inn=value) | Q(ogrn=value) | Q(member_number=value)
    found = (
        Organisation.objects.visible_to(user).filter(matching).order_by("created_at").first()
        if user is not None
        else None
    )
    if found is None and value == fund_inn():
        found = Organisation.objects.filter(inn=value).first()
    return found


class CreateDocumentForm(forms.Form):
    """A new document: an uploaded PDF or one made from a template, its recipients and route."""

    SOURCE_UPLOAD = "upload"
    SOURCE_TEMPLATE = "template"

    sender = forms.ChoiceField(label=_("Sender"))
    title = forms.CharField(label=_("Title"), max_length=500)
    source = forms.ChoiceField(
        label=_("Content"),
        choices=[
            (SOURCE_TEMPLATE, _("Write the text; the platform makes the PDF from a template")),
            (SOURCE_UPLOAD, _("Upload a PDF")),
        ],
        initial=SOURCE_TEMPLATE,
        widget=forms.RadioSelect,
    )
    template = forms.ChoiceField(label=_("Template"), required=False)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text; a blank line starts a new paragraph."),
    )
    doc_type = forms.ChoiceField(
        label=_("Type of the uploaded document"),
        choices=DocumentType.choices,
        initial=DocumentType.OTHER,
        required=False,
    )
    file = forms.FileField(
        label=_("PDF file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    recipients = forms.CharField(
        label=_("Recipient organisations"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("INN, OGRN or member number of each recipient, one per line."),
    )

    def __init__(self, *args, senders=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.senders = {str(org.pk): org for org in senders}
        self.fields["sender"].choices = [(str(org.pk), org.name) for org in senders]
        self.fields["template"].choices = [
            (code, spec.title) for code, spec in TEMPLATES.items() if code != "accession_agreement"
        ]

    def clean_sender(self):
        return self.senders[self.cleaned_data["sender"]]

    def clean_title(self):
        return _plain(self.cleaned_data["title"].strip())

    def clean_body(self):
        return _plain(self.cleaned_data["body"])

    def clean_recipients(self):
        found, missing = [], []
        for line in self.cleaned_data["recipients"].replace(",", "\n").splitlines():
            if not line.strip():
                continue
            organisation = _organisation_by_reference(line, self.user)
            if organisation is None:
                missing.append(line.strip())
            elif organisation not in found:
                found.append(organisation)
        if missing:
            raise ValidationError(
                _("No organisation with this INN, OGRN or member number: %(values)s.")
                % {"values": ", ".join(missing)},
                code="not_found",
            )
        if not found:
            raise ValidationError(_("Name at least one recipient."), code="required")
        return found

    def clean(self):
        data = super().clean()
        if data.get("source") == self.SOURCE_UPLOAD:
            upload = data.get("file")
            if not upload:
                self.add_error("file", _("Choose the PDF file to upload."))
            if not data.get("doc_type"):
                self.add_error("doc_type", _("Choose the type of the document."))
        elif data.get("source") == self.SOURCE_TEMPLATE:
            if not data.get("template"):
                self.add_error("template", _("Choose a template."))
            if not (data.get("body") or "").strip():
                self.add_error("body", _("Write the text of the document."))
        sender = data.get("sender")
        if sender is not None and sender in (data.get("recipients") or []):
            self.add_error("recipients", _("The sender cannot be its own recipient."))
        return data

    def read_upload(self) -> bytes:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read()


class RouteStepForm(forms.Form):
    """One step of the signing route; steps with the same number sign in parallel."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    order = forms.IntegerField(label=_("Step number"), min_value=1, max_value=20, required=False)
    organisation = forms.CharField(
        label=_("Organisation (INN, OGRN or member number)"), max_length=20, required=False
    )
    role = forms.ChoiceField(
        label=_("Who signs"), choices=StepRole.choices, initial=StepRole.SIGNATORY, required=False
    )
    user_email = forms.EmailField(label=_("E-mail of the named person"), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)

    def clean_organisation(self):
        value = self.cleaned_data["organisation"].strip()
        if not value:
            return None
        organisation = _organisation_by_reference(value, self.user)
        if organisation is None:
            raise ValidationError(
                _("No organisation with this INN, OGRN or member number."), code="not_found"
            )
        return organisation

    def clean_user_email(self):
        email = (self.cleaned_data["user_email"] or "").strip().lower()
        if not email:
            return None
        from innocluster.accounts.models import User

        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise ValidationError(_("No person with this e-mail is registered."), code="not_found")
        return user

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < timezone.localdate():
            raise ValidationError(_("The deadline is in the past."), code="past")
        return deadline

    def clean(self):
        data = super().clean()
        if not self.has_content():
            return data
        if not data.get("organisation") and "organisation" not in self.errors:
            self.add_error("organisation", _("Name the organisation that signs this step."))
        if not data.get("order") and "order" not in self.errors:
            self.add_error("order", _("Give the step a number."))
        if data.get("role") == StepRole.USER and not data.get("user_email"):
            self.add_error("user_email", _("Give the e-mail of the person who signs."))
        return data

    def has_content(self) -> bool:
        return bool(
            (self.data.get(self.add_prefix("organisation")) or "").strip()
            or (self.data.get(self.add_prefix("user_email")) or "").strip()
            or (self.data.get(self.add_prefix("deadline")) or "").strip()
        )

    def step(self) -> dict:
        """The step as the documents services take it."""
        data = self.cleaned_data
        deadline = None
        if data.get("deadline"):
            deadline = timezone.make_aware(
                dt.datetime.combine(data["deadline"], dt.time(23, 59, 59)),
                timezone.get_default_timezone(),
            )
        return {
            "order": data["order"],
            "organisation": data["organisation"],
            "role": data.get("role") or StepRole.SIGNATORY,
            "user": data.get("user_email") if data.get("role") == StepRole.USER else None,
            "deadline": deadline,
        }


class BaseRouteFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.steps():
            raise ValidationError(_("The route needs at least one step."), code="required")

    def steps(self) -> list[dict]:
        return [form.step() for form in self.forms if form.has_content()]


RouteFormSet = forms.formset_factory(
    RouteStepForm, formset=BaseRouteFormSet, extra=0, max_num=ROUTE_ROWS * 3, validate_max=True
)


def blank_route() -> list[dict]:
    """The rows of a new route: numbered in sequence, so filling rows top-down signs in turn."""
    return [{"order": number, "role": StepRole.SIGNATORY} for number in range(1, ROUTE_ROWS + 1)]


REVOCATION_REASONS = [
    ("unspecified", _("No particular reason")),
    ("key_compromise", _("The key may be known to someone else")),
    ("superseded", _("Replaced by a new certificate")),
    ("affiliation_changed", _("I no longer act for the organisation")),
    ("cessation_of_operation", _("I no longer need it")),
]


class CertificateRevokeForm(forms.Form):
    """Revoke one of my certificates."""

    reason = forms.ChoiceField(label=_("Why"), choices=REVOCATION_REASONS, initial="unspecified")
