"""The transparency log at 1,000,000 entries, against pymerkle in the same run.

Measures, in a fresh temporary database (SQLite in WAL mode unless a DATABASE_URL is given):
- append rate: realistic entries (a document version, signature, registration or timestamp
  event, ~300 bytes of canonical JSON) through ``append_entry``, one entry per transaction as the
  other apps append; then the rest of the log through ``append_entries`` in batches of 10,000;
- inclusion proofs (root + audit path, as the API computes them) p50/p95 against the full tree
  and against random earlier sizes; the same through the HTTP API (Django's test client);
- consistency proofs p50/p95 between random sizes;
- ``verify_log()`` of the whole log: every entry's bytes rehashed, every stored node, the log
  state and every tree head (and its signature) recomputed and compared;
- pymerkle 7's ``InmemoryTree`` (SHA-256, RFC 6962 prefixes) doing the same: appending the same
  entry bytes, inclusion and consistency proofs for the same indexes and sizes, and rebuilding the
  tree from all entries' bytes (its equivalent of a full verify). Its roots and proof hashes are
  compared with ours.

Usage: .venv/bin/python bench/ledger_bench.py [--entries 1000000] [--database-url URL]
From Python: ``run(database_url, entries)`` returns the results, ``markdown(results)`` the lines
of a markdown section.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_stats import percentiles

ROOT = Path(__file__).resolve().parent.parent
BATCH = 10_000
SINGLE_APPENDS = 20_000
PROOF_SAMPLES = 2000
HTTP_SAMPLES = 300
HEAD_EVERY = 100_000
TARGETS = {
    "append_rate": 5000.0,  # entries/s
    "inclusion_ms": 5.0,
    "verify_s": 30.0,
}
KINDS = ["document.version", "document.signature", "document.registered", "timestamp.issued"]


def _entry(i: int, rng: random.Random) -> tuple[str, dict, str, str]:
    """A realistic entry: what the documents app records when a version is stored, signed,
    registered or timestamped."""
    kind = KINDS[i % len(KINDS)]
    document = f"{rng.getrandbits(128):032x}"
    payload = {
        "document": f"{document[:8]}-{document[8:12]}-{document[12:16]}-{document[16:20]}-"
        f"{document[20:]}",
        "version": 1 + i % 7,
        "sha256": f"{rng.getrandbits(256):064x}",
        "registration_number": f"MIC-2026-{i:07d}",
        "organisation_inn": f"77{rng.randrange(10**8):08d}",
        "at": f"2026-11-27T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
    }
    if kind == "document.signature":
        payload["certificate_sha256"] = f"{rng.getrandbits(256):064x}"
    return kind, payload, "documents.version", str(i)


# --------------------------------------------------------------------------- child (Django)


def _timed(samples: list, cpu: list, fn, *args):
    began, began_cpu = time.perf_counter(), time.thread_time()
    value = fn(*args)
    samples.append((time.perf_counter() - began) * 1000)
    cpu.append((time.thread_time() - began_cpu) * 1000)
    return value


def child(entries: int, out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innocluster.settings")
    import django

    django.setup()
    import pymerkle
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from innocluster.ledger.merkle import verify_consistency, verify_inclusion
    from innocluster.ledger.models import LogEntry
    from innocluster.ledger.services import (
        NewEntry,
        append_entries,
        append_entry,
        canonical_json,
        current_tree,
        log_size,
        sign_tree_head,
        verify_log,
    )
    from innocluster.ledger.tree import StoredTree

    results: dict = {"entries": entries, "database": connection.vendor}
    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    results["migrate_s"] = time.perf_counter() - began
    if LogEntry.objects.exists():
        raise SystemExit("the benchmark needs an empty log: give it a fresh database")

    rng = random.Random(2026)
    single = min(SINGLE_APPENDS, entries)
    grouped = min(SINGLE_APPENDS, entries - single)
    leaf_inputs: list[bytes] = []  # the exact bytes, for pymerkle

    # 1. append_entry, one entry per transaction (autocommit: each call commits)
    began, began_cpu = time.perf_counter(), time.thread_time()
    for i in range(single):
        kind, payload, object_type, object_id = _entry(i, rng)
        entry = append_entry(kind, payload, object_type=object_type, object_id=object_id)
        leaf_inputs.append(bytes(entry.leaf_input))
    elapsed, cpu = time.perf_counter() - began, time.thread_time() - began_cpu
    results["append_single"] = {
        "entries": single,
        "seconds": elapsed,
        "rate": single / elapsed,
        "cpu_rate": single / cpu,
    }
    print(f"  append_entry: {single / elapsed:,.0f}/s", flush=True)

    # 2. append_entry inside the caller's transaction, 100 per transaction (a batch job)
    began, began_cpu = time.perf_counter(), time.thread_time()
    for start in range(single, single + grouped, 100):
        with transaction.atomic():
            for i in range(start, min(start + 100, single + grouped)):
                kind, payload, object_type, object_id = _entry(i, rng)
                entry = append_entry(kind, payload, object_type=object_type, object_id=object_id)
                leaf_inputs.append(bytes(entry.leaf_input))
    elapsed, cpu = time.perf_counter() - began, time.thread_time() - began_cpu
    results["append_grouped"] = {
        "entries": grouped,
        "seconds": elapsed,
        "rate": grouped / elapsed if grouped else None,
        "cpu_rate": grouped / cpu if grouped else None,
    }

    # 3. append_entries in batches, signing a tree head every HEAD_EVERY entries
    bulk_seconds, bulk_cpu, done, heads = 0.0, 0.0, single + grouped, 0
    while done < entries:
        count = min(BATCH, entries - done)
        batch = [NewEntry(*_entry(i, rng)) for i in range(done, done + count)]
        began, began_cpu = time.perf_counter(), time.thread_time()
        append_entries(batch)
        bulk_seconds += time.perf_counter() - began
        bulk_cpu += time.thread_time() - began_cpu
        leaf_inputs.extend(canonical_json({"kind": e.kind, **e.payload}) for e in batch)
        done += count
        if done // HEAD_EVERY != (done - count) // HEAD_EVERY:
            sign_tree_head()
            heads += 1
            print(f"  {done:,} entries ({(done - single - grouped) / bulk_seconds:,.0f}/s)")
    sign_tree_head()
    heads += 1
    bulk = entries - single - grouped
    results["append_bulk"] = {
        "entries": bulk,
        "batch": BATCH,
        "seconds": bulk_seconds,
        "rate": bulk / bulk_seconds if bulk else None,
        "cpu_rate": bulk / bulk_cpu if bulk else None,
    }
    results["signed_heads"] = heads
    assert log_size() == entries == len(leaf_inputs)

    # sign: the cost of signing a new head after one more append (the on-demand path)
    sign_samples: list[float] = []
    for i in range(20):
        append_entry("bench.tick", {"i": i})
        leaf_inputs.append(canonical_json({"kind": "bench.tick", "i": i}))
        _timed(sign_samples, [], sign_tree_head)
    results["sign_ms"] = percentiles(sign_samples)
    n = log_size()
    # A million byte strings stay alive from here on: keep the collector from rescanning them.
    gc.collect()
    gc.freeze()

    # 4. our proofs: inclusion against the full tree and random earlier sizes; consistency
    cases = [(rng.randrange(n), n) for _ in range(PROOF_SAMPLES // 2)]
    for _ in range(PROOF_SAMPLES // 2):
        size = rng.randrange(1, n + 1)
        cases.append((rng.randrange(size), size))
    rng.shuffle(cases)
    pairs = []
    for _ in range(PROOF_SAMPLES):
        second = rng.randrange(1, n + 1)
        pairs.append((rng.randrange(1, second + 1), second))

    def inclusion(index, size):
        assert size <= log_size()  # as the API does: the size check, then the proof
        return StoredTree(size).prove_inclusion(index, size)

    def consistency(first, second):
        assert second <= log_size()
        return StoredTree(second).prove_consistency(first, second)

    wall, cpu = [], []
    for index, size in cases:
        _timed(wall, cpu, inclusion, index, size)
    results["inclusion_ms"] = percentiles(wall) | {"cpu_mean": statistics.fmean(cpu)}
    wall, cpu = [], []
    for first, second in pairs:
        _timed(wall, cpu, consistency, first, second)
    results["consistency_ms"] = percentiles(wall) | {"cpu_mean": statistics.fmean(cpu)}

    # 5. the API end to end (Django's test client: routing, validation, JSON; no network)
    client = Client()
    wall = []
    for index, size in cases[:HTTP_SAMPLES]:
        response = _timed(
            wall,
            [],
            client.get,
            "/api/v1/log/proof/inclusion",
            {"leaf_index": index, "tree_size": size},
        )
        assert response.status_code == 200, response.content
    results["http_inclusion_ms"] = percentiles(wall)

    # 6. verify everything from the entries' bytes
    began = time.perf_counter()
    size, problems = verify_log()
    results["verify_s"] = time.perf_counter() - began
    results["verify_problems"] = len(problems)
    assert size == n and not problems, problems[:5]
    print(f"  verify: {results['verify_s']:.1f} s", flush=True)

    # 7. pymerkle: the same bytes, in memory
    began, began_cpu = time.perf_counter(), time.thread_time()
    theirs = pymerkle.InmemoryTree(algorithm="sha256")
    for data in leaf_inputs:
        theirs.append_entry(data)
    their_append = time.perf_counter() - began
    results["pymerkle_append"] = {
        "entries": n,
        "seconds": their_append,
        "rate": n / their_append,
        "cpu_rate": n / (time.thread_time() - began_cpu),
    }
    print(f"  pymerkle append: {n / their_append:,.0f}/s", flush=True)
    results["roots_equal"] = theirs.get_root() == current_tree().root()
    gc.collect()
    gc.freeze()
    wall, cpu = [], []
    for index, size in cases:
        _timed(wall, cpu, theirs.prove_inclusion, index + 1, size)
    results["pymerkle_inclusion_ms"] = percentiles(wall) | {"cpu_mean": statistics.fmean(cpu)}
    wall, cpu = [], []
    for first, second in pairs:
        _timed(wall, cpu, theirs.prove_consistency, first, second)
    results["pymerkle_consistency_ms"] = percentiles(wall) | {"cpu_mean": statistics.fmean(cpu)}

    # cross-checks: the same roots and inclusion paths; pymerkle's consistency proofs (its own
    # layout of hashes) verify between our two roots: both see the same history
    same_path = same_proof = True
    for index, size in cases[:50]:
        root, path = current_tree(size).prove_inclusion(index, size)
        leaf = LogEntry.objects.values_list("leaf_hash", flat=True).get(index=index)
        assert verify_inclusion(bytes(leaf), index, size, path, root)
        proof = theirs.prove_inclusion(index + 1, size)
        same_path &= list(proof.path[1:]) == path and theirs.get_root(size) == root
    for first, second in pairs[:50]:
        first_root, second_root, proof = current_tree(second).prove_consistency(first, second)
        assert verify_consistency(first, second, first_root, second_root, proof)
        try:
            pymerkle.verify_consistency(
                first_root, second_root, theirs.prove_consistency(first, second)
            )
        except pymerkle.InvalidProof:
            same_proof = False
    results["inclusion_paths_equal"] = same_path
    results["consistency_proofs_agree"] = same_proof
    del theirs
    gc.unfreeze()
    gc.collect()

    # pymerkle's "verify": rebuild the tree from every entry's bytes read from the database
    began = time.perf_counter()
    rebuilt = pymerkle.InmemoryTree(algorithm="sha256")
    rows = LogEntry.objects.order_by("index").values_list("leaf_input", flat=True)
    for data in rows.iterator(chunk_size=20_000):
        rebuilt.append_entry(bytes(data))
    results["pymerkle_verify_s"] = time.perf_counter() - began
    results["pymerkle_verify_root_equal"] = rebuilt.get_root() == current_tree().root()
    del rebuilt

    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        results["database_mb"] = sum(
            p.stat().st_size for p in name.parent.glob(name.name + "*")
        ) / (1024 * 1024)
    results["python"] = platform.python_version()
    results["pymerkle"] = pymerkle.__version__
    results["sqlite"] = __import__("sqlite3").sqlite_version
    results["cpus"] = os.cpu_count()
    with contextlib.suppress(OSError):
        results["load_average"] = os.getloadavg()
    out.write_text(json.dumps(results, indent=2))


# --------------------------------------------------------------------------- parent


def run(database_url: str | None, entries: int = 1_000_000) -> dict:
    """Run the benchmark in a child process with a fresh temporary var/ (and so a fresh SQLite
    database, unless ``database_url`` names one, which must hold an empty log)."""
    with tempfile.TemporaryDirectory(prefix="innocluster-ledger-bench-") as var:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update(
            {
                "INNOCLUSTER_VAR_DIR": var,
                "DJANGO_SETTINGS_MODULE": "innocluster.settings",
                "LOG_LEVEL": "ERROR",
                "ALLOWED_HOSTS": "testserver,127.0.0.1",
            }
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        out = Path(var) / "results.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--out", str(out)]
        cmd += ["--entries", str(entries)]
        subprocess.run(cmd, env=env, check=True, cwd=ROOT)
        return json.loads(out.read_text())


def _ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 10 else f"{value:,.0f} ms"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}/s"


def _rates(measured: dict) -> str:
    """Entries per second of wall time, and of the process's own CPU time (what a machine not
    shared with other work would approach)."""
    if measured.get("rate") is None:
        return "—"
    cpu = measured.get("cpu_rate")
    return _rate(measured["rate"]) + (f" ({cpu:,.0f}/s CPU-bound)" if cpu else "")


def _times(ours: float, theirs: float, faster_is_bigger: bool = False) -> str:
    """How many times faster ours is (below 1: slower)."""
    if not ours or not theirs:
        return "—"
    ratio = ours / theirs if faster_is_bigger else theirs / ours
    return f"{ratio:.2f}×"


def markdown(results: dict) -> list[str]:
    """A markdown section: the table (measure, target, ours, pymerkle, ratio) and its notes."""
    n = results["entries"]
    db = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}.get(
        results["database"], results["database"]
    )
    single, bulk = results["append_single"], results["append_bulk"]
    grouped = results["append_grouped"]
    pm_rate = results["pymerkle_append"]["rate"]
    pm_rates = _rates(results["pymerkle_append"])
    inc, pm_inc = results["inclusion_ms"], results["pymerkle_inclusion_ms"]
    con, pm_con = results["consistency_ms"], results["pymerkle_consistency_ms"]
    http = results["http_inclusion_ms"]
    target_rate = f"≥ {TARGETS['append_rate']:,.0f}/s"
    target_inc = f"< {TARGETS['inclusion_ms']:.0f} ms"
    rows = [
        (
            f"append_entry, one entry per transaction ({single['entries']:,} entries)",
            target_rate,
            _rates(single),
            pm_rates,
            _times(single["rate"], pm_rate, faster_is_bigger=True),
        ),
        (
            f"append_entry, 100 per caller's transaction ({grouped['entries']:,} entries)",
            "—",
            _rates(grouped),
            pm_rates,
            _times(grouped["rate"] or 0, pm_rate, faster_is_bigger=True),
        ),
        (
            f"append_entries, batches of {bulk['batch']:,} ({bulk['entries']:,} entries)",
            target_rate,
            _rates(bulk),
            pm_rates,
            _times(bulk["rate"] or 0, pm_rate, faster_is_bigger=True),
        ),
        (
            f"inclusion proof + root, p50 ({inc['n']:,} random leaves and sizes)",
            target_inc,
            _ms(inc["p50"]),
            _ms(pm_inc["p50"]),
            _times(inc["p50"], pm_inc["p50"]),
        ),
        (
            "inclusion proof + root, p95",
            target_inc,
            _ms(inc["p95"]),
            _ms(pm_inc["p95"]),
            _times(inc["p95"], pm_inc["p95"]),
        ),
        (
            "inclusion proof + root, CPU time (mean)",
            "—",
            _ms(inc["cpu_mean"]),
            _ms(pm_inc["cpu_mean"]),
            _times(inc["cpu_mean"], pm_inc["cpu_mean"]),
        ),
        (
            "consistency proof + both roots, p50",
            "—",
            _ms(con["p50"]),
            _ms(pm_con["p50"]),
            _times(con["p50"], pm_con["p50"]),
        ),
        (
            "consistency proof + both roots, p95",
            "—",
            _ms(con["p95"]),
            _ms(pm_con["p95"]),
            _times(con["p95"], pm_con["p95"]),
        ),
        (
            f"GET /api/v1/log/proof/inclusion, p50 / p95 ({http['n']} requests)",
            "—",
            f"{_ms(http['p50'])} / {_ms(http['p95'])}",
            "—",
            "—",
        ),
        (
            f"sign a tree head after an append, p50 ({results['sign_ms']['n']})",
            "—",
            _ms(results["sign_ms"]["p50"]),
            "—",
            "—",
        ),
        (
            f"full verify of {n:,} entries",
            f"< {TARGETS['verify_s']:.0f} s",
            f"{results['verify_s']:.1f} s",
            f"{results['pymerkle_verify_s']:.1f} s",
            _times(results["verify_s"], results["pymerkle_verify_s"]),
        ),
    ]
    lines = [
        f"## Transparency log: {n:,} entries ({db})",
        "",
        "| measure | target | ours | pymerkle | ratio |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    checks = [
        ("roots equal", results["roots_equal"]),
        ("inclusion paths equal", results["inclusion_paths_equal"]),
        (
            "pymerkle's consistency proofs verify between our roots",
            results["consistency_proofs_agree"],
        ),
        ("rebuilt root equal", results["pymerkle_verify_root_equal"]),
    ]
    load = results.get("load_average")
    lines += [
        "",
        "ratio: how many times faster ours is than pymerkle (below 1×: slower), by wall time. "
        "CPU-bound: entries per second of the process's own CPU time, what a machine not shared "
        "with other work approaches (ours still waits for SQLite's writes). pymerkle "
        f"{results['pymerkle']} is its in-memory `InmemoryTree` (SHA-256, RFC 6962 prefixes) "
        "with nothing on disk; ours writes every entry and node to the database in the append's "
        "transaction, and answers proofs from the database (a query of a few dozen stored hashes "
        "plus the size check). Both appended the same entry bytes; cross-checks: "
        + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in checks)
        + ".",
        "",
        "Full verify rehashes every entry's bytes, recomputes and compares every stored node, the "
        f"log state and {results['signed_heads'] + 20} signed tree heads with their signatures; "
        "pymerkle's column is rebuilding its tree from the same bytes read from the database. "
        f"Database {results.get('database_mb', 0):,.0f} MB; Python {results['python']}, "
        f"SQLite {results['sqlite']}, {results['cpus']} CPUs"
        + (f", load average {load[0]:.1f} at the end" if load else "")
        + ". `python bench/ledger_bench.py --entries N`.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true", help="print the raw results too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.entries, args.out)
        return
    results = run(args.database_url, args.entries)
    if args.json:
        print(json.dumps(results, indent=2))
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
