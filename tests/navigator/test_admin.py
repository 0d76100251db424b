"""Staff correct a measure's terms in the admin; its rule changes only in the rule editor."""

from __future__ import annotations

import pytest
from django.test import Client

from innocluster.navigator.models import Measure
from tests.accounts.factories import AdministratorFactory
from tests.navigator.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def change_form(measure, **changes) -> dict:
    data = {
        "provider": str(measure.provider_id),
        "name_ru": measure.name_ru,
        "name_en": measure.name_en,
        "description_ru": measure.description_ru,
        "description_en": measure.description_en,
        "form": measure.form,
        "purposes": '["rnd"]',
        "priority_areas": "[]",
        "stages": "[]",
        "status": measure.status,
        "amount_max_rub": "5000000",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(AdministratorFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_correct_terms_and_the_navigator_uses_them(admin_client):
    measure = MeasureFactory(rules={"field": "employees", "ge": 5})
    url = f"/django-admin/navigator/measure/{measure.pk}/change/"
    page = admin_client.get(url)
    assert b'name="rules"' not in page.content  # the rule is shown, not editable here
    response = admin_client.post(
        url, change_form(measure, amount_max_rub="7000000", verified_on="2026-11-27")
    )
    assert response.status_code == 302, response.content[:2000]
    measure.refresh_from_db()
    assert measure.amount_max_rub == 7_000_000
    assert measure.rules == {"field": "employees", "ge": 5}
    detail = Client().get(f"/api/v1/navigator/measures/{measure.code}").json()
    assert detail["amount_max_rub"] == "7000000.00"


def test_unknown_codes_and_impossible_terms_are_refused(admin_client):
    measure = MeasureFactory()
    url = f"/django-admin/navigator/measure/{measure.pk}/change/"
    response = admin_client.post(
        url,
        change_form(measure, purposes='["space"]', cost_share_max="1.5", amount_min_rub="9000000"),
    )
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"purposes", "cost_share_max", "amount_max_rub"}
    measure.refresh_from_db()
    assert measure.purposes == ["rnd"]
    assert Measure.objects.get(pk=measure.pk).cost_share_max is None
