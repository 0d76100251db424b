"""Builders for the back office tests: applications of any state made directly in the database
(the workflow itself is tested elsewhere), with partners, a budget and submitted reviews."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from innocluster.programmes.choices import ApplicationState
from innocluster.programmes.models import BudgetLine
from innocluster.review.models import Review
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.programmes.factories import ApplicationFactory, CallFactory, person
from tests.registry.factories import MemberOrganisationFactory, PartnerOrganisationFactory
from tests.review.factories import ExpertFactory, add_member, assignment

__all__ = [
    "CallFactory",
    "FundOperatorFactory",
    "MemberOrganisationFactory",
    "PartnerOrganisationFactory",
    "UserFactory",
    "make_application",
    "person",
    "review",
]

_seq = {"n": 0}


def make_application(
    call=None,
    *,
    state=ApplicationState.SUBMITTED,
    partners=(),
    grant="3000000",
    cofinancing="1000000",
    submitted_at=None,
    **fields,
):
    """An application of ``call`` in ``state`` with a number (unless a draft), ``partners``
    (confirmed) and one budget line of ``grant`` and ``cofinancing`` roubles."""
    _seq["n"] += 1
    call = call or CallFactory()
    if state != ApplicationState.DRAFT:
        fields.setdefault("number", f"{call.code.upper()}-{_seq['n']:04d}")
        fields.setdefault(
            "submitted_at", submitted_at or timezone.now() - datetime.timedelta(days=3)
        )
    application = ApplicationFactory(call=call, state=state, **fields)
    for partner in partners:
        add_member(application, partner)
    if grant is not None:
        BudgetLine.objects.create(
            application=application,
            category="salaries",
            year=timezone.localdate().year,
            grant_rub=Decimal(grant),
            cofinancing_rub=Decimal(cofinancing),
        )
    return application


def review(application, total, *, submitted=True):
    """A review of ``application`` with weighted score ``total`` by a new expert."""
    expert = ExpertFactory()
    made = assignment(application, expert, status="submitted" if submitted else "assigned")
    return Review.objects.create(
        assignment=made,
        scores={"novelty": 5, "team": 5},
        total=Decimal(str(total)),
        submitted_at=timezone.now() if submitted else None,
    )
