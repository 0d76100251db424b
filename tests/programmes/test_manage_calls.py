"""The operators' calls page: every call with its phase, and publishing a draft, refused with
what is missing when the call is not complete."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from innocluster.programmes.models import Call
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.programmes.call_factories import make_call

pytestmark = pytest.mark.django_db
PAGE = reverse("manage_applications:calls")


@pytest.fixture
def operator(client):
    user = FundOperatorFactory()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def test_the_operator_publishes_a_draft_and_it_opens(client, operator):
    draft = make_call("draft")
    make_call("open")
    page = client.get(PAGE).content.decode()
    assert f'action="/manage/applications/calls/{draft.code}/publish/"' in page
    assert page.count("/publish/") == 1  # only the draft can be published
    response = client.post(reverse("manage_applications:publish_call", args=[draft.code]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert f"The call {draft.code} is published." in client.get(PAGE).content.decode()
    assert client.get(f"/calls/{draft.code}/").status_code == 200  # public now


def test_an_incomplete_call_is_refused_with_what_is_missing(client, operator):
    draft = make_call("draft", criteria=False)
    response = client.post(reverse("manage_applications:publish_call", args=[draft.code]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "cannot be published yet" in page and "criteria" in page
    assert Call.objects.get(pk=draft.pk).published_at is None


def test_only_the_fund_sees_and_publishes(client):
    draft = make_call("draft")
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 404
    response = client.post(reverse("manage_applications:publish_call", args=[draft.code]))
    assert response.status_code == 404
    assert Call.objects.get(pk=draft.pk).published_at is None
