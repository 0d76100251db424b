"""Factories of calls for the programmes tests: a programme, a form with its first version, and
calls in each phase (draft, upcoming, open, closed), built through the services where it matters.

``make_call(status=...)`` builds a call directly (its dates put it in the phase asked for), so
tests can set up a phase without going back in time; the services are tested on their own.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from innocluster.programmes.models import ApplicationForm, Call, Criterion, FormVersion, Programme

L = {"ru": "Поле", "en": "Field"}

FIELDS = [
    {
        "name": "summary",
        "type": "textarea",
        "label": {"ru": "Краткое описание", "en": "Summary"},
        "required": True,
        "max_length": 2000,
    },
    {
        "name": "trl",
        "type": "number",
        "label": {"ru": "Уровень готовности (TRL)", "en": "Technology readiness level"},
        "required": True,
        "min": 1,
        "max": 9,
    },
    {
        "name": "market",
        "type": "choice",
        "label": {"ru": "Рынок", "en": "Market"},
        "required": False,
        "choices": [
            {"code": "b2b", "label": {"ru": "Бизнес", "en": "Business"}},
            {"code": "b2g", "label": {"ru": "Государство", "en": "Government"}},
        ],
    },
]

CRITERIA = [
    {
        "code": "novelty",
        "name_ru": "Новизна",
        "name_en": "Novelty",
        "weight": "2",
        "scale_min": 0,
        "scale_max": 10,
    },
    {
        "code": "team",
        "name_ru": "Команда",
        "name_en": "Team",
        "weight": "1",
        "scale_min": 0,
        "scale_max": 10,
    },
]

DOCUMENTS = [
    {"code": "charter", "name_ru": "Устав", "name_en": "Charter"},
    {
        "code": "financials",
        "name_ru": "Бухгалтерская отчётность",
        "name_en": "Financial statements",
    },
]

_counter = {"n": 0}


def _next(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}-{_counter['n']}"


def make_programme(**extra) -> Programme:
    defaults = {"code": _next("prog"), "name_ru": "Совместные проекты", "name_en": "Joint projects"}
    return Programme.objects.create(**{**defaults, **extra})


def make_form_version(fields=None) -> FormVersion:
    form = ApplicationForm.objects.create(code=_next("form"), name="Joint project application")
    return FormVersion.objects.create(form=form, number=1, fields=fields or FIELDS)


def call_data(**extra) -> dict:
    """Valid input of ``create_call``: opens in 10 days, closes in 40."""
    now = timezone.now()
    data = {
        "code": _next("call"),
        "title_ru": "Конкурс совместных проектов",
        "title_en": "Joint projects call",
        "description_ru": "Гранты консорциумам участников кластера.",
        "description_en": "Grants to consortia of cluster members.",
        "opens_at": now + datetime.timedelta(days=10),
        "deadline": now + datetime.timedelta(days=40),
        "budget_rub": Decimal("100000000.00"),
        "max_grant_rub": Decimal("20000000.00"),
        "priority_areas": ["ict", "medicine"],
        "innovation_types": ["technological"],
        "min_members": 2,
        "max_members": 5,
        "min_sme_members": 1,
        "cofinancing_min_share": Decimal("0.3"),
        "required_documents": DOCUMENTS,
        "reviewers_per_application": 3,
    }
    data.update(extra)
    return data


PHASE_DATES = {
    # status: (opens_at, deadline) relative to now, and published or not
    "draft": (datetime.timedelta(days=10), datetime.timedelta(days=40), False),
    "upcoming": (datetime.timedelta(days=10), datetime.timedelta(days=40), True),
    "open": (-datetime.timedelta(days=5), datetime.timedelta(days=25), True),
    "closed": (-datetime.timedelta(days=60), -datetime.timedelta(days=5), True),
}


def make_call(status: str = "open", *, programme=None, form_version=None, criteria=True, **extra):
    """A complete call in the phase ``status`` (draft, upcoming, open, closed)."""
    opens, deadline, published = PHASE_DATES[status]
    now = timezone.now()
    data = call_data(opens_at=now + opens, deadline=now + deadline)
    data.update(extra)
    call = Call.objects.create(
        programme=programme or make_programme(),
        form_version=form_version or make_form_version(),
        published_at=(now - datetime.timedelta(days=90)) if published else None,
        **data,
    )
    if criteria:
        for position, item in enumerate(CRITERIA):
            Criterion.objects.create(
                call=call, position=position, **{**item, "weight": Decimal(item["weight"])}
            )
    return call
