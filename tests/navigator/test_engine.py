"""The catalogue-wide evaluator (engine.py) against the plain per-measure one (rules.decide):
on random rules of every operator and random, partly answered profiles they must agree on every
verdict, every criterion's outcome and every fit score."""

from __future__ import annotations

import datetime
import random

import pytest

from innocluster.navigator.evaluation import VERDICTS, Catalogue, evaluate, fit
from innocluster.navigator.fields import FIELDS, check_answers
from innocluster.navigator.models import Institution, Measure
from innocluster.navigator.rules import cutoff, prepare

TODAY = datetime.date(2026, 11, 27)
KINDS = ["company", "startup", "university", "research_institute", "corporation"]
SME = ["micro", "small", "medium", "large"]
REGIONS = ["RU-MOW", "RU-MOS", "RU-SPE", "RU-TA"]
OKVED = ["62.01", "72.19", "26.51", "71.20", "10.1", "J", "C", "72"]
AREAS = ["ict", "energy", "medicine", "transport"]
PURPOSES = ["rnd", "equipment", "export", "patenting", "working_capital"]


def random_criterion(rng: random.Random) -> dict:
    choice = rng.randrange(16)
    if choice == 0:
        return {"field": "sme_category", "in": rng.sample(SME, rng.randint(1, 3))}
    if choice == 1:
        return {"field": "region", rng.choice(["eq", "ne"]): rng.choice(REGIONS)}
    if choice == 2:
        return {
            "field": "employees",
            rng.choice(["lt", "le", "gt", "ge", "eq", "ne"]): rng.randint(0, 60),
        }
    if choice == 3:
        low = rng.choice([None, rng.randint(0, 30)])
        high = rng.choice([None, rng.randint(30, 200)]) if low is not None else rng.randint(1, 99)
        return {"field": "employees", "between": [low, high]}
    if choice == 4:
        op = rng.choice(["age_at_most", "age_less_than", "age_at_least", "age_more_than"])
        unit = rng.choice(["years", "months", "days"])
        return {"field": "registered_on", op: {unit: rng.randint(1, 40)}}
    if choice == 5:
        return {"field": rng.choice(["okved_main", "okved"]), "okved": rng.sample(OKVED, 2)}
    if choice == 6:
        return {"field": rng.choice(["cluster_member", "sme_register"]), "eq": rng.random() < 0.7}
    if choice == 7:
        return {"field": "kind", rng.choice(["in", "not_in"]): rng.sample(KINDS, 2)}
    if choice == 8:
        op = rng.choice(["any_of", "all_of", "none_of"])
        return {"field": "priority_areas", op: rng.sample(AREAS, rng.randint(1, 2))}
    if choice == 9:
        return {"field": "revenue_rub", rng.choice(["le", "ge"]): rng.randint(1, 900) * 1_000_000}
    if choice == 10:
        return {"field": "registered_on", rng.choice(["lt", "ge"]): "2021-06-01"}
    if choice == 11:
        return {"field": "prior_support", "none_of": ["fasie-start", "fasie-umnik"]}
    if choice == 12:
        return {"confirm": {"ru": "Подтверждаю", "en": "I confirm"}}
    if choice == 13:
        return {"unknown": {"ru": "Не указано", "en": "Not stated"}}
    if choice == 14:
        return {"field": "trl", "between": [rng.randint(1, 5), rng.randint(5, 9)]}
    return {"field": "okved_main", rng.choice(["eq", "ne"]): rng.choice(["62.01", "72.19"])}


def random_rule(rng: random.Random, depth: int = 0) -> dict:
    if depth >= 3 or rng.random() < 0.45:
        return random_criterion(rng)
    kind = rng.choice(["all", "all", "any", "not"])
    if kind == "not":
        return {"not": random_rule(rng, depth + 1)}
    return {kind: [random_rule(rng, depth + 1) for _ in range(rng.randint(1, 4))]}


