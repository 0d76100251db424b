"""The operators' filtered application list (``/manage/applications/``) under load, against the
registry list page in the same run (issue 5: "filtered application list pages at that size keep
within the registry page's throughput ratio").

For each database, in a fresh database built by a child process: the registry at the bench's
size (``registry.demo.run(--orgs)``, 100,000 organisations by default, as the registry section
measures it), then a call with 2,000 applications spread over the workflow's states, each with a
lead and 1 to 3 partners from the registry, a budget, and for those past screening two or three
submitted reviews by 150 experts (some far apart, so the disagreement filter has work). A Fund
operator is signed in once and wrk sends that session cookie.

Then ``innocluster serve`` and wrk on loopback, one endpoint after another: the trivial view
``/healthz``, the registry page (a word, a region and a kind: the registry section's target case,
public, served from the page cache as visitors get it) and three filter combinations of the
application list, each cycling through 100 different URLs:

- by call and state, pages 1 to 20;
- by call, two states and a priority area, best score first;
- a title word and the disagreement flag.

Reported: requests/s, each page's ratio to the trivial view (the registry section's measure,
target ≥ 0.3) and the application pages' ratio to the registry page.

Usage: .venv/bin/python bench/applications_bench.py [--orgs 100000] [--databases sqlite,postgresql]
From bench/run.py: ``--sections applications``.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import io
import os
import random
import sys
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

import bench_child
from bench_child import drop_postgres, fresh_postgres, run_child

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "innocluster_appsbench"
RATIO_TARGET = 0.3  # the registry section's target: a page's req/s ÷ the trivial view's
SEED = 2027
AREAS = ["ict", "manufacturing", "materials", "medicine", "biotech", "environment",
         "construction", "energy", "transport", "fintech"]  # fmt: skip
TITLE_WORDS = ["платформа", "двойник", "робот", "датчик", "диагностика", "аккумулятор",
               "логистика", "композит", "очистка", "скоринг", "система", "модуль"]  # fmt: skip
# States of the 2,000 applications (weights): most in review, some at every other stage.
STATES = {
    "draft": 200, "submitted": 150, "screening": 100, "revision_requested": 50,
    "in_review": 900, "board": 300, "approved": 120, "rejected": 100, "waitlisted": 80,
}  # fmt: skip
REVIEWED = {"in_review", "board", "approved", "rejected", "waitlisted"}
CALL_CODE = "bench-apps"
NAMES = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}
TRIVIAL = "trivial view /healthz"
REGISTRY = "registry page: word + region + kind"
REGISTRY_SIGNED_IN = "registry page, signed in (not cached): word + region + kind"
ANONYMOUS = (TRIVIAL, REGISTRY)  # as the registry section measures them: no session
LIST_CASES = (
    "applications: call + state, pages 1-20",
    "applications: call + 2 states + area, best score first",
    "applications: title word + reviewers disagree",
)


# --------------------------------------------------------------------------- child


def child(orgs: int, applications: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from innocluster.accounts.models import User
    from innocluster.programmes.models import (
        Application,
        BudgetLine,
        Call,
        ConsortiumMember,
        Criterion,
        Programme,
    )
    from innocluster.registry import demo
    from innocluster.registry.models import Organisation
    from innocluster.review.models import Assignment, Expert, Review

    results: dict = {"database": connection.vendor, "applications": applications}
    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    demo.run(orgs, users=False)
    results["registry_s"] = time.perf_counter() - began
    results["orgs"] = Organisation.objects.count()

    rng = random.Random(SEED)
    now = timezone.now()
    began = time.perf_counter()
    org_ids = list(
        Organisation.objects.filter(status__in=["member", "partner"])
        .order_by("id")
        .values_list("id", flat=True)[:20000]
    )
    with transaction.atomic():
        programme = Programme.objects.create(code="bench-apps", name_ru="Бенчмарк")
        call = Call.objects.create(
            programme=programme,
            code=CALL_CODE,
            title_ru="Конкурс совместных проектов (бенчмарк)",
            published_at=now - datetime.timedelta(days=60),
            opens_at=now - datetime.timedelta(days=50),
            deadline=now - datetime.timedelta(days=10),
            budget_rub=Decimal("2000000000"),
            max_grant_rub=Decimal("20000000"),
            priority_areas=AREAS,
            reviewers_per_application=3,
        )
        Criterion.objects.create(call=call, code="novelty", name_ru="Новизна", weight=1)
        states = [s for s, n in STATES.items() for _ in range(n)]
        states = (states * (applications // len(states) + 1))[:applications]
        rng.shuffle(states)
        apps, members, lines = [], [], []
        for i, state in enumerate(states):
            consortium = rng.sample(org_ids, rng.randint(2, 4))
            words = rng.sample(TITLE_WORDS, 3)
            app = Application(
                call=call,
                lead_id=consortium[0],
                number="" if state == "draft" else f"{CALL_CODE.upper()}-{i + 1:04d}",
                title=" ".join(words).capitalize() + f" {i}",
                summary=" ".join(rng.sample(TITLE_WORDS, 6)),
                priority_area=rng.choice(AREAS),
                innovation_type="technological",
                state=state,
                submitted_at=None
                if state == "draft"
                else now - datetime.timedelta(days=rng.randint(10, 40), minutes=i),
            )
            apps.append(app)
            for position, org_id in enumerate(consortium):
                members.append(
                    ConsortiumMember(
                        application=app,
                        organisation_id=org_id,
                        role="lead" if position == 0 else "partner",
                        status="confirmed",
                    )
                )
            grant = Decimal(rng.randint(10, 200) * 100_000)
            lines.append(
                BudgetLine(
                    application=app,
                    category="salaries",
                    year=now.year,
                    grant_rub=grant,
                    cofinancing_rub=grant / 2,
                )
            )
        Application.objects.bulk_create(apps, batch_size=1000)
        ConsortiumMember.objects.bulk_create(members, batch_size=2000)
        BudgetLine.objects.bulk_create(lines, batch_size=2000)
        users = User.objects.bulk_create(
            [
                User(email=f"expert{i}@apps-bench.example", full_name=f"Эксперт {i}")
                for i in range(150)
            ]
        )
        experts = Expert.objects.bulk_create(
            [Expert(user=u, areas=[rng.choice(AREAS)], keywords=[]) for u in users]
        )
        assignments, reviews = [], []
        for app in apps:
            if app.state not in REVIEWED:
                continue
            base = rng.randint(30, 90)
            for expert in rng.sample(experts, rng.randint(2, 3)):
                assignment = Assignment(
                    application=app, expert=expert, status="submitted", automatic=True
                )
                assignments.append(assignment)
                total = max(0, min(100, base + rng.choice([-30, -5, 0, 5, 30])))
                reviews.append(
                    Review(
                        assignment=assignment,
                        scores={"novelty": total // 10},
                        total=Decimal(total),
                        submitted_at=now,
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        Review.objects.bulk_create(reviews, batch_size=2000)
    results["applications_s"] = time.perf_counter() - began
    results["reviews"] = len(reviews)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    operator = User.objects.create_user(
        "operator@apps-bench.example", password=None, platform_role="fund_operator"
    )
    client = Client()
    client.force_login(operator)
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    # A browser also holds the CSRF cookie it got on its first page with a form; the list is
    # cached per person only for a visitor who has one (core.pagecache.personal_page).
    csrf_secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    results["cookie"] = (
        f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf_secret}"
    )
    results["paths"] = _paths(rng)
    return results


def _paths(rng: random.Random) -> dict[str, list[str]]:
    """100 URLs per endpoint, the registry's as the registry section builds them."""
    sys.path.insert(0, str(Path(__file__).parent))
    from run import KINDS, REGIONS, WORDS

    def q(params):
        return "?" + urllib.parse.urlencode(params)

    registry = [
        "/registry/"
        + q({"q": rng.choice(WORDS), "region": rng.choice(REGIONS), "kind": rng.choice(KINDS)})
        for _ in range(100)
    ]
    base = "/manage/applications/"
    by_state = [
        base + q({"call": CALL_CODE, "state": rng.choice(["in_review", "board", "submitted"]),
                  "page": rng.randint(1, 20)})
        for _ in range(100)
    ]  # fmt: skip
    by_area = [
        base + q({"call": CALL_CODE, "state": "in_review,board", "area": rng.choice(AREAS),
                  "order": "-score"})
        for _ in range(100)
    ]  # fmt: skip
    disagree = [base + q({"q": rng.choice(TITLE_WORDS), "disagreement": "yes"}) for _ in range(100)]
    return {
        TRIVIAL: ["/healthz"],
        REGISTRY: registry,
        REGISTRY_SIGNED_IN: registry,
        LIST_CASES[0]: by_state,
        LIST_CASES[1]: by_area,
        LIST_CASES[2]: disagree,
    }


