"""The Django admin cannot change a published call behind the services' back."""

from __future__ import annotations

import pytest
from django.test import Client

from innocluster.programmes.models import Call
from tests.accounts.factories import AdministratorFactory
from tests.programmes.call_factories import make_call

pytestmark = pytest.mark.django_db


def test_a_published_call_is_read_only_in_the_admin():
    call = make_call("open")
    admin = AdministratorFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = f"/django-admin/programmes/call/{call.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="budget_rub"' not in page.content  # shown, not editable
    client.post(url, {"budget_rub": "1", "code": call.code})
    call.refresh_from_db()
    assert call.budget_rub != 1
    assert (
        client.post(f"/django-admin/programmes/call/{call.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Call.objects.filter(pk=call.pk).exists()


def test_a_draft_call_is_editable_in_the_admin():
    call = make_call("draft")
    admin = AdministratorFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    page = client.get(f"/django-admin/programmes/call/{call.pk}/change/")
    assert b'name="budget_rub"' in page.content


def test_the_database_refuses_a_call_whose_deadline_is_not_after_its_opening():
    from django.db import IntegrityError, transaction

    call = make_call("draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(deadline=call.opens_at)
