"""The support navigator: one profile against 10,000 measures, against panzi-json-logic in the
same run, and subscriptions at 100,000 organisations.

Measures:
(a) ``evaluate(answers, catalogue=...)`` of one profile against a catalogue of 10,000 synthetic
    measures (unsaved ``Measure`` rows compiled by ``Catalogue.of``; no database): p50/p95/max
    over ~200 varied profiles, half with every field answered, half partly; and the rules'
    decisions alone (each entry's ``compiled.decide`` over the 10,000), so the two separate.
    The measures' rules are varied versions of the reference catalogue's real criteria: SME
    category sets, regions, OKVED sets (sections, classes, codes), registration age, employee
    ranges, cluster membership and other flags, revenue caps, priority areas, TRL, prior
    support, all/any/not nesting, confirm and unknown criteria, minimum budgets and
    co-financing, thresholds and sets drawn at random with a fixed seed.
(b) The same rules translated to JSON Logic (all→and, any→or, not→!, comparisons, in, some,
    none; a missing field is null; ages compare ISO dates against cutoffs computed for today;
    OKVED sets match the profile's code prefixes, which both sides get precomputed) and applied
    by panzi-json-logic's ``jsonLogic`` to the same profiles; on every profile with every field
    answered both must give the same eligible set (asserted).
(c) ``notify_subscribers`` end to end for a measure whose new rule makes it eligible for a good
    share of 100,000 active subscriptions, in a fresh SQLite file database and in PostgreSQL
    (when 127.0.0.1:5432 answers): then the same task again (a retry: nothing to do) and a
    narrower rule (codes removed, nothing sent).

Usage: .venv/bin/python bench/navigator_bench.py [--measures 10000] [--profiles 200]
       [--subscriptions 100000] [--databases sqlite,postgresql]
From Python: ``run(...)`` returns the results, ``markdown(results)`` the lines of a section.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path

import bench_child
from bench_child import drop_postgres, fresh_postgres, run_child
from bench_stats import percentiles

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "innocluster_navbench"
TARGETS = {"evaluate_p95_ms": 10.0, "ratio": 10.0, "notify_s": 10.0}
SEED = 2026

REGIONS = ["RU-MOW"] * 6 + ["RU-MOS"] * 2 + ["RU-SPE", "RU-TA", "RU-NVS", "RU-SVE", "RU-KDA"]
ALL_REGIONS = ["RU-MOW", "RU-MOS", "RU-SPE", "RU-TA", "RU-NVS", "RU-SVE", "RU-KDA", "RU-NIZ",
               "RU-SAM", "RU-BA", "RU-PER", "RU-VOR"]  # fmt: skip
SME = ["micro", "small", "medium", "large"]
KINDS = ["company", "startup", "corporation", "university", "research_institute"]
ORG_FORMS = ["legal_entity"] * 8 + ["individual_entrepreneur", "individual", "foreign"]
AREAS = ["ict", "manufacturing", "materials", "medicine", "biotech", "environment",
         "construction", "energy", "transport", "fintech"]  # fmt: skip
SECTIONS = ["B", "C", "D", "E", "F", "G", "H", "J", "K", "M", "Q"]
CLASSES = ["10", "20", "21", "25", "26", "27", "28", "29", "46", "62", "63", "71", "72", "86"]
CODES = ["62.01", "62.02", "62.09", "63.11", "72.19", "71.20", "26.11", "26.51", "28.99",
         "21.20", "10.89", "25.62", "27.12", "29.32", "46.51", "86.10", "72.11", "20.59",
         "35.11", "38.32"]  # fmt: skip
BOOLS = ["sme_register", "intersectoral_cluster_member", "skolkovo_participant",
         "defence_industry", "productivity_project_participant", "holds_russian_patent"]  # fmt: skip
PURPOSES = ["rnd", "equipment", "production_expansion", "patenting", "patenting_abroad",
            "pilot_testing", "commercialisation", "digitalisation", "export", "working_capital",
            "training"]  # fmt: skip
FORMS = ["grant", "loan", "guarantee", "compensation", "subsidy", "equity", "tax_benefit",
         "service", "infrastructure", "pilot_testing"]  # fmt: skip
STAGES = ["idea", "research", "development", "market", "growth"]
TEXT = {"ru": "Заявитель подтверждает условие", "en": "The applicant confirms the condition"}
UNKNOWN = {"ru": "Требования в источнике не найдены", "en": "The source states no criteria"}


# --------------------------------------------------------------------------- synthetic data


def _subset(rng: random.Random, items: list, low: int, high: int) -> list:
    return sorted(rng.sample(items, rng.randint(low, min(high, len(items)))))


def _criterion(rng: random.Random) -> dict:
    """One criterion of a shape the reference catalogue uses, with random thresholds and sets."""
    shape = rng.choices(
        ["sme", "region", "okved_main", "okved", "age", "employees", "cluster", "flag", "kind",
         "revenue", "areas", "trl", "prior", "org_form", "taxes", "confirm"],
        weights=[14, 12, 8, 5, 10, 9, 10, 5, 4, 5, 4, 3, 3, 4, 2, 2],
    )[0]  # fmt: skip
    if shape == "sme":
        return {"field": "sme_category", "in": _subset(rng, SME, 1, 3)}
    if shape == "region":
        if rng.random() < 0.6:
            return {"field": "region", "eq": rng.choice(REGIONS)}
        return {
            "field": "region",
            rng.choice(["in", "in", "not_in"]): _subset(rng, ALL_REGIONS, 2, 5),
        }
    if shape == "okved_main":
        pool = rng.choice([SECTIONS, CLASSES, CODES])
        return {"field": "okved_main", "okved": _subset(rng, pool, 1, 4)}
    if shape == "okved":
        return {"field": "okved", "okved": _subset(rng, SECTIONS + CLASSES, 1, 4)}
    if shape == "age":
        op = rng.choice(["age_at_most", "age_less_than", "age_at_least", "age_more_than"])
        unit = rng.choice(["years", "months"])
        count = rng.randint(1, 10) if unit == "years" else rng.choice([6, 12, 18, 24, 36])
        return {"field": "registered_on", op: {unit: count}}
    if shape == "employees":
        low, high = rng.choice([(1, 15), (1, 100), (5, 250), (10, 1000), (None, 250), (5, None)])
        if low is not None and rng.random() < 0.5:
            low = max(1, low + rng.randint(-1, 5))
        if high is not None and rng.random() < 0.5:
            high += rng.randint(0, 50)
        if rng.random() < 0.3 and low is not None:
            return {"field": "employees", "ge": low}
        return {"field": "employees", "between": [low, high]}
    if shape == "cluster":
        return {"field": "cluster_member", "eq": True}
    if shape == "flag":
        return {"field": rng.choice(BOOLS), rng.choice(["eq", "eq", "ne"]): rng.random() < 0.7}
    if shape == "kind":
        return {"field": "kind", "in": _subset(rng, KINDS, 1, 3)}
    if shape == "revenue":
        cap = rng.choice([120, 800, 2000, 4000]) * 1_000_000 + rng.randint(0, 50) * 1_000_000
        return {"field": "revenue_rub", rng.choice(["le", "lt"]): cap}
    if shape == "areas":
        return {"field": "priority_areas", "any_of": _subset(rng, AREAS, 1, 4)}
    if shape == "trl":
        low = rng.randint(1, 6)
        return {"field": "trl", "between": [low, rng.randint(low, 9)]}
    if shape == "prior":
        return {"field": "prior_support", "none_of": [f"measure-{rng.randrange(60)}"]}
    if shape == "org_form":
        return {"field": "org_form", "in": _subset(rng, ORG_FORMS[-4:], 1, 2) + ["legal_entity"]}
    if shape == "taxes":
        return {"field": "taxes_paid_moscow_rub", "ge": rng.choice([1, 5, 10, 50]) * 100_000}
    return {"confirm": TEXT}


def synthetic_rule(rng: random.Random) -> dict:
    """A rule like the reference catalogue's: an ``all`` of 2-7 criteria, some of them ``any``
    groups (an SME, or a university, or a science OKVED) or ``not``; a few measures whose
    criteria the sources do not state (``unknown``)."""
    if rng.random() < 0.03:
        return {"all": [{"unknown": UNKNOWN}]}
    parts = []
    for _ in range(rng.randint(2, 7)):
        roll = rng.random()
        if roll < 0.15:
            parts.append({"any": [_criterion(rng) for _ in range(rng.randint(2, 3))]})
        elif roll < 0.22:
            inner = _criterion(rng)
            while "confirm" in inner:
                inner = _criterion(rng)
            parts.append({"not": inner})
        elif roll < 0.25:
            parts.append({"any": [{"all": [_criterion(rng), _criterion(rng)]}, _criterion(rng)]})
        else:
            parts.append(_criterion(rng))
    return {"all": parts}


def synthetic_measures(count: int, seed: int = SEED) -> list:
    """``count`` unsaved Measure rows with varied rules and terms."""
    from innocluster.navigator.models import Measure

    rng = random.Random(seed)
    measures = []
    for i in range(count):
        form = rng.choice(FORMS)
        amount = Decimal(rng.choice([1, 3, 5, 10, 30, 100, 300])) * 1_000_000
        measures.append(
            Measure(
                code=f"synthetic-{i:05d}",
                name_ru=f"Мера поддержки {i}",
                name_en=f"Support measure {i}",
                form=form,
                purposes=_subset(rng, PURPOSES, 1, 3),
                amount_min_rub=amount / 10 if rng.random() < 0.3 else None,
                amount_max_rub=amount,
                cost_share_max=Decimal("0.5") if rng.random() < 0.3 else None,
                rate_percent_min=Decimal(rng.choice([1, 3, 5, 8])) if form == "loan" else None,
                cofinancing_min_share=(
                    Decimal(rng.choice(["0.2", "0.3", "0.5"])) if rng.random() < 0.15 else None
                ),
                min_project_budget_rub=(
                    Decimal(rng.choice([5, 20, 100])) * 1_000_000 if rng.random() < 0.1 else None
                ),
                priority_areas=_subset(rng, AREAS, 0, 3),
                stages=_subset(rng, STAGES, 0, 2),
                status=rng.choice(["open", "permanent"]),
                rules=synthetic_rule(rng),
                rules_version=1,
            )
        )
    return measures


def synthetic_profile(rng: random.Random, today: datetime.date, full: bool) -> tuple[dict, dict]:
    """A profile and need as the API takes them; ``full``: every field answered, else some."""
    employees = rng.choice([rng.randint(1, 15), rng.randint(16, 100), rng.randint(101, 250),
                            rng.randint(251, 3000)])  # fmt: skip
    revenue = rng.choice([rng.randint(1, 120), rng.randint(121, 800), rng.randint(801, 5000)])
    registered = today - datetime.timedelta(days=rng.randint(30, 25 * 365))
    main = rng.choice(CODES)
    profile = {
        "org_form": rng.choice(ORG_FORMS),
        "kind": rng.choice(KINDS),
        "registered_on": registered.isoformat(),
        "region": rng.choice(REGIONS),
        "okved_main": main,
        "okved": _subset(rng, CODES, 1, 4),
        "employees": employees,
        "revenue_rub": revenue * 1_000_000,
        "revenue_3y_rub": revenue * 2_700_000,
        "sme_category": rng.choice(SME),
        "cluster_member": rng.random() < 0.7,
        "priority_areas": _subset(rng, AREAS, 1, 3),
        "trl": rng.randint(1, 9),
        "taxes_paid_moscow_rub": rng.randint(0, 100) * 50_000,
        "person_age": rng.randint(18, 70),
        "prior_support": [f"measure-{rng.randrange(60)}" for _ in range(rng.randint(1, 2))],
    }
    for flag in BOOLS:
        profile[flag] = rng.random() < 0.5
    need = {
        "purposes": _subset(rng, PURPOSES, 1, 3),
        "forms": _subset(rng, FORMS, 1, 3),
        "amount_rub": rng.choice([1, 5, 20, 100]) * 1_000_000,
        "project_budget_rub": rng.choice([2, 10, 40, 200]) * 1_000_000,
        "own_funds_share": rng.choice([0.1, 0.25, 0.3, 0.5, 0.8]),
    }
    if not full:
        keep = rng.uniform(0.3, 0.9)
        profile = {k: v for k, v in profile.items() if rng.random() < keep}
        need = {k: v for k, v in need.items() if rng.random() < keep}
    return profile, need


# --------------------------------------------------------------------------- JSON Logic


def _jl_value(name: str, value):
    """A rule's constant as JSON Logic data compares it (numbers as numbers, dates as ISO)."""
    from innocluster.navigator.fields import FIELDS

    kind = FIELDS[name].kind
    if value is None:
        return None
    if kind in ("money", "share"):
        return float(Decimal(str(value)))
    if kind == "date":
        return value if isinstance(value, str) else value.isoformat()
    return value


