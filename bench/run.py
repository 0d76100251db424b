"""`make bench`: InnoCluster at 100,000 organisations, on SQLite and on PostgreSQL.

For each database it
1. creates a fresh database, migrates, loads the reference data and times
   ``innocluster demo --orgs N`` (the generation rate);
2. times the registry search through the selector the registry page uses
   (``RegistryFilter`` + ``selectors.registry_page``: the first page of 25 and the count, exactly
   as the page runs it): plain list, word only, a word with two filters (the target case), an
   INN lookup; p50/p95/p99 over many different queries;
3. serves the portal with ``innocluster serve`` (granian) and loads it with ``wrk`` on loopback:
   the trivial view ``/healthz`` (the baseline of the same run), the registry page with a word
   and two filters, and organisation profiles; reports requests/s and each page's ratio to the
   trivial view.

Results go to docs/benchmarks.md. Usage:
    .venv/bin/python bench/run.py [--orgs 100000] [--databases sqlite,postgresql] [--duration 10]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench_stats import percentiles

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
INNOCLUSTER = BIN / "innocluster"
BENCH_VAR = ROOT / "var" / "bench"
PG_URL = "postgres://postgres@127.0.0.1:5432/innocluster_bench"
PG_ADMIN = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
SEARCH_TARGET_MS = 50.0
# Everything after this line in docs/benchmarks.md is written by hand and kept on regeneration.
NOTES_MARKER = "<!-- analysis: written by hand, kept by bench/run.py -->\n"
RATIO_TARGET = 0.3

# Words people search for: technology keywords, some as prefixes, in both languages.
WORDS = [
    "нейросети", "робототехника", "телемедицина", "биотехнологии", "блокчейн", "графен",
    "беспилотники", "аккумуляторы", "экология", "композиты", "диагностика", "платежи",
    "искусственный", "компьютерное", "водородная", "нанотехнологии", "логистика", "скоринг",
    "neural", "robotics", "telemedicine", "drones", "batteries", "graphene", "blockchain",
    "payments", "recycling", "sequencing", "lidar", "quantum", "robot", "нейро", "энерго",
]  # fmt: skip
REGIONS = ["RU-MOW"] * 3 + ["RU-MOS", "RU-SPE", "RU-TA", "RU-NVS", "RU-SVE"]
KINDS = ["company", "startup", "company", "startup", "corporation", "research_institute"]
AREAS = ["ict", "manufacturing", "materials", "medicine", "biotech", "environment",
         "construction", "energy", "transport", "fintech"]  # fmt: skip
SECTIONS = ["J", "C", "M", "K", "D", "F", "H", "Q", "E"]
SME = ["micro", "small", "medium", "large"]


# --------------------------------------------------------------------------- child tasks
# The measurements that need Django run in a child process with the database's environment.


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innocluster.settings")
    import django

    django.setup()


def child_generate(args) -> dict:
    _django()
    from django.core.management import call_command

    from innocluster.registry import demo

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    setup = time.perf_counter() - began
    began = time.perf_counter()
    # The registry's figures: users, token and documents, not the joint projects (issue 5's
    # sections build their own calls).
    result = demo.run(args.orgs, users=True, use_trigger=args.with_trigger, joint_projects=False)
    total = time.perf_counter() - began
    return {
        "setup_s": setup,
        "orgs": result.created_organisations,
        "orgs_s": result.seconds,
        "rate": result.rate,
        "with_users_s": total,
        "timings": result.timings,
    }


def child_search(args) -> dict:
    """Latency of the registry page's query: the filtered selector, the count and page 1."""
    _django()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from innocluster.registry import selectors
    from innocluster.registry.filters import RegistryFilter
    from innocluster.registry.models import Organisation
    from innocluster.registry.views import LIST_FIELDS, PAGE_SIZE

    rng = random.Random(args.seed)
    inns = list(
        Organisation.objects.in_public_registry()
        .exclude(inn=None)
        .order_by("?")
        .values_list("inn", flat=True)[:500]
    )
    anonymous = AnonymousUser()

    def run(params) -> tuple[float, int]:
        began = time.perf_counter()
        registry_filter = RegistryFilter.from_params(params)
        page = selectors.registry_page(
            anonymous, registry_filter, 1, per_page=PAGE_SIZE, only=LIST_FIELDS
        )
        rows = list(page.object_list)
        count = page.paginator.count
        elapsed = (time.perf_counter() - began) * 1000
        assert len(rows) <= PAGE_SIZE
        return elapsed, count

    def word():
        return rng.choice(WORDS)

    cases = {
        "plain list (page 1 + count)": lambda: {},
        "word only": lambda: {"q": word()},
        "word + two filters (target)": lambda: rng.choice(
            [
                {"q": word(), "region": rng.choice(REGIONS), "kind": rng.choice(KINDS)},
                {"q": word(), "area": rng.choice(AREAS), "region": rng.choice(REGIONS)},
                {
                    "q": word(),
                    "okved_section": rng.choice(SECTIONS),
                    "sme_category": rng.choice(SME),
                },
            ]
        ),
        "two filters, no word": lambda: {"region": rng.choice(REGIONS), "area": rng.choice(AREAS)},
        "INN lookup": lambda: {"q": rng.choice(inns)},
    }
    results = {}
    for name, make in cases.items():
        for _ in range(args.warmup):
            run(make())
        samples, counts = [], []
        for _ in range(args.queries):
            elapsed, count = run(make())
            samples.append(elapsed)
            counts.append(count)
        results[name] = percentiles(samples) | {"median_rows": statistics.median(counts)}

    # The statements the page runs for the target case, with their plans, for the record.
    params = {"q": "нейросети", "region": "RU-MOW", "kind": "startup"}
    with CaptureQueriesContext(connection) as captured:
        selectors.registry_page(
            anonymous, RegistryFilter.from_params(params), 1, per_page=PAGE_SIZE, only=LIST_FIELDS
        )
    statements = [q["sql"] for q in captured.captured_queries]
    plan = []
    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
        for sql in statements:
            cursor.execute(explain + sql)
            plan.append(sql)
            plan.extend("    " + " | ".join(str(c) for c in row) for row in cursor.fetchall())
    reset_queries()
    return {
        "cases": results,
        "target_sql": "\n".join(statements),
        "target_plan": plan,
        "list_fields": list(LIST_FIELDS),
        "total_orgs": Organisation.objects.count(),
        "public_orgs": Organisation.objects.in_public_registry().count(),
    }


