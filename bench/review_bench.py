"""Automatic assignment of experts: a call of 2,000 applications in review and a pool of 500
experts, in a fresh database (SQLite file by default; PostgreSQL too when asked and 127.0.0.1:5432
answers). Target (issue 5): under 5 s.

The data: 3,000 organisations; each application has a lead and 1 to 3 confirmed partners, a
priority area and a title and summary made of its area's words (Russian and English); 1,000
past applications of another call (submitted 1 to 5 years ago) give "worked together"
conflicts; each expert has 1 to 3 areas, 3 to 6 keywords of those areas, 1 or 2 affiliations
and a load cap of 10 to 20; 200 declared conflicts. Everything is built with ``bulk_create``
before the clock starts; the time measured is ``assign_automatically`` alone (the conflict
index, the greedy pass, the inserts and the audit events, in its transaction).

Usage: .venv/bin/python bench/review_bench.py [--applications 2000] [--experts 500]
       [--databases sqlite,postgresql]
From Python: ``run(...)`` returns the results and prints the time.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import random
import time
from decimal import Decimal
from pathlib import Path

import bench_child
from bench_child import drop_postgres, fresh_postgres, run_child

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "innocluster_reviewbench"
TARGET_S = 5.0
SEED = 2026

VOCABULARY = {
    "ict": ["цифровой двойник", "машинное обучение", "кибербезопасность", "облачная платформа",
            "computer vision", "big data", "нейросеть", "интернет вещей"],
    "manufacturing": ["станок", "аддитивные технологии", "робототехника", "automation",
                      "промышленный робот", "литьё", "сварка", "smart factory"],
    "materials": ["композит", "полимер", "наноматериалы", "керамика", "coating", "сплав",
                  "graphene", "катализатор"],
    "medicine": ["диагностика", "телемедицина", "имплант", "medical imaging", "онкология",
                 "кардиология", "реабилитация", "clinical trial"],
    "biotech": ["биосинтез", "геномика", "фермент", "vaccine", "биопрепарат", "клеточные технологии",
                "protein", "микробиология"],
    "environment": ["очистка воды", "переработка отходов", "мониторинг воздуха", "recycling",
                    "выбросы", "экология", "carbon capture", "почва"],
    "construction": ["BIM", "бетон", "модульное строительство", "умный дом", "фасад",
                     "construction robot", "инженерные сети", "энергоэффективное здание"],
    "energy": ["аккумулятор", "водород", "солнечная энергетика", "smart grid", "турбина",
               "накопитель энергии", "battery", "теплоснабжение"],
    "transport": ["беспилотный транспорт", "электробус", "логистика", "drone", "навигация",
                  "railway", "зарядная станция", "traffic management"],
    "fintech": ["платёжная система", "blockchain", "скоринг", "цифровой рубль", "страхование",
                "open banking", "антифрод", "кредитование"],
}  # fmt: skip
AREAS = list(VOCABULARY)
FILLER = ["разработка", "внедрение", "платформа", "system", "для", "предприятий", "города",
          "на", "основе", "pilot", "решение", "development"]  # fmt: skip


def child(applications: int, experts: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from innocluster.accounts.models import User
    from innocluster.programmes.choices import ApplicationState, MemberRole, ParticipationStatus
    from innocluster.programmes.models import Application, Call, ConsortiumMember, Programme
    from innocluster.registry.models import Organisation
    from innocluster.review.assignment import assign_automatically
    from innocluster.review.models import Assignment, ConflictDeclaration, Expert

    results: dict = {"applications": applications, "experts": experts}
    results["database"] = connection.vendor
    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    results["migrate_s"] = time.perf_counter() - began

    rng = random.Random(SEED)
    now = timezone.now()
    began = time.perf_counter()
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    legal_form="legal_entity",
                    kind="company",
                    name_ru=f"ООО «Компания {i}»",
                    name_en=f"Company {i} LLC",
                    region_id="RU-MOW",
                    status="member",
                )
                for i in range(max(3000, applications + experts))
            ],
            batch_size=1000,
        )
        programme = Programme.objects.create(code="bench", name_ru="Бенчмарк", name_en="Bench")

        def make_call(code):
            return Call.objects.create(
                programme=programme,
                code=code,
                title_ru="Конкурс",
                published_at=now - datetime.timedelta(days=60),
                opens_at=now - datetime.timedelta(days=50),
                deadline=now - datetime.timedelta(days=20),
                budget_rub=Decimal("1000000000"),
                max_grant_rub=Decimal("10000000"),
                priority_areas=AREAS,
                reviewers_per_application=3,
            )

        call = make_call("bench-review")
        past_call = make_call("bench-past")

        def text(area):
            words = rng.sample(VOCABULARY[area], 3) + rng.sample(FILLER, 4)
            rng.shuffle(words)
            return " ".join(words[:4]).capitalize(), " ".join(words) + "."

        apps, members = [], []

        def application(the_call, number, state, submitted_at):
            area = rng.choice(AREAS)
            title, summary = text(area)
            consortium = rng.sample(organisations, rng.randint(2, 4))
            app = Application(
                call=the_call,
                lead=consortium[0],
                number=number,
                title=title,
                summary=summary,
                priority_area=area,
                innovation_type="technological",
                state=state,
                submitted_at=submitted_at,
            )
            apps.append(app)
            for position, org in enumerate(consortium):
                members.append(
                    ConsortiumMember(
                        application=app,
                        organisation=org,
                        role=MemberRole.LEAD if position == 0 else MemberRole.PARTNER,
                        status=ParticipationStatus.CONFIRMED,
                    )
                )

        for i in range(applications):
            application(call, f"BENCH-{i + 1:05d}", ApplicationState.IN_REVIEW, now)
        for i in range(applications // 2):
            ago = datetime.timedelta(days=rng.randint(365, 5 * 365))
            application(past_call, f"PAST-{i + 1:05d}", ApplicationState.APPROVED, now - ago)
        Application.objects.bulk_create(apps, batch_size=1000)
        ConsortiumMember.objects.bulk_create(members, batch_size=2000)

        users = User.objects.bulk_create(
            [
                User(
                    email=f"expert{i}@bench.example",
                    full_name=f"Эксперт {i}",
                    platform_role="expert",
                )
                for i in range(experts)
            ],
            batch_size=1000,
        )
        pool = []
        for user in users:
            areas = rng.sample(AREAS, rng.randint(1, 3))
            words = [w for a in areas for w in VOCABULARY[a]]
            pool.append(
                Expert(
                    user=user,
                    areas=areas,
                    keywords=rng.sample(words, rng.randint(3, 6)),
                    load_cap=rng.randint(10, 20),
                )
            )
        Expert.objects.bulk_create(pool, batch_size=1000)
        through = Expert.affiliations.through
        through.objects.bulk_create(
            [
                through(expert_id=e.pk, organisation_id=o.pk)
                for e in pool
                for o in rng.sample(organisations, rng.randint(1, 2))
            ],
            batch_size=2000,
        )
        in_review = apps[:applications]
        ConflictDeclaration.objects.bulk_create(
            [
                ConflictDeclaration(expert=rng.choice(pool), organisation=rng.choice(organisations))
                for _ in range(100)
            ]
            + [
                ConflictDeclaration(expert=rng.choice(pool), application=rng.choice(in_review))
                for _ in range(100)
            ]
        )
    results["generate_s"] = time.perf_counter() - began

    operator = User.objects.create(email="operator@bench.example", platform_role="fund_operator")
    began = time.perf_counter()
    report = assign_automatically(call, actor=operator)
    results["assign_s"] = time.perf_counter() - began
    results["created"] = report.created
    results["short"] = len(report.short)
    results["experts_used"] = report.experts_used
    loads = {}
    for expert_id in Assignment.objects.values_list("expert_id", flat=True):
        loads[expert_id] = loads.get(expert_id, 0) + 1
    results["max_load"] = max(loads.values(), default=0)
    results["target_s"] = TARGET_S
    return results


def _child(args: list[str], env_extra: dict | None = None) -> dict:
    return run_child(__file__, args, env_extra)


def postgres_url() -> str | None:
    return fresh_postgres(PG_DATABASE)


def run(
    applications: int = 2000,
    experts: int = 500,
    databases: tuple[str, ...] = ("sqlite",),
    log=print,
) -> dict:
    """Time ``assign_automatically`` in a child process per database; print the times."""
    results: dict = {}
    for database in databases:
        env = {}
        if database == "postgresql":
            url = postgres_url()
            if url is None:
                log("review: PostgreSQL does not answer on 127.0.0.1:5432; skipped")
                results[database] = None
                continue
            env["DATABASE_URL"] = url
        args = ["--applications", str(applications), "--experts", str(experts)]
        data = _child(args, env)
        results[database] = data
        if database == "postgresql":
            drop_postgres(PG_DATABASE)
        verdict = "ok" if data["assign_s"] < TARGET_S else "OVER TARGET"
        log(
            f"review: automatic assignment of {applications:,} applications × {experts} experts "
            f"on {database}: {data['assign_s']:.2f} s (target < {TARGET_S:.0f} s, {verdict}); "
            f"{data['created']:,} assignments, {data['short']} applications short, "
            f"{data['experts_used']} experts used, max load {data['max_load']}"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=500)
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--json", action="store_true", help="print the raw results too")
    bench_child.add_child_options(parser)
    args = parser.parse_args()
    if bench_child.measure_in_child(args, lambda: child(args.applications, args.experts)):
        return
    databases = bench_child.database_names(args.databases)
    results = run(args.applications, args.experts, databases)
    if args.json:
        print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