def to_json_logic(node, today: datetime.date):
    """Our rule (the language of navigator/rules.py) as JSON Logic."""
    from innocluster.navigator.rules import cutoff, source_key

    if "all" in node:
        return {"and": [to_json_logic(n, today) for n in node["all"]]}
    if "any" in node:
        return {"or": [to_json_logic(n, today) for n in node["any"]]}
    if "not" in node:
        return {"!": to_json_logic(node["not"], today)}
    if "confirm" in node:
        return True
    if "unknown" in node:
        return None
    name = node["field"]
    op = next(k for k in node if k not in ("field", "label"))
    raw = node[op]
    var = {"var": source_key(name, op)}
    item_in = lambda codes: {"in": [{"var": ""}, sorted(codes)]}  # noqa: E731
    if op in ("eq", "ne", "lt", "le", "gt", "ge"):
        symbol = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
        return {symbol: [var, _jl_value(name, raw)]}
    if op == "between":
        low, high = (_jl_value(name, v) for v in raw)
        if low is None:
            return {"<=": [var, high]}
        if high is None:
            return {">=": [var, low]}
        return {"<=": [low, var, high]}
    if op == "in":
        return {"in": [var, [_jl_value(name, v) for v in raw]]}
    if op == "not_in":
        return {"!": {"in": [var, [_jl_value(name, v) for v in raw]]}}
    if op in ("any_of", "okved"):
        return {"some": [var, item_in(raw)]}
    if op == "none_of":
        return {"none": [var, item_in(raw)]}
    if op == "all_of":
        return {"and": [{"in": [code, var]} for code in raw]}
    # ages: how long ago, against today's cutoff date, as ISO strings (they sort as dates)
    unit, count = next(iter(raw.items()))
    limit = cutoff(today, (unit, count)).isoformat()
    symbol = {"age_at_most": ">=", "age_less_than": ">", "age_at_least": "<=",
              "age_more_than": "<"}[op]  # fmt: skip
    return {symbol: [var, limit]}


