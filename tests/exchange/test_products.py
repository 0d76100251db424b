"""Products and services: any admitted member lists them; refusals name the field."""

from __future__ import annotations

import pytest

from innocluster.core.errors import Conflict, NotPermitted, ValidationFailed
from innocluster.exchange import catalogue_services as services
from innocluster.exchange.models import Product
from tests.exchange.catalogue_factories import (
    CompanyFactory,
    DraftProductFactory,
    ProductFactory,
    UniversityFactory,
    person_of,
)
from tests.registry.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

COMPLETE = {
    "language": "en",
    "title": "Smart parking sensors",
    "summary": "Magnetic sensors report free kerbside spaces.",
    "title_translated": "Умные датчики парковки",
    "description": "LoRaWAN sensors, 7 years on one battery.",
    "priority_areas": ["transport", "ict"],
    "price_model": "per_unit",
    "price_note": "4,500 RUB a sensor",
}


def fields_of(failure) -> dict:
    return {e.field: e.code for e in failure.value.errors}


@pytest.mark.parametrize("factory", [CompanyFactory, UniversityFactory])
def test_any_admitted_member_lists_a_product(factory):
    owner = factory()
    editor = person_of(owner)
    product = services.create_product(owner, COMPLETE, actor=editor)
    assert product.status == "draft" and product.trl is None
    product = services.publish_product(product, actor=editor)
    assert product.status == "published"


def test_an_organisation_not_admitted_may_not():
    owner = OrganisationFactory(status="applicant")
    with pytest.raises(NotPermitted):
        services.create_product(owner, COMPLETE, actor=person_of(owner))
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"title": ""}, {"title": "required"}),
        ({"title": "P", "price_model": "barter"}, {"price_model": "invalid_choice"}),
        ({"title": "P", "trl": 0}, {"trl": "invalid"}),
        ({"title": "P", "price_note": "x" * 301}, {"price_note": "too_long"}),
        ({"title": "P", "ip_kinds": ["patent"]}, {"ip_kinds": "unknown_field"}),
        ({"title": "P", "summary": 5}, {"summary": "type"}),
    ],
)
def test_bad_input_is_refused_naming_the_field(data, expected):
    owner = CompanyFactory()
    with pytest.raises(ValidationFailed) as failure:
        services.create_product(owner, data, actor=person_of(owner))
    assert fields_of(failure) == expected
    assert not Product.objects.exists()


def test_publishing_names_what_is_missing():
    owner = CompanyFactory()
    editor = person_of(owner)
    product = services.create_product(owner, {"title": "Draft only"}, actor=editor)
    with pytest.raises(ValidationFailed) as failure:
        services.publish_product(product, actor=editor)
    assert set(fields_of(failure)) == {"summary", "description", "priority_areas"}
    product.refresh_from_db()
    assert product.status == "draft"


def test_edit_checks_the_version_and_the_owner():
    product = DraftProductFactory()
    editor = person_of(product.owner)
    product = services.update_product(product, {"price_model": "free"}, actor=editor, version=1)
    assert product.version == 2
    with pytest.raises(Conflict):
        services.update_product(product, {"price_model": "fixed"}, actor=editor, version=1)
    with pytest.raises(NotPermitted):
        services.update_product(
            product, {"price_model": "fixed"}, actor=person_of(CompanyFactory()), version=2
        )
    product.refresh_from_db()
    assert product.price_model == "free"


def test_an_unchanged_edit_writes_nothing():
    product = ProductFactory()
    editor = person_of(product.owner)
    same = services.update_product(product, {"title": product.title}, actor=editor, version=1)
    assert same.version == 1


def test_archive():
    product = ProductFactory()
    product = services.archive_product(product, actor=person_of(product.owner))
    assert product.status == "archived"
