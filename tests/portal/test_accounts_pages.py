"""Registering, confirming the e-mail, signing in and out, my account."""

import pytest
from django.core import mail

from innocluster.accounts.models import User
from innocluster.accounts.services import confirmation_token
from tests.accounts.factories import PASSWORD, UnconfirmedUserFactory
from tests.registry.factories import OrganisationRoleFactory

pytestmark = pytest.mark.django_db


def test_register_sends_the_confirmation_and_says_check_your_email(client):
    response = client.post(
        "/accounts/register/",
        {"email": "new@example.org", "full_name": "Иван Петров", "password": PASSWORD},
    )
    assert response.status_code == 200
    assert "new@example.org" in response.content.decode()
    assert (
        "Проверьте почту" in response.content.decode()
        or "Check your e-mail" in response.content.decode()
    )
    assert User.objects.filter(email="new@example.org", email_confirmed_at=None).exists()
    assert len(mail.outbox) == 1 and "/accounts/confirm/" in mail.outbox[0].body


def test_weak_password_and_duplicate_email_are_shown_next_to_the_fields(client, user):
    response = client.post("/accounts/register/", {"email": "x@example.org", "password": "123"})
    assert response.status_code == 400
    assert 'id="id_password_error"' in response.content.decode()
    response = client.post("/accounts/register/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert User.objects.count() == 1


def test_confirmation_link_confirms_the_email(client):
    user = UnconfirmedUserFactory()
    response = client.get(f"/accounts/confirm/{confirmation_token(user)}/", follow=True)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed


def test_bad_confirmation_link_is_400_with_a_reason(client):
    response = client.get("/accounts/confirm/not-a-token/")
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_sign_in_with_email_and_password_then_sign_out_by_post(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    html = client.get("/accounts/me/").content.decode()
    assert user.email in html
    assert 'action="/accounts/logout/" method="post"' in client.get("/").content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/me/").status_code == 302


def test_wrong_password_is_an_error(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_my_account_lists_my_organisations_with_roles(client):
    role = OrganisationRoleFactory(role="owner")
    client.force_login(role.user)
    html = client.get("/accounts/me/").content.decode()
    assert role.organisation.name_ru in html
    assert "Владелец" in html or "Owner" in html


def test_unconfirmed_user_may_ask_for_the_link_again(client):
    user = UnconfirmedUserFactory()
    client.force_login(user)
    assert (
        'action="/accounts/me/resend-confirmation/"' in client.get("/accounts/me/").content.decode()
    )
    response = client.post("/accounts/me/resend-confirmation/", follow=True)
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]


def test_signed_in_user_on_the_login_page_goes_to_the_account(client, user):
    client.force_login(user)
    response = client.get("/accounts/login/", {"next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    response = client.get("/accounts/login/", {"next": "/registry/"})
    assert response["Location"] == "/registry/"


def test_login_next_must_stay_on_this_site(client, user):
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
