"""The operators' call form: a new call (a draft), and changes to a call within what its phase
allows (``calls.create_call``, ``calls.update_call``, ``calls.set_criteria`` check everything and
name each bad field; nothing is stored when any of them refuses)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from innocluster.core.errors import DomainError
from innocluster.core.views import fund_staff_only
from innocluster.registry.areas import PRIORITY_AREA_CODES

from .. import calls as call_services
from ..choices import InnovationType
from ..models import Call, FormVersion, Programme
from ..selectors import area_labels
from .common import TEMPLATES

SEPARATOR = "|"
LINES_HELP = gettext_lazy("One per line, the parts separated by “|”.")


def _lines(text: str) -> list[list[str]]:
    return [
        [part.strip() for part in line.split(SEPARATOR)]
        for line in (text or "").splitlines()
        if line.strip()
    ]


class CallForm(forms.Form):
    """Every setting of a call, as ``calls.create_call`` takes them; times in Moscow time."""

    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.order_by("code")
    )
    code = forms.SlugField(label=gettext_lazy("Code (in the call's address)"), max_length=64)
    title_ru = forms.CharField(label=gettext_lazy("Title (Russian)"), max_length=300)
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), max_length=300, required=False
    )
    description_ru = forms.CharField(
        label=gettext_lazy("Description (Russian)"), widget=forms.Textarea, required=False
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"), widget=forms.Textarea, required=False
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens (Moscow time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    deadline = forms.DateTimeField(
        label=gettext_lazy("Deadline (Moscow time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    budget_rub = forms.DecimalField(label=gettext_lazy("Budget, RUB"), decimal_places=2)
    max_grant_rub = forms.DecimalField(label=gettext_lazy("Maximum grant, RUB"), decimal_places=2)
    cofinancing_min_share = forms.DecimalField(
        label=gettext_lazy("Minimum co-financing, per cent of the budget"),
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    priority_areas = forms.MultipleChoiceField(
        label=gettext_lazy("Priority areas"), widget=forms.CheckboxSelectMultiple
    )
    innovation_types = forms.MultipleChoiceField(
        label=gettext_lazy("Innovation types"),
        choices=InnovationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_members = forms.IntegerField(label=gettext_lazy("Fewest consortium members"))
    max_members = forms.IntegerField(label=gettext_lazy("Most consortium members"))
    min_sme_members = forms.IntegerField(label=gettext_lazy("Fewest SMEs in a consortium"))
    lead_must_be_member = forms.BooleanField(
        label=gettext_lazy("The lead must be a cluster member"), required=False
    )
    form_version = forms.ModelChoiceField(
        label=gettext_lazy("Application form"),
        queryset=FormVersion.objects.select_related("form").order_by("form__code", "-number"),
        required=False,
    )
    required_documents = forms.CharField(
        label=gettext_lazy("Required documents: code | name in Russian | name in English"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=LINES_HELP,
    )
    criteria = forms.CharField(
        label=gettext_lazy(
            "Evaluation criteria: code | name in Russian | name in English | weight | lowest "
            "score | highest score"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=LINES_HELP,
    )
    reviewers_per_application = forms.IntegerField(label=gettext_lazy("Reviewers per application"))
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change (needed to extend an open call's deadline)"),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_areas"].choices = list(
            zip(PRIORITY_AREA_CODES, area_labels(PRIORITY_AREA_CODES), strict=True)
        )
        self.fields["form_version"].label_from_instance = lambda v: f"{v.form.code} v{v.number}"

    @staticmethod
    def initial_for(call: Call) -> dict:
        return {
            **{
                name: getattr(call, name)
                for name in (
                    "programme",
                    "code",
                    "title_ru",
                    "title_en",
                    "description_ru",
                    "description_en",
                    "opens_at",
                    "deadline",
                    "budget_rub",
                    "max_grant_rub",
                    "priority_areas",
                    "innovation_types",
                    "min_members",
                    "max_members",
                    "min_sme_members",
                    "lead_must_be_member",
                    "form_version",
                    "reviewers_per_application",
                )
            },  # fmt: skip
            "cofinancing_min_share": call.cofinancing_min_share * 100,
            "required_documents": "\n".join(
                f"{d['code']} | {d['name_ru']} | {d.get('name_en', '')}"
                for d in call.required_documents
            ),
            "criteria": "\n".join(
                f"{c.code} | {c.name_ru} | {c.name_en} | {c.weight} | {c.scale_min} | {c.scale_max}"
                for c in call.criteria.all()
            ),
        }

    def clean_required_documents(self) -> list[dict]:
        documents = []
        for number, parts in enumerate(_lines(self.cleaned_data["required_documents"]), 1):
            if len(parts) not in (2, 3) or not all(parts[:2]):
                raise forms.ValidationError(
                    _("Line %(n)d: a code and a Russian name, and an English name if any.")
                    % {"n": number}
                )
            documents.append(
                {
                    "code": parts[0],
                    "name_ru": parts[1],
                    "name_en": parts[2] if len(parts) > 2 else "",
                }
            )
        return documents

    def clean_criteria(self) -> list[dict]:
        criteria = []
        for number, parts in enumerate(_lines(self.cleaned_data["criteria"]), 1):
            if len(parts) != 6:
                raise forms.ValidationError(
                    _("Line %(n)d: six parts, from the code to the highest score.") % {"n": number}
                )
            code, name_ru, name_en, weight, low, high = parts
            criteria.append(
                {
                    "code": code,
                    "name_ru": name_ru,
                    "name_en": name_en,
                    "weight": weight,
                    "scale_min": low,
                    "scale_max": high,
                }
            )
        return criteria

    def call_data(self) -> dict:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("programme", "criteria", "reason")
        }
        data["cofinancing_min_share"] = data["cofinancing_min_share"] / 100
        return data


def _field_of(error_field: str) -> str:
    """``criteria[1].weight`` → ``criteria``: the form field a service's error belongs to."""
    return error_field.split("[")[0].split(".")[0]


