"""Matchmaking as its users meet it: a corporation's challenge gets ranked, explained
candidates; a university's technology finds its licensee; a company finds challenges,
technologies and partners; a project idea gets a consortium of complementary kinds. Through the
services, the pages and the API, with who may see what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innocluster.matching import indexing, services
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    CorporationFactory,
    ProductFactory,
    TechnologyOfferFactory,
    UniversityFactory,
    bakery_ovens,
    person_of,
    warehouse_drone,
)
from tests.exchange.factories import ChallengeFactory, NdaChallengeFactory
from tests.registry.factories import OrganisationRoleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index")]


def indexed(*objects):
    for obj in objects:
        indexing.index_object(obj)
    return objects


@pytest.fixture
def market():
    """A corporation asking for warehouse drones, and who could answer or not."""
    corporation = CorporationFactory(region_id="RU-MOW")
    challenge = ChallengeFactory(
        owner=corporation,
        title="Инвентаризация склада беспилотными летательными аппаратами",
        summary="Ищем беспилотники с LiDAR для ночной инвентаризации стеллажей.",
        details="Склад 20 000 м², стеллажи 12 м, работа без GPS.",
        expected_result="Пересчет остатков за ночь.",
        requirements="Навигация внутри помещений.",
        priority_areas=["transport", "ict"],
        trl_min=6,
    )
    drone_maker = CompanyFactory(
        name_ru="ООО «Складские дроны»",
        description_ru="Беспилотный летательный аппарат для складов: LiDAR и навигация без GPS.",
    )
    drone_product = warehouse_drone(drone_maker)
    early_prototype = ProductFactory(
        owner=CompanyFactory(name_ru="ООО «Прототип»"),
        language="en",
        title="Indoor drone prototype with LiDAR",
        summary="A drone prototype for warehouse racks, LiDAR mapping.",
        title_translated="",
        summary_translated="",
        description="Lab prototype.",
        priority_areas=["ict"],
        trl=3,
    )
    unrelated = bakery_ovens(CompanyFactory(name_ru="ООО «Пекарня»"))
    indexed(
        corporation,
        challenge,
        drone_maker,
        drone_product,
        early_prototype.owner,
        early_prototype,
        unrelated.owner,
        unrelated,
    )
    return {
        "corporation": corporation,
        "challenge": challenge,
        "owner": person_of(corporation),
        "drone_maker": drone_maker,
        "drone_product": drone_product,
        "early_prototype": early_prototype,
        "unrelated": unrelated,
    }


def by_id(candidates):
    return {candidate.object_id: candidate for candidate in candidates}


def test_a_challenge_gets_ranked_explained_candidates(market):
    candidates = services.matches_for_challenge(market["owner"], market["challenge"])
    found = by_id(candidates)
    product = found[str(market["drone_product"].pk)]
    assert str(market["unrelated"].pk) not in found
    assert product.rank < found[str(market["early_prototype"].pk)].rank
    # Explained in the challenge's own words, with the areas and readiness.
    assert any(term.startswith("беспилот") for term in product.shared_terms)
    assert "склада" in product.shared_terms
    assert product.shared_area_codes == ["transport"]
    assert product.trl == "meets" and "7" in product.trl_text
    assert product.url == reverse("exchange:product", args=[market["drone_product"].pk])
    assert product.owner_name == "ООО «Складские дроны»"


def test_a_candidate_below_the_minimum_trl_says_so(market):
    candidates = by_id(services.matches_for_challenge(market["owner"], market["challenge"]))
    prototype = candidates[str(market["early_prototype"].pk)]
    assert prototype.trl == "below"
    assert "trl_below" in prototype.against
    assert "3" in prototype.trl_text and "6" in prototype.trl_text


def test_the_challenges_own_organisation_is_never_a_candidate(market):
    candidates = services.matches_for_challenge(market["owner"], market["challenge"])
    assert str(market["corporation"].pk) not in {c.owner_id for c in candidates}


def test_candidates_filtered_by_kind(market):
    organisations = services.matches_for_challenge(
        market["owner"], market["challenge"], kind="organisation"
    )
    assert organisations and {c.kind for c in organisations} == {"organisation"}
    assert str(market["drone_maker"].pk) in by_id(organisations)


def test_an_edit_reaches_the_matches_at_once(market):
    unrelated = market["unrelated"]
    unrelated.summary = "Now also LiDAR drones for warehouse inventory."
    unrelated.save()
    indexing.index_object(unrelated)
    candidates = services.matches_for_challenge(market["owner"], market["challenge"])
    assert str(unrelated.pk) in by_id(candidates)


def test_nda_details_stay_out_of_explanations_for_those_not_party_to_it(market):
    """The Fund's staff see an NDA challenge's matches, but the shared words they are shown come
    only from its public part; its owner sees the words of the details too."""
    challenge = NdaChallengeFactory(
        owner=market["corporation"],
        title="Инвентаризация склада",
        summary="Ищем решение для инвентаризации.",
        details="Пересчет товара на стеллажах.",
        expected_result="",
        requirements="",
        priority_areas=["transport"],
    )
    staff = services.matches_for_challenge(FundOperatorFactory(), challenge)
    owners = services.matches_for_challenge(market["owner"], challenge)

    def details_words(candidates):
        return {term for c in candidates for term in c.shared_terms if term.startswith("стеллаж")}

    assert not details_words(staff)
    assert details_words(owners) == {"стеллажах"}


def test_only_the_owner_and_the_fund_may_see_a_challenges_matches(market, client):
    stranger = person_of(CompanyFactory())
    page = reverse("matching:challenge", args=[market["challenge"].pk])
    client.force_login(stranger)
    assert client.get(page).status_code == 404
    assert client.get(f"/api/v1/challenges/{market['challenge'].pk}/matches").status_code == 404
    client.force_login(FundOperatorFactory())
    assert client.get(page).status_code == 200


def test_the_challenge_matches_page_lists_candidates_with_reasons(market, client):
    client.force_login(market["owner"])
    response = client.get(reverse("matching:challenge", args=[market["challenge"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Беспилотник для инвентаризации складов" in body
    assert "Bakery ovens" not in body
    assert "склада" in body


def test_the_matches_api_returns_ranked_candidates_with_explanations(market, client):
    client.force_login(market["owner"])
    response = client.get(
        f"/api/v1/challenges/{market['challenge'].pk}/matches", {"kind": "product", "limit": 5}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["challenge"] == str(market["challenge"].pk)
    first = data["candidates"][0]
    assert first["rank"] == 1 and first["kind"] == "product"
    assert first["id"] == str(market["drone_product"].pk)
    explanation = first["explanation"]
    assert "склада" in explanation["shared_terms"]
    assert explanation["shared_areas"] == ["transport"]
    assert explanation["trl"] == {
        "verdict": "meets",
        "value": 7,
        "required": 6,
        "text": explanation["trl"]["text"],
    }
    scores = [candidate["score"] for candidate in data["candidates"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "params, field",
    [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"kind": "challenge"}, "kind")],
)
def test_the_matches_api_names_a_bad_parameter(market, client, params, field):
    client.force_login(market["owner"])
    response = client.get(f"/api/v1/challenges/{market['challenge'].pk}/matches", params)
    assert response.status_code == 422
    assert field in response.content.decode()


def test_the_matches_api_needs_a_caller(market, client):
    assert client.get(f"/api/v1/challenges/{market['challenge'].pk}/matches").status_code == 401


def test_a_universitys_technology_finds_its_licensee(client):
    university = UniversityFactory()
    offer = TechnologyOfferFactory(
        owner=university,
        title="Мембранный фильтр для очистки сточных вод",
        summary="Нанопористая мембрана удаляет тяжелые металлы из сточных вод.",
        priority_areas=["environment"],
    )
    licensee = CompanyFactory(
        name_ru="ООО «Водоочистка»",
        description_ru="Очистные сооружения: очистка сточных вод промышленных предприятий.",
    )
    other_university = UniversityFactory(description_ru="Очистка сточных вод мембранами.")
    bakery = CompanyFactory(name_ru="ООО «Хлеб»", description_ru="Выпечка хлеба.")
    indexed(university, offer, licensee, other_university, bakery)
    owner = person_of(university)
    results = services.matches_for_technology(owner, offer)
    licensees = by_id(results["licensees"])
    assert str(licensee.pk) in licensees
    assert str(other_university.pk) not in licensees  # universities license out, not in
    assert str(bakery.pk) not in licensees
    client.force_login(owner)
    page = client.get(reverse("matching:technology", args=[offer.pk])).content.decode()
    assert "ООО «Водоочистка»" in page
    api = client.get(f"/api/v1/technologies/{offer.pk}/matches").json()
    assert str(licensee.pk) in {c["id"] for c in api["groups"]["licensees"]}


def test_a_company_finds_open_challenges_technologies_and_partners(market, client):
    closed = ChallengeFactory(
        owner=CorporationFactory(),
        title="Беспилотники для складов (закрыт)",
        summary="Беспилотники с LiDAR.",
        status="closed",
        outcome="not_adopted",
    )
    indexed(closed.owner, closed)
    maker = market["drone_maker"]
    results = services.matches_for_organisation(person_of(maker), maker)
    challenges = by_id(results["challenges"])
    assert str(market["challenge"].pk) in challenges
    assert str(closed.pk) not in challenges
    assert str(maker.pk) not in by_id(results["partners"])
    client.force_login(person_of(maker))
    assert client.get(reverse("matching:organisation", args=[maker.pk])).status_code == 200


def test_a_project_idea_gets_a_consortium_of_complementary_kinds(client):
    corporation = CorporationFactory(description_ru="Городская логистика, склады и доставка.")
    startup = CompanyFactory(kind="startup", description_ru="Дроны для доставки на склады.")
    university = UniversityFactory(description_ru="Навигация дронов и логистика складов.")
    indexed(corporation, startup, university)
    asker = UserFactory()
    OrganisationRoleFactory(user=asker, role="editor", organisation=CompanyFactory())
    results = services.consortium_for_idea(asker, text="Дроны для доставки на склады")
    assert [c.object_id for c in results["customer"]] == [str(corporation.pk)]
    assert [c.object_id for c in results["company"]] == [str(startup.pk)]
    assert [c.object_id for c in results["science"]] == [str(university.pk)]
    client.force_login(asker)
    page = client.get(reverse("matching:consortium"), {"idea": "Дроны для доставки на склады"})
    assert page.status_code == 200
    body = page.content.decode()
    assert corporation.name_ru in body and university.name_ru in body
    api = client.post(
        "/api/v1/matching/consortium",
        {"idea": "Дроны для доставки на склады", "limit": 3},
        content_type="application/json",
    )
    assert api.status_code == 200
    assert set(api.json()["groups"]) == {"customer", "company", "science"}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"idea": "дроны", "priority_areas": ["space"]}, "priority_areas"),
        ({"idea": "«»!?"}, "idea"),
        ({"idea": "дроны", "trl_min": 10}, "trl_min"),
        ({"idea": "дроны", "colour": "red"}, "colour"),
    ],
)
def test_the_consortium_api_names_bad_input(client, payload, field):
    client.force_login(UserFactory())
    response = client.post("/api/v1/matching/consortium", payload, content_type="application/json")
    assert response.status_code == 422
    assert field in response.content.decode()


def test_the_consortium_page_names_an_empty_idea(client):
    client.cookies["ic_lang"] = "en"  # the texts below are the English ones
    client.force_login(UserFactory())
    response = client.get(reverse("matching:consortium"), {"idea": "  ?! "})
    assert response.status_code == 200
    assert "Describe the idea in a few words." in response.content.decode()


@pytest.mark.parametrize(
    "idea",
    ['"drones" AND NOT (lidar OR *)', "x" * 6000, "🚁🚁 \u202edrone\u202c", "NEAR(a b) ^ : -"],
)
def test_odd_ideas_never_fail(client, idea):
    client.force_login(UserFactory())
    response = client.get(reverse("matching:consortium"), {"idea": idea})
    assert response.status_code == 200


def test_a_drafts_matches_are_404_even_to_the_fund(client):
    from tests.exchange.catalogue_factories import DraftTechnologyFactory
    from tests.exchange.factories import DraftChallengeFactory

    challenge = DraftChallengeFactory(title="Черновик Qwertyplum")
    offer = DraftTechnologyFactory(title="Черновая технология Qwertyplum")
    client.force_login(FundOperatorFactory())
    for path in (
        reverse("matching:challenge", args=[challenge.pk]),
        reverse("matching:technology", args=[offer.pk]),
        f"/api/v1/challenges/{challenge.pk}/matches",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Qwertyplum" not in response.content.decode()


def test_the_owners_viewers_see_its_matches(market, client):
    client.force_login(person_of(market["corporation"], "viewer"))
    page = client.get(reverse("matching:challenge", args=[market["challenge"].pk]))
    assert page.status_code == 200


def test_the_matches_api_needs_the_read_scope_of_a_token(market, client):
    from innocluster.accounts.services import issue_api_token

    owner = person_of(market["corporation"], "owner")
    _, documents_only = issue_api_token(owner, market["corporation"], "Docs", ["documents"])
    _, reader = issue_api_token(owner, market["corporation"], "Reader", ["read"])
    path = f"/api/v1/challenges/{market['challenge'].pk}/matches"
    refused = client.get(path, HTTP_AUTHORIZATION=f"Bearer {documents_only}")
    assert refused.status_code == 403 and refused.json()["code"] == "missing_scope"
    allowed = client.get(path, HTTP_AUTHORIZATION=f"Bearer {reader}")
    assert allowed.status_code == 200 and allowed.json()["candidates"]


def test_the_challenge_page_shows_the_best_of_each_kind(market, client):
    client.force_login(market["owner"])
    page = client.get(reverse("matching:challenge", args=[market["challenge"].pk]))
    groups = {
        key: [c.object_id for c in candidates] for key, _h, candidates in page.context["groups"]
    }
    assert list(groups) == ["organisation", "product", "technology"]
    assert str(market["drone_maker"].pk) in groups["organisation"]
    assert str(market["drone_product"].pk) in groups["product"]
    one_kind = client.get(
        reverse("matching:challenge", args=[market["challenge"].pk]), {"kind": "product"}
    )
    assert {c.kind for c in one_kind.context["candidates"]} == {"product"}


def test_the_challenge_page_reads_a_fixed_number_of_queries(
    market, client, django_assert_max_num_queries
):
    client.force_login(market["owner"])
    with django_assert_max_num_queries(20):
        page = client.get(reverse("matching:challenge", args=[market["challenge"].pk]))
    assert page.status_code == 200


def test_the_matchers_area_bits_cover_every_priority_area():
    """The bit order is saved in snapshots, so it is written out; a new area must be added."""
    from innocluster.matching.ranking import AREA_CODES
    from innocluster.registry.areas import PRIORITY_AREA_CODES

    assert set(AREA_CODES) == set(PRIORITY_AREA_CODES)
