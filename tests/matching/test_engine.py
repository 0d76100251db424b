"""The in-memory matcher (matching.engine): ranking a person would agree with, filters, evidence,
explanations, incremental changes, snapshots and queries nobody should have to think about."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from innocluster.matching import engine, segment
from innocluster.matching.engine import IndexRow, MatchIndex, MatchQuery
from innocluster.matching.text import analyse

ALL_KINDS = frozenset({"organisation", "product", "technology", "challenge"})
NOW = datetime.now(UTC)
_ids = iter(range(1, 1_000_000))


def item(title: str, text: str = "", *, kind: str = "product", **fields) -> IndexRow:
    """A row as matching.indexing would write it: the stems of the title and the text."""
    fields.setdefault("object_id", str(uuid.uuid4()))
    fields.setdefault("owner_id", str(uuid.uuid4()))
    fields.setdefault("audience", "public")
    return IndexRow(
        doc_id=next(_ids),
        kind=kind,
        title=title,
        terms=" ".join(analyse(f"{title} {text}")),
        **fields,
    )


def ask(text: str, **fields) -> MatchQuery:
    fields.setdefault("kinds", ALL_KINDS)
    return MatchQuery(text=text, **fields)


def titles(index: MatchIndex, query: MatchQuery, limit: int = 20) -> list[str]:
    return [match.title for match in index.search(query, limit)]


def by_title(index: MatchIndex, query: MatchQuery, title: str):
    return next(match for match in index.search(query) if match.title == title)


@pytest.fixture
def catalogue() -> list[IndexRow]:
    return [
        item(
            "Сварочный робот",
            "Роботизированные манипуляторы для сварки металлоконструкций на заводах",
            areas="manufacturing",
            trl=8,
        ),
        item("Манипулятор для склада", "Манипуляторы для погрузки паллет", areas="transport"),
        item(
            "ЛидарТех",
            "Компания разрабатывает LiDAR для беспилотных автомобилей и картографии",
            kind="organisation",
            areas="transport ict",
        ),
        item(
            "Indoor mapping kit",
            "Сканер для картирования складов. A LiDAR scanner that maps warehouses without GPS.",
            areas="ict",
        ),
        item(
            "Биосенсор глюкозы",
            "Биосенсоры для медицинской диагностики диабета",
            kind="technology",
            areas="medicine biotech",
            trl=4,
        ),
        item("Умная теплица", "Система управления микроклиматом теплицы", areas="biotech"),
    ]


@pytest.fixture
def index(catalogue) -> MatchIndex:
    return MatchIndex.build(catalogue)


# Ranking


def test_a_russian_query_finds_russian_items_in_other_inflections(index):
    found = titles(index, ask("роботизированный манипулятор, сварка"))

    # Both share "манипулятор"; the welding robot also shares the robot and the welding.
    assert found[:2] == ["Сварочный робот", "Манипулятор для склада"]
    assert "Биосенсор глюкозы" not in found


def test_an_english_query_finds_a_russian_item_that_shares_a_latin_term(index):
    found = titles(index, ask("LiDAR for self-driving cars"))

    assert "ЛидарТех" in found


def test_an_item_given_in_both_languages_is_found_by_either(index):
    assert titles(index, ask("warehouse scanner")) == ["Indoor mapping kit"]
    assert titles(index, ask("картирование склада"))[0] == "Indoor mapping kit"


def test_items_sharing_no_word_with_the_query_are_not_matches(index):
    assert titles(index, ask("квантовые вычисления")) == []
    # However good the evidence: the same areas and a TRL that fits are not enough.
    assert titles(index, ask("квантовые вычисления", areas=frozenset({"biotech"}), trl_min=1)) == []


def test_scores_are_best_first_and_the_limit_is_kept(index):
    matches = index.search(ask("манипулятор склад лидар сварка теплица биосенсор"), limit=3)

    assert len(matches) == 3
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_an_empty_index_and_a_zero_limit_return_nothing(index):
    assert MatchIndex.build([]).search(ask("манипулятор")) == []
    assert MatchIndex.empty().search(ask("манипулятор")) == []
    assert index.search(ask("манипулятор"), limit=0) == []
    assert index.search(ask("манипулятор", kinds=frozenset())) == []


# Filters


def test_only_the_kinds_asked_for_are_returned(index):
    query = ask("манипулятор LiDAR биосенсор", kinds=frozenset({"organisation", "technology"}))

    assert sorted(titles(index, query)) == ["ЛидарТех", "Биосенсор глюкозы"][::-1]


def test_items_for_members_only_reach_members_only():
    index = MatchIndex.build(
        [
            item("Открытый насос", "насос", audience="public"),
            item("Насос для своих", "насос", audience="members"),
        ]
    )

    assert titles(index, ask("насос")) == ["Открытый насос"]
    both = titles(index, ask("насос", audiences=frozenset({"public", "members"})))
    assert sorted(both) == ["Насос для своих", "Открытый насос"]
    assert titles(index, ask("насос", audiences=frozenset())) == []


def test_the_askers_own_organisation_is_never_a_match():
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    index = MatchIndex.build(
        [
            item("Наш насос", "насос", owner_id=mine),
            item("Мы сами", "насос", kind="organisation", object_id=mine, owner_id=mine),
            item("Их насос", "насос", owner_id=theirs),
        ]
    )

    assert titles(index, ask("насос", exclude_owner=mine)) == ["Их насос"]
    assert len(titles(index, ask("насос", exclude_owner=str(uuid.uuid4())))) == 3


def test_owner_kinds_and_statuses_filter_when_given():
    index = MatchIndex.build(
        [
            item("Вуз", "насос", kind="organisation", org_kind="university", status="member"),
            item("Стартап", "насос", kind="organisation", org_kind="startup", status="member"),
            item("Бывший", "насос", kind="organisation", org_kind="startup", status="withdrawn"),
        ]
    )

    assert titles(index, ask("насос", org_kinds=frozenset({"university"}))) == ["Вуз"]
    assert sorted(titles(index, ask("насос", statuses=frozenset({"member"})))) == [
        "Вуз",
        "Стартап",
    ]
    assert titles(index, ask("насос", org_kinds=frozenset({"investor"}))) == []
    assert len(titles(index, ask("насос", org_kinds=None, statuses=None))) == 3


def test_filters_hold_when_the_best_text_matches_are_all_filtered_out(monkeypatch):
    """With a small candidate pool the filter runs on the best few first; when too few of those
    pass, every candidate is filtered, so a weaker match that passes is still found."""
    monkeypatch.setattr(engine, "CANDIDATE_POOL", 2)
    rows = [item(f"Насос {n}", "насос насос насос", audience="members") for n in range(10)]
    rows.append(item("Публичный", "насос и много других слов про клапаны и трубы и фланцы"))
    index = MatchIndex.build(rows)

    assert titles(index, ask("насос")) == ["Публичный"]


# Evidence


def test_trl_verdicts_and_the_penalty_growing_with_the_gap():
    index = MatchIndex.build(
        [
            item("Зрелый", "лазерный резак", trl=8),
            item("Неизвестный", "лазерный резак"),
            item("Почти", "лазерный резак", trl=6),
            item("Сырой", "лазерный резак", trl=2),
        ]
    )
    matches = index.search(ask("лазерный резак", trl_min=7))

    assert [m.title for m in matches] == ["Зрелый", "Неизвестный", "Почти", "Сырой"]
    verdicts = {m.title: (m.explanation.trl, m.explanation.trl_value) for m in matches}
    assert verdicts == {
        "Зрелый": ("meets", 8),
        "Неизвестный": ("unknown", None),
        "Почти": ("below", 6),
        "Сырой": ("below", 2),
    }
    assert all(("trl_below" in m.explanation.against) == (m.title in {"Почти", "Сырой"})
               for m in matches)  # fmt: skip
    scores = [m.score for m in matches]
    assert scores[0] > scores[1] > scores[2] > scores[3]
    # Not asked: every verdict says so and the TRL changes nothing.
    unasked = index.search(ask("лазерный резак"))
    assert {m.explanation.trl for m in unasked} == {"not_asked"}
    assert len({m.score for m in unasked}) == 1


def test_a_shared_priority_area_lifts_a_candidate_with_slightly_weaker_text():
    rows = [
        item("Насосы давления", "промышленные", areas=""),
        item("Насосы давления для скважин", "нефтяных", areas="energy"),
        item("Теплица", "рассада"),
        item("Лазер", "резка"),
    ]
    index = MatchIndex.build(rows)

    # On text alone the shorter description wins.
    assert titles(index, ask("насос высокого давления"))[0] == "Насосы давления"
    lifted = index.search(ask("насос высокого давления", areas=frozenset({"energy"})))
    assert lifted[0].title == "Насосы давления для скважин"
    assert lifted[0].explanation.shared_areas == ("energy",)
    assert lifted[1].explanation.shared_areas == ()


def test_declared_areas_that_miss_count_against_a_candidate():
    index = MatchIndex.build(
        [
            item("Медицинский насос", "насос", areas="medicine"),
            item("Насос без областей", "насос"),
        ]
    )
    matches = {m.title: m for m in index.search(ask("насос", areas=frozenset({"energy"})))}

    assert "no_shared_area" in matches["Медицинский насос"].explanation.against
    assert "no_shared_area" not in matches["Насос без областей"].explanation.against
    assert matches["Медицинский насос"].score < matches["Насос без областей"].score


def test_okved_region_collaboration_and_activity_support_a_match():
    partner = str(uuid.uuid4())
    index = MatchIndex.build(
        [
            item(
                "Знакомый",
                "насос",
                owner_id=partner,
                okved="62.01 28.13",
                region="RU-MOW",
                active_at=NOW - timedelta(days=30),
            ),
            item(
                "Спящий",
                "насос",
                okved="01.11",
                region="RU-TA",
                active_at=NOW - timedelta(days=1000),
            ),
            item("Без данных", "насос"),
        ]
    )
    query = ask("насос", okved=("28.1",), region="RU-MOW", collaborators=frozenset({partner}))
    matches = {m.title: m for m in index.search(query)}

    assert matches["Знакомый"].explanation.supporting == (
        "okved",
        "region",
        "collaborated",
        "active",
    )
    assert matches["Спящий"].explanation.supporting == ()
    assert matches["Спящий"].explanation.against == ("inactive",)
    assert matches["Без данных"].explanation.supporting == ()
    assert matches["Без данных"].explanation.against == ()
    ranked = [m.title for m in index.search(query)]
    assert ranked == ["Знакомый", "Без данных", "Спящий"]


# Explanations


def test_shared_terms_are_the_querys_own_words_weightiest_first(index):
    match = by_title(
        index, ask("Роботизированный манипулятор для сварочных работ и сварки"), "Сварочный робот"
    )

    shared = match.explanation.shared_terms
    # The words as the asker typed them (lower-cased), not stems; each stem once.
    assert set(shared) == {"роботизированный", "манипулятор", "сварочных", "сварки"}
    assert all(" " not in word for word in shared)
    assert index.search(ask("манипулятор"))[0].explanation.shared_terms == ("манипулятор",)


def test_at_most_eight_shared_terms_are_shown():
    words = "альфа бета гамма дельта эпсилон зета эта тета йота каппа лямбда"
    index = MatchIndex.build([item("Все слова", words)])

    shared = index.search(ask(words))[0].explanation.shared_terms
    assert len(shared) == 8


def test_a_weak_text_match_is_said_to_count_against(index):
    matches = index.search(
        ask("сварочный робот для сварки металлоконструкций на заводе, манипулятор")
    )
    weak = {m.title: m.explanation.against for m in matches}

    assert "weak_text" not in weak["Сварочный робот"]
    assert "weak_text" in weak["Манипулятор для склада"]


def test_a_match_carries_the_items_identity(catalogue, index):
    row = catalogue[2]
    match = index.search(ask("лидар LiDAR"))[0]

    assert (match.kind, match.object_id, match.owner_id, match.title) == (
        "organisation",
        row.object_id,
        row.owner_id,
        "ЛидарТех",
    )


def test_ids_that_are_not_uuids_come_back_as_given():
    index = MatchIndex.build([item("Насос", "насос", object_id="item-1", owner_id="owner 7")])

    match = index.search(ask("насос", exclude_owner="owner 8"))[0]
    assert (match.object_id, match.owner_id) == ("item-1", "owner 7")
    assert index.search(ask("насос", exclude_owner="owner 7")) == []


# Changes


def test_apply_upserts_new_and_changed_items(catalogue, index):
    welding = catalogue[0]

    index.apply(
        [
            replace(
                welding, title="Сварочный робот 2", terms=" ".join(analyse("плазменная резка"))
            ),
            item("Новый насос", "насос высокого давления"),
        ]
    )

    assert len(index) == len(catalogue) + 1
    assert "Сварочный робот" not in titles(index, ask("сварка"))
    assert "Сварочный робот 2" not in titles(index, ask("сварка"))
    assert titles(index, ask("плазменная резка")) == ["Сварочный робот 2"]
    assert titles(index, ask("насос")) == ["Новый насос"]
    # A second change of the same item replaces the first; applying it twice changes nothing.
    again = replace(welding, title="Сварочный робот 3", terms=" ".join(analyse("сварка")))
    index.apply([again])
    index.apply([again])
    assert titles(index, ask("сварка")) == ["Сварочный робот 3"]
    assert titles(index, ask("плазменная резка")) == []
    assert len(index) == len(catalogue) + 1


def test_apply_removes_items(catalogue, index):
    added = item("Новый насос", "насос")
    index.apply([added])

    index.apply([replace(catalogue[1], removed=True), replace(added, removed=True)])

    assert len(index) == len(catalogue) - 1
    assert titles(index, ask("манипулятор погрузка")) == ["Сварочный робот"]
    assert titles(index, ask("насос")) == []
    index.apply([replace(catalogue[1], removed=True)])  # removing twice is harmless
    assert len(index) == len(catalogue) - 1
    index.apply([catalogue[1]])  # and it can come back
    assert "Манипулятор для склада" in titles(index, ask("погрузка"))


def test_the_delta_merges_into_the_base_with_the_same_results_as_a_fresh_build(
    catalogue, monkeypatch
):
    monkeypatch.setattr(engine, "DELTA_MERGE_ITEMS", 3)
    monkeypatch.setattr(engine, "BACKGROUND_MERGE", False)
    index = MatchIndex.build(catalogue[:3])
    later = [*catalogue[3:], item("Новый насос", "насос давления")]
    index.apply(later[:2])
    assert index._state.delta is not None  # still a delta
    index.apply(later[2:])
    assert index._state.delta is None  # merged
    index.apply([replace(catalogue[0], removed=True)])
    index.merge()

    fresh = MatchIndex.build([*catalogue[1:], later[-1]])
    assert len(index) == len(fresh) == len(catalogue)
    for text in ("манипулятор", "лидар склад", "биосенсор теплица насос", "сварка"):
        assert index.search(ask(text)) == fresh.search(ask(text))


def test_edits_made_during_a_background_merge_are_kept(catalogue, monkeypatch):
    monkeypatch.setattr(engine, "DELTA_MERGE_ITEMS", 2)
    started, go_on = threading.Event(), threading.Event()
    merge_segments = engine.merge_segments

    def slow_merge(*args):
        started.set()
        go_on.wait(10)
        return merge_segments(*args)

    monkeypatch.setattr(engine, "merge_segments", slow_merge)
    index = MatchIndex.build(catalogue[:3])
    index.apply(catalogue[3:5])  # two items in the delta: a merge starts
    assert started.wait(10)

    # While it runs, searches and edits go on, and show at once.
    index.apply(
        [
            replace(catalogue[0], title="Плазменный резак", terms=" ".join(analyse("плазма"))),
            replace(catalogue[3], removed=True),
            item("Новый насос", "насос"),
        ]
    )
    expected = {
        "плазма": ["Плазменный резак"],
        "сварка": [],
        "картирование": [],
        "насос": ["Новый насос"],
        "биосенсор": ["Биосенсор глюкозы"],
        "LiDAR": ["ЛидарТех"],
    }
    assert {text: titles(index, ask(text)) for text in expected} == expected
    assert len(index) == 5

    go_on.set()
    index._merge_thread.join()
    assert index._state.base.n == 5  # the three built and the two applied before the merge
    assert {text: titles(index, ask(text)) for text in expected} == expected
    assert len(index) == 5
    index.merge()
    assert index._state.delta is None
    assert {text: titles(index, ask(text)) for text in expected} == expected


def test_a_failed_background_merge_leaves_the_index_as_it_was(catalogue, monkeypatch):
    monkeypatch.setattr(engine, "DELTA_MERGE_ITEMS", 1)

    def broken(*args):
        raise MemoryError

    monkeypatch.setattr(engine, "merge_segments", broken)
    index = MatchIndex.build(catalogue[:3])
    index.apply([item("Новый насос", "насос")])
    index._merge_thread.join()

    assert titles(index, ask("насос")) == ["Новый насос"]
    assert len(index) == 4


def test_equal_scores_come_in_the_same_order_whatever_the_history(monkeypatch):
    monkeypatch.setattr(engine, "BACKGROUND_MERGE", False)
    rows = [item(f"Насос {n}", "насос") for n in range(12)]
    built_at_once = MatchIndex.build(rows)
    step_by_step = MatchIndex.build(rows[6:])
    step_by_step.apply(rows[3:6][::-1])
    step_by_step.merge()
    step_by_step.apply(rows[:3])
    step_by_step.merge()

    assert step_by_step.search(ask("насос")) == built_at_once.search(ask("насос"))
    assert len({m.score for m in built_at_once.search(ask("насос"))}) == 1


def test_the_later_of_two_rows_for_one_item_wins_in_a_build(catalogue):
    first = catalogue[0]
    second = replace(first, title="Второй", terms=" ".join(analyse("насос")))
    index = MatchIndex.build([first, second])

    assert len(index) == 1
    assert titles(index, ask("насос сварка")) == ["Второй"]


def test_a_snapshot_gives_the_same_results(catalogue, index, tmp_path):
    index.apply([item("Новый насос", "насос"), replace(catalogue[4], removed=True)])
    queries = [ask(t) for t in ("манипулятор", "LiDAR", "насос", "склад", "теплица сварка")]

    path = tmp_path / "matching" / "index.npz"
    index.save(path, extra={"note": "kept"})
    loaded = MatchIndex.load(path)

    before = [index.search(q) for q in queries]
    assert all(before)
    assert [loaded.search(q) for q in queries] == before
    assert len(loaded) == len(index) == len(catalogue)
    assert loaded.meta == {"note": "kept"}
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    loaded.apply([item("Ещё насос", "насос")])
    assert len(titles(loaded, ask("насос"))) == 2


def test_a_file_that_is_not_a_snapshot_is_refused(tmp_path):
    import numpy as np

    path = tmp_path / "other.npz"
    np.savez(path, meta=np.frombuffer(b'{"format": 99}', dtype=np.uint8))

    with pytest.raises(ValueError):
        MatchIndex.load(path)


# Large-index paths, exercised on a small one


def test_very_common_terms_rank_the_pool_exactly(monkeypatch):
    """A stem in most items only adds to the candidates the rarer stems found; the ranking of
    those is the same as when every stem is scanned."""
    rows = [item(f"Система {n}", "система управления складом " * (1 + n % 3)) for n in range(40)]
    rows += [
        item("Насос", "система управления насосом"),
        item("Насос и датчик", "система управления насосом и датчиком"),
        item("Датчик", "датчик"),
    ]
    query = ask("система управления насосом и датчиком")
    everything = MatchIndex.build(rows).search(query, limit=50)

    monkeypatch.setattr(engine, "COMMON_TERM_MIN_ITEMS", 0)
    split = MatchIndex.build(rows).search(query, limit=3)

    # "система" and "управления" are in most items; the candidates are those with a pump or a
    # valve, ranked and scored exactly as when every stem is scanned.
    assert len(everything) == 43
    assert {m.title for m in split} == {"Насос и датчик", "Насос", "Датчик"}
    assert split == everything[:3]
    # A query of common words only still finds them.
    split_index = MatchIndex.build(rows)
    assert len(split_index.search(ask("система управления"))) == 20
    # And when the distinctive words find fewer than asked for, the common ones find the rest.
    few = split_index.search(ask("система управления датчиком"))
    assert len(few) == 20
    assert {m.title for m in few[:2]} == {"Насос и датчик", "Датчик"}


# Odd queries

ODD_QUERIES = [
    "",
    "   ",
    '"насос" AND (клапан OR NOT датчик) -сварка +лидар* ~2 ^3',
    "насос' OR '1'='1'; DROP TABLE matching_matchdocument; --",
    "насос\0клапан\x00",
    "насос " * 10_000,  # 60 KB
    "ы" * 50_000,
    "🚀🔥 насос 👍🏽 клапан",
    "مضخة صمام עברית насос",  # right-to-left scripts
    "\u202eсос\u202c на\u200b\u200dсос",
    "ＮＡＳＯＳ ｎａｓｏｓ ﬁ",
    "\ud800 broken surrogate",
    "%s %(x)s {0} {{}} \\ \\n",
    "*",
    "NULL None undefined",
]


@pytest.mark.parametrize("text", ODD_QUERIES)
def test_odd_queries_return_results_or_nothing_never_an_error(index, text):
    results = index.search(ask(text, areas=frozenset({"bogus"}), okved=("xx", "", "9"), region="?"))

    assert isinstance(results, list)


def test_odd_field_values_in_the_query_do_not_fail(index):
    query = MatchQuery(
        text="манипулятор",
        kinds=frozenset({"product", "nonsense"}),
        audiences=frozenset({"public", ""}),
        exclude_owner="not-a-uuid",
        collaborators=frozenset({"", "zzz"}),
        trl_min=10**40,
        statuses=frozenset(),
    )

    assert index.search(query) == []  # no item has a status in the empty set
    assert titles(index, replace(query, statuses=None))[0] == "Манипулятор для склада"


def test_odd_trl_values_in_the_query_do_not_fail(index):
    for trl_min in (-5, 0, 10**40, "7", "seven", 3.5):
        query = ask("манипулятор", trl_min=trl_min)
        assert titles(index, query)[0] == "Манипулятор для склада"


def test_item_fields_in_odd_shapes_are_indexed():
    index = MatchIndex.build(
        [
            item("", "", trl=0),
            item("Насос", "насос", trl=500, areas="unknown ict", okved="J 62 x.1 99.9"),
            item("Naive", "насос", active_at=datetime(2000, 1, 1)),
        ]
    )

    matches = {m.title: m for m in index.search(ask("насос", trl_min=5, okved=("99",)))}
    assert matches["Насос"].explanation.trl == "unknown"
    assert matches["Насос"].explanation.supporting == ("okved",)
    assert matches["Naive"].explanation.against == ("inactive",)
    assert len(index) == 3


def test_segment_keys_ending_in_nul_bytes_are_found():
    object_id = str(uuid.UUID(bytes=b"\x01" * 14 + b"\0\0"))
    row = item("Насос", "насос", object_id=object_id)
    index = MatchIndex.build([row])

    index.apply([replace(row, removed=True)])

    assert len(index) == 0
    assert segment.Ids().to_str(uuid.UUID(object_id).bytes.rstrip(b"\0")) == object_id
