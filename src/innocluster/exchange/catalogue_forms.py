"""Forms of the catalogue's pages. They only collect the input: the services check it, and
their refusals are put back next to the fields they name (``show_refusal``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innocluster.core.errors import DomainError

from .catalogue_selectors import area_choices
from .choices import InterestTarget, IpKind, Language, PriceModel

LEVELS = [(str(n), str(n)) for n in range(1, 10)]
TRL_CHOICES = [("", _("Not stated")), *LEVELS]


def _text(label, *, rows: int | None = None, max_length: int, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length + 1000,  # the service names the real limit
        widget=widget,
        help_text=help_text,
        strip=False,
    )


# The fields both kinds of listing show first, in this order; each kind adds its own after them.
LISTING_ORDER = (
    "owner",
    "language",
    "title",
    "summary",
    "title_translated",
    "summary_translated",
    "description",
    "priority_areas",
)


class ListingForm(forms.Form):
    """What technology offers and products share."""

    owner = forms.ChoiceField(label=_("On behalf of"), required=False)
    language = forms.ChoiceField(
        label=_("Language of the text"), choices=Language.choices, initial=Language.RU
    )
    title = _text(_("Title"), max_length=300)
    summary = _text(_("Summary"), rows=3, max_length=2000)
    title_translated = _text(
        _("Title in the other language"),
        max_length=300,
        help_text=_("Optional: the title in English for a Russian text, or in Russian."),
    )
    summary_translated = _text(_("Summary in the other language"), rows=3, max_length=2000)
    priority_areas = forms.MultipleChoiceField(
        label=_("Priority areas"), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    required_fields: tuple[str, ...] = ("title",)
    owner_fields = ("owner",)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_areas"].choices = area_choices()
        owners = list(owners)
        if len(owners) > 1:
            self.fields["owner"].choices = [("", _("Choose the organisation"))] + [
                (str(o.pk), o.name) for o in owners
            ]
            self.fields["owner"].required = True
        else:
            del self.fields["owner"]
        for name in self.required_fields:
            if name in self.fields:
                self.fields[name].required_mark = True

    def service_data(self) -> dict:
        """The cleaned input as the service takes it (the service checks it)."""
        data = dict(self.cleaned_data)
        data.pop("owner", None)
        data.pop("version", None)
        if "trl" in self.fields:  # both kinds have one; a level not chosen is None
            data["trl"] = data.get("trl") or None
        return data

    def show_refusal(self, failure: DomainError) -> None:
        """Put a service's refusal next to the fields it names (the rest above the form)."""
        if not failure.errors:
            self.add_error(None, str(failure.message))
            return
        for error in failure.errors:
            name = error.field.split("[", 1)[0].split(".", 1)[0]
            prefix = error.field[len(name) :]
            message = f"{prefix} {error.message}".strip() if prefix else str(error.message)
            if name == "licensing_terms" and name in self.fields:
                self.add_error(name, str(error.message))
            elif name in self.fields and name != "version":
                self.add_error(name, message)
            else:
                self.add_error(None, f"{error.field}: {error.message}")


class TechnologyForm(ListingForm):
    description = _text(_("What the technology is"), rows=8, max_length=20000)
    ip_kinds = forms.MultipleChoiceField(
        label=_("Intellectual property"),
        choices=IpKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    patent_numbers = _text(
        _("Patent numbers"),
        rows=3,
        max_length=2000,
        help_text=_(
            "One a line, as Rospatent writes them: RU 2712345 C1 for an invention, "
            "RU 212345 U1 for a utility model. Required when the property includes a patent."
        ),
    )
    trl = forms.ChoiceField(
        label=_("Technology readiness level (TRL)"),
        choices=[("", _("Choose a level")), *LEVELS],
        required=False,
    )
    licensing_terms = _text(_("Licensing terms"), rows=3, max_length=10000)
    partnership_terms = _text(_("Partnership terms"), rows=3, max_length=10000)
    lab_competencies = _text(
        _("Labs and equipment for shared use"),
        rows=4,
        max_length=10000,
        help_text=_("What partners may use: laboratories, instruments, test benches."),
    )

    required_fields = ("title", "trl")
    field_order = [
        *LISTING_ORDER,
        "ip_kinds",
        "patent_numbers",
        "trl",
        "licensing_terms",
        "partnership_terms",
        "lab_competencies",
    ]

    @staticmethod
    def initial_of(item) -> dict:
        return {
            **_common_initial(item),
            "description": item.description,
            "ip_kinds": list(item.ip_kinds),
            "patent_numbers": "\n".join(item.patent_numbers),
            "trl": str(item.trl),
            "licensing_terms": item.licensing_terms,
            "partnership_terms": item.partnership_terms,
            "lab_competencies": item.lab_competencies,
        }


class ProductForm(ListingForm):
    description = _text(_("Description"), rows=8, max_length=20000)
    trl = forms.ChoiceField(
        label=_("Technology readiness level (TRL)"), choices=TRL_CHOICES, required=False
    )
    references = _text(
        _("References"),
        rows=3,
        max_length=5000,
        help_text=_("Customers, pilots and deployments others may ask about."),
    )
    price_model = forms.ChoiceField(
        label=_("Price model"), choices=PriceModel.choices, initial=PriceModel.ON_REQUEST
    )
    price_note = _text(_("Price, in words"), max_length=300)

    field_order = [
        *LISTING_ORDER,
        "trl",
        "references",
        "price_model",
        "price_note",
    ]

    @staticmethod
    def initial_of(item) -> dict:
        return {
            **_common_initial(item),
            "description": item.description,
            "trl": str(item.trl) if item.trl else "",
            "references": item.references,
            "price_model": item.price_model,
            "price_note": item.price_note,
        }


def _common_initial(item) -> dict:
    return {
        "language": item.language,
        "title": item.title,
        "summary": item.summary,
        "title_translated": item.title_translated,
        "summary_translated": item.summary_translated,
        "priority_areas": list(item.priority_areas),
        "version": item.version,
    }


class InterestForm(forms.Form):
    """An expression of interest, sent from an item's page."""

    kind = forms.ChoiceField(choices=InterestTarget.choices, widget=forms.HiddenInput)
    id = forms.UUIDField(widget=forms.HiddenInput)
    organisation = forms.ChoiceField(label=_("On behalf of"), required=False)
    message = forms.CharField(
        label=_("Message to the owner (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        if len(organisations) > 1:
            self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]
        else:
            del self.fields["organisation"]
