"""Forms of the registry's public pages. They parse input into the services' dataclasses; the
rules (identifiers, duplicates, references) are checked by registry.services, whose errors the
views put next to the fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import PUBLIC_STATUSES, LegalForm, MembershipStatus, OrganisationKind, SmeCategory
from .models import OkvedCode, Organisation, PriorityArea, Region
from .services import OrganisationInput

BLANK = [("", _("Any"))]


def region_choices(blank_label) -> list[tuple[str, str]]:
    regions = sorted(Region.objects.all(), key=lambda r: r.name)
    return [("", blank_label)] + [(r.code, r.name) for r in regions]


def area_choices() -> list[tuple[str, str]]:
    return [(a.code, a.name) for a in PriorityArea.objects.all()]


class RegistryFilterForm(forms.Form):
    """Renders the registry's search and filters; RegistryFilter.from_params validates them."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Name, INN, OGRN or words of the description"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    area = forms.CharField(label=_("Priority area"), required=False, widget=forms.Select)
    kind = forms.CharField(label=_("Kind of organisation"), required=False, widget=forms.Select)
    region = forms.CharField(label=_("Region"), required=False, widget=forms.Select)
    okved_section = forms.CharField(label=_("OKVED 2 section"), required=False, widget=forms.Select)
    sme_category = forms.CharField(label=_("SME category"), required=False, widget=forms.Select)
    status = forms.CharField(label=_("Status"), required=False, widget=forms.Select)
    order = forms.CharField(label=_("Sort by"), required=False, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sections = OkvedCode.objects.filter(code=F("section")).order_by("code")
        self.fields["area"].widget.choices = BLANK + area_choices()
        self.fields["kind"].widget.choices = BLANK + list(OrganisationKind.choices)
        self.fields["region"].widget.choices = region_choices(_("Any"))
        self.fields["okved_section"].widget.choices = BLANK + [
            (s.code, f"{s.code} — {s.name}") for s in sections
        ]
        self.fields["sme_category"].widget.choices = BLANK + list(SmeCategory.choices)
        self.fields["status"].widget.choices = BLANK + [
            (s.value, s.label) for s in MembershipStatus if s in PUBLIC_STATUSES
        ]
        self.fields["order"].widget.choices = [
            ("name", _("Name, A to Z")),
            ("-name", _("Name, Z to A")),
            ("-member_since", _("Newest members first")),
            ("member_since", _("Oldest members first")),
        ]


def _split_codes(value: str) -> list[str]:
    return [c for c in value.replace(",", " ").replace(";", " ").split() if c]


class OrganisationForm(forms.Form):
    """The organisation's profile: what the join page and the edit page both ask."""

    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=OrganisationKind.choices)
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=500, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=500, required=False)
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("For organisations registered in Russia."),
    )
    okved_main = forms.CharField(
        label=_("Main OKVED 2 code"),
        max_length=8,
        required=False,
        help_text=_("For example 62.01. Start typing to see the codes."),
        widget=forms.TextInput(attrs={"list": "okved-codes", "autocomplete": "off"}),
    )
    okved_extra = forms.CharField(
        label=_("Further OKVED 2 codes"),
        required=False,
        help_text=_("Separate codes with spaces or commas."),
    )
    registered_on = forms.DateField(
        label=_("Registration date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    employees = forms.IntegerField(label=_("Number of employees"), required=False)
    revenue_last_year = forms.DecimalField(
        label=_("Revenue last year, roubles"),
        required=False,
        max_digits=18,
        decimal_places=2,
        help_text=_("Used with the number of employees to compute the SME category (209-FZ)."),
    )
    priority_areas = forms.MultipleChoiceField(
        label=_("Priority areas"), required=False, widget=forms.CheckboxSelectMultiple
    )
    website = forms.CharField(
        label=_("Website"),
        max_length=200,
        required=False,
        help_text=_("Starts with https:// or http://"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    description_ru = forms.CharField(
        label=_("Description in Russian"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description_en = forms.CharField(
        label=_("Description in English"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.CharField(
        label=_("Contact e-mail"),
        max_length=254,
        required=False,
        help_text=_("Your account's e-mail when left empty."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    # Service field name -> form field name, where they differ.
    FIELD_MAP = {"revenue_by_year": "revenue_last_year"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(_("— not in Russia —"))
        self.fields["priority_areas"].choices = area_choices()

    @property
    def revenue_year(self) -> int:
        return timezone.localdate().year - 1

    def organisation_input(self, **identifiers) -> OrganisationInput:
        """The parsed form as the services' dataclass."""
        data = self.cleaned_data
        revenue = data.get("revenue_last_year")
        return OrganisationInput(
            kind=data["kind"],
            name_ru=data["name_ru"],
            name_en=data["name_en"],
            region=data["region"] or None,
            okved_main=data["okved_main"].strip() or None,
            okved_extra=_split_codes(data["okved_extra"]),
            registered_on=data["registered_on"],
            employees=data["employees"],
            revenue_by_year={self.revenue_year: Decimal(revenue)} if revenue is not None else {},
            priority_areas=list(data["priority_areas"]),
            website=data["website"].strip(),
            description_ru=data["description_ru"],
            description_en=data["description_en"],
            contact_name=data["contact_name"].strip(),
            contact_email=data["contact_email"].strip(),
            contact_phone=data["contact_phone"].strip(),
            **identifiers,
        )

    @classmethod
    def initial_from(cls, org: Organisation) -> dict:
        revenues = list(org.revenues.all())
        return {
            "kind": org.kind,
            "name_ru": org.name_ru,
            "name_en": org.name_en,
            "region": org.region_id or "",
            "okved_main": org.okved_main_id or "",
            "okved_extra": " ".join(c.code for c in org.okved_extra.all()),
            "registered_on": org.registered_on,
            "employees": org.employees,
            "revenue_last_year": revenues[0].revenue_rub if revenues else None,
            "priority_areas": [a.code for a in org.priority_areas.all()],
            "website": org.website,
            "description_ru": org.description_ru,
            "description_en": org.description_en,
            "contact_name": org.contact_name,
            "contact_email": org.contact_email,
            "contact_phone": org.contact_phone,
        }


class JoinForm(OrganisationForm):
    """Joining the cluster: the profile, the identifiers, the accession agreement."""

    legal_form = forms.ChoiceField(label=_("Legal form"), choices=LegalForm.choices)
    inn = forms.CharField(
        label=_("INN"),
        max_length=20,
        required=False,
        help_text=_("10 digits for a legal entity, 12 digits for an individual entrepreneur."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    ogrn = forms.CharField(
        label=_("OGRN or OGRNIP"),
        max_length=20,
        required=False,
        help_text=_("13 digits (OGRN) for a legal entity, 15 digits (OGRNIP) for an entrepreneur."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kpp = forms.CharField(label=_("KPP"), max_length=9, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        initial="RU",
        help_text=_("Two-letter ISO 3166 code, such as RU or DE."),
    )
    foreign_registration_number = forms.CharField(
        label=_("National registration number"),
        max_length=64,
        required=False,
        help_text=_("For foreign organisations: the number in their country's register."),
    )
    accept_agreement = forms.BooleanField(
        label=_("I have read the accession agreement and accept it for the organisation"),
        required=False,
    )
    claim = forms.BooleanField(
        label=_("This is my organisation: claim it and apply for it"),
        required=False,
        help_text=_(
            "The Fund checks a claim on an organisation that someone else already administers."
        ),
    )

    field_order = [
        "legal_form", "kind", "name_ru", "name_en", "inn", "ogrn", "kpp", "country",
        "foreign_registration_number", "region",
    ]  # fmt: skip

    def organisation_input(self) -> OrganisationInput:
        data = self.cleaned_data
        return super().organisation_input(
            legal_form=data["legal_form"],
            inn=data["inn"].strip() or None,
            ogrn=data["ogrn"].strip() or None,
            kpp=data["kpp"].strip(),
            country=(data["country"] or "RU").strip().upper(),
            foreign_registration_number=data["foreign_registration_number"].strip(),
        )