def _place(form: CallForm, refused: DomainError) -> None:
    for error in refused.errors:
        name = _field_of(error.field)
        message = error.message if name == error.field else f"{error.field}: {error.message}"
        form.add_error(name if name in form.fields else None, message)
    if not refused.errors:
        form.add_error(None, str(refused.message))


def _same_criteria(call: Call, wanted: list[dict]) -> bool:
    """The criteria as the form gives them are the call's own (a published call's criteria are
    fixed: sending them back unchanged is no change)."""

    def key(code, name_ru, name_en, weight, low, high):
        try:
            return (code, name_ru, name_en or "", Decimal(str(weight)), int(low), int(high))
        except (ArithmeticError, ValueError):
            return None

    current = [
        key(c.code, c.name_ru, c.name_en, c.weight, c.scale_min, c.scale_max)
        for c in call.criteria.all()
    ]
    given = [
        key(c["code"], c["name_ru"], c["name_en"], c["weight"], c["scale_min"], c["scale_max"])
        for c in wanted
    ]
    return current == given


@require_http_methods(["GET", "POST"])
@fund_staff_only
def new_call(request):
    """A new call, saved as a draft with its criteria (published from the calls page)."""
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                call = call_services.create_call(
                    form.cleaned_data["programme"], form.call_data(), actor=request.user
                )
                if form.cleaned_data["criteria"]:
                    call_services.set_criteria(
                        call, form.cleaned_data["criteria"], actor=request.user
                    )
        except DomainError as refused:
            _place(form, refused)
        else:
            messages.success(
                request, _("The call %(code)s is saved as a draft.") % {"code": call.code}
            )
            return redirect("manage_applications:calls")
    status = 422 if request.method == "POST" else 200
    return render(
        request, TEMPLATES + "call_form.html", {"form": form, "call": None}, status=status
    )


@require_http_methods(["GET", "POST"])
@fund_staff_only
def edit_call(request, code):
    """Change a call: a draft entirely; a published one within what its phase allows."""
    call = get_object_or_404(Call.objects.select_related("programme", "form_version"), code=code)
    form = CallForm(request.POST or None, initial=CallForm.initial_for(call))
    form.fields["code"].disabled = True
    form.fields["programme"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.call_data()
        data.pop("code", None)
        for name in ("opens_at", "deadline"):
            # The form shows minutes: the same minute is the stored time, unchanged.
            current = getattr(call, name)
            if data.get(name) and current.replace(second=0, microsecond=0) == data[name]:
                data[name] = current
        try:
            with transaction.atomic():
                call_services.update_call(
                    call, data, actor=request.user, reason=form.cleaned_data["reason"]
                )
                wanted = form.cleaned_data["criteria"]
                if not _same_criteria(call, wanted):
                    call_services.set_criteria(call, wanted, actor=request.user)
        except DomainError as refused:
            _place(form, refused)
        else:
            messages.success(request, _("The call %(code)s is saved.") % {"code": call.code})
            return redirect("manage_applications:calls")
    status = 422 if request.method == "POST" else 200
    return render(
        request, TEMPLATES + "call_form.html", {"form": form, "call": call}, status=status
    )
