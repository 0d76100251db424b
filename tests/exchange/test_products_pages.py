"""The product pages: anonymous visitors, members and owners each see their part."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innocluster.exchange.models import Product
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    DraftProductFactory,
    ProductFactory,
    person_of,
)

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_see_published_products_not_drafts(client):
    product = ProductFactory(title="Traffic counter")
    draft = DraftProductFactory(title="Secret gadget")
    page = client.get(reverse("exchange:products")).content.decode()
    assert "Traffic counter" not in page  # written in English: Russian readers see the title
    assert product.title_translated in page and "Secret gadget" not in page
    detail = client.get(reverse("exchange:product", args=[product.pk])).content.decode()
    assert reverse("accounts:login") in detail  # sign in to express interest
    assert client.get(reverse("exchange:product", args=[draft.pk])).status_code == 404


def test_filters_and_bad_filters(client):
    ProductFactory(title_translated="Один", priority_areas=["fintech"], trl=None)
    ProductFactory(title_translated="Два", priority_areas=["transport"], trl=9)
    url = reverse("exchange:products")
    assert "Один" not in client.get(url, {"area": "transport"}).content.decode()
    page = client.get(url, {"trl_min": "9"}).content.decode()
    assert "Два" in page and "Один" not in page
    assert "error-summary" in client.get(url, {"trl_min": "x"}).content.decode()


def test_a_member_lists_a_product_and_a_refusal_names_the_field(client):
    company = CompanyFactory()
    client.force_login(person_of(company))
    url = reverse("exchange:product_new")
    assert client.get(url).status_code == 200
    data = {
        "language": "en",
        "title": "Parking sensors",
        "summary": "Free spaces in real time.",
        "description": "LoRaWAN.",
        "priority_areas": ["transport"],
        "price_model": "per_unit",
        "price_note": "x" * 301,
        "trl": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not Product.objects.exists()
    response = client.post(url, {**data, "price_note": "4,500 RUB", "publish": "1"})
    product = Product.objects.get()
    assert response.status_code == 302 and product.status == "published" and product.trl is None


def test_the_owner_archives_and_finds_customers(client):
    product = ProductFactory()
    client.force_login(person_of(product.owner))
    page = client.get(reverse("exchange:product", args=[product.pk])).content.decode()
    assert f"/matching/products/{product.pk}/" in page
    client.post(reverse("exchange:product_archive", args=[product.pk]))
    product.refresh_from_db()
    assert product.status == "archived"
    # Archived: still at its address for everyone, no longer listed.
    client.logout()
    assert client.get(reverse("exchange:product", args=[product.pk])).status_code == 200
    assert product.title_translated not in client.get(reverse("exchange:products")).content.decode()


def test_others_cannot_edit(client):
    product = ProductFactory()
    client.force_login(person_of(CompanyFactory()))
    url = reverse("exchange:product_edit", args=[product.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Hijacked", "version": "1"}).status_code == 404
    product.refresh_from_db()
    assert product.title != "Hijacked"


def test_the_admin_lists_the_catalogue(client):
    from tests.accounts.factories import AdministratorFactory
    from tests.exchange.catalogue_factories import InterestFactory

    InterestFactory()
    ProductFactory()
    client.force_login(AdministratorFactory(is_staff=True, is_superuser=True))
    for model in ("technologyoffer", "product", "expressionofinterest"):
        assert client.get(f"/django-admin/exchange/{model}/").status_code == 200


def test_someone_acting_for_two_members_must_choose_the_owner(client):
    from innocluster.registry.models import OrganisationRole

    first, second = CompanyFactory(), CompanyFactory()
    person = person_of(first)
    OrganisationRole.objects.create(organisation=second, user=person, role="signatory")
    client.force_login(person)
    data = {"language": "ru", "title": "Сервис", "price_model": "free"}
    response = client.post(reverse("exchange:product_new"), data)
    assert (
        'id="id_owner"' in response.content.decode()
        and "error-summary" in response.content.decode()
    )
    assert not Product.objects.exists()
    response = client.post(reverse("exchange:product_new"), {**data, "owner": str(second.pk)})
    assert response.status_code == 302 and Product.objects.get().owner == second


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_products_of_an_owner_no_longer_admitted_only_its_people_and_the_fund_see(client, status):
    from tests.accounts.factories import FundOperatorFactory

    product = ProductFactory(title="Продукт приостановленного", language="ru")
    product.owner.status = status
    product.owner.save()
    listing, detail = reverse("exchange:products"), reverse("exchange:product", args=[product.pk])
    assert product.title not in client.get(listing).content.decode()
    assert client.get(detail).status_code == 404
    assert product.title not in client.get("/api/v1/products").content.decode()
    assert client.get(f"/api/v1/products/{product.pk}").status_code == 404
    for user in (person_of(product.owner, "viewer"), FundOperatorFactory()):
        client.force_login(user)
        assert product.title in client.get(listing).content.decode()
        assert client.get(detail).status_code == 200
