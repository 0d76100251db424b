"""The operators' application list is cached per person and served again until something it
shows changes: a move, a review, a renamed organisation; never someone else's, never with a
message pending."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from innocluster.programmes import services
from tests.accounts.factories import FundOperatorFactory
from tests.programmes.backoffice_factories import make_application

pytestmark = pytest.mark.django_db
LIST = reverse("manage_applications:list")


def sign_in(client, user):
    """Signed in, with the CSRF cookie a browser gets on its first page with a form (a page
    rendered for a visitor without one is never stored: its forms' tokens would not match)."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(LIST, {"page": "warm-up"})
    assert settings.CSRF_COOKIE_NAME in client.cookies


@pytest.fixture
def operator(client):
    user = FundOperatorFactory()
    sign_in(client, user)
    return user


def test_the_same_list_again_comes_from_the_cache(client, operator):
    make_application()
    first = client.get(LIST, {"state": "submitted"})
    second = client.get(LIST, {"state": "submitted"})
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "private" in second["Cache-Control"] and "no-store" in second["Cache-Control"]
    # another filter is another page
    assert client.get(LIST, {"state": "screening"})["X-Page-Cache"] == "miss"


def test_a_move_shows_at_once(client, operator):
    application = make_application()
    assert application.number in client.get(LIST, {"state": "submitted"}).content.decode()
    services.move(application, "start_screening", actor=operator)
    fresh = client.get(LIST, {"state": "submitted"})
    assert fresh["X-Page-Cache"] == "miss"
    assert application.number not in fresh.content.decode()


def test_a_renamed_lead_shows_at_once(client, operator):
    application = make_application()
    client.get(LIST)
    application.lead.name_en = "Renamed Lead Ltd"
    application.lead.save()
    assert "Renamed Lead Ltd" in client.get(LIST).content.decode()


def test_a_visitor_without_the_csrf_cookie_is_never_stored(client):
    client.force_login(FundOperatorFactory())
    assert "X-Page-Cache" not in client.get(LIST)
    assert client.get(LIST)["X-Page-Cache"] == "miss"  # now with the cookie the first one set


def test_another_operator_never_gets_my_page(client, operator):
    make_application()
    client.get(LIST)
    other = FundOperatorFactory()
    sign_in(client, other)
    response = client.get(LIST)
    assert response["X-Page-Cache"] == "miss"
    assert other.email in response.content.decode()  # the header's account link is theirs


def test_a_pending_message_is_shown_not_a_cached_page(client, operator):
    application = make_application()
    client.get(LIST)
    assert client.get(LIST)["X-Page-Cache"] == "hit"
    # a move leaves its message for the next page
    moved = client.post(
        reverse("manage_applications:move", args=[application.pk]), {"action": "start_screening"}
    )
    assert moved.status_code == 302
    response = client.get(LIST)
    assert "X-Page-Cache" not in response
    assert 'class="messages"' in response.content.decode()


def test_a_new_notification_shows_in_the_header_at_once(client, operator):
    from django.utils.translation import gettext_lazy

    from innocluster.core.notifications import notify

    client.get(LIST)
    assert client.get(LIST)["X-Page-Cache"] == "hit"
    notify([operator], "test.event", gettext_lazy("Notifications"), email=False)
    fresh = client.get(LIST)
    assert fresh["X-Page-Cache"] == "miss"
    assert 'class="count-badge">1<' in fresh.content.decode()