def random_profile(rng: random.Random) -> tuple[dict, dict]:
    profile = {
        "kind": rng.choice(KINDS),
        "sme_category": rng.choice(SME),
        "region": rng.choice(REGIONS),
        "employees": rng.randint(0, 250),
        "registered_on": (TODAY - datetime.timedelta(days=rng.randint(0, 6000))).isoformat(),
        "okved_main": rng.choice(OKVED[:5]),
        "okved": rng.sample(OKVED[:5], 2),
        "cluster_member": rng.random() < 0.5,
        "sme_register": rng.random() < 0.5,
        "priority_areas": rng.sample(AREAS, rng.randint(1, 3)),
        "revenue_rub": rng.randint(0, 1_000) * 1_000_000,
        "trl": rng.randint(1, 9),
        "prior_support": rng.sample(["fasie-start", "mik-kip", "frp-digital"], rng.randint(0, 2)),
    }
    need = {
        "purposes": rng.sample(PURPOSES, rng.randint(1, 2)),
        "forms": rng.sample(["grant", "loan", "compensation"], rng.randint(1, 2)),
        "amount_rub": rng.randint(1, 300) * 1_000_000,
        "project_budget_rub": rng.randint(1, 500) * 1_000_000,
        "own_funds_share": round(rng.random(), 2),
    }
    # answer only some questions: the three-valued cases are the interesting ones
    keep = rng.random()
    profile = {k: v for k, v in profile.items() if rng.random() < keep}
    need = {k: v for k, v in need.items() if rng.random() < keep}
    return profile, need


def random_catalogue(rng: random.Random, size: int) -> list[Measure]:
    provider = Institution(code="test-fund", name_ru="Фонд")
    measures = []
    for number in range(size):
        form = rng.choice(["grant", "loan", "compensation", "guarantee"])
        measures.append(
            Measure(
                code=f"m-{number:04d}",
                provider=provider,
                name_ru=f"Мера {number}",
                form=form,
                purposes=rng.sample(PURPOSES, rng.randint(0, 2)),
                amount_min_rub=rng.choice([None, rng.randint(1, 50) * 1_000_000]),
                amount_max_rub=rng.choice([None, rng.randint(50, 500) * 1_000_000]),
                cost_share_max=rng.choice([None, "0.5", "0.15"]),
                rate_percent_min=rng.choice([None, 1, 3, 5]) if form == "loan" else None,
                min_project_budget_rub=rng.choice([None, None, 25_000_000]),
                cofinancing_min_share=rng.choice([None, None, "0.2"]),
                priority_areas=rng.sample(AREAS, rng.randint(0, 2)),
                stages=rng.sample(["idea", "research", "development", "market"], rng.randint(0, 2)),
                closes_on=rng.choice([None, None, TODAY - datetime.timedelta(days=1), TODAY]),
                rules=rng.choice([None, random_rule(rng)]),
            )
        )
    return measures


@pytest.mark.parametrize("seed", range(6))
def test_the_engine_agrees_with_each_rule_on_its_own(seed):
    rng = random.Random(seed)
    catalogue = Catalogue.of(random_catalogue(rng, 150))
    for _ in range(40):
        profile, need = random_profile(rng)
        answers = check_answers(profile, need, today=TODAY)
        evaluation = evaluate(answers, catalogue=catalogue, today=TODAY)
        prepared = prepare(answers.values)
        cutoffs = {p: cutoff(TODAY, p) for e in catalogue.entries for p in e.compiled.periods}
        shown = {r.code: r for r in evaluation.results}
        for entry in catalogue.entries:
            closes = entry.measure.closes_on
            if closes is not None and closes < TODAY:
                assert entry.code not in shown, "a measure past its closing date is not offered"
                continue
            verdict, outcomes = entry.compiled.decide(prepared, cutoffs)
            result = shown[entry.code]
            assert result.verdict == VERDICTS[verdict], (entry.measure.rules, profile)
            assert result.outcomes == outcomes
            assert result.score == fit(entry, answers.values)[0]
        counted = {
            v: sum(1 for r in evaluation.results if r.verdict == v) for v in evaluation.counts
        }
        assert counted == evaluation.counts


