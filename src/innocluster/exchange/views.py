"""The exchange's front page: what the exchange is, how much is on it, the latest of each kind
and where to go next."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from . import catalogue_selectors as selectors
from .catalogue_views import card
from .choices import ChallengeStatus
from .models import Product, TechnologyOffer

LATEST = 5


def _challenges(user):
    """The published challenges ``user`` may see, by the challenges' own rule."""
    from .selectors import visible_challenges

    return visible_challenges(user).exclude(status=ChallengeStatus.DRAFT)


@require_safe
def home(request):
    challenges = _challenges(request.user)
    open_challenges = challenges.filter(status=ChallengeStatus.OPEN)
    latest_challenges = [
        # Only the public fields of a challenge: title and summary.
        {
            "item": c,
            "title": selectors.in_language(c, "title"),
            "summary": selectors.in_language(c, "summary"),
            "status_label": ChallengeStatus(c.status).label,
        }
        for c in open_challenges.select_related("owner").order_by("-published_at", "-created_at")[
            :LATEST
        ]
    ]
    context = {
        "counts": {
            "challenges": open_challenges.count(),
            "technologies": selectors.listed(TechnologyOffer, actor=request.user).count(),
            "products": selectors.listed(Product, actor=request.user).count(),
        },
        "latest_challenges": latest_challenges,
        "latest_technologies": [
            card(t) for t in selectors.listed(TechnologyOffer, actor=request.user)[:LATEST]
        ],
        "latest_products": [
            card(p) for p in selectors.listed(Product, actor=request.user)[:LATEST]
        ],
    }
    response = render(request, "exchange/home.html", context)
    add_never_cache_headers(response)
    return response
