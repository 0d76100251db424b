"""Builders for the board and page tests: applications before the board with submitted reviews,
board members who can sign the minutes, and a whole call ready for a board session."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from innocluster.documents.fund import fund_organisation
from innocluster.programmes.choices import ApplicationState
from innocluster.registry.models import OrganisationRole
from innocluster.review.choices import AssignmentStatus
from innocluster.review.models import Review
from tests.accounts.factories import PASSWORD, BoardMemberFactory, FundOperatorFactory
from tests.registry.factories import OrganisationRoleFactory
from tests.review.scoring_factories import application_in_review, assign, expert, review_call

__all__ = ["PASSWORD", "BoardSetup", "board_member", "board_setup", "reviewed"]


def board_member(**fields):
    """A board member with a viewer role at the Fund (so they sign the minutes for it)."""
    user = BoardMemberFactory(**fields)
    OrganisationRole.objects.get_or_create(
        organisation=fund_organisation(), user=user, role="viewer"
    )
    return user


def reviewed(call, totals, *, grant="3000000", state=ApplicationState.BOARD, lead_user=True):
    """An application of ``call`` in ``state`` with one submitted review per total in
    ``totals`` (0-100), requesting ``grant`` roubles; its lead has a signatory."""
    application = application_in_review(call, grant=grant, state=state)
    for total in totals:
        assignment = assign(application, expert(), status=AssignmentStatus.SUBMITTED)
        Review.objects.create(
            assignment=assignment,
            scores={"novelty": 5, "team": 5},
            total=Decimal(str(total)),
            submitted_at=timezone.now(),
        )
    if lead_user:
        OrganisationRoleFactory(organisation=application.lead, role="signatory")
    return application


@dataclass
class BoardSetup:
    call: object
    operator: object
    members: list
    best: object  # 90 points, 3 mln requested
    middle: object  # 70 points, 8 mln
    low: object  # 50 points, 2 mln
    others: list = field(default_factory=list)


def board_setup(*, budget="10000000", max_grant="9000000") -> BoardSetup:
    """A closed call (budget 10 mln, max grant 9 mln) with three applications before the board:
    90, 70 and 50 points requesting 3, 8 and 2 mln; two board members; an operator. In rank
    order the line funds the best only (8 mln does not fit in the 7 left, and the line stops
    there); the optimal selection funds the best and the low one (5 mln, 140 points)."""
    call = review_call(budget_rub=Decimal(budget), max_grant_rub=Decimal(max_grant))
    return BoardSetup(
        call=call,
        operator=FundOperatorFactory(),
        members=[board_member(), board_member()],
        best=reviewed(call, [90, 90], grant="3000000"),
        middle=reviewed(call, [70, 70], grant="8000000"),
        low=reviewed(call, [50, 50], grant="2000000"),
    )
