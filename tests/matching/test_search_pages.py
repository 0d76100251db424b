"""The search page and ``GET /api/v1/search``: what people and programs see, odd input, and
the page's query count."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from innocluster.accounts.services import issue_api_token
from innocluster.matching import indexing
from tests.accounts.factories import FundOperatorFactory
from tests.matching.search_factories import ChallengeFactory, ProductFactory, TechnologyFactory
from tests.matching.test_search import ODD_QUERIES
from tests.registry.factories import (
    MemberOrganisationFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
)

pytestmark = pytest.mark.django_db
PAGE = "/exchange/search/"
API = "/api/v1/search"


def indexed(obj):
    indexing.index_object(obj)
    return obj


@pytest.fixture
def catalogue():
    return {
        "product": indexed(ProductFactory(priority_areas=["ict"], trl=7)),
        "technology": indexed(TechnologyFactory(summary="LiDAR и мембраны.")),
        "challenge": indexed(ChallengeFactory(summary="Нужен LiDAR для складов.")),
        "members": indexed(
            ChallengeFactory(visibility="members", title="Закрытый склад", summary="LiDAR.")
        ),
    }


def test_the_page_is_named_and_labelled(client):
    assert reverse("search:page") == PAGE
    response = client.get(PAGE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" in body and 'role="search"' in body and 'for="id_q"' in body


def test_the_page_shows_results_with_snippets_facets_and_links(client, catalogue):
    response = client.get(PAGE, {"q": "lidar"})
    body = response.content.decode()
    assert response.status_code == 200
    # Russian pages show an English item's Russian title.
    assert catalogue["product"].title_translated in body and "<mark>LiDAR</mark>" in body
    assert catalogue["members"].title not in body  # anonymous: public only
    assert "3 results found" in body or "3 результат" in body
    assert 'name="kind" value="product"' in body and "<legend>" in body
    assert 'name="trl_min"' in body
    assert catalogue["product"].owner.name_ru in body


def test_the_page_filters_by_facets(client, catalogue):
    body = client.get(PAGE, {"q": "lidar", "kind": "technology"}).content.decode()
    assert catalogue["technology"].title in body
    assert catalogue["product"].title_translated not in body
    assert re.search(r'name="kind" value="technology" id="id_kind_\d+" checked', body)
    assert not re.search(r'name="kind" value="product" id="id_kind_\d+" checked', body)


def test_members_see_members_only_challenges_on_the_page(client, catalogue):
    client.force_login(OrganisationRoleFactory().user)
    body = client.get(PAGE, {"q": "склад"}).content.decode()
    assert "Закрытый <mark>склад</mark>" in body


def test_a_bad_filter_is_named_and_nothing_is_searched(client, catalogue):
    response = client.get(PAGE, {"q": "lidar", "kind": "spaceship", "trl_min": "12"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in body and "spaceship" in body
    assert catalogue["product"].title_translated not in body


def test_the_page_paginates(client):
    for _n in range(23):
        indexed(ProductFactory())
    first = client.get(PAGE, {"q": "lidar"}).content.decode()
    second = client.get(PAGE, {"q": "lidar", "page": "2"}).content.decode()
    assert 'rel="next"' in first and 'aria-current="page"' in second
    assert second.count('<li class="card">') == 3


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_on_the_page(client, query):
    indexed(ProductFactory())
    response = client.get(PAGE, {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_through_the_api(client, query):
    indexed(ProductFactory())
    response = client.get(API, {"q": query})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] in (0, 1) and len(data["items"]) == data["count"]


def test_the_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    for _n in range(3):
        indexed(ProductFactory())
    with django_assert_max_num_queries(6) as small:
        client.get(PAGE, {"q": "lidar"})
    for _n in range(20):
        indexed(ChallengeFactory(summary="LiDAR."))
        indexed(MemberOrganisationFactory(description_ru="LiDAR"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(PAGE, {"q": "lidar"})


def test_the_api_returns_items_and_facets(client, catalogue):
    data = client.get(API, {"q": "lidar", "kind": ["product", "technology"]}).json()
    assert data["count"] == 2 and data["page"] == 1 and data["pages"] == 1
    kinds = {item["kind"] for item in data["items"]}
    assert kinds == {"product", "technology"}
    item = next(i for i in data["items"] if i["kind"] == "product")
    product = catalogue["product"]
    assert item["id"] == str(product.pk) and item["trl"] == 7 and item["areas"] == ["ict"]
    assert item["owner"]["id"] == str(product.owner_id) and item["status"] == "published"
    assert "LiDAR" in item["snippet"] and "<mark>" not in item["snippet"]
    assert "<mark>LiDAR</mark>" in item["snippet_html"]
    facet_kinds = {v["code"]: v["count"] for v in data["facets"]["kind"]}
    assert facet_kinds == {"product": 1, "technology": 1, "challenge": 1}


def test_the_api_filters_by_area_and_trl(client, catalogue):
    data = client.get(API, {"q": "lidar", "area": "ict", "trl_min": 7}).json()
    assert [i["id"] for i in data["items"]] == [str(catalogue["product"].pk)]


def test_the_api_refuses_unknown_filter_values_naming_the_field(client):
    response = client.get(API, {"kind": "spaceship"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["kind.0"]
    for params, field in (
        ({"trl_min": 10}, "trl_min"),
        ({"area": "astrology"}, "area.0"),
        ({"page": 0}, "page"),
        ({"per_page": 1000}, "per_page"),
    ):
        response = client.get(API, params)
        assert response.status_code == 422
        assert field in [e["field"] for e in response.json()["errors"]]


def test_the_api_audience_follows_the_caller(client, catalogue):
    members_id = str(catalogue["members"].pk)

    def ids(**headers):
        return [i["id"] for i in client.get(API, {"q": "склад"}, **headers).json()["items"]]

    assert members_id not in ids()
    member_org = MemberOrganisationFactory()
    _, raw = issue_api_token(FundOperatorFactory(), member_org, "partner", ["read"])
    assert members_id in ids(HTTP_AUTHORIZATION=f"Bearer {raw}")
    applicant = OrganisationFactory(status="applicant")
    _, raw = issue_api_token(FundOperatorFactory(), applicant, "applicant", ["read"])
    assert members_id not in ids(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.force_login(FundOperatorFactory())
    assert members_id in ids()


def test_the_api_pages(client):
    for _n in range(5):
        indexed(ProductFactory())
    data = client.get(API, {"q": "lidar", "per_page": 2, "page": 3}).json()
    assert data["count"] == 5 and data["pages"] == 3 and len(data["items"]) == 1


def test_search_api_refuses_a_bad_token_and_one_without_the_read_scope(client):
    from innocluster.accounts.services import issue_api_token
    from tests.exchange.catalogue_factories import person_of
    from tests.registry.factories import MemberOrganisationFactory

    organisation = MemberOrganisationFactory()
    _, documents_only = issue_api_token(
        person_of(organisation, "owner"), organisation, "Docs", ["documents"]
    )
    bad = client.get("/api/v1/search", {"q": "дроны"}, HTTP_AUTHORIZATION="Bearer ic_nonsense")
    assert bad.status_code == 401
    scoped = client.get(
        "/api/v1/search", {"q": "дроны"}, HTTP_AUTHORIZATION=f"Bearer {documents_only}"
    )
    assert scoped.status_code == 403 and scoped.json()["code"] == "missing_scope"