def test_results_are_ranked_eligible_first_then_by_fit():
    rng = random.Random(99)
    catalogue = Catalogue.of(random_catalogue(rng, 200))
    profile, need = random_profile(random.Random(5))
    evaluation = evaluate(
        check_answers(profile, need, today=TODAY), catalogue=catalogue, today=TODAY
    )
    order = {"eligible": 0, "unknown": 1, "ineligible": 2}
    keys = [(order[r.verdict], -r.score, r.code) for r in evaluation.results]
    assert keys == sorted(keys)


def test_the_next_question_counts_the_measures_it_would_decide():
    rng = random.Random(7)
    catalogue = Catalogue.of(random_catalogue(rng, 200))
    for _ in range(20):
        profile, need = random_profile(rng)
        evaluation = evaluate(
            check_answers(profile, need, today=TODAY), catalogue=catalogue, today=TODAY
        )
        weights: dict[str, int] = {}
        for result in evaluation.results:
            if result.verdict == "unknown":
                for name in result.missing:
                    count = 2 if len(result.missing) == 1 else 1
                    factor = 0.5 if FIELDS[name].group == "need" else 1  # need fields after
                    fits = max(result.score, 5) / 100  # the measures that fit weigh more
                    weights[name] = weights.get(name, 0) + count * factor * fits
        if not weights:
            assert evaluation.next_question is None
            continue
        best = max(weights.values())
        assert weights.get(evaluation.next_question) == pytest.approx(best)
        assert evaluation.next_question not in {**profile, **need}


@pytest.mark.parametrize(
    ("rule", "given", "expected"),
    [
        # a company registered exactly two years ago (2024-11-27)
        ({"field": "registered_on", "age_at_most": {"years": 2}}, "2024-11-27", True),
        ({"field": "registered_on", "age_less_than": {"years": 2}}, "2024-11-27", False),
        ({"field": "registered_on", "age_at_least": {"years": 2}}, "2024-11-27", True),
        ({"field": "registered_on", "age_more_than": {"years": 2}}, "2024-11-27", False),
        ({"field": "registered_on", "age_more_than": {"months": 12}}, "2025-11-26", True),
        ({"field": "registered_on", "age_more_than": {"months": 12}}, "2025-11-27", False),
        ({"field": "employees", "ge": 5}, 5, True),
        ({"field": "employees", "gt": 5}, 5, False),
        ({"field": "employees", "le": 5}, 5, True),
        ({"field": "employees", "lt": 5}, 5, False),
        ({"field": "employees", "between": [5, 10]}, 10, True),
        ({"field": "employees", "between": [5, 10]}, 11, False),
        ({"field": "employees", "between": [None, 10]}, 0, True),
    ],
)
def test_boundaries_are_the_same_in_both(rule, given, expected):
    provider = Institution(code="test-fund", name_ru="Фонд")
    measure = Measure(code="edge", provider=provider, name_ru="Мера", form="grant", rules=rule)
    catalogue = Catalogue.of([measure])
    name = rule["field"]
    answers = check_answers({name: given}, today=TODAY)
    (result,) = evaluate(answers, catalogue=catalogue, today=TODAY).results
    entry = catalogue.entries[0]
    cutoffs = {p: cutoff(TODAY, p) for p in entry.compiled.periods}
    verdict, _outcomes = entry.compiled.decide(prepare(answers.values), cutoffs)
    assert verdict is expected
    assert result.verdict == VERDICTS[expected]


def test_a_month_back_from_the_31st_is_the_last_day_of_the_shorter_month():
    assert cutoff(datetime.date(2026, 3, 31), ("months", 1)) == datetime.date(2026, 2, 28)
    assert cutoff(datetime.date(2028, 3, 31), ("months", 1)) == datetime.date(2028, 2, 29)
    assert cutoff(datetime.date(2024, 2, 29), ("years", 1)) == datetime.date(2023, 2, 28)