# --------------------------------------------------------------------------- parent


def _wrk(base: str, paths: list[str], cookie: str, args) -> dict:
    import run as registry_run

    headers = {"Cookie": cookie} if cookie else None
    return registry_run.wrk(
        base, paths, args.duration, args.connections, args.threads, headers=headers
    )


def _first(base: str, path: str, cookie: str) -> dict:
    """One request without following redirects: the page must answer 200 (not the sign-in)."""
    parsed = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return {"status": response.status, "bytes": len(body)}


def load(env: dict, data: dict, args, log) -> dict:
    import run as registry_run

    with registry_run.serving(env) as base:
        cookies = {name: "" if name in ANONYMOUS else data["cookie"] for name in data["paths"]}
        samples = {
            name: _first(base, paths[0], cookies[name]) for name, paths in data["paths"].items()
        }
        for name, sample in samples.items():
            if sample["status"] != 200:
                raise RuntimeError(f"{name}: {data['paths'][name][0]} answered {sample['status']}")
        results = {}
        for name, paths in data["paths"].items():
            warm = argparse.Namespace(**{**vars(args), "duration": args.warmup_seconds})
            _wrk(base, paths, cookies[name], warm)
            results[name] = _wrk(base, paths, cookies[name], args)
            log(f"  {name}: {results[name]['rps']:.0f} req/s")
        return {"results": results, "samples": samples}


