"""POST /api/v1/interest: once per organisation and item, the owner notified."""

from __future__ import annotations

import pytest

from innocluster.core.models import Notification
from innocluster.exchange.models import ExpressionOfInterest
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    DraftProductFactory,
    ProductFactory,
    challenge_of,
    person_of,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/interest"


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_interest_once_and_the_owner_notified(client):
    product = ProductFactory()
    owner = person_of(product.owner)
    client.force_login(person_of(CompanyFactory()))
    body = {"kind": "product", "id": str(product.pk), "message": "Хотим пилот"}
    response = post(client, body)
    assert response.status_code == 201
    assert response.json()["item_url"] == f"/exchange/products/{product.pk}/"
    assert Notification.objects.filter(recipient=owner).count() == 1
    again = post(client, body)
    assert again.status_code == 409 and again.json()["code"] == "already_interested"
    assert ExpressionOfInterest.objects.count() == 1


def test_refusals(client):
    product = ProductFactory()
    client.force_login(person_of(CompanyFactory()))
    response = post(client, {"kind": "person", "id": "x", "extra": 1})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"extra"}
    response = post(client, {"kind": "person", "id": "x"})
    assert {e["field"] for e in response.json()["errors"]} == {"kind", "id"}
    assert post(client, {"kind": "product", "id": str(DraftProductFactory().pk)}).status_code == 404
    closed = challenge_of(status="closed")
    response = post(client, {"kind": "challenge", "id": str(closed.pk)})
    assert response.status_code == 409 and response.json()["code"] == "not_open"
    client.force_login(person_of(product.owner))
    assert post(client, {"kind": "product", "id": str(product.pk)}).status_code == 403
    assert not ExpressionOfInterest.objects.exists()


def test_anonymous_is_refused(client):
    assert post(client, {"kind": "product", "id": str(ProductFactory().pk)}).status_code == 401
