"""Aggregating the reviews, the disagreement flag, the ranking order, and the funding line in
rank order against the optimal selection (checked by brute force on small random cases)."""

from __future__ import annotations

import datetime
import itertools
import random
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from innocluster.core.errors import ValidationFailed
from innocluster.programmes.choices import ApplicationState
from innocluster.review import ranking as ranking_module
from innocluster.review.choices import AssignmentStatus
from innocluster.review.models import Review
from innocluster.review.ranking import (
    RankedApplication,
    Ranking,
    funding_line,
    rank_call,
)
from innocluster.review.scoring import save_review
from tests.review.scoring_factories import application_in_review, assign, review_call

NOW = timezone.now()


def reviewed(application, *totals, draft=None):
    """Submitted reviews with these totals (and a draft one with ``draft`` if given)."""
    for total in totals:
        assignment = assign(application, status=AssignmentStatus.SUBMITTED)
        Review.objects.create(
            assignment=assignment, scores={}, total=Decimal(total), submitted_at=timezone.now()
        )
    if draft is not None:
        Review.objects.create(assignment=assign(application), scores={}, total=Decimal(draft))
    return application


def ago(days):
    return NOW - datetime.timedelta(days=days)


# --------------------------------------------------------------------------- aggregation


@pytest.mark.django_db
def test_scores_are_aggregated_with_spread_and_disagreement():
    call = review_call(disagreement_threshold=Decimal("15"))
    wide = reviewed(application_in_review(call, grant="4000000"), "70", "90", "80", draft="0")
    narrow = reviewed(application_in_review(call), "61.5", "75")
    edge = reviewed(application_in_review(call), "50", "65")  # spread = threshold: no flag
    entries = rank_call(call).by_id()
    assert (entries[wide.pk].score, entries[wide.pk].reviews) == (Decimal("80.000"), 3)
    assert entries[wide.pk].spread == Decimal("20.000")
    assert entries[wide.pk].disagreement is True
    assert entries[wide.pk].requested_rub == Decimal("4000000")
    assert entries[narrow.pk].score == Decimal("68.250")
    assert entries[narrow.pk].disagreement is False
    assert entries[edge.pk].spread == Decimal("15.000")
    assert entries[edge.pk].disagreement is False


