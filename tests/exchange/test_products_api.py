"""GET/POST /api/v1/products and GET /api/v1/products/{id}."""

from __future__ import annotations

import pytest

from innocluster.exchange.models import Product
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    DraftProductFactory,
    ProductFactory,
    person_of,
)
from tests.registry.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/products"
BODY = {
    "language": "en",
    "title": "Payment terminal",
    "summary": "Contactless payments for city transport.",
    "description": "NFC, QR and bank cards.",
    "priority_areas": ["fintech", "transport"],
    "price_model": "fixed",
    "price_note": "35,000 RUB",
}


def test_list_and_one(client):
    product = ProductFactory()
    draft = DraftProductFactory()
    data = client.get(URL).json()
    assert [r["id"] for r in data["results"]] == [str(product.pk)]
    assert client.get(f"{URL}/{product.pk}").json()["price_model"] == "subscription"
    assert client.get(f"{URL}/{draft.pk}").status_code == 404
    assert client.get(URL, {"ip_kind": "patent"}).status_code == 200  # not a product filter


def test_a_member_posts_a_product(client):
    client.force_login(person_of(CompanyFactory()))
    response = client.post(URL, {**BODY, "publish": True}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "published" and response.json()["trl"] is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({**BODY, "price_model": "barter"}, {"price_model": "invalid_choice"}),
        ({**BODY, "ip_kinds": ["patent"]}, {"ip_kinds": "extra_forbidden"}),
        ({**BODY, "priority_areas": ["ict", "ict"]}, {"priority_areas[1]": "duplicate"}),
        ({**BODY, "title": "a\u0000b"}, {"title": "invalid"}),
        # A lone surrogate JSON can carry but no database can store.
        ({**BODY, "title": "\ud800"}, {"title": "invalid"}),
    ],
)
def test_bad_input_is_refused(client, body, expected):
    client.force_login(person_of(CompanyFactory()))
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 422
    assert {e["field"]: e["code"] for e in response.json()["errors"]} == expected
    assert not Product.objects.exists()


def test_an_applicant_may_not_list(client):
    client.force_login(person_of(OrganisationFactory(status="applicant")))
    response = client.post(URL, BODY, content_type="application/json")
    assert response.status_code == 403
    assert not Product.objects.exists()
