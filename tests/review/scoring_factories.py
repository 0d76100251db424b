"""Small builders for the scoring and ranking tests: a call in review with its criteria,
applications in expert review with a requested grant, experts of each kind, and assignments.

Built directly in the database (the assignment and workflow services are tested elsewhere)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import BudgetLine, Criterion
from innocluster.review.choices import ExpertKind
from innocluster.review.models import Assignment
from tests.accounts.factories import FundOperatorFactory
from tests.programmes.call_factories import make_call
from tests.programmes.factories import ApplicationFactory
from tests.review.factories import ExpertFactory

__all__ = ["FundOperatorFactory"]

_seq = {"n": 0}


def review_call(criteria=None, **extra):
    """A closed call; by default novelty (weight 2, 0–10) and team (weight 1, 0–10)."""
    call = make_call("closed", criteria=criteria is None, **extra)
    for position, item in enumerate(criteria or []):
        Criterion.objects.create(call=call, position=position, **item)
    return call


def application_in_review(
    call, *, grant="3000000", state=ApplicationState.IN_REVIEW, submitted_at=None, lead=None
):
    """An application of ``call`` in ``state`` whose requested grant is ``grant`` roubles."""
    _seq["n"] += 1
    extra = {"lead": lead} if lead is not None else {}
    application = ApplicationFactory(
        call=call,
        state=state,
        number=f"A-{_seq['n']:05d}",
        submitted_at=submitted_at or timezone.now() - datetime.timedelta(days=30),
        **extra,
    )
    BudgetLine.objects.create(
        application=application,
        category="salaries",
        year=timezone.localdate().year,
        grant_rub=Decimal(grant),
        cofinancing_rub=Decimal(grant) / 3,
    )
    return application


def expert(kind=ExpertKind.EXTERNAL, user=None):
    """An expert of ``kind`` (the assignment helper's ExpertFactory), for ``user`` if given."""
    return ExpertFactory(kind=kind, **({"user": user} if user is not None else {}))


def assign(application, who=None, **fields):
    """``who`` (an Expert; a new external one by default) assigned to ``application``."""
    return Assignment.objects.create(application=application, expert=who or expert(), **fields)
