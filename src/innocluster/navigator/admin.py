"""The Fund's staff correct a measure's terms here (names, amounts, dates, source, as_of,
verified_on...). Eligibility rules are not edited here: they change only through the rule
editor (/navigator/manage/), which checks, tests and versions them."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .choices import Purpose, Stage
from .fields import PRIORITY_AREAS
from .models import Institution, Measure, RuleVersion

LISTS = {
    "purposes": tuple(Purpose.values),
    "stages": tuple(Stage.values),
    "priority_areas": PRIORITY_AREAS,
}


class MeasureAdminForm(forms.ModelForm):
    """The JSON lists hold only known codes; shares are 0..1; the dates are in order."""

    class Meta:
        model = Measure
        # Everything but the rule and its version (the rule editor's).
        fields = [
            f.name
            for f in Measure._meta.get_fields()
            if getattr(f, "editable", False)
            and f.concrete
            and not f.auto_created
            and f.name not in ("id", "rules", "rules_version")
        ]

    def clean(self):
        data = super().clean()
        for name, allowed in LISTS.items():
            value = data.get(name)
            if value in (None, ""):
                data[name] = []
                continue
            if not isinstance(value, list) or any(code not in allowed for code in value):
                self.add_error(
                    name,
                    _("must be a list of these codes: %(codes)s") % {"codes": ", ".join(allowed)},
                )
        for name in ("cost_share_max", "cofinancing_min_share"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 1:
                self.add_error(name, _("must be a number from 0 to 1"))
        for name in ("amount_min_rub", "amount_max_rub", "min_project_budget_rub"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("must not be negative"))
        low, high = data.get("amount_min_rub"), data.get("amount_max_rub")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max_rub", _("must not be below the minimum amount"))
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and opens > closes:
            self.add_error("closes_on", _("must not be before the opening date"))
        return data


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    form = MeasureAdminForm
    list_display = ("code", "name_ru", "provider", "form", "status", "verified_on")
    list_filter = ("status", "form", "provider")
    search_fields = ("code", "name_ru", "name_en")
    list_select_related = ("provider",)
    readonly_fields = ("rules", "rules_version")

    def get_readonly_fields(self, request, obj=None):
        # The code is the measure's stable identifier: set once.
        return (*self.readonly_fields, "code") if obj is not None else self.readonly_fields


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "level", "website")
    search_fields = ("code", "name_ru", "name_en")


@admin.register(RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin):
    """Published versions are history: shown, never changed."""

    list_display = ("measure", "number", "author_label", "created_at", "comment")
    list_select_related = ("measure",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
