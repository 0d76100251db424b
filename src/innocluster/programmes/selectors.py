"""Reads of calls: the public ones (published: upcoming, open, closed; drafts never), and what
their pages and the API show of them."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import CallStatus, InnovationType
from .models import Call, Criterion

# The same words as the navigator's and the registry's (reference/priority-areas.md).
AREA_LABELS = {
    "ict": _("Information and communication technologies"),
    "manufacturing": _("Advanced production technologies and robotics"),
    "materials": _("New materials and nanotechnology"),
    "medicine": _("Medicine and pharmaceutics"),
    "biotech": _("Biotechnology"),
    "environment": _("Environment protection technologies"),
    "construction": _("Prospective construction technologies"),
    "energy": _("Electricity and heat supply and usage technologies"),
    "transport": _("Prospective transport systems"),
    "fintech": _("Financial technologies"),
}
CODE_RE = re.compile(r"^[-a-zA-Z0-9_]{1,64}\Z")
PUBLIC_STATUSES = (CallStatus.UPCOMING, CallStatus.OPEN, CallStatus.CLOSED)


def lang() -> str:
    return "en" if (get_language() or "ru").startswith("en") else "ru"


def public_calls(status: str | None = None, *, now=None) -> QuerySet[Call]:
    """Published calls (never drafts), optionally of one phase, with what their pages show."""
    now = now or timezone.now()
    calls = (
        Call.objects.filter(published_at__isnull=False)
        .select_related("programme", "form_version__form")
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "code"))
        )
    )
    if status == CallStatus.UPCOMING:
        calls = calls.filter(opens_at__gt=now).order_by("opens_at", "code")
    elif status == CallStatus.OPEN:
        calls = calls.filter(opens_at__lte=now, deadline__gt=now).order_by("deadline", "code")
    elif status == CallStatus.CLOSED:
        calls = calls.filter(deadline__lte=now).order_by("-deadline", "code")
    elif status is not None:
        return Call.objects.none()
    else:
        calls = calls.order_by("-opens_at", "code")
    return calls


def public_call(code: str) -> Call | None:
    """A published call by its code, or None (a draft is as absent as a wrong code, and so is
    anything that cannot be a code: a NUL would make PostgreSQL refuse the query)."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        return None
    return public_calls().filter(code=code).first()


def money(value: Decimal | None) -> str:
    """Roubles as people read them, as the rest of the portal writes them (navigator.reasons):
    ``100 000 000 руб.`` (ru), ``100,000,000 RUB`` (en)."""
    if value is None:
        return "—"
    from innocluster.navigator.reasons import show_money

    return show_money(value)


def share(value: Decimal) -> str:
    """A share 0..1 as a percentage (``30 %``)."""
    percent = (value * 100).normalize()
    text = f"{percent:f}"
    if lang() == "ru":
        text = text.replace(".", ",")
    return f"{text}\u00a0%"


def area_labels(codes) -> list[str]:
    return [str(AREA_LABELS.get(code, code)) for code in codes]


def innovation_type_labels(codes) -> list[str]:
    labels = dict(InnovationType.choices)
    return [str(labels.get(code, code)) for code in codes]


def document_names(documents) -> list[str]:
    language = lang()
    return [
        (doc.get("name_en") if language == "en" and doc.get("name_en") else doc.get("name_ru", ""))
        for doc in documents
    ]


def call_card(call: Call, now=None) -> dict:
    """What a page shows of a call, in the active language."""
    status = call.status_at(now)
    return {
        "call": call,
        "status": status,
        "status_label": CallStatus(status).label,
        "budget": money(call.budget_rub),
        "max_grant": money(call.max_grant_rub),
        "cofinancing": share(call.cofinancing_min_share),
        "areas": area_labels(call.priority_areas),
        "innovation_types": innovation_type_labels(call.innovation_types),
        "documents": document_names(call.required_documents),
        "criteria": list(call.criteria.all()),
    }


def call_groups(now=None) -> dict:
    """The calls page's groups: open ones (closing soonest first), upcoming, then closed."""
    now = now or timezone.now()
    cards = {status: [] for status in PUBLIC_STATUSES}
    for call in public_calls(now=now):
        card = call_card(call, now)
        cards[card["status"]].append(card)
    cards[CallStatus.OPEN].sort(key=lambda c: (c["call"].deadline, c["call"].code))
    cards[CallStatus.UPCOMING].sort(key=lambda c: (c["call"].opens_at, c["call"].code))
    cards[CallStatus.CLOSED].sort(key=lambda c: c["call"].deadline, reverse=True)
    return cards


def consortium_partners_of(organisation_id) -> set:
    """Ids of the organisations that confirmed a place in a consortium together with this one
    (as lead or partner), for matchmaking's "worked together before" evidence."""
    from .choices import ParticipationStatus
    from .models import ConsortiumMember

    confirmed = ConsortiumMember.objects.filter(status=ParticipationStatus.CONFIRMED)
    applications = confirmed.filter(organisation_id=organisation_id).values("application_id")
    return set(
        confirmed.filter(application_id__in=applications)
        .exclude(organisation_id=organisation_id)
        .values_list("organisation_id", flat=True)
    )