def run(
    databases: tuple[str, ...] = ("sqlite", "postgresql"),
    *,
    orgs: int = 100_000,
    applications: int = 2000,
    duration: int = 10,
    warmup_seconds: int = 3,
    connections: int = 8,
    threads: int = 1,
    log=print,
) -> dict:
    """Build each database in a child process, then load its pages; the results per database."""
    import tempfile

    args = argparse.Namespace(
        duration=duration, warmup_seconds=warmup_seconds, connections=connections, threads=threads
    )
    results: dict = {}
    for database in databases:
        env_extra = {}
        if database == "postgresql":
            url = fresh_postgres(PG_DATABASE)
            if url is None:
                log("applications: PostgreSQL does not answer on 127.0.0.1:5432; skipped")
                results[database] = None
                continue
            env_extra["DATABASE_URL"] = url
        with tempfile.TemporaryDirectory(prefix="innocluster-appsbench-") as var:
            env_extra["INNOCLUSTER_VAR_DIR"] = var
            log(f"applications: {database}: {orgs:,} organisations, {applications:,} applications")
            load_before = os.getloadavg()[0]
            data = run_child(
                __file__,
                ["--orgs", str(orgs), "--applications", str(applications)],
                env_extra,
            )
            env = dict(os.environ)
            env.pop("DATABASE_URL", None)
            env.update(
                {
                    "DJANGO_SETTINGS_MODULE": "innocluster.settings",
                    "LOG_LEVEL": "ERROR",
                    "ALLOWED_HOSTS": "127.0.0.1",
                    "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
                    **env_extra,
                }
            )
            log(f"applications: {database}: load test ({duration} s per endpoint)")
            data["load"] = load(env, data, args, log)
            data["loadavg"] = (load_before, os.getloadavg()[0])
        data.pop("cookie", None)
        data["paths"] = {k: v[:3] for k, v in data["paths"].items()}
        results[database] = data
        if database == "postgresql":
            drop_postgres(PG_DATABASE)
    return {
        "databases": results,
        "settings": vars(args),
        "orgs": orgs,
        "applications": applications,
    }


