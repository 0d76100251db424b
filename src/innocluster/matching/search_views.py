"""The exchange's search page: words, facets with counts, one page of results with snippets."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .search import SearchFilters, search
from .search_forms import SearchForm

PER_PAGE = 20
LEGENDS = {
    "kind": _("What"),
    "area": _("Priority area"),
    "status": _("Status"),
    "language": _("Language"),
    "owner_kind": _("Kind of organisation"),
}


def _trl_options(results) -> list[dict]:
    """The "at least TRL n" choices, each with how many results it would keep."""
    by_level = {int(v.code): v.count for v in results.facets["trl"]}
    chosen = results.filters.trl_min
    options = []
    for level in range(1, 10):
        count = sum(n for at, n in by_level.items() if at >= level)
        if count or level == chosen:
            options.append({"level": level, "count": count, "selected": level == chosen})
    return options


@require_safe
def search_page(request):
    """Search the exchange and the registry: everyone finds public items, members also the
    members-only ones; nothing protected by an NDA is ever searched or shown."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "invalid": True, "filters": SearchFilters()}
        return render(request, "matching/search.html", context, status=400)
    results = search(
        request.user,
        form.cleaned_data["q"],
        **form.filters(),
        page=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    facet_groups = [
        {"name": name, "legend": legend, "values": results.facets[name]}
        for name, legend in LEGENDS.items()
        if results.facets[name]
    ]
    return render(
        request,
        "matching/search.html",
        {
            "form": form,
            "results": results,
            "page": results.page,
            "facet_groups": facet_groups,
            "trl_options": _trl_options(results),
            "filters": results.filters,
        },
    )
