"""The exchange's front page: what it is, the counts, the latest items and where to go next."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.exchange.catalogue_factories import (
    DraftTechnologyFactory,
    ProductFactory,
    TechnologyOfferFactory,
    challenge_of,
    person_of,
)

pytestmark = pytest.mark.django_db


def test_the_front_page_counts_and_shows_the_latest(client):
    TechnologyOfferFactory(title="Квантовый сенсор")
    DraftTechnologyFactory(title="Черновая технология")
    ProductFactory(title_translated="Облачная касса")
    challenge_of(title="Снижение шума трамваев")
    challenge_of(title="Закрытый вызов", status="closed")
    challenge_of(title="Только для участников", visibility="members")
    response = client.get(reverse("exchange:home"))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Квантовый сенсор", "Облачная касса", "Снижение шума трамваев"):
        assert text in page
    for text in ("Черновая технология", "Закрытый вызов", "Только для участников"):
        assert text not in page
    for link in ("/exchange/search/", "/exchange/challenges/new/", "/exchange/technologies/",
                 "/exchange/products/", "/exchange/challenges/"):  # fmt: skip
        assert f'"{link}"' in page
    assert page.count('class="kpi-value">1<') == 3


def test_members_see_members_only_challenges(client, member_org):
    challenge_of(title="Только для участников", visibility="members")
    client.force_login(person_of(member_org))
    assert "Только для участников" in client.get(reverse("exchange:home")).content.decode()
