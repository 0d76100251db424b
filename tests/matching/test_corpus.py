"""The matching benchmark's synthetic corpus (bench/matching_corpus.py): the same for a seed,
enough queries with relevant items, both languages, judgements that follow the stated rule."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from innocluster.matching.engine import IndexRow, MatchQuery
from innocluster.matching.text import analyse

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))  # matching_bench imports its neighbours by name
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


mc = _load("matching_corpus")
mb = _load("matching_bench")


@pytest.fixture(scope="module")
def corpus():
    return mc.generate(items=1500, queries=260, seed=3)


def test_the_same_seed_gives_the_same_corpus_and_another_seed_another(corpus):
    again = mc.generate(items=1500, queries=260, seed=3)
    assert [i.row for i in again.items] == [i.row for i in corpus.items]
    assert [i.text for i in again.items] == [i.text for i in corpus.items]
    assert [(q.text, q.fields, q.judgements) for q in again.queries] == [
        (q.text, q.fields, q.judgements) for q in corpus.queries
    ]
    other = mc.generate(items=1500, queries=260, seed=4)
    assert [i.text for i in other.items] != [i.text for i in corpus.items]


def test_about_sixty_topics_across_the_ten_areas_each_with_latin_terms():
    areas = Counter(t.area for t in mc.TOPICS)
    assert set(areas) == set(mc.AREAS)
    assert 55 <= len(mc.TOPICS) <= 65
    assert all(count >= 5 for count in areas.values())
    for topic in mc.TOPICS:
        assert topic.latin, topic.code
        assert len(topic.concepts) >= 5, topic.code
        # Russian words come in several inflected forms.
        assert sum(len(c.ru) >= 3 for c in topic.concepts) >= 4, topic.code


def test_items_are_index_rows_with_analysed_terms_and_fitting_fields(corpus):
    assert len(corpus.items) == 1500
    by_id = set()
    for item in corpus.items:
        row = item.row
        assert isinstance(row, IndexRow)
        assert row.terms == " ".join(analyse(item.text))
        assert row.kind in mc.KINDS
        assert row.object_id not in by_id
        by_id.add(row.object_id)
        topic = next(t for t in mc.TOPICS if t.code == item.topic)
        assert row.areas.split()[:1] in ([topic.area], [])
        assert row.okved.split()[0] in topic.okved
        if row.kind == "organisation":
            assert row.owner_id == row.object_id
        else:
            assert row.trl is not None and 1 <= row.trl <= 9
    kinds = Counter(i.row.kind for i in corpus.items)
    assert all(kinds[k] > 100 for k in mc.KINDS)
    org_kinds = {i.row.org_kind for i in corpus.items if i.row.kind == "organisation"}
    assert org_kinds == {"company", "startup", "corporation", "university", "research_institute"}
    regions = Counter(i.row.region for i in corpus.items)
    assert regions[mc.MOSCOW] > len(corpus.items) / 2 and len(regions) > 1


def test_russian_english_and_bilingual_items_are_all_present(corpus):
    languages = Counter(item.language for item in corpus.items)
    assert languages["ru"] > languages["en"] > 0 and languages["both"] > 0
    for item in corpus.items:
        text = item.text.lower()
        cyrillic = sum("а" <= ch <= "я" for ch in text)
        latin = sum("a" <= ch <= "z" for ch in text)
        if item.language == "en":
            assert not cyrillic, item.text
        elif item.language == "both":
            assert cyrillic > 20 and latin > 20, item.text
        else:
            assert cyrillic > latin, item.text


def test_at_least_250_queries_each_with_a_grade_2_item_in_both_languages(corpus):
    assert len(corpus.queries) >= 250
    for query in corpus.queries:
        assert 2 in query.judgements.values(), query.title
        match_query = query.match_query()
        assert isinstance(match_query, MatchQuery)
        assert match_query.kinds == frozenset({"organisation", "product", "technology"})
        assert match_query.region == mc.MOSCOW
        trl_min = query.fields["trl_min"]
        assert trl_min is None or 4 <= trl_min <= 7
    languages = Counter(q.language for q in corpus.queries)
    assert languages["ru"] > languages["en"] > 50
    # English queries share Latin terms with the Russian-written items of their topic.
    topic = {t.code: t for t in mc.TOPICS}
    english = [q for q in corpus.queries if q.language == "en"]
    assert all(
        any(term.lower() in q.text.lower() for term in topic[q.topic].latin) for q in english
    )


def test_queries_are_worded_with_other_forms_than_the_items(corpus):
    # Each Russian concept keeps one form for queries only: no item text contains it.
    item_words = {w for item in corpus.items for w in item.text.lower().replace(".", " ").split()}
    reserved = [
        form
        for topic in mc.TOPICS
        for concept in topic.concepts
        if len(concept.ru) >= 3
        for form in concept.ru
        if " " not in form
    ]
    query_words = {w for q in corpus.queries for w in q.text.lower().replace(".", " ").split()}
    only_in_queries = (query_words - item_words) & set(reserved)
    assert len(only_in_queries) > 100


def test_judgements_follow_the_rule(corpus):
    items = {item.row.object_id: item for item in corpus.items}
    checked = Counter()
    for query in corpus.queries[:60]:
        trl_min = query.fields["trl_min"]
        for object_id, item in items.items():
            row = item.row
            expected = mc.grade(item.topic, item.secondary, row.kind, row.trl, query.topic, trl_min)
            assert query.judgements.get(object_id, 0) == expected
            # The rule spelled out, case by case.
            if item.topic == query.topic:
                meets = trl_min is None or (row.trl is not None and row.trl >= trl_min)
                no_trl_org = row.trl is None and row.kind == "organisation"
                assert expected == (2 if meets or no_trl_org else 1)
                checked["below" if expected == 1 else "meets"] += 1
            elif item.secondary == query.topic:
                assert expected == 1
                checked["secondary"] += 1
            else:
                assert expected == 0
    assert checked["meets"] and checked["below"] and checked["secondary"]


def test_grade_rule_by_hand():
    assert mc.grade("a", None, "product", 6, "a", 5) == 2
    assert mc.grade("a", None, "product", 4, "a", 5) == 1
    assert mc.grade("a", None, "product", 4, "a", None) == 2
    assert mc.grade("a", None, "organisation", None, "a", 7) == 2
    assert mc.grade("b", "a", "product", 9, "a", 5) == 1
    assert mc.grade("b", "c", "organisation", None, "a", 5) == 0


def test_scale_rows_are_fast_material_for_organisations_and_products():
    rows = mc.scale_rows(2000, seed=1)
    assert len(rows.texts) == 2000 == len(set(rows.object_ids))
    assert Counter(rows.kinds) == {"organisation": 1000, "product": 1000}
    assert rows.texts == mc.scale_rows(2000, seed=1).texts
    queries = mc.scale_queries(30, seed=2)
    assert len(queries) == 30 and all(q.text for q in queries)


def test_the_measures_score_a_perfect_ranking_one_and_a_useless_one_zero():
    judgements = {"a": 2, "b": 2, "c": 1}
    assert mb.ndcg(["a", "b", "c", "x"], judgements) == pytest.approx(1.0)
    assert mb.ndcg(["x", "y"], judgements) == 0.0
    # The grade-1 item first is worse than the grade-2 ones first.
    assert mb.ndcg(["c", "a", "b"], judgements) < mb.ndcg(["a", "c", "b"], judgements) < 1
    assert mb.recall(["a", "x", "c"], judgements) == 0.5  # grade 2 only: a of a, b
    assert mb.recall(["a", "x", "c"], judgements, at_least=1) == pytest.approx(2 / 3)
    assert mb.recall(["b"] + ["x"] * 60 + ["a"], judgements) == 0.5  # a is past the top 50
    many = {str(i): 2 for i in range(120)}
    top = [str(i) for i in range(50)]
    assert mb.recall(top, many) == pytest.approx(50 / 120)
    assert mb.capped_recall(top, many) == 1.0