def child_paths(args) -> dict:
    """Paths for the load test: profile pages and registry searches."""
    _django()
    from innocluster.registry.models import Organisation

    rng = random.Random(args.seed)
    ids = list(
        Organisation.objects.in_public_registry().order_by("?").values_list("id", flat=True)[:300]
    )
    searches = []
    for _ in range(300):
        params = {"q": rng.choice(WORDS), "region": rng.choice(REGIONS), "kind": rng.choice(KINDS)}
        searches.append("/registry/?" + urllib.parse.urlencode(params))
    return {"profiles": [f"/registry/{i}/" for i in ids], "searches": searches}


CHILD_TASKS = {"generate": child_generate, "search": child_search, "paths": child_paths}


# --------------------------------------------------------------------------- parent


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def run_child(task: str, env: dict, **options) -> dict:
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", task, "--child-out", str(out)]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            cmd.append(flag)
        elif value is not False:
            cmd += [flag, str(value)]
    subprocess.run(cmd, env=env, check=True, cwd=ROOT)
    data = json.loads(out.read_text())
    out.unlink()
    return data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_postgres() -> str:
    """Start the local PostgreSQL if it is down; recreate the bench database; its version."""
    if subprocess.run(["pg_isready", *PG_ADMIN], capture_output=True).returncode != 0:
        versions = sorted(os.listdir("/etc/postgresql"))
        log(f"starting PostgreSQL {versions[-1]}")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
            check=True,
        )
        for _ in range(30):
            if subprocess.run(["pg_isready", *PG_ADMIN], capture_output=True).returncode == 0:
                break
            time.sleep(1)
    subprocess.run(["dropdb", *PG_ADMIN, "--if-exists", "innocluster_bench"], check=True)
    subprocess.run(["createdb", *PG_ADMIN, "innocluster_bench"], check=True)
    return subprocess.run(
        ["psql", *PG_ADMIN, "-tAc", "show server_version"], capture_output=True, text=True
    ).stdout.strip()


