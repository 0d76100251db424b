"""Joint projects (issue 5) at the scale of a big call: 2,000 applications and 500 experts.

Runs ``review_bench`` (automatic assignment) and ``ranking_bench`` (ranking and both funding
lines), each in a fresh database per engine, and writes their section of docs/benchmarks.md.
The filtered application list pages under load are the `applications` section (bench/applications_bench.py)."""

from __future__ import annotations

from decimal import Decimal

import ranking_bench
import review_bench

ASSIGN_TARGET_S = review_bench.TARGET_S
RANKING_TARGET_S = ranking_bench.TARGET_S
NAMES = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}


def run(databases: tuple[str, ...] = ("sqlite", "postgresql"), log=print) -> dict:
    return {
        "assignment": review_bench.run(databases=databases, log=log),
        "ranking": ranking_bench.run(databases=databases, log=log),
    }


def markdown(results: dict) -> list[str]:
    lines = [
        "## Joint projects: a call with 2,000 applications and 500 experts (issue 5)",
        "",
        "| measure | target | SQLite (WAL) | PostgreSQL |",
        "|---|---|---|---|",
    ]

    def cell(data, value) -> str:
        return "—" if data is None else value(data)

    assignment = results["assignment"]
    ranking = results["ranking"]
    row = [
        "automatic assignment, 3 reviewers per application, conflicts and load caps",
        f"< {ASSIGN_TARGET_S:.0f} s",
    ]
    for database in NAMES:
        row.append(cell(assignment.get(database), lambda d: f"{d['assign_s']:.2f} s"))
    lines.append("| " + " | ".join(row) + " |")
    for key, label in (
        ("rank_call", "ranking (`rank_call`), median"),
        ("in_rank_order", "funding line in rank order, median"),
        ("optimal", "optimal funding line (0/1 knapsack), median"),
        ("all", "ranking and both funding lines together, median"),
    ):
        target = f"< {RANKING_TARGET_S:.0f} s" if key == "all" else "—"
        row = [label, target]
        for database in NAMES:
            row.append(
                cell(
                    ranking.get(database),
                    lambda d, key=key: f"{d['seconds'][key]['median'] * 1000:.0f} ms",
                )
            )
        lines.append("| " + " | ".join(row) + " |")
    sample = next((d for d in ranking.values() if d), None)
    if sample:
        ordered, optimal = sample["in_rank_order"], sample["optimal"]
        lines += [
            "",
            f"Budget {Decimal(sample['budget_rub']):,.0f} RUB: in rank order "
            f"{ordered['funded']} applications are funded (total score "
            f"{ordered['total_score']}); the optimal selection funds {optimal['funded']} "
            f"(total score {optimal['total_score']}, "
            f"{'exact' if optimal['exact'] else 'a coarser grid'} on "
            f"{optimal['unit_rub']}-rouble units).",
        ]
    used = next((d for d in assignment.values() if d), None)
    if used:
        lines += [
            "",
            f"Assignment: {used['created']:,} assignments made, {used['short']} applications "
            f"left short, {used['experts_used']} experts used, highest load {used['max_load']}. "
            "Each engine in a fresh database built by a child process; "
            "`python bench/review_bench.py` and `python bench/ranking_bench.py` run them alone.",
        ]
    return lines
