"""Input of the matchmaking pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innocluster.registry.models import PriorityArea


class ConsortiumForm(forms.Form):
    """A project idea: what it is about, its areas and the readiness it needs."""

    idea = forms.CharField(
        label=_("Your project idea"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you want to build and for whom, in Russian or English."),
    )
    priority_areas = forms.MultipleChoiceField(
        label=_("Priority areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    trl_min = forms.IntegerField(
        label=_("Minimum TRL of the partners' work"), required=False, min_value=1, max_value=9
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language

        english = (get_language() or "ru").startswith("en")
        self.fields["priority_areas"].choices = [
            (area.code, (area.name_en or area.name_ru) if english else area.name_ru)
            for area in PriorityArea.objects.order_by("position")
        ]

    def clean_idea(self) -> str:
        idea = self.cleaned_data["idea"]
        if not any(character.isalnum() for character in idea):
            raise forms.ValidationError(_("Describe the idea in a few words."))
        return idea
