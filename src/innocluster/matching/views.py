"""Matchmaking pages (mounted at /matching/): ranked, explained candidates for a challenge, a
technology offer, a product or a company, and a consortium for a project idea.

Only the item owner's people and the Fund's staff see an item's matches; anyone else gets 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from innocluster.core.errors import NotPermitted
from innocluster.core.views import signed_in
from innocluster.registry.models import Organisation

from . import services
from .choices import DocumentKind
from .forms import ConsortiumForm


def _owned(find, pk, user, owner=lambda item: item.owner):
    """The item as its own page finds it for ``user`` (404 if they may not see it, a draft
    included), then 404 unless they may see its matches."""
    item = find(user, pk)
    try:
        services.check_may_match_for(user, owner(item))
    except NotPermitted:
        raise Http404 from None
    return item


def _organisation(user, pk):
    return get_object_or_404(Organisation, pk=pk)


@require_safe
@signed_in
def challenge_matches(request, challenge_id):
    """Candidates for one challenge: the best of each kind side by side (companies would
    otherwise sit below products, which state a TRL and so earn its evidence), or one kind's
    ranked list."""
    from innocluster.exchange.selectors import challenge_for

    challenge = _owned(challenge_for, challenge_id, request.user)
    kind = request.GET.get("kind", "")
    if kind not in services.CHALLENGE_ANSWER_KINDS:
        kind = ""
    kinds = [(code, DocumentKind(code).label) for code in services.CHALLENGE_ANSWER_ORDER]
    context = {"challenge": challenge, "kind": kind, "kinds": kinds}
    if kind:
        context["candidates"] = services.matches_for_challenge(request.user, challenge, kind=kind)
    else:
        context["groups"] = _groups(services.matches_for_challenge_by_kind(request.user, challenge))
    return render(request, "matching/challenge.html", context)


def _item_page(request, find, item_id, match):
    """The matches page of a catalogue listing: ``find`` gives it (404 as ``_owned``), ``match``
    its groups of candidates."""
    item = _owned(find, item_id, request.user)
    results = match(request.user, item)
    return render(request, "matching/item.html", {"item": item, "groups": _groups(results)})


@require_safe
@signed_in
def technology_matches(request, offer_id):
    """Licensees and open challenges for a technology offer."""
    from innocluster.exchange.catalogue_selectors import technology_for

    return _item_page(request, technology_for, offer_id, services.matches_for_technology)


@require_safe
@signed_in
def product_matches(request, product_id):
    """Open challenges and customers for a product or service."""
    from innocluster.exchange.catalogue_selectors import product_for

    return _item_page(request, product_for, product_id, services.matches_for_product)


@require_safe
@signed_in
def organisation_matches(request, organisation_id):
    """For a company: challenges to answer, technologies to license, partners."""
    organisation = _owned(_organisation, organisation_id, request.user, owner=lambda org: org)
    results = services.matches_for_organisation(request.user, organisation)
    return render(
        request,
        "matching/organisation.html",
        {"organisation": organisation, "groups": _groups(results)},
    )


@require_safe
@signed_in
def consortium(request):
    """A project idea in, a consortium of complementary kinds out."""
    form = ConsortiumForm(request.GET or None)
    groups = None
    if form.is_valid():
        results = services.consortium_for_idea(
            request.user,
            text=form.cleaned_data["idea"],
            areas=form.cleaned_data["priority_areas"],
            trl_min=form.cleaned_data["trl_min"],
        )
        groups = _groups(results)
    return render(request, "matching/consortium.html", {"form": form, "groups": groups})


def _groups(results: dict) -> list[tuple[str, str, list]]:
    """(key, heading, candidates) in the order the service returned them."""
    return [(key, services.GROUP_HEADINGS[key], candidates) for key, candidates in results.items()]
