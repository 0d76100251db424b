"""Registration, the e-mail confirmation (sent by the background worker) and sign-in."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from innocluster.accounts.models import User
from innocluster.accounts.services import confirm_email, confirmation_token, register_user
from innocluster.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_register_sends_a_link_that_confirms_the_email(client):
    user = register_user("Founder@Example.org", "a-long-passphrase-42", "Анна Петрова")
    assert user.email == "founder@example.org" and not user.email_confirmed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["founder@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert confirm_email(token).email_confirmed
    assert client.login(email="founder@example.org", password="a-long-passphrase-42")


def test_the_confirmation_mail_waits_for_the_worker(settings, transactional_db):
    """The real worker, on committed rows as in production (it closes its database connection
    when done, which a test transaction would not survive)."""
    settings.TASKS = DATABASE_TASKS
    register_user("queued@example.org", "a-long-passphrase-42")
    assert mail.outbox == []  # queued, not sent by the request
    call_command("worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [m.to for m in mail.outbox] == [["queued@example.org"]]


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not-an-email", "a-long-passphrase-42", "email"),
        ("ok@example.org", "short", "password"),
        ("ok@example.org", "1234567890123", "password"),
    ],
)
def test_bad_registration_names_the_field_and_creates_nothing(email, password, field):
    with pytest.raises(ValidationFailed) as caught:
        register_user(email, password)
    assert field in [e.field for e in caught.value.errors]
    assert not User.objects.exists() and mail.outbox == []


def test_duplicate_email_is_a_conflict():
    register_user("dup@example.org", "a-long-passphrase-42")
    with pytest.raises(Conflict):
        register_user("DUP@example.org", "another-passphrase-42")


def test_tampered_or_foreign_confirmation_tokens_are_refused():
    user = register_user("t@example.org", "a-long-passphrase-42")
    token = confirmation_token(user)
    with pytest.raises(ValidationFailed):
        confirm_email(token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
    user.email = "changed@example.org"
    user.save()
    with pytest.raises(ValidationFailed):
        confirm_email(token)  # the link was for the old address
