"""Search over the index on the database's own engine (SQLite FTS5 or PostgreSQL): morphology,
both languages, ranking, facets, filters, audiences, snippets and links."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import override

from innocluster.matching import indexing
from innocluster.matching.models import MatchDocument
from innocluster.matching.search import Term, audiences_for, item_url, query_terms, search, snippet
from innocluster.matching.text import analyse_query
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.matching.search_factories import ChallengeFactory, ProductFactory, TechnologyFactory
from tests.registry.factories import (
    MemberOrganisationFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
)

pytestmark = pytest.mark.django_db


def indexed(obj):
    indexing.index_object(obj)
    return obj


def found(results) -> list:
    return [hit.document.object_id for hit in results.hits]


def test_russian_morphology_finds_other_forms():
    challenge = indexed(
        ChallengeFactory(title="Инвентаризация складов", summary="Нужны беспилотных системы.")
    )
    assert found(search(None, "беспилотники")) == [challenge.pk]
    assert found(search(None, "склад")) == [challenge.pk]


def test_an_english_query_finds_a_russian_text_sharing_a_latin_term():
    product = indexed(
        ProductFactory(
            language="ru",
            title="Картирование помещений",
            summary="Сканер LiDAR для складов.",
            title_translated="",
            summary_translated="",
            description="Облака точек.",
        )
    )
    assert found(search(None, "lidar scanners")) == [product.pk]


def test_documents_with_every_word_come_first():
    some = indexed(
        ProductFactory(title="Робот", summary="Робот и ещё робот, робот.", description="")
    )
    every = indexed(ProductFactory(title="Робот-уборщик снега", summary="Уборка.", description=""))
    assert found(search(None, "робот снег")) == [every.pk, some.pk]


def test_facets_count_each_value_and_ignore_their_own_filter():
    indexed(ProductFactory(priority_areas=["ict"], trl=7))
    indexed(ProductFactory(priority_areas=["ict", "transport"], trl=4))
    indexed(TechnologyFactory(summary="Фильтр и мембрана, а также склад.", priority_areas=["ict"]))
    indexed(ChallengeFactory(priority_areas=["transport"]))
    results = search(None, "склад", kinds=["product"])
    assert results.count == 2
    kinds = {v.code: (v.count, v.selected) for v in results.facets["kind"]}
    assert kinds == {"product": (2, True), "technology": (1, False), "challenge": (1, False)}
    areas = {v.code: v.count for v in results.facets["area"]}
    assert areas == {"ict": 2, "transport": 1}  # products only: the kind filter applies here
    assert {v.code: v.count for v in results.facets["trl"]} == {"4": 1, "7": 1}
    labels = {v.code: v.label for v in results.facets["kind"]}
    with override("en"):
        assert (
            search(None, "склад").facets["area"][0].label
            == "Information and communication technologies"
        )
    assert labels["product"]


def test_filters_narrow_the_results():
    low = indexed(ProductFactory(trl=3, priority_areas=["energy"]))
    high = indexed(ProductFactory(trl=8, priority_areas=["ict"]))
    challenge = indexed(ChallengeFactory(trl_min=5, summary="Склад и LiDAR."))
    university = indexed(TechnologyFactory(summary="LiDAR в лаборатории."))
    assert set(found(search(None, "lidar", trl_min=5))) == {high.pk, challenge.pk, university.pk}
    assert found(search(None, "lidar", areas=["energy"])) == [low.pk]
    assert found(search(None, "lidar", kinds=["challenge"])) == [challenge.pk]
    assert found(search(None, "lidar", owner_kinds=["university"])) == [university.pk]
    assert found(search(None, "lidar", statuses=["open"])) == [challenge.pk]
    assert set(found(search(None, "lidar", languages=["en"]))) == {low.pk, high.pk}
    assert found(search(None, "lidar", kinds=["organisation"])) == []


def test_no_words_lists_everything_newest_first_and_says_so():
    first = indexed(ProductFactory())
    second = indexed(ProductFactory())
    results = search(None, "")
    assert found(results)[:2] == [second.pk, first.pk] and not results.no_words
    only_stop_words = search(None, "и в на the of")
    assert only_stop_words.no_words and only_stop_words.count == results.count


def test_anonymous_people_find_public_items_only_and_members_find_more():
    members_only = indexed(ChallengeFactory(visibility="members", summary="Эксклюзивный склад."))
    public = indexed(ChallengeFactory(summary="Открытый склад."))
    member = OrganisationRoleFactory().user
    applicant = OrganisationRoleFactory(organisation=OrganisationFactory(status="applicant")).user
    staff = FundOperatorFactory()
    assert found(search(None, "склад")) == [public.pk]
    assert found(search(applicant, "склад")) == [public.pk]
    assert found(search(UserFactory(), "склад")) == [public.pk]
    assert set(found(search(member, "склад"))) == {public.pk, members_only.pk}
    assert set(found(search(staff, "склад"))) == {public.pk, members_only.pk}
    assert audiences_for(staff) == {"public", "members"}


def test_removed_documents_are_never_found():
    product = indexed(ProductFactory())
    product.status = "archived"
    product.save()
    indexed(product)
    assert MatchDocument.objects.get(object_id=product.pk).removed
    assert search(None, "lidar").count == 0
    assert search(None, "").count == 0


def test_snippets_mark_the_words_and_escape_the_text():
    product = indexed(
        ProductFactory(
            summary="<script>alert(1)</script> " + "вступление " * 60 + "лидарный сканер склада.",
            summary_translated="",
        )
    )
    [hit] = search(None, "склады").hits
    assert hit.document.object_id == product.pk
    html = str(hit.snippet_html)
    assert "<mark>склада</mark>" in html and html.startswith("… ")
    assert "<script>" not in html
    assert "<script>" not in str(search(None, "alert").hits[0].snippet_html)
    assert "&lt;script&gt;" in str(search(None, "alert").hits[0].snippet_html)
    assert "<mark>" not in hit.snippet_text and "склада" in hit.snippet_text


def test_a_snippet_without_the_words_is_the_texts_beginning():
    text = "Первое предложение. " * 30
    html = str(snippet(text, set(analyse_query("отсутствует"))))
    assert html.startswith("Первое") and html.endswith(" …") and len(html) < 260
    assert str(snippet("", {"x"})) == ""


def test_titles_follow_the_language_and_owners_are_named():
    product = indexed(
        ProductFactory(title="Indoor LiDAR kit", title_translated="Лидарный комплект")
    )
    with override("ru"):
        hit = search(None, "lidar").hits[0]
        assert hit.title == "Лидарный комплект" and hit.owner_name == product.owner.name_ru
    with override("en"):
        hit = search(None, "lidar").hits[0]
        assert hit.title == "Indoor LiDAR kit" and hit.owner_name == product.owner.name_en
        assert "<mark>LiDAR</mark>" in str(hit.title_html)


def test_links_lead_to_the_items_pages_or_nowhere_yet():
    org = indexed(MemberOrganisationFactory())
    [hit] = search(None, "", kinds=["organisation"]).hits
    assert hit.url == f"/registry/{org.pk}/"
    assert item_url("nothing", org.pk) == ""
    assert item_url("challenge", org.pk) == reverse("exchange:challenge", args=[org.pk])


def test_pages_of_results():
    for _n in range(5):
        indexed(ProductFactory())
    first = search(None, "lidar", per_page=2)
    last = search(None, "lidar", per_page=2, page="99")
    assert first.count == 5 and len(first.hits) == 2 and first.page.paginator.num_pages == 3
    assert last.page.number == 3 and len(last.hits) == 1
    assert search(None, "lidar", per_page=2, page="abc").page.number == 1
    ids = found(first) + found(search(None, "lidar", per_page=2, page=2)) + found(last)
    assert len(set(ids)) == 5


ODD_QUERIES = [
    'AND OR NOT NEAR(a b) "unclosed',
    "склад* ^lidar terms:робот (a OR b) -x +y",
    "\"\" '' `` ;; -- /* */",
    "x" * 10_000,
    "склад " * 2000,
    "🚁🤖 дрон 👍🏽",
    "склад\x00lidar",
    "\u202eсклад\u202c \u200f lidar \u200e",
    "и в на the of and",
    "",
    "   ",
    "NEAR/3 склад",
    "\\'); DROP TABLE matching_matchdocument; --",
    "ｓｃａｎｎｅｒ ﬁlter",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_never_fail(query):
    indexed(ProductFactory())
    results = search(None, query)
    assert results.count in (0, 1) and len(results.hits) == results.count
    assert MatchDocument.objects.count() == 1  # an injected statement did nothing


def test_a_noun_finds_its_adjective_and_back():
    noun = indexed(ProductFactory(title="Беспилотники", summary="Для складов.", description=""))
    adjective = indexed(
        ChallengeFactory(title="Склады", summary="Нужны беспилотных системы.", details="")
    )
    assert set(found(search(None, "беспилотники"))) == {noun.pk, adjective.pk}
    assert set(found(search(None, "беспилотный"))) == {noun.pk, adjective.pk}
    [hit] = search(None, "беспилотники", kinds=["challenge"]).hits
    assert "<mark>беспилотных</mark>" in str(hit.snippet_html)


def test_query_terms_are_stems_whole_or_as_prefixes():
    terms = query_terms(analyse_query("беспилотники IoT склад 2024 цифровизация"))
    assert [(t.text, t.prefix) for t in terms] == [
        ("беспилот", True),
        ("iot", False),
        ("склад", True),
        ("2024", False),
        ("цифров", True),
    ]
    assert Term("склад", True).fts5() == '"склад" *' and Term("iot", False).lexeme() == "'iot'"


def test_the_full_text_index_is_remade_after_migrate_and_search_survives_a_lost_index():
    from django.db import connection

    from innocluster.matching.search import ensure_search_index

    product = indexed(ProductFactory())
    ensure_search_index()
    ensure_search_index()  # twice: nothing breaks, nothing doubles
    assert found(search(None, "lidar")) == [product.pk]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # As after a migration that remade the table: no triggers, no covering index.
        cursor.execute("DROP TRIGGER matching_doc_fts_insert")
        cursor.execute("DROP INDEX matching_doc_facets_by_id")
    other = indexed(ProductFactory(title="Тепловизор", summary="Тепловизор.", description=""))
    assert found(search(None, "тепловизор")) == []  # not in the full-text index yet
    assert found(search(None, "lidar")) == [product.pk]  # the lost index: read from the table
    ensure_search_index()
    assert found(search(None, "тепловизор")) == [other.pk]
