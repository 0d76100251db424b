"""Partner matching: quality against BM25 baselines, and speed at 1,000,000 rows.

Quality. ``matching_corpus.generate`` builds a synthetic exchange of 20,000 organisations,
products and technology offers and 300 challenge queries whose graded judgements come from the
construction (see that module's docstring). For each query we compare
- the matcher: ``MatchIndex.build(rows).search(MatchQuery(...), 50)``, kinds organisation,
  product and technology, with the query's areas, ``trl_min`` and region;
- (a) plain BM25 (bm25s, its own tokenisation: lower-case, ``\\b\\w\\w+\\b``, no stemming; stop
  words: bm25s's English and Russian lists) over the raw texts: the required baseline;
- (b) BM25 (bm25s) over our analysed terms (the same stems the matcher uses, no structured
  evidence): the ablation that shows what the evidence adds to the text.
We report nDCG@10 (gains 2^grade - 1) and recall@50 over grade-2 items (the main recall), also
over grade >= 1, as means over all queries and over the Russian and the English
(cross-language: most relevant items are written in Russian only) queries.

Speed. ``matching_corpus.scale_rows`` makes 1,000,000 organisations and products (generation is
not timed as part of anything); we time (a) analysing the 1,000,000 texts into terms (done at
write time in production), (b) ``MatchIndex.build`` of the 1,000,000 rows, (c) top-20 searches of
300 challenge queries (p50/p95/max), (d) ``MatchIndex.apply`` of one edited row and the time
until a search finds the edit; the index's memory (RSS growth of the process over the build, and
the process's peak). End to end: 20,000 ``MatchDocument`` rows in a throwaway SQLite file, an
edit saved through the ORM, and the seconds until ``index_store.get_index().search`` returns it.

Every part runs in its own child process (fresh memory, fresh SQLite file).

Usage: .venv/bin/python bench/matching_bench.py [--items 20000] [--queries 300]
       [--scale-rows 1000000] [--db-docs 20000]
From Python: ``run(...)`` returns the results, ``markdown(results)`` the lines of a section.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import resource
import statistics
import sys
import time
from pathlib import Path

import bench_child
from bench_child import drop_postgres, fresh_postgres, run_child
from bench_stats import percentiles

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"build_s": 300.0, "search_p95_ms": 100.0}
QUALITY_SEED = 1
PG_DATABASE = "innocluster_matchbench"
SCALE_SEED = 7
# An edit in the incremental measurements adds this made-up word; no generated text has it.
EDIT_WORD = "квазиголограмма"
KINDS = ("organisation", "product", "technology")
# How deep the cross-language subset looks before keeping the Russian-only items.
CROSS_DEPTH = 1000


# --------------------------------------------------------------------------- metrics


def ndcg(ranked: list[str], judgements: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** judgements.get(o, 0) - 1) / math.log2(i + 2) for i, o in enumerate(ranked[:k]))
    ideal = sorted(judgements.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], judgements: dict[str, int], k: int = 50, at_least: int = 2) -> float:
    relevant = {o for o, g in judgements.items() if g >= at_least}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def capped_recall(ranked: list[str], judgements: dict[str, int], k: int = 50) -> float:
    """Grade-2 items found in the top k over the most the top k can hold, min(|relevant|, k)."""
    relevant = {o for o, g in judgements.items() if g >= 2}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / min(len(relevant), k)


def _rss_mib() -> tuple[float, float]:
    """The process's resident memory now and its peak, MiB."""
    status = Path("/proc/self/status").read_text()
    values = {}
    for line in status.splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":")
            values[key] = int(value.split()[0]) / 1024
    if not values:  # not Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    return values["VmRSS"], values["VmHWM"]


# --------------------------------------------------------------------------- quality (child)


def _bm25(corpus_tokens: list[list[str]]):
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)
    return retriever


