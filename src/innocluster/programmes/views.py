"""Public pages of calls (mounted at /calls/): the list of calls and each call's page.

Drafts are not public: their pages answer 404, like a wrong code.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import selectors
from .choices import CallStatus


@require_safe
def call_list(request):
    """Open calls (closing soonest first), then upcoming ones, then closed ones."""
    now = timezone.now()
    groups = selectors.call_groups(now)
    return render(
        request,
        "programmes/call_list.html",
        {
            "open_calls": groups[CallStatus.OPEN],
            "upcoming_calls": groups[CallStatus.UPCOMING],
            "closed_calls": groups[CallStatus.CLOSED],
            "now": now,
        },
    )


@require_safe
def call_detail(request, code: str):
    """One published call: its dates (Moscow time), money, areas, rules, documents, criteria,
    and, while it is open, the "Apply" form (or why the visitor cannot apply yet)."""
    call = selectors.public_call(code)
    if call is None:
        raise Http404
    from .applicant.overview import apply_context

    return render(
        request,
        "programmes/call_detail.html",
        {"card": selectors.call_card(call), "apply": apply_context(request, call)},
    )
