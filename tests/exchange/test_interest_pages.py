"""Expressing interest from an item's page, and the inbox of received and sent interest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innocluster.exchange.models import ExpressionOfInterest
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    TechnologyOfferFactory,
    challenge_of,
    person_of,
)

pytestmark = pytest.mark.django_db


def test_a_member_expresses_interest_once_and_both_sides_see_it(client):
    offer = TechnologyOfferFactory()
    owner = person_of(offer.owner, "owner")
    company = CompanyFactory()
    sender = person_of(company)
    client.force_login(sender)
    url = reverse("exchange:interest_new")
    data = {"kind": "technology", "id": str(offer.pk), "message": "Нужна лицензия на 3 года"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:technology", args=[offer.pk])
    page = client.get(response["Location"]).content.decode()
    assert reverse("exchange:interest_new") not in page  # the form is gone: already sent
    response = client.post(url, data, follow=True)
    assert "message-error" in response.content.decode()
    assert ExpressionOfInterest.objects.count() == 1
    sent = client.get(reverse("exchange:interest")).content.decode()
    assert offer.title in sent
    client.force_login(owner)
    inbox = client.get(reverse("exchange:interest")).content.decode()
    assert company.name_ru in inbox and "Нужна лицензия на 3 года" in inbox
    item_page = client.get(reverse("exchange:technology", args=[offer.pk])).content.decode()
    assert company.name_ru in item_page and 'id="interested-heading"' in item_page


def test_the_inbox_shows_only_a_challenges_public_fields(client):
    challenge = challenge_of(visibility="nda")
    owner = person_of(challenge.owner)
    client.force_login(person_of(CompanyFactory()))
    client.post(reverse("exchange:interest_new"), {"kind": "challenge", "id": str(challenge.pk)})
    client.force_login(owner)
    inbox = client.get(reverse("exchange:interest")).content.decode()
    assert challenge.title in inbox and "СЕКРЕТНЫЕ" not in inbox
    assert f"/exchange/challenges/{challenge.pk}/" in inbox


def test_interest_in_what_one_may_not_see_is_not_found(client):
    client.force_login(person_of(CompanyFactory()))
    draft = challenge_of(status="draft", published_at=None)
    response = client.post(
        reverse("exchange:interest_new"), {"kind": "challenge", "id": str(draft.pk)}
    )
    assert response.status_code == 404
    response = client.post(reverse("exchange:interest_new"), {"kind": "nothing", "id": "x"})
    assert response.status_code == 404
    assert not ExpressionOfInterest.objects.exists()


def test_the_inbox_needs_signing_in(client):
    assert client.get(reverse("exchange:interest")).status_code == 302


def test_the_inbox_reads_the_same_number_of_queries_however_long(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company = CompanyFactory()
    sender = person_of(company)
    client.force_login(sender)
    for _n in range(2):
        services_interest(sender, TechnologyOfferFactory())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("exchange:interest"))
    for _n in range(8):
        services_interest(sender, TechnologyOfferFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("exchange:interest"))
    assert len(many.captured_queries) == len(few.captured_queries)


def services_interest(actor, item):
    from innocluster.exchange import catalogue_services

    return catalogue_services.express_interest(actor=actor, kind="technology", target_id=item.pk)


def test_a_member_expresses_interest_from_the_challenge_page_and_the_owner_sees_it(client):
    from tests.exchange.factories import ChallengeFactory

    challenge = ChallengeFactory()
    visitor = person_of(CompanyFactory(name_ru="ООО «Интерес»"))
    client.force_login(visitor)
    client.cookies["ic_lang"] = "en"  # the button's text is read in English
    page = client.get(reverse("exchange:challenge", args=[challenge.pk])).content.decode()
    assert "Express interest" in page
    del client.cookies["ic_lang"]  # the names below are the Russian ones
    sent = client.post(
        reverse("exchange:interest_new"),
        {"kind": "challenge", "id": str(challenge.pk), "message": "Готовы к пилоту"},
    )
    assert sent.status_code == 302
    client.force_login(person_of(challenge.owner))
    owner_page = client.get(reverse("exchange:challenge", args=[challenge.pk])).content.decode()
    assert "ООО «Интерес»" in owner_page and "Готовы к пилоту" in owner_page