def _retrieve(retriever, tokens: list[str], k: int) -> list[int]:
    known = [t for t in tokens if t in retriever.vocab_dict]
    if not known:
        return []
    docs, scores = retriever.retrieve([known], k=k, show_progress=False, n_threads=1)
    return [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


def measure_quality(items: int, queries: int, seed: int) -> dict:
    import bm25s
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_RUSSIAN
    from matching_corpus import generate

    from innocluster.matching.engine import MatchIndex
    from innocluster.matching.text import analyse_query

    began = time.perf_counter()
    corpus = generate(items, queries, seed)
    generated_s = time.perf_counter() - began
    rows = corpus.rows
    ids = [row.object_id for row in rows]
    stopwords = list(STOPWORDS_EN) + list(STOPWORDS_RUSSIAN)

    def plain_tokens(texts):
        return bm25s.tokenize(texts, stopwords=stopwords, return_ids=False, show_progress=False)

    timings = {}
    began = time.perf_counter()
    index = MatchIndex.build(rows)
    timings["matcher build s"] = time.perf_counter() - began
    began = time.perf_counter()
    plain = _bm25(plain_tokens([item.text for item in corpus.items]))
    timings["bm25s plain build s"] = time.perf_counter() - began
    began = time.perf_counter()
    stemmed = _bm25([row.terms.split() for row in rows])
    timings["bm25s on our terms build s"] = time.perf_counter() - began

    methods = {
        "matcher": lambda q, k: [m.object_id for m in index.search(q.match_query(), k)],
        "bm25s plain": lambda q, k: [
            ids[i] for i in _retrieve(plain, plain_tokens([q.text])[0], k)
        ],
        "bm25s on our terms": lambda q, k: [
            ids[i] for i in _retrieve(stemmed, analyse_query(q.text), k)
        ],
    }
    russian_only = {item.row.object_id for item in corpus.items if item.language == "ru"}
    kind_of = {row.object_id: row.kind for row in rows}
    top10_kinds = {name: dict.fromkeys(KINDS, 0) for name in methods}
    per_query = {name: [] for name in methods}
    latency = {name: [] for name in methods}
    for query in corpus.queries:
        for name, method in methods.items():
            began = time.perf_counter()
            ranked = method(query, 50)
            latency[name].append(time.perf_counter() - began)
            for object_id in ranked[:10]:
                top10_kinds[name][kind_of[object_id]] += 1
            result = {
                "language": query.language,
                "ndcg10": ndcg(ranked, query.judgements),
                "recall50": recall(ranked, query.judgements),
                "recall50_ge1": recall(ranked, query.judgements, at_least=1),
                "rcap50": capped_recall(ranked, query.judgements),
            }
            if query.language == "en":
                # Across the language: the same ranking restricted to items written in Russian
                # only, judged against those items alone (a deeper list, so 50 remain).
                deep = [o for o in method(query, CROSS_DEPTH) if o in russian_only]
                judged = {o: g for o, g in query.judgements.items() if o in russian_only}
                result["cross"] = {
                    "ndcg10": ndcg(deep, judged),
                    "recall50": recall(deep, judged),
                    "recall50_ge1": recall(deep, judged, at_least=1),
                    "rcap50": capped_recall(deep, judged),
                }
            per_query[name].append(result)
    subsets = {
        "all": lambda r: r,
        "Russian queries": lambda r: r if r["language"] == "ru" else None,
        "English queries": lambda r: r if r["language"] == "en" else None,
        "English queries → Russian-only items": lambda r: r.get("cross"),
    }
    summary = {}
    for name, results in per_query.items():
        summary[name] = {}
        for subset, pick in subsets.items():
            chosen = [x for x in map(pick, results) if x is not None]
            summary[name][subset] = {
                "n": len(chosen),
                "ndcg10": statistics.fmean(r["ndcg10"] for r in chosen),
                "recall50": statistics.fmean(r["recall50"] for r in chosen),
                "recall50_ge1": statistics.fmean(r["recall50_ge1"] for r in chosen),
                "rcap50": statistics.fmean(r["rcap50"] for r in chosen),
            }
        summary[name]["latency_ms"] = percentiles(latency[name], 1000)
    grade2 = [sum(1 for g in q.judgements.values() if g == 2) for q in corpus.queries]
    grade1 = [sum(1 for g in q.judgements.values() if g == 1) for q in corpus.queries]
    ceiling = statistics.fmean(min(50, n) / n for n in grade2)
    over_50 = sum(1 for n in grade2 if n > 50) / len(grade2)
    languages = [item.language for item in corpus.items]
    return {
        "items": len(corpus.items),
        "queries": len(corpus.queries),
        "seed": seed,
        "generated_s": generated_s,
        "kinds": {
            k: sum(1 for r in rows if r.kind == k)
            for k in ("organisation", "product", "technology")
        },  # fmt: skip
        "languages": {lang: languages.count(lang) for lang in ("ru", "en", "both")},
        "query_languages": {
            lang: sum(1 for q in corpus.queries if q.language == lang) for lang in ("ru", "en")
        },
        "topics": len(corpus.topics),
        "grade2_per_query": {
            "median": statistics.median(grade2),
            "min": min(grade2),
            "max": max(grade2),
        },  # fmt: skip
        "grade1_per_query_median": statistics.median(grade1),
        "recall50_ceiling": ceiling,
        "share_over_50": over_50,
        "timings": timings,
        "summary": summary,
        "top10_kinds": top10_kinds,
    }


# --------------------------------------------------------------------------- speed (child)


def measure_scale(n: int, queries: int, seed: int) -> dict:
    from matching_corpus import scale_queries, scale_rows

    from innocluster.matching.engine import IndexRow, MatchIndex, MatchQuery
    from innocluster.matching.text import analyse

    out: dict = {"rows": n, "queries": queries, "rss_start_mib": _rss_mib()[0]}
    began = time.perf_counter()
    raw = scale_rows(n, seed)
    out["generate_s"] = time.perf_counter() - began
    texts = raw.texts
    began = time.perf_counter()
    terms = [" ".join(analyse(text)) for text in texts]
    out["analyse_s"] = time.perf_counter() - began
    out["words"] = sum(t.count(" ") + 1 for t in terms)
    del texts
    raw.texts = []
    rows = [
        IndexRow(
            doc_id=i + 1,
            kind=raw.kinds[i],
            object_id=raw.object_ids[i],
            owner_id=raw.owner_ids[i],
            audience="public",
            title=raw.titles[i],
            terms=terms[i],
            areas=raw.areas[i],
            okved=raw.okved[i],
            region=raw.regions[i],
            org_kind=raw.org_kinds[i],
            trl=raw.trls[i],
            status="published",
            active_at=raw.active_at[i],
        )
        for i in range(n)
    ]
    del terms, raw
    gc.collect()
    rss_before, _ = _rss_mib()
    began = time.perf_counter()
    index = MatchIndex.build(rows)
    out["build_s"] = time.perf_counter() - began
    gc.collect()
    rss_after, peak = _rss_mib()
    out["rss_rows_and_index_mib"] = rss_after
    out["index_rss_mib"] = rss_after - rss_before
    out["peak_rss_mib"] = peak
    out["live"] = len(index)
    if hasattr(index, "memory_bytes"):  # the index's own count of its arrays
        out["index_memory_mib"] = index.memory_bytes() / 2**20

    challenges = scale_queries(queries + 20, seed + 1)
    for q in challenges[:20]:  # warm-up
        index.search(q.match_query(), 20)
    samples, counts = [], []
    for q in challenges[20:]:
        query = q.match_query()
        began = time.perf_counter()
        found = index.search(query, 20)
        samples.append(time.perf_counter() - began)
        counts.append(len(found))
    out["search_ms"] = percentiles(samples, 1000)
    out["search_results_median"] = statistics.median(counts)
    # The same queries without the structured fields (text alone), for the record.
    samples = []
    for q in challenges[20:120]:
        query = MatchQuery(text=q.text, kinds=frozenset({"organisation", "product"}))
        began = time.perf_counter()
        index.search(query, 20)
        samples.append(time.perf_counter() - began)
    out["search_text_only_ms"] = percentiles(samples, 1000)

    # Incremental: edit one row (a new word in its text), apply it, search for the word.
    edits = []
    word_query = MatchQuery(text=EDIT_WORD, kinds=frozenset({"organisation", "product"}))
    for k in range(5):
        row = rows[(k + 1) * (n // 7)]
        edited = IndexRow(**{**_fields(row), "terms": row.terms + " " + _stem(EDIT_WORD)})
        began = time.perf_counter()
        index.apply([edited])
        applied = time.perf_counter() - began
        found = [m.object_id for m in index.search(word_query, 20)]
        visible = time.perf_counter() - began
        assert edited.object_id in found, "the edit is not found after apply"
        index.apply([IndexRow(**{**_fields(row)})])  # back as it was
        edits.append({"apply_ms": applied * 1000, "visible_ms": visible * 1000})
    out["edits"] = edits
    removed = IndexRow(**{**_fields(rows[n // 3]), "removed": True})
    began = time.perf_counter()
    index.apply([removed])
    out["remove_ms"] = (time.perf_counter() - began) * 1000
    out["live_after_remove"] = len(index)
    del rows
    gc.collect()
    out["rss_index_only_mib"] = _rss_mib()[0]
    return out


def _fields(row) -> dict:
    from dataclasses import fields

    return {f.name: getattr(row, f.name) for f in fields(row)}


def _stem(word: str) -> str:
    from innocluster.matching.text import analyse

    return " ".join(analyse(word))


# --------------------------------------------------------------------------- database (child)


def measure_database(docs: int, seed: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from matching_corpus import generate

    from innocluster.matching import index_store
    from innocluster.matching.engine import MatchQuery
    from innocluster.matching.models import MatchDocument

    call_command("migrate", verbosity=0, interactive=False)
    corpus = generate(docs, 0, seed)
    began = time.perf_counter()
    MatchDocument.objects.bulk_create(
        [
            MatchDocument(
                kind=row.kind,
                object_id=row.object_id,
                owner_id=row.owner_id,
                audience=row.audience,
                language="en" if item.language == "en" else "ru",
                title=row.title[:500],
                public_text=item.text,
                terms=row.terms,
                areas=row.areas,
                okved=row.okved,
                region=row.region,
                org_kind=row.org_kind,
                trl=row.trl,
                status=row.status,
                active_at=row.active_at,
            )
            for item in corpus.items
            for row in [item.row]
        ],
        batch_size=2000,
    )
    out = {"docs": docs, "vendor": connection.vendor, "insert_s": time.perf_counter() - began}
    index_store.reset_for_tests()
    began = time.perf_counter()
    index = index_store.get_index()
    out["first_get_index_s"] = time.perf_counter() - began
    out["live"] = len(index)
    began = time.perf_counter()
    index_store.get_index()
    out["next_get_index_ms"] = (time.perf_counter() - began) * 1000

    word_query = MatchQuery(text=EDIT_WORD, kinds=frozenset({"organisation", "product", "technology"}))  # fmt: skip
    edits = []
    ids = list(MatchDocument.objects.order_by("id").values_list("id", flat=True))[:: docs // 8][:8]
    for pk in ids:
        doc = MatchDocument.objects.get(pk=pk)
        original = doc.terms
        doc.terms = original + " " + _stem(EDIT_WORD)
        began = time.perf_counter()
        doc.save()
        saved = time.perf_counter()
        polls = 0
        while True:
            polls += 1
            found = [m.object_id for m in index_store.get_index().search(word_query, 20)]
            if str(doc.object_id) in found:
                break
            if time.perf_counter() - began > 60:
                raise RuntimeError("the edit did not show up within 60 s")
            time.sleep(0.02)
        visible = time.perf_counter() - began
        edits.append({"save_ms": (saved - began) * 1000, "visible_s": visible, "polls": polls})
        doc.terms = original
        doc.save()
        # Wait until the undo is in too, so the next edit starts from a clean index.
        while str(doc.object_id) in [
            m.object_id for m in index_store.get_index().search(word_query, 20)
        ]:
            time.sleep(0.02)
    out["edits"] = edits
    return out


# --------------------------------------------------------------------------- parent


def run(
    items: int = 20_000,
    queries: int = 300,
    scale: int = 1_000_000,
    scale_queries: int = 300,
    db_docs: int = 20_000,
    databases: tuple[str, ...] = ("sqlite", "postgresql"),
    log=print,
) -> dict:
    script = str(Path(__file__))
    results: dict = {}
    began = time.perf_counter()
    log(f"matching quality: {items:,} items, {queries} queries")
    results["quality"] = run_child(
        script, ["--part", "quality", "--items", str(items), "--queries", str(queries)]
    )
    results["quality"]["wall_s"] = time.perf_counter() - began
    if scale:
        began = time.perf_counter()
        log(f"matching speed: {scale:,} rows")
        results["scale"] = run_child(
            script,
            ["--part", "scale", "--scale-rows", str(scale), "--queries", str(scale_queries)],
        )
        results["scale"]["wall_s"] = time.perf_counter() - began
    if db_docs:
        results["database"] = {}
        for database in databases:
            began = time.perf_counter()
            env = None
            if database == "postgresql":
                url = fresh_postgres(PG_DATABASE)
                if url is None:
                    log("matching through the database: PostgreSQL does not answer, skipped")
                    continue
                env = {"DATABASE_URL": url}
            log(f"matching through the database ({database}): {db_docs:,} documents")
            try:
                data = run_child(script, ["--part", "database", "--db-docs", str(db_docs)], env)
            finally:
                if database == "postgresql":
                    drop_postgres(PG_DATABASE)
            data["wall_s"] = time.perf_counter() - began
            results["database"][database] = data
    return results


def _f(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def _ms(x: float) -> str:
    return f"{x:.2f}" if x < 1 else f"{x:.1f}" if x < 100 else f"{x:,.0f}"


def markdown(results: dict) -> list[str]:
    q = results["quality"]
    lines = ["## Partner matching (issue 6)", ""]
    lines += [
        "Command: `make bench` (this section alone: `.venv/bin/python bench/run.py --sections "
        "matching`; the script itself: `.venv/bin/python bench/matching_bench.py`). Each part "
        "runs in its own child process.",
        "",
        "### Quality",
        "",
        f"A synthetic exchange from `bench/matching_corpus.py` (seed {q['seed']}): "
        f"{q['items']:,} items ({q['kinds']['organisation']:,} organisations, "
        f"{q['kinds']['product']:,} products, {q['kinds']['technology']:,} technology offers) "
        f"on {q['topics']} constructed topics across the ten priority areas, written in Russian "
        f"({q['languages']['ru']:,}), English ({q['languages']['en']:,}) or both "
        f"({q['languages']['both']:,}); {q['queries']} challenge queries "
        f"({q['query_languages']['ru']} Russian, {q['query_languages']['en']} English), each from "
        "one topic, worded with other inflections and partly other words than the items. "
        "Judgements come from the construction, not from any matcher: grade 2 = the item's "
        "topic and its TRL meets the query's `trl_min` (or an organisation without a TRL); "
        "grade 1 = the item's topic with its TRL below, or the item's secondary topic; 0 "
        f"otherwise. Grade-2 items per query: median {q['grade2_per_query']['median']:.0f} "
        f"(min {q['grade2_per_query']['min']}, max {q['grade2_per_query']['max']}); grade 1: "
        f"median {q['grade1_per_query_median']:.0f}.",
        "",
        "Methods, each returning its top 50 of all three kinds:",
        "",
        "- **matcher**: `MatchIndex.build(rows).search(MatchQuery(text, kinds, areas, trl_min, "
        'region="RU-MOW"), 50)`: our stems plus the structured evidence;',
        "- **bm25s plain** (the baseline): bm25s BM25 (defaults: Lucene variant, k1 1.5, b 0.75) "
        "over the raw texts with bm25s's own tokenisation (lower-case, words of 2+ letters, no "
        "stemming), bm25s's English and Russian stop-word lists;",
        "- **bm25s on our terms** (ablation): the same BM25 over the analysed terms the matcher "
        "indexes (Snowball stems, our stop words), queries through `analyse_query`; no "
        "structured evidence.",
        "",
        "nDCG@10 uses gains 2^grade − 1 against the ideal order of all judged items. Recall@50 "
        "counts grade-2 items (the main figure; the grade ≥ 1 variant next to it). "
        f"{q['share_over_50'] * 100:.0f} % of the queries have more than 50 grade-2 items, so "
        "even a perfect top 50 reaches a mean recall@50 of only "
        f"{q['recall50_ceiling']:.3f} (the ceiling); the capped recall@50 divides by "
        "min(grade-2 items, 50) instead (BEIR's R_cap), so 1.0 is a top 50 of grade-2 items. The last block is the cross-language "
        f"test: for the English queries, each method's top {CROSS_DEPTH} restricted to the "
        "items written in Russian only (so only shared Latin terms and the structured fields "
        "can find them), judged against those items alone.",
        "",
        "| queries | method | nDCG@10 | recall@50 (grade 2) | recall@50 (grade ≥ 1) | capped recall@50 (grade 2) |",  # fmt: skip
        "|---|---|---|---|---|---|",
    ]
    subsets = list(next(iter(q["summary"].values())).keys())
    subsets = [s for s in subsets if s != "latency_ms"]
    for subset in subsets:
        for name, summary in q["summary"].items():
            s = summary[subset]
            label = f"{subset} ({s['n']})"
            bold = "**" if name == "matcher" else ""
            lines.append(
                f"| {label} | {bold}{name}{bold} | {bold}{_f(s['ndcg10'])}{bold} | "
                f"{bold}{_f(s['recall50'])}{bold} | {_f(s['recall50_ge1'])} | "
                f"{_f(s['rcap50'])} |"
            )
    m, b = q["summary"]["matcher"]["all"], q["summary"]["bm25s plain"]["all"]
    verdict = (
        "The matcher beats the plain baseline on both measures."
        if m["ndcg10"] > b["ndcg10"] and m["recall50"] > b["recall50"]
        else "**The matcher does NOT beat the plain baseline on both measures.**"
    )
    lines += [
        "",
        f"{verdict} nDCG@10 {_f(m['ndcg10'])} against {_f(b['ndcg10'])} "
        f"({(m['ndcg10'] / b['ndcg10'] - 1) * 100:+.0f} %), recall@50 {_f(m['recall50'])} "
        f"against {_f(b['recall50'])} ({(m['recall50'] / b['recall50'] - 1) * 100:+.0f} %).",
        "",
        "What the top 10s hold, by kind (share of all top-10 results; the corpus: "
        + ", ".join(f"{k} {q['kinds'][k] / q['items'] * 100:.0f} %" for k in KINDS)
        + "):",
        "",
        "| method | " + " | ".join(KINDS) + " |",
        "|---|---|---|---|",
        *(
            f"| {name} | "
            + " | ".join(f"{c[k] / max(1, sum(c.values())) * 100:.0f} %" for k in KINDS)
            + " |"
            for name, c in q.get("top10_kinds", {}).items()
        ),
        "",
        "Build and per-query time of each method on this corpus (for orientation; the speed "
        "targets are measured below at 1,000,000 rows):",
        "",
        "| method | build s | query p50 ms | query p95 ms |",
        "|---|---|---|---|",
    ]
    builds = {"matcher": "matcher build s", "bm25s plain": "bm25s plain build s",
              "bm25s on our terms": "bm25s on our terms build s"}  # fmt: skip
    for name, summary in q["summary"].items():
        lat = summary["latency_ms"]
        lines.append(
            f"| {name} | {q['timings'][builds[name]]:.2f} | {_ms(lat['p50'])} | {_ms(lat['p95'])} |"
        )
    if "scale" in results:
        s = results["scale"]
        edits = s["edits"]
        lines += [
            "",
            "### Speed at 1,000,000 rows"
            if s["rows"] == 1_000_000
            else f"### Speed at {s['rows']:,} rows",  # fmt: skip
            "",
            f"{s['rows']:,} rows from `matching_corpus.scale_rows` (half organisations, half "
            "products; each text a generated name and three sentences from per-topic pools, in "
            f"Russian, English or both; {s['words'] / s['rows']:.0f} terms a row on average); "
            f"generating them took {s['generate_s']:.0f} s and is not counted below. The "
            f"queries: {s['queries']} challenge queries as in the quality part, with areas, "
            "`trl_min` and region, after 20 warm-up queries. In-process, one thread.",
            "",
            "| measure | target | result |",
            "|---|---|---|",
            f"| (a) analysing {s['rows']:,} texts into terms (`matching.text.analyse`; at write "
            f"time in production) | — | {s['analyse_s']:.0f} s |",
            f"| (b) `MatchIndex.build` of {s['rows']:,} rows | < 300 s | **{s['build_s']:.0f} s** |",  # fmt: skip
            f"| (c) top-20 search, p50 / p95 / max | p95 < 100 ms | {_ms(s['search_ms']['p50'])} / "
            f"**{_ms(s['search_ms']['p95'])}** / {_ms(s['search_ms']['max'])} ms |",
            f"| top-20 search, text only (no areas, TRL, region), p50 / p95 (100 queries) | — | "
            f"{_ms(s['search_text_only_ms']['p50'])} / {_ms(s['search_text_only_ms']['p95'])} ms |",
            f"| (d) `MatchIndex.apply` of one edited row, median of {len(edits)} | seconds | "
            f"{_ms(statistics.median(e['apply_ms'] for e in edits))} ms |",
            f"| (d) edit applied → a search finds it, median / max | seconds | "
            f"{_ms(statistics.median(e['visible_ms'] for e in edits))} / "
            f"{_ms(max(e['visible_ms'] for e in edits))} ms |",
            f"| removing one row (`removed=True`) | — | {_ms(s['remove_ms'])} ms |",
            f"| memory: RSS growth over the build (the index; the rows' strings it shares are not counted) | — | {s['index_rss_mib']:,.0f} MiB |",  # fmt: skip
            f"| memory: RSS with the rows dropped, less the RSS before anything was generated (the index and what it keeps of the rows) | — | {s['rss_index_only_mib'] - s['rss_start_mib']:,.0f} MiB |",  # fmt: skip
            *(
                [
                    f"| memory: the index's own arrays (`MatchIndex.memory_bytes()`) | — | {s['index_memory_mib']:,.0f} MiB |"
                ]  # fmt: skip
                if "index_memory_mib" in s
                else []
            ),
            f"| memory: the process's peak RSS (texts, terms, rows and index together) | — | {s['peak_rss_mib']:,.0f} MiB |",  # fmt: skip
        ]
    if results.get("database"):
        dbs = results["database"]
        names = {"sqlite": "SQLite (WAL, a file)", "postgresql": "PostgreSQL (loopback)"}
        first = next(iter(dbs.values()))
        lines += [
            "",
            "### Edits through the database",
            "",
            f"{first['docs']:,} `MatchDocument` rows (the quality corpus's items) in a throwaway "
            "database; `index_store.get_index()` builds the process's index from them (no "
            "snapshot yet), then an edit is saved through the ORM (`doc.save()`, a new "
            "word in its terms) and `get_index().search` is polled every 20 ms until the edited "
            "item comes back (the index polls the table at most once a second). Each edit is "
            "undone the same way before the next.",
            "",
            "| measure | " + " | ".join(names.get(n, n) for n in dbs) + " |",
            "|---|" + "---|" * len(dbs),
            "| first `get_index()` (a build from the table) | "
            + " | ".join(f"{d['first_get_index_s']:.1f} s" for d in dbs.values())
            + " |",
            "| next `get_index()` | "
            + " | ".join(f"{_ms(d['next_get_index_ms'])} ms" for d in dbs.values())
            + " |",
            f"| saved edit → `get_index().search` returns it, median / max of {len(first['edits'])} | "  # fmt: skip
            + " | ".join(
                f"{statistics.median(e['visible_s'] for e in d['edits']):.2f} / "
                f"{max(e['visible_s'] for e in d['edits']):.2f} s"
                for d in dbs.values()
            )
            + " |",
        ]
    total = sum(results[p].get("wall_s", 0) for p in ("quality", "scale") if p in results)
    total += sum(d.get("wall_s", 0) for d in results.get("database", {}).values())
    lines += ["", f"The whole section took {total / 60:.1f} min of `make bench`."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=("quality", "scale", "database"), default=None)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--scale-rows", type=int, default=1_000_000)
    parser.add_argument("--db-docs", type=int, default=20_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--json", type=Path, help="also write the results here")
    bench_child.add_child_options(parser)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    parts = {
        "quality": lambda: measure_quality(args.items, args.queries, QUALITY_SEED),
        "scale": lambda: measure_scale(args.scale_rows, args.queries, SCALE_SEED),
        "database": lambda: measure_database(args.db_docs, QUALITY_SEED),
    }
    if args.child:
        bench_child.measure_in_child(args, parts[args.part])
        return
    results = run(args.items, args.queries, args.scale_rows, args.queries, args.db_docs, log=print)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