def environment(database: str, var_dir: Path) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "INNOCLUSTER_VAR_DIR": str(var_dir),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "innocluster.settings",
            "LOG_LEVEL": "ERROR",
        }
    )
    if database == "postgresql":
        env["DATABASE_URL"] = PG_URL
    return env


@contextlib.contextmanager
def serving(env: dict):
    """``innocluster serve`` on a free port with ``env``, answering ``/healthz``; yields its
    base URL and stops it (its whole process group) on the way out."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(INNOCLUSTER), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_http(base + "/healthz")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback http)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url}")


def wrk(
    base: str,
    paths: list[str],
    duration: int,
    connections: int,
    threads: int,
    headers: dict[str, str] | None = None,
) -> dict:
    """requests/s and latency percentiles of GETs cycling through ``paths`` (with ``headers``,
    e.g. a session cookie, on every request)."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua_paths = ", ".join(json.dumps(p) for p in paths)
    lua_headers = "".join(
        f"headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in (headers or {}).items()
    )
    script.write_text(
        f"local paths = {{{lua_paths}}}\nlocal i = 0\nlocal headers = {{}}\n{lua_headers}"
        "request = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i], headers)\nend\n"
    )
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(script),
        base,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    script.unlink()

    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    lat = {p: ms(re.search(rf"\s{p}%\s+(\S+)", out).group(1)) for p in ("50", "99")}
    return {
        "rps": rps,
        "requests": total,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
        "p50_ms": lat["50"],
        "p99_ms": lat["99"],
    }


def load_test(env: dict, paths: dict, args) -> dict:
    with serving(env) as base:
        # The first answers of each page show whether the page is the real one or a placeholder.
        samples = {}
        for name, path in (("registry", paths["searches"][0]), ("profile", paths["profiles"][0])):
            with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
                body = response.read()
                samples[name] = {"status": response.status, "bytes": len(body)}
        endpoints = {
            "trivial view /healthz": ["/healthz"],
            "registry page: word + region + kind": paths["searches"],
            "profile page /registry/<id>/": paths["profiles"],
        }
        results = {}
        for name, endpoint_paths in endpoints.items():
            wrk(base, endpoint_paths, args.warmup_seconds, args.connections, args.threads)
            results[name] = wrk(base, endpoint_paths, args.duration, args.connections, args.threads)
            log(f"  {name}: {results[name]['rps']:.0f} req/s")
        return {"results": results, "samples": samples, "port": int(base.rsplit(":", 1)[1])}


def machine(pg_version: str) -> dict:
    import sqlite3

    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, granian; print(django.get_version(), granian.__version__)",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    wrk_version = (
        subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
        if shutil.which("wrk")
        else ""
    )
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version or "not measured",
        "django": versions[0] if versions else "?",
        "granian": versions[1] if len(versions) > 1 else "?",
        "wrk": wrk_version.split(" [")[0].strip() or "wrk",
    }


