"""Ranking and the funding line for a call with 2,000 applications (C3's target: under 1 s).

In a fresh database (a SQLite file in a temporary directory, and PostgreSQL when 127.0.0.1:5432
answers), a closed call with three criteria, a 500 mln rouble budget, 500 experts and 2,000
applications in expert review, each with a requested grant from 1 to 30 mln roubles (not whole
thousands, so the optimal selection rounds them) and three submitted reviews with scores drawn
at random (totals computed by ``scoring.weighted_total``). Then, ``--repeats`` times:
``rank_call(call)`` (three queries), ``funding_line(ranking, budget)`` in rank order and
``funding_line(ranking, budget, optimal=True)`` (the exact numpy knapsack: 500,000 units of
1,000 roubles × 2,000 applications); the best and the median of each, and of the three together.

Usage: .venv/bin/python bench/ranking_bench.py [--applications 2000] [--experts 500]
       [--budget 500000000] [--repeats 5] [--databases sqlite,postgresql]
From Python: ``run(...)`` returns the results (and prints the times).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from bench_child import drop_postgres, fresh_postgres, run_child

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "innocluster_rankbench"
TARGET_S = 1.0
SEED = 2026
CRITERIA = [("novelty", 3, 0, 10), ("feasibility", 2, 1, 5), ("team", 1, 0, 100)]


def child(applications: int, experts: int, budget: int, repeats: int) -> dict:
    """Build the call in the database Django is set up with, and time the ranking."""
    import io

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from innocluster.accounts.models import User
    from innocluster.programmes.choices import ApplicationState
    from innocluster.programmes.models import (
        Application,
        ApplicationForm,
        BudgetLine,
        Call,
        Criterion,
        FormVersion,
        Programme,
    )
    from innocluster.review.choices import AssignmentStatus, ExpertKind
    from innocluster.review.models import Assignment, Expert, Review
    from innocluster.review.ranking import funding_line, rank_call
    from innocluster.review.scoring import weighted_total
    from tests.registry.factories import MemberOrganisationFactory

    results: dict = {
        "database": connection.vendor,
        "applications": applications,
        "experts": experts,
        "budget_rub": budget,
    }
    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    rng = random.Random(SEED)
    now = timezone.now()
    with transaction.atomic():
        lead = MemberOrganisationFactory()
        form = ApplicationForm.objects.create(code="bench-form", name="Bench form")
        version = FormVersion.objects.create(form=form, number=1, fields=[])
        call = Call.objects.create(
            programme=Programme.objects.create(code="bench", name_ru="Бенчмарк"),
            code="bench-call",
            title_ru="Конкурс",
            published_at=now - datetime.timedelta(days=120),
            opens_at=now - datetime.timedelta(days=100),
            deadline=now - datetime.timedelta(days=40),
            budget_rub=Decimal(budget),
            max_grant_rub=Decimal(30_000_000),
            form_version=version,
            disagreement_threshold=Decimal(20),
        )
        criteria = [
            Criterion.objects.create(
                call=call,
                code=code,
                name_ru=code,
                weight=Decimal(weight),
                scale_min=low,
                scale_max=high,
                position=i,
            )  # fmt: skip
            for i, (code, weight, low, high) in enumerate(CRITERIA)
        ]
        users = User.objects.bulk_create(
            User(email=f"expert{i}@bench.example", full_name=f"Expert {i}", platform_role="expert")
            for i in range(experts)
        )
        pool = Expert.objects.bulk_create(
            Expert(user=u, kind=ExpertKind.INTERNAL if i % 5 == 0 else ExpertKind.EXTERNAL)
            for i, u in enumerate(users)
        )
        apps = Application.objects.bulk_create(
            Application(
                call=call,
                lead=lead,
                number=f"B-{i:05d}",
                title=f"Проект {i}",
                state=ApplicationState.IN_REVIEW,
                submitted_at=now - datetime.timedelta(days=60, minutes=rng.randint(0, 20_000)),
            )
            for i in range(applications)
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                application=a,
                category="salaries",
                year=now.year,
                grant_rub=Decimal(rng.randint(100_000_000, 3_000_000_000)) / 100,
                cofinancing_rub=Decimal(1_000_000),
            )
            for a in apps
        )
        assignments = Assignment.objects.bulk_create(
            Assignment(application=a, expert=e, status=AssignmentStatus.SUBMITTED)
            for a in apps
            for e in rng.sample(pool, 3)
        )
        reviews = []
        for assignment in assignments:
            quality = rng.random()
            scores = {
                c.code: max(
                    c.scale_min,
                    min(
                        c.scale_max,
                        round(c.scale_min + (c.scale_max - c.scale_min) * rng.gauss(quality, 0.15)),
                    ),
                )  # fmt: skip
                for c in criteria
            }
            reviews.append(
                Review(
                    assignment=assignment,
                    scores=scores,
                    total=weighted_total(criteria, scores),
                    submitted_at=now,
                )
            )
        Review.objects.bulk_create(reviews)
    results["setup_s"] = time.perf_counter() - began

    times: dict[str, list[float]] = {"rank_call": [], "in_rank_order": [], "optimal": [], "all": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        ranking = rank_call(call)
        t1 = time.perf_counter()
        greedy = funding_line(ranking, call.budget_rub)
        t2 = time.perf_counter()
        best = funding_line(ranking, call.budget_rub, optimal=True)
        t3 = time.perf_counter()
        times["rank_call"].append(t1 - t0)
        times["in_rank_order"].append(t2 - t1)
        times["optimal"].append(t3 - t2)
        times["all"].append(t3 - t0)
    results["seconds"] = {
        k: {"best": min(v), "median": statistics.median(v)} for k, v in times.items()
    }
    results["ranked"] = sum(1 for e in ranking.entries if e.rank)
    results["disagreements"] = sum(1 for e in ranking.entries if e.disagreement)
    for name, line in (("in_rank_order", greedy), ("optimal", best)):
        results[name] = {
            "funded": len(line.funded),
            "requested_rub": str(line.total_requested),
            "total_score": str(line.total_score),
            "unit_rub": line.unit_rub,
            "exact": line.exact,
        }
    return results


def _child(args: list[str], env_extra: dict | None = None) -> dict:
    return run_child(__file__, args, env_extra)


def postgres_url() -> str | None:
    return fresh_postgres(PG_DATABASE)


def _report(r: dict, log) -> None:
    s = r["seconds"]
    ok = "meets" if s["all"]["median"] < TARGET_S else "MISSES"
    log(
        f"ranking on {r['database']}: {r['applications']:,} applications × 3 reviews, "
        f"budget {r['budget_rub']:,} RUB (setup {r['setup_s']:.1f} s)"
    )
    for name in ("rank_call", "in_rank_order", "optimal", "all"):
        log(f"  {name:14} best {s[name]['best'] * 1000:7.1f} ms, median "
            f"{s[name]['median'] * 1000:7.1f} ms")  # fmt: skip
    log(f"  together: {ok} the {TARGET_S:.0f} s target")
    for name in ("in_rank_order", "optimal"):
        line = r[name]
        log(
            f"  {name}: {line['funded']} funded, {Decimal(line['requested_rub']):,.2f} RUB, "
            f"score {line['total_score']} (unit {line['unit_rub']} RUB, "
            f"{'exact' if line['exact'] else 'coarser grid'})"
        )


def run(
    applications: int = 2000,
    experts: int = 500,
    budget: int = 500_000_000,
    repeats: int = 5,
    databases: tuple[str, ...] = ("sqlite", "postgresql"),
    log=print,
) -> dict:
    """Time rank_call and both funding lines, in a fresh database per engine; print the times."""
    args = ["--applications", str(applications), "--experts", str(experts),
            "--budget", str(budget), "--repeats", str(repeats)]  # fmt: skip
    results: dict = {}
    for database in databases:
        env = {}
        if database == "postgresql":
            url = postgres_url()
            if url is None:
                log("ranking: PostgreSQL does not answer on 127.0.0.1:5432; skipped")
                results["postgresql"] = None
                continue
            env["DATABASE_URL"] = url
        try:
            results[database] = _child(args, env)
        finally:
            if database == "postgresql":
                drop_postgres(PG_DATABASE)
        _report(results[database], log)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=500)
    parser.add_argument("--budget", type=int, default=500_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--json", action="store_true", help="print the raw results too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        data = child(args.applications, args.experts, args.budget, args.repeats)
        args.out.write_text(json.dumps(data, indent=2, default=str))
        return
    databases = tuple(d.strip() for d in args.databases.split(",") if d.strip())
    results = run(args.applications, args.experts, args.budget, args.repeats, databases)
    if args.json:
        print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