def markdown(results: dict) -> list[str]:
    databases = {db: r for db, r in results["databases"].items() if r}
    settings = results["settings"]
    lines = [
        "## Operators' application list under load (issue 5)",
        "",
        f"A call with {results['applications']:,} applications (drafts to decisions; partners, "
        f"budgets, 2 or 3 submitted reviews for those past screening) in a registry of "
        f"{results['orgs']:,} organisations, in a fresh database per engine "
        "(`bench/applications_bench.py`). `innocluster serve` and wrk on the same two cores "
        f"({settings['threads']} thread, {settings['connections']} connections, "
        f"{settings['duration']} s per endpoint after {settings['warmup_seconds']} s of warm-up), "
        "one endpoint after another in the same server process; the application list is read as "
        "a signed-in Fund operator (a session cookie), each endpoint cycling through 100 URLs. "
        "The registry page is the registry section's target case (a word, a region and a kind), "
        "anonymous and therefore served from the page cache. The back office's list is "
        "personal: it is cached per person (`core.pagecache.personal_page`, keyed by the user, "
        "their session and CSRF secret, the URL, the language, and version tokens that every "
        "write to applications, consortia, budgets, calls, reviews or organisations, and every "
        "notification of that person, replaces), so a hit still reads the session (from the "
        "shared session cache), the user (a query, for the permission check) and the tokens; a "
        "miss runs the filter, the counts per state (the total is their sum), the page's ids, "
        "its rows and the partners' names. The signed-in registry page, which is not cached, "
        "is shown for comparison.",
        "",
        "| endpoint | database | req/s | ratio to trivial (target ≥ "
        f"{RATIO_TARGET}) | ratio to the registry page (cached) | ratio to the registry page "
        "signed in | p50 ms | p99 ms | non-2xx |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for db, data in databases.items():
        measured = data["load"]["results"]
        trivial = measured[TRIVIAL]["rps"]
        registry = measured[REGISTRY]["rps"]
        signed_in = measured[REGISTRY_SIGNED_IN]["rps"]
        for name, w in measured.items():
            lines.append(
                f"| {name} | {NAMES.get(db, db)} | {w['rps']:,.0f} | {w['rps'] / trivial:.3f} | "
                f"{w['rps'] / registry:.3f} | {w['rps'] / signed_in:.3f} | {w['p50_ms']:.1f} | "
                f"{w['p99_ms']:.1f} | {w['non_2xx']} |"
            )
    lines.append("")
    verdicts = []
    for db, data in databases.items():
        measured = data["load"]["results"]
        trivial = measured[TRIVIAL]["rps"]
        ratios = [measured[name]["rps"] / trivial for name in LIST_CASES]
        to_signed_in = [
            measured[name]["rps"] / measured[REGISTRY_SIGNED_IN]["rps"] for name in LIST_CASES
        ]
        verdicts.append(
            f"{NAMES.get(db, db)}: the application list's ratios to the trivial view are "
            f"{min(ratios):.2f} to {max(ratios):.2f} (target ≥ {RATIO_TARGET}: "
            f"{'met' if min(ratios) >= RATIO_TARGET else 'not met'}; the cached registry page's "
            f"{measured[REGISTRY]['rps'] / trivial:.2f}, the signed-in registry page's "
            f"{measured[REGISTRY_SIGNED_IN]['rps'] / trivial:.2f}); against the signed-in "
            f"registry page (not cached), {min(to_signed_in):.2f} to "
            f"{max(to_signed_in):.2f}"
        )
    lines.append("; ".join(verdicts) + ".")
    lines.append("")
    sizes = "; ".join(
        f"{NAMES.get(db, db)}: "
        + ", ".join(f"{name} {s['bytes']:,} bytes" for name, s in list(data["load"]["samples"].items())[1:])
        for db, data in databases.items()
    )  # fmt: skip
    build = "; ".join(
        f"{NAMES.get(db, db)}: registry {data['registry_s']:.0f} s, applications and reviews "
        f"{data['applications_s']:.1f} s ({data['reviews']:,} reviews); 1-minute load average "
        f"{data['loadavg'][0]:.1f} → {data['loadavg'][1]:.1f}"
        for db, data in databases.items()
    )
    lines += [f"First responses: {sizes}. Building: {build} (2.0 = both cores busy)."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--duration", type=int, default=10)
    bench_child.add_child_options(parser)
    args = parser.parse_args()
    if bench_child.measure_in_child(args, lambda: child(args.orgs, args.applications)):
        return
    databases = bench_child.database_names(args.databases)
    results = run(databases, orgs=args.orgs, applications=args.applications, duration=args.duration)
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
