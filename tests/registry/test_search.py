"""The registry's full-text search and filters: the fast path (search.SearchResult) returns
exactly what the plain ORM query returns, in the same order, on either plan."""

import random

import pytest
from django.contrib.auth.models import AnonymousUser

from innocluster.registry import search, selectors
from innocluster.registry.filters import RegistryFilter
from innocluster.registry.services import change_membership_status
from tests.registry.factories import MemberOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

WORDS = ["робот", "нейросет", "биотех", "сенсор"]
REGIONS = ["RU-MOW", "RU-TA", "RU-SPE"]
KINDS = ["startup", "company", "university"]


@pytest.fixture
def registry():
    rng = random.Random(5)
    for n in range(60):
        factory = MemberOrganisationFactory if n % 6 else OrganisationFactory  # some applicants
        org = factory(
            name_ru=f"ООО «{rng.choice(['Альфа', 'Бета', 'Гамма', 'Дельта'])} {n:02d}»",
            description_ru=" ".join(
                rng.sample(["робототехника", "нейросети", "биотехнологии", "сенсоры"], 2)
            ),
            region_id=rng.choice(REGIONS),
            kind=rng.choice(KINDS),
            sme_category=rng.choice(["micro", "small", "medium"]),
        )
        org.priority_areas.set(rng.sample(["ict", "biotech", "energy", "medicine"], 2))


def orm_ids(params):
    """What the plain ORM query finds (the reference the fast path must equal)."""
    return list(
        selectors.registry_list(AnonymousUser(), RegistryFilter.from_params(params)).values_list(
            "id", flat=True
        )
    )


def fast_ids(params, per_page=100):
    page = selectors.registry_page(
        AnonymousUser(), RegistryFilter.from_params(params), 1, per_page=per_page
    )
    return [org.id for org in page.object_list], page.paginator.count


CASES = [
    {},
    {"q": "робот"},
    {"q": "нейросет биотех"},
    {"region": "RU-MOW", "kind": "startup"},
    {"q": "сенсор", "region": "RU-TA", "area": "ict"},
    {"area": "energy", "sme_category": "small"},
    {"order": "-name", "q": "робот"},
    {"status": "member", "okved_section": "J"},
    {"q": "несуществующееслово"},
]


@pytest.mark.parametrize("dense_threshold", [0, 10_000], ids=["walk-sort-index", "fetch-and-sort"])
@pytest.mark.parametrize("params", CASES, ids=[str(c) for c in CASES])
def test_fast_path_equals_the_plain_query(registry, monkeypatch, params, dense_threshold):
    monkeypatch.setattr(search, "DENSE_MATCHES", dense_threshold)
    expected = orm_ids(params)
    ids, count = fast_ids(params)
    assert (ids, count) == (expected, len(expected))


def test_pages_follow_one_another(registry):
    everything, count = fast_ids({}, per_page=100)
    page_two = selectors.registry_page(
        AnonymousUser(), RegistryFilter.from_params({}), 2, per_page=10
    )
    assert [o.id for o in page_two.object_list] == everything[10:20] and count == len(everything)


def test_facets_follow_area_and_status_changes(registry, operator):
    org = MemberOrganisationFactory(name_ru="ООО «Фасет»", description_ru="квантовые вычисления")
    assert fast_ids({"q": "квантов", "area": "fintech"})[1] == 0
    org.priority_areas.add("fintech")
    assert fast_ids({"q": "квантов", "area": "fintech"})[0] == [org.id]
    change_membership_status(operator, org, "withdrawn", "left the cluster")
    assert fast_ids({"q": "квантов"})[1] == 0  # gone from the public registry


def test_staff_search_sees_every_status(registry, operator):
    applicant = OrganisationFactory(name_ru="ООО «Заявитель-уникум»")
    staff_page = selectors.registry_page(
        operator, RegistryFilter.from_params({"q": "уникум"}, staff=True), 1, staff_view=True
    )
    assert [o.id for o in staff_page.object_list] == [applicant.id]
    assert fast_ids({"q": "уникум"})[1] == 0


def test_search_index_survives_a_rebuild(registry):
    before = fast_ids({"q": "робот", "region": "RU-MOW"})
    search.ensure_search_index()
    assert fast_ids({"q": "робот", "region": "RU-MOW"}) == before


def test_operators_and_quotes_in_words_are_plain_words(registry):
    for query in ['робот" OR "', "AND NOT", "facets : zpublic", "робот*", "(", "'"]:
        ids, count = fast_ids({"q": query})
        assert count == len(ids)