def json_logic_data(answers) -> dict:
    """The answers as JSON Logic reads them: JSON types, unanswered fields absent (null), and
    the OKVED prefixes our ``prepare`` computes (so both sides get the same help)."""
    from innocluster.navigator.rules import prepare

    data = {}
    for name, value in prepare(answers.values).items():
        if value is None:
            continue
        if isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, tuple | frozenset | set):
            value = sorted(value)
        data[name] = value
    return data


# --------------------------------------------------------------------------- (a) and (b)


def child_evaluate(measures_n: int, profiles_n: int, jl_profiles_n: int) -> dict:
    import gc

    from json_logic import jsonLogic
    from json_logic.builtins import to_bool

    from innocluster.navigator.evaluation import Catalogue, evaluate, measure_requirements
    from innocluster.navigator.fields import check_answers
    from innocluster.navigator.rules import cutoff, prepare

    today = datetime.date.today()
    results: dict = {"measures": measures_n, "profiles": profiles_n}
    began = time.perf_counter()
    measures = synthetic_measures(measures_n)
    results["generate_s"] = time.perf_counter() - began
    began = time.perf_counter()
    catalogue = Catalogue.of(measures)
    results["compile_s"] = time.perf_counter() - began
    rng = random.Random(SEED + 1)
    profiles = []
    for i in range(profiles_n):
        profile, need = synthetic_profile(rng, today, full=i % 2 == 0)
        profiles.append((check_answers(profile, need, today=today), i % 2 == 0))
    results["criteria"] = sum(len(e.compiled.criteria) for e in catalogue.entries)

    # Warm-up: the first use generates each rule's decide() (and whatever the evaluator caches).
    began = time.perf_counter()
    evaluate(profiles[0][0], today=today, catalogue=catalogue)
    results["first_evaluate_ms"] = (time.perf_counter() - began) * 1000
    for answers, _full in profiles[1:4]:
        evaluate(answers, today=today, catalogue=catalogue)

    gc.collect()
    gc.freeze()
    ours, with_eligible, eligible_counts, ours_sets = [], [], [], []
    for answers, _full in profiles:
        began = time.perf_counter()
        evaluation = evaluate(answers, today=today, catalogue=catalogue)
        ours.append((time.perf_counter() - began) * 1000)
        # Results are made as they are read; reading every eligible one shows what that adds.
        codes = {r.code for r in evaluation.eligible}
        with_eligible.append((time.perf_counter() - began) * 1000)
        ours_sets.append(codes)
        eligible_counts.append(len(codes))
    results["evaluate_ms"] = percentiles(ours)
    results["evaluate_eligible_ms"] = percentiles(with_eligible)
    results["eligible_median"] = statistics.median(eligible_counts)
    results["eligible_full_median"] = statistics.median(
        n for n, (_a, full) in zip(eligible_counts, profiles, strict=True) if full
    )

    entries = catalogue.entries
    periods = frozenset(p for e in entries for p in e.compiled.periods)
    decisions = []
    for answers, _full in profiles:
        began = time.perf_counter()
        prepared = prepare(answers.values)
        cutoffs = {period: cutoff(today, period) for period in periods}
        for entry in entries:
            entry.compiled.decide(prepared, cutoffs)
        decisions.append((time.perf_counter() - began) * 1000)
    results["decide_ms"] = percentiles(decisions)
    # The catalogue-wide evaluator's decisions alone (when the catalogue has one: engine.py).
    program = getattr(catalogue, "program", None)
    engine = []
    if program is not None:
        for answers, _full in profiles:
            began = time.perf_counter()
            program.run(prepare(answers.values), today)
            engine.append((time.perf_counter() - began) * 1000)
        results["engine_ms"] = percentiles(engine)

    # Where evaluate() spends its time, for whoever optimises it.
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for answers, _full in profiles[:20]:
        evaluate(answers, today=today, catalogue=catalogue)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    results["evaluate_profile"] = out.getvalue()
    gc.unfreeze()

    # (b) JSON Logic: the same rules (with the measures' own requirements) on the same profiles
    began = time.perf_counter()
    rules = [to_json_logic({"all": [m.rules, *measure_requirements(m)]}, today) for m in measures]
    results["jl_translate_s"] = time.perf_counter() - began
    codes = [m.code for m in measures]
    subset = profiles[:jl_profiles_n]
    theirs, agreed, compared, decisions_compared = [], 0, 0, 0
    ours_on_subset = ours[:jl_profiles_n]
    decide_on_subset = decisions[:jl_profiles_n]
    for index, (answers, full) in enumerate(subset):
        data = json_logic_data(answers)
        began = time.perf_counter()
        eligible = {
            code for code, rule in zip(codes, rules, strict=True) if to_bool(jsonLogic(rule, data))
        }
        theirs.append((time.perf_counter() - began) * 1000)
        if full:
            compared += 1
            decisions_compared += len(rules)
            mine = ours_sets[index]
            assert eligible == mine, (
                f"profile {index}: JSON Logic and ours differ on "
                f"{sorted(eligible ^ mine)[:5]} ({len(eligible ^ mine)} measures)"
            )
            agreed += 1
    results["jl_ms"] = percentiles(theirs)
    results["jl_profiles"] = len(subset)
    results["ours_same_profiles_ms"] = percentiles(ours_on_subset)
    results["decide_same_profiles_ms"] = percentiles(decide_on_subset)
    if engine:
        results["engine_same_profiles_ms"] = percentiles(engine[:jl_profiles_n])
    results["agreement"] = {
        "profiles_compared": compared,
        "profiles_agreed": agreed,
        "decisions_compared": decisions_compared,
    }
    import importlib.metadata

    results["json_logic_version"] = importlib.metadata.version("panzi-json-logic")
    results["python"] = platform.python_version()
    with contextlib.suppress(OSError):
        results["load_average"] = os.getloadavg()
    return results


