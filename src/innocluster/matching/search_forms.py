"""The search page's query and facet filters (the API checks the same values in its schema)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .search import facet_choices

# Control characters (NUL among them) typed or pasted into the query are read as spaces: a query
# is never refused for what it contains.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QueryField(forms.CharField):
    """Free text: anything goes, nothing in it is syntax."""

    def to_python(self, value):
        return CONTROL.sub(" ", super().to_python(value)).strip()


class SearchForm(forms.Form):
    q = QueryField(label=_("Words to find"), required=False)
    kind = forms.MultipleChoiceField(label=_("What"), required=False)
    area = forms.MultipleChoiceField(label=_("Priority area"), required=False)
    trl_min = forms.TypedChoiceField(
        label=_("Technology readiness"), required=False, coerce=int, empty_value=None
    )
    status = forms.MultipleChoiceField(label=_("Status"), required=False)
    language = forms.MultipleChoiceField(label=_("Language"), required=False)
    owner_kind = forms.MultipleChoiceField(label=_("Kind of organisation"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = facet_choices()
        for name in ("kind", "area", "status", "language", "owner_kind"):
            self.fields[name].choices = choices[name]
        self.fields["trl_min"].choices = [("", _("Any")), *choices["trl"]]

    def filters(self) -> dict:
        """The cleaned filters as ``search.search`` takes them."""
        data = self.cleaned_data
        return {
            "kinds": data["kind"],
            "areas": data["area"],
            "trl_min": data["trl_min"],
            "statuses": data["status"],
            "languages": data["language"],
            "owner_kinds": data["owner_kind"],
        }
