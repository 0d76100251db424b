"""A new user gets a useful answer in under a minute: following the questionnaire (each step
asks the evaluation's next_question), typical businesses reach an eligible measure, or a
plain "nothing fits" with the closest measures, within a handful of questions."""

from __future__ import annotations

import pytest

from innocluster.navigator.evaluation import evaluate
from innocluster.navigator.fields import check_answers

pytestmark = pytest.mark.django_db

# What each persona would answer if asked (they are never asked all of it).
PERSONAS = {
    "a 24-year-old researcher with an idea": (
        {
            "org_form": "individual",
            "person_age": 24,
            "kind": "other",
            "trl": 2,
            "purposes": ["rnd"],
        },
        {"fasie-umnik", "fasie-start"},
    ),
    "a one-year-old software startup in Moscow, a cluster member": (
        {
            "org_form": "legal_entity",
            "kind": "startup",
            "registered_on": "2025-10-01",
            "region": "RU-MOW",
            "okved_main": "62.01",
            "employees": 7,
            "sme_category": "micro",
            "revenue_rub": 12_000_000,
            "revenue_3y_rub": 12_000_000,
            "cluster_member": True,
            "sme_register": True,
            "prior_support": [],
            "holds_russian_patent": False,
            "skolkovo_participant": False,
            "trl": 5,
            "purposes": ["rnd"],
        },
        {"fasie-start", "mik-kip"},
    ),
    "a defence manufacturer with a 500 mln project": (
        {
            "org_form": "legal_entity",
            "kind": "company",
            "registered_on": "2004-03-01",
            "region": "RU-TA",
            "okved_main": "30.30",
            "employees": 900,
            "defence_industry": True,
            "cluster_member": False,
            "sme_register": False,
            "productivity_project_participant": False,
            "project_budget_rub": 500_000_000,
            "own_funds_share": 0.5,
            "purposes": ["production_expansion"],
        },
        {"frp-conversion"},
    ),
}
NEED_FIELDS = {"purposes", "forms", "amount_rub", "project_budget_rub", "own_funds_share"}
QUESTIONS_IN_A_MINUTE = 8  # about seven seconds a question


def split(answers: dict) -> tuple[dict, dict]:
    return (
        {k: v for k, v in answers.items() if k not in NEED_FIELDS},
        {k: v for k, v in answers.items() if k in NEED_FIELDS},
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_typical_business_gets_a_useful_answer_in_a_few_questions(reference_catalogue, persona):
    knows, expected = PERSONAS[persona]
    knows = dict(knows)
    # the questionnaire's first page asks what the support is for (optional)
    given: dict = {"purposes": knows.pop("purposes")} if "purposes" in knows else {}
    skipped: set[str] = set()
    asked = []
    for _step in range(QUESTIONS_IN_A_MINUTE):
        evaluation = evaluate(check_answers(*split(given)))
        eligible = {r.code for r in evaluation.eligible}
        if eligible & expected:
            break
        question = evaluation.next_question_without(skipped)
        assert question is not None, f"{persona}: nothing more to ask and nothing found"
        assert question not in given and question not in skipped, "never asked twice"
        asked.append(question)
        if question in knows:
            given[question] = knows[question]
        else:  # the persona does not know or does not say: "skip"
            skipped.add(question)
    else:
        pytest.fail(f"{persona}: no expected measure after {asked}")
    assert len(skipped) <= 2, f"{persona} could not answer {sorted(skipped)}"