def bench_database(database: str, args) -> dict:
    load_before = os.getloadavg()[0]
    var_dir = BENCH_VAR / database
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    env = environment(database, var_dir)
    log(f"{database}: migrate, reference data, demo --orgs {args.orgs}")
    generated = run_child("generate", env, orgs=args.orgs)
    log(
        f"{database}: {generated['orgs']} organisations in {generated['orgs_s']:.1f} s ({generated['rate']:.0f}/s)"
    )
    log(f"{database}: search latency, {args.queries} queries per case")
    search = run_child(
        "search", env, queries=args.queries, warmup=args.search_warmup, seed=args.seed
    )
    for name, r in search["cases"].items():
        log(f"  {name}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms")
    paths = run_child("paths", env, seed=args.seed)
    log(f"{database}: load test ({args.duration} s each, {args.connections} connections)")
    load = load_test(env, paths, args)
    loadavg = (load_before, os.getloadavg()[0])
    return {"generate": generated, "search": search, "load": load, "loadavg": loadavg}


def trigger_comparison(args) -> dict:
    """SQLite: the demo insert with the per-row FTS trigger against one index rebuild."""
    out = {}
    for label, with_trigger in (("one rebuild after the insert", False), ("per-row trigger", True)):
        var_dir = BENCH_VAR / f"sqlite-fts-{int(with_trigger)}"
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
        data = run_child(
            "generate",
            environment("sqlite", var_dir),
            orgs=args.fts_orgs,
            with_trigger=with_trigger,
        )
        out[label] = data
        shutil.rmtree(var_dir, ignore_errors=True)
    return out


# --------------------------------------------------------------------------- report


def fmt_ms(value: float) -> str:
    return f"{value:.1f}"


