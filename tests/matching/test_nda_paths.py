"""NDA-protected text never leaves through search: not in results, snippets, titles, facets or
the search API, for anonymous visitors, members, members whose organisation accepted the NDA,
and even the challenge's owner (search shows public text only; details open on the challenge's
page)."""

from __future__ import annotations

import json

import pytest

from innocluster.exchange.models import NdaAcceptance
from innocluster.matching import indexing
from innocluster.matching.models import MatchDocument
from innocluster.matching.search import search
from tests.accounts.factories import FundOperatorFactory
from tests.matching.search_factories import ChallengeFactory
from tests.registry.factories import OrganisationRoleFactory

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("Зубробизон", "криптокварков", "Гиперлупом")
PAGE = "/exchange/search/"
API = "/api/v1/search"


@pytest.fixture
def nda_challenge(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return ChallengeFactory(
            visibility="nda",
            title="Склад будущего",
            summary="Открытая часть: ищем роботов для склада.",
            details="Секрет: Зубробизон на третьем складе.",
            expected_result="Сто криптокварков в смену.",
            requirements="Совместимость с Гиперлупом.",
        )


def viewers(challenge):
    owner = OrganisationRoleFactory(organisation=challenge.owner).user
    member_role = OrganisationRoleFactory()
    NdaAcceptance.objects.create(
        challenge=challenge, organisation=member_role.organisation, nda_sha256="0" * 64
    )
    return {
        "anonymous": None,
        "member": OrganisationRoleFactory().user,
        "accepted the NDA": member_role.user,
        "owner": owner,
        "fund staff": FundOperatorFactory(),
    }


def assert_no_secret(text: str):
    lowered = text.lower()
    for word in SECRET_WORDS:
        assert word.lower() not in lowered
    assert (
        "зубробизон" not in lowered and "криптокварк" not in lowered and "гиперлуп" not in lowered
    )


def test_the_index_row_holds_no_protected_text(nda_challenge):
    row = MatchDocument.objects.get(object_id=nda_challenge.pk)
    assert_no_secret(row.public_text + " " + row.terms + " " + row.title)


def test_search_never_finds_nor_shows_protected_words(nda_challenge):
    for who, user in viewers(nda_challenge).items():
        for word in SECRET_WORDS:
            assert search(user, word).count == 0, (who, word)
        # Found by its public words, the snippet is public text only.
        results = search(user, "склад роботов")
        [hit] = results.hits
        assert hit.document.object_id == nda_challenge.pk, who
        assert_no_secret(str(hit.snippet_html) + hit.title + hit.snippet_text)
        assert_no_secret(str(search(user, "").hits[0].snippet_html))


def test_the_search_page_never_shows_protected_words(client, nda_challenge):
    for who, user in viewers(nda_challenge).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for word in SECRET_WORDS:
            body = client.get(PAGE, {"q": word}).content.decode()
            assert "Склад будущего" not in body, who
        body = client.get(PAGE, {"q": "склад"}).content.decode()
        assert "будущего" in body, who
        assert_no_secret(body)


def test_the_search_api_never_returns_protected_words(client, nda_challenge):
    for who, user in viewers(nda_challenge).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for word in SECRET_WORDS:
            data = client.get(API, {"q": word}).json()
            assert data["count"] == 0 and data["items"] == [], who
        data = client.get(API, {"q": "склад"}).json()
        assert [i["id"] for i in data["items"]] == [str(nda_challenge.pk)], who
        assert_no_secret(json.dumps(data, ensure_ascii=False))


def test_a_challenge_put_under_nda_loses_its_details_from_search(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        challenge = ChallengeFactory(details="Зубробизон на складе.")
    assert search(None, "зубробизон").count == 1
    challenge.visibility = "nda"
    with django_capture_on_commit_callbacks(execute=True):
        challenge.save()
    assert search(None, "зубробизон").count == 0
    indexing.reindex_all()
    assert search(None, "зубробизон").count == 0