@pytest.mark.django_db
def test_totals_from_real_reviews_are_ranked():
    call = review_call()
    application = application_in_review(call)
    for scores in ({"novelty": 10, "team": 10}, {"novelty": 4, "team": 7}):
        assignment = assign(application)
        save_review(assignment, actor=assignment.expert.user, scores=scores, submit=True)
    entry = rank_call(call).entries[0]
    # 100 and (2·40 + 70)/3 = 50 → mean 75, spread 50 above the default threshold of 3
    assert (entry.score, entry.reviews, entry.spread, entry.disagreement, entry.rank) == (
        Decimal("75.000"), 2, Decimal("50.000"), True, 1,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_ranking_order(django_assert_max_num_queries):
    call = review_call(disagreement_threshold=Decimal("10"))
    best = reviewed(application_in_review(call), "90", "92")
    calm_late = reviewed(application_in_review(call, submitted_at=ago(5)), "80", "80")
    calm_early = reviewed(application_in_review(call, submitted_at=ago(9)), "80", "80")
    split = reviewed(application_in_review(call, submitted_at=ago(20)), "70", "90")
    board = reviewed(application_in_review(call, state=ApplicationState.BOARD), "60")
    decided = reviewed(application_in_review(call, state=ApplicationState.APPROVED), "95")
    unscored = application_in_review(call)
    drafting = reviewed(application_in_review(call), draft="99")
    screening = reviewed(application_in_review(call, state=ApplicationState.SCREENING), "99")
    refused_early = application_in_review(call, state=ApplicationState.REJECTED)
    other_call = reviewed(application_in_review(review_call()), "99")
    with django_assert_max_num_queries(3):
        ranking = rank_call(call)
    order = [e.application_id for e in ranking.entries]
    scored = [decided.pk, best.pk, calm_early.pk, calm_late.pk, split.pk, board.pk]
    assert order[:6] == scored
    assert set(order[6:]) == {unscored.pk, drafting.pk}
    assert [e.rank for e in ranking.entries] == [1, 2, 3, 4, 5, 6, None, None]
    assert screening.pk not in order and other_call.pk not in order
    assert refused_early.pk not in order  # decided without review
    # the decided application is shown for reference but competes for nothing
    assert [e.application_id for e in ranking.candidates] == scored[1:]


# --------------------------------------------------------------------------- the funding line


def entry(score, requested, *, state=ApplicationState.IN_REVIEW, number=""):
    return RankedApplication(
        application_id=uuid.uuid4(),
        number=number,
        title="",
        state=state,
        submitted_at=NOW,
        requested_rub=Decimal(requested),
        score=None if score is None else Decimal(score),
        reviews=0 if score is None else 3,
        spread=Decimal(0),
        disagreement=False,
    )


def ranking_of(*entries) -> Ranking:
    ranked = Ranking(call_id=None, threshold=Decimal(10), entries=list(entries))
    for place, item in enumerate(ranked.entries, start=1):
        item.rank = place
    return ranked


def ids(entries):
    return [e.application_id for e in entries]


def test_in_rank_order_the_line_falls_at_the_first_request_that_does_not_fit():
    a, b, c, d = entry(90, 6_000_000), entry(85, 5_000_000), entry(80, 3_000_000), entry(70, 1)
    line = funding_line(ranking_of(a, b, c, d), Decimal("10000000"))
    assert ids(line.funded) == [a.application_id]
    assert line.first_unfunded is b
    assert ids(line.unfunded) == ids([b, c, d])  # c would fit, but it is below the line
    assert line.total_requested == Decimal("6000000")
    assert line.remaining == Decimal("4000000")
    assert line.total_score == Decimal(90)


def test_everything_fits_when_the_budget_is_large():
    items = [entry(90, 1_000_000), entry(80, 2_000_000)]
    for optimal in (False, True):
        line = funding_line(ranking_of(*items), 10_000_000, optimal=optimal)
        assert ids(line.funded) == ids(items) and line.first_unfunded is None


def test_the_optimal_selection_can_differ_from_the_rank_order():
    a, b, c = entry(90, 6_000_000), entry(85, 5_000_000), entry(80, 5_000_000)
    ranked = ranking_of(a, b, c)
    greedy = funding_line(ranked, "10000000")
    best = funding_line(ranked, "10000000", optimal=True)
    assert ids(greedy.funded) == [a.application_id] and greedy.total_score == 90
    assert ids(best.funded) == ids([b, c]) and best.total_score == 165
    assert best.first_unfunded is a
    assert best.total_requested == Decimal("10000000") and best.exact


def test_only_candidates_are_drawn_into_the_line():
    decided = entry(99, 1_000_000, state=ApplicationState.APPROVED)
    unscored = entry(None, 1_000_000)
    fresh = entry(50, 1_000_000, state=ApplicationState.BOARD)
    for optimal in (False, True):
        line = funding_line(ranking_of(decided, fresh, unscored), 5_000_000, optimal=optimal)
        assert ids(line.funded) == [fresh.application_id] and not line.unfunded


def test_requests_are_rounded_up_to_thousands_so_the_choice_always_fits():
    a, b = entry(50, "500000.50"), entry(50, "499999.60")  # 1,000,000.10 together
    line = funding_line(ranking_of(a, b), 1_000_000, optimal=True)
    assert len(line.funded) == 1 and line.total_requested <= 1_000_000


def test_empty_and_zero_budgets():
    assert funding_line(ranking_of(), 1_000_000, optimal=True).funded == []
    line = funding_line(ranking_of(entry(80, 1_000)), 0, optimal=True)
    assert line.funded == [] and line.first_unfunded is not None


def best_by_brute_force(entries, budget) -> Decimal:
    best = Decimal(0)
    for size in range(len(entries) + 1):
        for subset in itertools.combinations(entries, size):
            if sum(e.requested_rub for e in subset) <= budget:
                best = max(best, sum((e.score for e in subset), Decimal(0)))
    return best


def test_the_optimal_selection_is_optimal_on_random_small_cases():
    rng = random.Random(2026)
    for _ in range(300):
        n = rng.randint(1, 9)
        entries = [
            entry(Decimal(rng.randint(0, 100_000)) / 1000, rng.randint(1, 60) * 100_000 + 1000 * rng.randint(0, 3))
            for _ in range(n)
        ]  # fmt: skip
        entries.sort(key=lambda e: -e.score)
        budget = Decimal(rng.randint(0, 200) * 50_000)
        ranked = ranking_of(*entries)
        line = funding_line(ranked, budget, optimal=True)
        assert line.total_requested <= budget
        assert line.total_score == best_by_brute_force(entries, budget)
        assert line.exact
        greedy = funding_line(ranked, budget)
        assert greedy.total_requested <= budget
        assert greedy.total_score <= line.total_score
        # funded and unfunded partition the candidates, both in rank order
        assert sorted(ids(line.funded + line.unfunded), key=str) == sorted(ids(entries), key=str)


def test_a_coarser_grid_when_the_budget_is_too_fine_stays_within_it(monkeypatch):
    monkeypatch.setattr(ranking_module, "MAX_CELLS", 1000)
    rng = random.Random(7)
    entries = [entry(rng.randint(1, 100), rng.randint(1_000, 900_000)) for _ in range(20)]
    budget = Decimal(3_000_000)
    line = funding_line(ranking_of(*entries), budget, optimal=True)
    assert not line.exact and line.unit_rub > 1000
    assert line.total_requested <= budget


def test_two_thousand_applications_on_a_large_budget_fit_and_beat_rank_order():
    # Speed is measured in bench/ranking_bench.py, not here.
    rng = random.Random(1)
    entries = [
        entry(Decimal(rng.randint(30_000, 100_000)) / 1000, rng.randint(1_000, 30_000) * 1000)
        for _ in range(2000)
    ]
    entries.sort(key=lambda e: -e.score)
    line = funding_line(ranking_of(*entries), Decimal(500_000_000), optimal=True)
    assert line.total_requested <= 500_000_000
    assert line.total_score >= funding_line(ranking_of(*entries), 500_000_000).total_score


@pytest.mark.parametrize("budget", ["-1", "много", None, float("nan"), True, Decimal("-0.01")])
def test_a_bad_budget_is_refused_naming_it(budget):
    for optimal in (False, True):
        with pytest.raises(ValidationFailed) as exc_info:
            funding_line(ranking_of(entry(80, 1000)), budget, optimal=optimal)
        assert [e.field for e in exc_info.value.errors] == ["budget"]


def test_the_coarser_grid_never_works_beyond_the_requests(monkeypatch):
    monkeypatch.setattr(ranking_module, "MAX_CELLS", 10)
    items = [entry(50, 123_457), entry(60, 234_568), entry(70, 345_679)]
    line = funding_line(ranking_of(*items), Decimal(10) ** 15, optimal=True)
    assert len(line.funded) == 3 and not line.exact