def write_report(
    path: Path, command: str, info: dict, results: dict, fts: dict, args, began
) -> None:
    now = datetime.now(UTC)
    lines = [
        REGISTRY_HEADING,
        "",
        f"Measured {now:%Y-%m-%d %H:%M} UTC by `{command}` (the `make bench` target runs "
        f"`.venv/bin/python bench/run.py` after `make install`); the whole run took "
        f"{(time.time() - began) / 60:.1f} min. Regenerate this file with the same command.",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {info['cpu']}, {info['nproc']} cores (`nproc`) |",
        f"| RAM | {info['ram_gib']} GiB |",
        f"| Kernel | Linux {info['kernel']} |",
        f"| Python | {info['python']} |",
        f"| Django | {info['django']} |",
        f"| SQLite | {info['sqlite']} (WAL, synchronous=NORMAL) |",
        f"| PostgreSQL | {info['postgresql']} (Debian package, default configuration, loopback) |",
        f"| Web server | granian {info['granian']}, `innocluster serve` defaults: one worker process per CPU, 8 threads each, WSGI |",
        f"| Load generator | {info['wrk']}, {args.threads} thread, {args.connections} connections, "
        f"{args.duration} s per endpoint after a {args.warmup_seconds} s warm-up, on the same machine |",
        "",
        "Load generator, server and database share the two cores, so absolute requests/s are lower "
        "than on separate machines; the ratios to the trivial view, measured in the same run on the "
        "same server, are the comparable numbers. The machine is shared with other work; its "
        "1-minute load average at the start and end of each database's run: "
        + "; ".join(
            f"{db} {r['loadavg'][0]:.1f} → {r['loadavg'][1]:.1f}" for db, r in results.items()
        )
        + " (2.0 = both cores busy).",
        "",
        f"### Results at {args.orgs:,} organisations",
        "",
        "| | target | " + " | ".join(results) + " |",
        "|---|---|" + "---|" * len(results),
    ]

    def row(label, target, fn):
        lines.append(
            f"| {label} | {target} | " + " | ".join(fn(r) for r in results.values()) + " |"
        )

    row("Demo generation rate (orgs/s)", "100k < 60 s on SQLite",
        lambda r: f"{r['generate']['rate']:,.0f} ({r['generate']['orgs_s']:.1f} s)")  # fmt: skip
    target_case = "word + two filters (target)"
    row("Search p95, word + two filters (ms)", f"< {SEARCH_TARGET_MS:.0f}",
        lambda r: fmt_ms(r["search"]["cases"][target_case]["p95"]))  # fmt: skip
    trivial = "trivial view /healthz"
    for name in ("registry page: word + region + kind", "profile page /registry/<id>/"):
        row(f"{name.split(':')[0].split(' /')[0].capitalize()}: req/s ÷ trivial view req/s", f"≥ {RATIO_TARGET}",
            lambda r, name=name: f"{r['load']['results'][name]['rps'] / r['load']['results'][trivial]['rps']:.3f}")  # fmt: skip
    lines += ["", "#### Registry search latency", ""]
    lines.append(
        "Each query runs the registry page's own code path: `RegistryFilter.from_params` → "
        "`selectors.registry_page(…, page 1, per_page=25, only=<the list's columns>)`: the "
        "full-text match's exact count, the page's 25 ids by the cheaper plan, then those rows "
        f"(`registry/search.py`). {args.queries} different queries per case (random words from the demo "
        "vocabulary, RU and EN, some prefixes; random regions, kinds, areas, OKVED sections, SME "
        f"categories) after {args.search_warmup} warm-up queries; milliseconds, in-process."
    )
    lines += ["", "| case | database | p50 | p95 | p99 | mean | max | median matches |",
              "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for case in next(iter(results.values()))["search"]["cases"]:
        for db, r in results.items():
            c = r["search"]["cases"][case]
            lines.append(
                f"| {case} | {db} | {fmt_ms(c['p50'])} | {fmt_ms(c['p95'])} | {fmt_ms(c['p99'])} | "
                f"{fmt_ms(c['mean'])} | {fmt_ms(c['max'])} | {c['median_rows']:,.0f} |"
            )
    lines += ["", "#### Throughput under load", ""]
    lines.append(
        "`innocluster serve --port <free port>` with `INNOCLUSTER_VAR_DIR`/`DATABASE_URL` of the "
        "benchmark database and `ALLOWED_HOSTS=127.0.0.1`; wrk cycles through 300 registry searches "
        "(a word, a region and a kind, like the target case) and 300 profiles of public "
        "organisations."
    )
    lines += ["", "| endpoint | database | req/s | ratio to trivial | p50 ms | p99 ms | non-2xx |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    for db, r in results.items():
        base = r["load"]["results"][trivial]["rps"]
        for name, w in r["load"]["results"].items():
            lines.append(
                f"| {name} | {db} | {w['rps']:,.0f} | {w['rps'] / base:.3f} | {fmt_ms(w['p50_ms'])} | "
                f"{fmt_ms(w['p99_ms'])} | {w['non_2xx']} |"
            )
    samples = "; ".join(
        f"{db}: registry page {r['load']['samples']['registry']['bytes']:,} bytes, profile "
        f"{r['load']['samples']['profile']['bytes']:,} bytes"
        for db, r in results.items()
    )
    lines += ["", f"Response sizes measured (first response of each page): {samples}."]
    lines += ["", "#### Demo generation", ""]
    lines.append(
        f"`innocluster demo --orgs {args.orgs}` on a freshly migrated database with the reference "
        "data: organisations with their priority areas, further OKVED codes, three years of "
        "revenue, membership applications, agreement acceptances and status history "
        "(≈ 10 rows per organisation), in one transaction."
    )
    lines += ["", "| step (s) | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    steps = list(dict.fromkeys(step for r in results.values() for step in r["generate"]["timings"]))
    for step in steps:
        lines.append(f"| {step} | " + " | ".join(f"{r['generate']['timings'].get(step, 0):.2f}" for r in results.values()) + " |")  # fmt: skip
    lines.append("| **organisations total** | " + " | ".join(f"**{r['generate']['orgs_s']:.1f}**" for r in results.values()) + " |")  # fmt: skip
    lines.append("| users, token, credentials file | " + " | ".join(f"{r['generate']['with_users_s'] - r['generate']['orgs_s']:.1f}" for r in results.values()) + " |")  # fmt: skip
    if fts:
        lines += [
            "",
            f"SQLite full-text index during the insert ({args.fts_orgs:,} organisations):",
            "",
        ]
        lines += ["| strategy | organisations, s | rate, orgs/s |", "|---|---|---|"]
        for label, data in fts.items():
            lines.append(f"| {label} | {data['orgs_s']:.1f} | {data['rate']:,.0f} |")
    lines += ["", "#### Query plans of the target case", ""]
    for db, r in results.items():
        lines += [f"{db}, `q=нейросети&region=RU-MOW&kind=startup`, page 1:", "", "```sql",
                  r["search"]["target_sql"], "```", "", "```", *r["search"]["target_plan"], "```", ""]  # fmt: skip
    write_sections(path, {"registry": lines})


SECTION_ORDER = ["registry", "ledger", "signatures", "navigator", "programmes", "applications",
                 "matching"]  # fmt: skip
REGISTRY_HEADING = "## Member registry and portal (issue 2)"
SECTION_START = "<!-- section: {} -->"
PREAMBLE = [
    "# Benchmarks",
    "",
    "`make bench` measures every section below; `.venv/bin/python bench/run.py --sections "
    "ledger,signatures` (any subset of " + ", ".join(SECTION_ORDER) + ") re-measures only those "
    "and keeps the others. Each section says when and by which command it was measured.",
    "",
]


def with_head(lines: list[str], command: str) -> list[str]:
    """A section's own heading, then when, by which command and on which machine, then the rest."""
    heading, rest = (lines[0], lines[1:]) if lines and lines[0].startswith("#") else ("", lines)
    while rest and not rest[0].strip():
        rest = rest[1:]
    return ([heading, ""] if heading else []) + section_head(command) + rest


def section_head(command: str) -> list[str]:
    """When, by which command, on which machine."""
    info = machine("")
    return [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `{command}` on {info['cpu']}, "
        f"{info['nproc']} cores, {info['ram_gib']} GiB, Python {info['python']}; 1-minute load "
        f"average at the start {os.getloadavg()[0]:.1f} (the machine is shared).",
        "",
    ]


def read_sections(path: Path) -> tuple[dict[str, str], str]:
    """The sections of an existing report, and the hand-written notes after NOTES_MARKER."""
    if not path.exists():
        return {}, ""
    text = path.read_text(encoding="utf-8")
    body, _marker, notes = text.partition(NOTES_MARKER)
    sections: dict[str, str] = {}
    pattern = re.compile(r"^<!-- section: (\w+) -->$", re.M)
    starts = list(pattern.finditer(body))
    if not starts and body.strip():
        # A report from before sections existed held only the registry measurements.
        legacy = body.split("\n", 2)[2] if body.startswith("# Benchmarks") else body
        legacy = re.sub(r"^(#{2,3}) ", r"#\1 ", legacy, flags=re.M)
        sections["registry"] = REGISTRY_HEADING + "\n\n" + legacy
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        sections[match.group(1)] = body[match.end() : end].strip("\n") + "\n"
    return sections, notes


def write_sections(path: Path, new: dict[str, list[str]]) -> None:
    """Replace the given sections of the report, keep the others and the hand-written notes."""
    sections, notes = read_sections(path)
    for name, lines in new.items():
        sections[name] = "\n".join(lines).strip("\n") + "\n"
    out = list(PREAMBLE)
    for name in SECTION_ORDER + [n for n in sections if n not in SECTION_ORDER]:
        if name in sections:
            out += [SECTION_START.format(name), sections[name].strip("\n"), ""]
    path.write_text("\n".join(out) + "\n" + NOTES_MARKER + notes, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--queries", type=int, default=150, help="search queries per case")
    parser.add_argument("--search-warmup", type=int, default=20)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--warmup-seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--fts-orgs", type=int, default=20_000, help="0 skips the trigger comparison"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--sections",
        default=",".join(SECTION_ORDER),
        help="which sections to measure: " + ",".join(SECTION_ORDER),
    )
    parser.add_argument("--log-entries", type=int, default=1_000_000, help="ledger section")
    parser.add_argument(
        "--matching-rows", type=int, default=1_000_000, help="matching section's speed part"
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    # child mode
    parser.add_argument("--child", choices=sorted(CHILD_TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--with-trigger", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        sys.path.insert(0, str(ROOT / "src"))
        data = CHILD_TASKS[args.child](args)
        Path(args.child_out).write_text(json.dumps(data, default=str))
        return

    sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = set(sections) - set(SECTION_ORDER)
    if unknown:
        sys.exit(f"--sections: unknown {', '.join(sorted(unknown))}; known: {SECTION_ORDER}")
    began = time.time()
    command = (
        "make bench"
        if os.environ.get("MAKELEVEL")
        else "python bench/run.py " + " ".join(sys.argv[1:])
    )
    if "ledger" in sections:
        import ledger_bench

        log(f"ledger: {args.log_entries:,} entries")
        results = ledger_bench.run(None, entries=args.log_entries)
        write_sections(
            Path(args.output),
            {"ledger": with_head(ledger_bench.markdown(results), command)},
        )
    if "signatures" in sections:
        import signatures_bench

        log("signatures")
        results = signatures_bench.run()
        write_sections(
            Path(args.output),
            {"signatures": with_head(signatures_bench.markdown(results), command)},
        )
    if "navigator" in sections:
        import navigator_bench

        databases = tuple(d.strip() for d in args.databases.split(",") if d.strip())
        results = navigator_bench.run(databases=databases, log=log)
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        (BENCH_VAR / "navigator.json").write_text(json.dumps(results, default=str, indent=1))
        write_sections(
            Path(args.output),
            {"navigator": with_head(navigator_bench.markdown(results), command)},
        )
    if "programmes" in sections:
        import programmes_bench

        databases = tuple(d.strip() for d in args.databases.split(",") if d.strip())
        results = programmes_bench.run(databases=databases, log=log)
        write_sections(
            Path(args.output),
            {"programmes": with_head(programmes_bench.markdown(results), command)},
        )
    if "applications" in sections:
        import applications_bench

        if not shutil.which("wrk"):
            sys.exit("wrk is not installed: apt-get install -y wrk")
        databases = tuple(d.strip() for d in args.databases.split(",") if d.strip())
        results = applications_bench.run(
            databases,
            orgs=args.orgs,
            duration=args.duration,
            warmup_seconds=args.warmup_seconds,
            connections=args.connections,
            threads=args.threads,
            log=log,
        )
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        (BENCH_VAR / "applications.json").write_text(json.dumps(results, default=str, indent=1))
        write_sections(
            Path(args.output),
            {"applications": with_head(applications_bench.markdown(results), command)},
        )
    if "matching" in sections:
        import matching_bench

        databases = tuple(d.strip() for d in args.databases.split(",") if d.strip())
        results = matching_bench.run(scale=args.matching_rows, databases=databases, log=log)
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        (BENCH_VAR / "matching.json").write_text(json.dumps(results, default=str, indent=1))
        write_sections(
            Path(args.output),
            {"matching": with_head(matching_bench.markdown(results), command)},
        )
    if "registry" not in sections:
        log(f"wrote {args.output} in {(time.time() - began) / 60:.1f} min")
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    pg_version = ensure_postgres() if "postgresql" in databases else ""
    info = machine(pg_version)
    results = {}
    for database in databases:
        results[database] = bench_database(database, args)
    fts = trigger_comparison(args) if "sqlite" in databases and args.fts_orgs else {}
    (BENCH_VAR / "results.json").write_text(
        json.dumps({"machine": info, "results": results, "fts": fts}, default=str, indent=1)
    )
    write_report(Path(args.output), command, info, results, fts, args, began)
    log(f"wrote {args.output} in {(time.time() - began) / 60:.1f} min")


if __name__ == "__main__":
    main()