# --------------------------------------------------------------------------- (c)


class RenderingBackend:
    """An e-mail backend that renders each message to the bytes SMTP would send, then drops
    them: the mail's whole cost on our side, with no mail server in the measurement."""

    def __init__(self, fail_silently=False, **kwargs):
        self.sent = 0

    def open(self):
        return False

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_messages(self, messages):
        for message in messages:
            message.message().as_bytes()
        self.sent += len(messages)
        return len(messages)


def child_subscriptions(count: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from innocluster.navigator import subscriptions as navigator_subscriptions
    from innocluster.navigator import tasks
    from innocluster.navigator.models import Alert, Institution, Measure, Subscription
    from innocluster.registry.models import Organisation

    settings.EMAIL_BACKEND = f"{__name__}.RenderingBackend"
    results: dict = {"subscriptions": count, "database": connection.vendor}
    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    import io

    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    results["setup_s"] = time.perf_counter() - began

    today = datetime.date.today()
    rng = random.Random(SEED + 2)
    okved = json.loads((ROOT / "src/innocluster/registry/data/okved.json").read_text())
    codes = [row["code"] for row in okved if "." in row["code"]]
    sections = {row["code"]: row["section"] for row in okved}
    other_measures = [f"measure-{i}" for i in range(40)]
    began = time.perf_counter()
    organisations, subscriptions = [], []
    for i in range(count):
        employees = rng.choice([rng.randint(1, 15), rng.randint(16, 100), rng.randint(101, 250),
                                rng.randint(251, 3000)])  # fmt: skip
        sme = "micro" if employees <= 15 else "small" if employees <= 100 else "medium" if employees <= 250 else "large"  # fmt: skip
        region = rng.choice(REGIONS)
        main = rng.choice(codes)
        registered = today - datetime.timedelta(days=rng.randint(30, 25 * 365))
        status = "member" if rng.random() < 0.7 else "applicant"
        org = Organisation(
            legal_form="legal_entity",
            kind=rng.choice(KINDS[:3]),
            name_ru=f"ООО «Компания {i}»",
            name_en=f"Company {i} LLC",
            region_id=region,
            okved_main_id=main,
            okved_section=sections[main],
            registered_on=registered,
            employees=employees,
            sme_category=sme,
            status=status,
        )
        organisations.append(org)
        profile = {
            "org_form": "legal_entity",
            "kind": org.kind,
            "cluster_member": status == "member",
            "registered_on": registered.isoformat(),
            "region": region,
            "okved_main": main,
            "employees": employees,
            "sme_category": sme,
        }
        if rng.random() < 0.6:
            profile["revenue_rub"] = f"{rng.randint(1, 5000) * 1_000_000}.00"
        if rng.random() < 0.3:
            profile["trl"] = rng.randint(1, 9)
        subscriptions.append(
            Subscription(
                organisation=org,
                email=f"org{i}@example.org",
                profile=profile,
                eligible=_subset(rng, other_measures, 0, 6),
            )
        )
    Organisation.objects.bulk_create(organisations, batch_size=2000)
    Subscription.objects.bulk_create(subscriptions, batch_size=2000)
    results["generate_s"] = time.perf_counter() - began
    del organisations, subscriptions

    provider = Institution.objects.create(code="bench-fund", name_ru="Фонд", name_en="Fund")
    measure = Measure.objects.create(
        code="bench-grant",
        provider=provider,
        name_ru="Грант на развитие",
        name_en="Development grant",
        form="grant",
        status="permanent",
        rules={"all": [{"field": "region", "eq": "RU-TA"}, {"field": "employees", "ge": 5000}]},
        rules_version=1,
    )
    runs = {}

    def publish(rules, label):
        # What publish_rules writes (without an operator and the audit trail), then the task
        # it enqueues, called as the worker calls it.
        version = Measure.objects.get(pk=measure.pk).rules_version + 1
        Measure.objects.filter(pk=measure.pk).update(rules=rules, rules_version=version)
        return rerun(version, label)

    def rerun(version, label):
        profiler = None
        if os.environ.get("NAVIGATOR_BENCH_PROFILE") and label == "becomes eligible":
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        began = time.perf_counter()
        began_cpu = time.process_time()
        counts = navigator_subscriptions.notify(measure.code, version)
        if profiler is not None:
            import io
            import pstats

            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            results["notify_profile"] = out.getvalue()
        runs[label] = counts | {
            "seconds": time.perf_counter() - began,
            "cpu_seconds": time.process_time() - began_cpu,
        }
        return version

    wide = {
        "all": [
            {"field": "region", "in": ["RU-MOW", "RU-MOS", "RU-SPE"]},
            {"field": "employees", "between": [1, 250]},
            {"field": "registered_on", "age_more_than": {"months": 12}},
            {"not": {"field": "sme_category", "eq": "large"}},
            {
                "any": [
                    {"field": "cluster_member", "eq": True},
                    {"field": "okved_main", "okved": ["J", "C", "72"]},
                ]
            },  # fmt: skip
        ]
    }
    version = publish(wide, "becomes eligible")
    # The e-mails: the task notify_subscribers enqueued (the dummy backend only records it).
    began = time.perf_counter()
    began_cpu = time.process_time()
    mailed = tasks.mail_subscribers.call(measure.code, version)
    results["mail"] = {
        "mailed": mailed,
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - began_cpu,
    }
    rerun(version, "the same version again")
    narrow = {"all": [*wide["all"], {"field": "registered_on", "age_more_than": {"years": 5}}]}
    publish(narrow, "narrower rule")
    results["runs"] = runs
    results["alerts"] = Alert.objects.count()
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        results["database_mb"] = sum(
            p.stat().st_size for p in name.parent.glob(name.name + "*")
        ) / (1024 * 1024)
        import sqlite3

        results["sqlite"] = sqlite3.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("show server_version")
            results["postgresql"] = cursor.fetchone()[0]
    with contextlib.suppress(OSError):
        results["load_average"] = os.getloadavg()
    return results


# --------------------------------------------------------------------------- parent


def _child(args: list[str], env_extra: dict | None = None) -> dict:
    return run_child(__file__, args, env_extra)


def postgres_url() -> str | None:
    return fresh_postgres(PG_DATABASE)


def run(
    measures: int = 10_000,
    profiles: int = 200,
    jl_profiles: int = 40,
    subscriptions: int = 100_000,
    databases: tuple[str, ...] = ("sqlite", "postgresql"),
    log=print,
) -> dict:
    """Run (a) and (b) in one child process, (c) in one per database."""
    log(f"navigator: {measures:,} measures × {profiles} profiles; JSON Logic on {jl_profiles}")
    results = {
        "evaluate": _child(
            [
                "--part",
                "evaluate",
                "--measures",
                str(measures),
                "--profiles",
                str(profiles),
                "--jl-profiles",
                str(jl_profiles),
            ]  # fmt: skip
        ),
        "subscriptions": {},
    }
    for database in databases:
        env = {}
        if database == "postgresql":
            url = postgres_url()
            if url is None:
                log("navigator: PostgreSQL does not answer on 127.0.0.1:5432; skipped")
                results["subscriptions"]["postgresql"] = None
                continue
            env["DATABASE_URL"] = url
        log(f"navigator: {subscriptions:,} subscriptions on {database}")
        results["subscriptions"][database] = _child(
            ["--part", "subscriptions", "--subscriptions", str(subscriptions)], env
        )
        if database == "postgresql":
            drop_postgres(PG_DATABASE)
    return results


def _ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"


def markdown(results: dict) -> list[str]:
    """A markdown section: the table (measure, target, ours, baseline, ratio) and its notes."""
    ev = results["evaluate"]
    n, p = ev["measures"], ev["profiles"]
    jl, same, dsame = ev["jl_ms"], ev["ours_same_profiles_ms"], ev["decide_same_profiles_ms"]
    agreement = ev["agreement"]
    evaluate_ms, decide_ms = ev["evaluate_ms"], ev["decide_ms"]
    rows = [
        (
            f"`evaluate`, one profile × {n:,} measures, p50 ({p} profiles)",
            "—",
            _ms(evaluate_ms["p50"]),
            "—",
            "—",
        ),
        (
            "`evaluate`, p95",
            f"< {TARGETS['evaluate_p95_ms']:.0f} ms",
            _ms(evaluate_ms["p95"])
            + (" ✗" if evaluate_ms["p95"] >= TARGETS["evaluate_p95_ms"] else ""),
            "—",
            "—",
        ),
        ("`evaluate`, max", "—", _ms(evaluate_ms["max"]), "—", "—"),
        *(
            [
                (
                    f"`evaluate` and reading every eligible result (median "
                    f"{ev['eligible_median']:.0f}), p50 / p95",
                    "—",
                    f"{_ms(ev['evaluate_eligible_ms']['p50'])} / "
                    f"{_ms(ev['evaluate_eligible_ms']['p95'])}",
                    "—",
                    "—",
                )
            ]
            if "evaluate_eligible_ms" in ev
            else []
        ),
        *(
            [
                (
                    "the decisions alone (`engine.Program.run`, the whole catalogue), p50 / p95",
                    "—",
                    f"{_ms(ev['engine_ms']['p50'])} / {_ms(ev['engine_ms']['p95'])}",
                    "—",
                    "—",
                )
            ]
            if "engine_ms" in ev
            else []
        ),
        (
            f"the decisions one rule at a time (`compiled.decide` × {n:,}, as subscriptions "
            "use it), p50 / p95",
            "—",
            f"{_ms(decide_ms['p50'])} / {_ms(decide_ms['p95'])}",
            "—",
            "—",
        ),
        (
            f"`evaluate` vs JSON Logic, p50 ({ev['jl_profiles']} profiles)",
            f"≥ {TARGETS['ratio']:.0f}× faster",
            _ms(same["p50"]),
            _ms(jl["p50"]),
            f"{jl['p50'] / same['p50']:.1f}×",
        ),
        (
            "`evaluate` vs JSON Logic, p95",
            f"≥ {TARGETS['ratio']:.0f}× faster",
            _ms(same["p95"]),
            _ms(jl["p95"]),
            f"{jl['p95'] / same['p95']:.1f}×",
        ),
        *(
            [
                (
                    "`engine.Program.run` vs JSON Logic, p50",
                    "—",
                    _ms(ev["engine_same_profiles_ms"]["p50"]),
                    _ms(jl["p50"]),
                    f"{jl['p50'] / ev['engine_same_profiles_ms']['p50']:.1f}×",
                )
            ]
            if "engine_same_profiles_ms" in ev
            else []
        ),
        (
            "`compiled.decide` one rule at a time vs JSON Logic, p50",
            "—",
            _ms(dsame["p50"]),
            _ms(jl["p50"]),
            f"{jl['p50'] / dsame['p50']:.1f}×",
        ),
    ]
    for database, sub in results["subscriptions"].items():
        label = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}[database]
        if sub is None:
            rows.append(
                (f"`notify_subscribers`, {label}", "< 10 s", "not measured: no server", "—", "—")
            )
            continue
        for run_label, data in sub["runs"].items():
            target = f"< {TARGETS['notify_s']:.0f} s" if run_label == "becomes eligible" else "—"
            rows.append(
                (
                    f"`notify_subscribers`, {sub['subscriptions']:,} subscriptions, {label}: "
                    f"{run_label} ({data['added']:,} added, {data['removed']:,} removed, "
                    f"{data['alerts']:,} alerts)",
                    target,
                    f"{data['seconds']:.2f} s" + (" ✗" if target != "—" and data["seconds"] >= TARGETS["notify_s"] else ""),
                    "—",
                    "—",
                )
            )  # fmt: skip
            if run_label == "becomes eligible" and sub.get("mail"):
                mail = sub["mail"]
                rows.append(
                    (
                        f"`mail_subscribers` (enqueued by it), {label}: {mail['mailed']:,} e-mails "
                        f"rendered ({mail['mailed'] / mail['seconds']:,.0f}/s)",
                        "—",
                        f"{mail['seconds']:.2f} s",
                        "—",
                        "—",
                    )
                )  # fmt: skip
    lines = [
        f"## Support navigator: {n:,} measures, {next(iter(results['subscriptions'].values()) or {}).get('subscriptions', 0):,} subscriptions",
        "",
        "| measure | target | ours | baseline (panzi-json-logic) | ratio |",
        "|---|---|---|---|---|",
    ]  # fmt: skip
    lines += [f"| {' | '.join(row)} |" for row in rows]
    load = ev.get("load_average")
    lines += [
        "",
        f"**Evaluation.** {n:,} synthetic measures (unsaved `Measure` rows, "
        f"{ev['criteria']:,} criteria in all, compiled by `Catalogue.of` in "
        f"{ev['compile_s']:.2f} s) whose rules are varied versions of the reference catalogue's "
        "criteria: SME category sets, regions, OKVED sets (sections, classes, codes) on the main "
        "and the other codes, registration age, employee ranges, cluster membership and other "
        "flags, revenue caps, priority areas, TRL, prior support, `any`/`not`/nested groups, "
        "`confirm` and (3 %) `unknown` criteria, minimum budgets and co-financing shares; "
        "thresholds and sets drawn at random (seed 2026). "
        f"{p} profiles with needs, half with every field answered and half with 30-90 % of "
        "them, checked by `check_answers`; each timed through `evaluate(answers, catalogue=…)` "
        "(every measure's verdict, fit scores, ranking, counts, next question; its results "
        "are made as they are read, so reading every eligible one is timed too), after "
        f"4 warm-up calls (the first took {ev['first_evaluate_ms']:,.0f} ms). Median eligible measures per profile: "
        f"{ev['eligible_median']:.0f} ({ev['eligible_full_median']:.0f} on fully answered "
        "profiles). The decisions alone are `prepare` plus `engine.Program.run` (the whole "
        "catalogue's verdicts, what `evaluate` builds its answer on) and, separately, `prepare` "
        "plus each entry's `compiled.decide` in a loop (one rule at a time, as the "
        "subscriptions' task uses it).",
        "",
        f"**Baseline.** panzi-json-logic {ev['json_logic_version']} (`json_logic.jsonLogic`) "
        f"applying the same {n:,} rules, each with the measure's own requirements, translated "
        "to JSON Logic (all→`and`, any→`or`, not→`!`, comparisons, `in`, `some`/`none` over "
        "lists; an unanswered field is null; ages compare ISO dates against cutoffs computed "
        "for today; OKVED sets match the code prefixes our `prepare` computes, given to both) "
        f"to the first {ev['jl_profiles']} of the same profiles (it takes "
        f"{jl['p50'] / 1000:.1f} s a profile, so not all {p}). Its eligible set equals ours on "
        f"{agreement['profiles_agreed']} of {agreement['profiles_compared']} fully answered "
        f"profiles ({agreement['decisions_compared']:,} decisions; asserted). On partly "
        "answered profiles the two differ by design: JSON Logic is two-valued, so a missing "
        "answer makes a `not` true. Ratio: how many times less time ours takes.",
    ]
    subs = {db: s for db, s in results["subscriptions"].items() if s}
    if subs:
        first = next(iter(subs.values()))
        lines += [
            "",
            f"**Subscriptions.** {first['subscriptions']:,} organisations and one active "
            "subscription each (profiles as the registry fills them: region, OKVED, "
            "registration date, employees, SME category, cluster membership, revenue for 60 %, "
            "TRL for 30 %; 0-6 other measures already eligible), in a fresh database "
            "(SQLite file in WAL mode; PostgreSQL on loopback, default configuration). A "
            "measure's new rule (region in three, 1-250 employees, registered over a year ago, "
            "not large, a cluster member or in OKVED J, C or 72) is written as `publish_rules` "
            "writes it and `notify_subscribers` runs as the worker calls it: streaming the "
            "subscriptions through one cursor (the database says which already hold the "
            "code), deciding, then per batch of 900 one statement adding the code to the "
            "`eligible` of those that lack it (in place: concurrent tasks of other measures lose "
            "nothing) and one inserting their alerts (the portal's notices), and enqueuing "
            "`mail_subscribers`. That task, timed separately, mails each alert (every message "
            "rendered to the bytes SMTP would send, here in Russian with English below, by a "
            "backend that then drops it) and marks it mailed: Python's `email` package renders "
            "a few thousand messages a second, slower than deciding, which is why the mail is a "
            "task of its own. "
            "Then the same task again (a retry: it must create and enqueue nothing) and a "
            "narrower rule (registered over five years ago: codes removed, nothing sent). "
            + "; ".join(
                f"{db}: setup {s['generate_s']:.0f} s, "
                + ", ".join(
                    f"{label} {r['cpu_seconds']:.1f} s CPU" for label, r in s["runs"].items()
                )
                for db, s in subs.items()
            )
            + ".",
        ]
    lines += [
        "",
        f"Python {ev['python']}"
        + (f", load average {load[0]:.1f} at the end of the evaluation part" if load else "")
        + ". `python bench/navigator_bench.py` runs this section alone.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--jl-profiles", type=int, default=40)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--json", action="store_true", help="print the raw results too")
    bench_child.add_child_options(parser)
    parser.add_argument("--part", choices=["evaluate", "subscriptions"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    def measure():
        if args.part == "evaluate":
            return child_evaluate(args.measures, args.profiles, args.jl_profiles)
        return child_subscriptions(args.subscriptions)

    if bench_child.measure_in_child(args, measure):
        return
    databases = bench_child.database_names(args.databases)
    results = run(args.measures, args.profiles, args.jl_profiles, args.subscriptions, databases)
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
