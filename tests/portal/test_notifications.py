"""Notifications: who gets them, in which language, by e-mail after the commit, and the page
where people read them and go to act."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from innocluster.core.models import Notification
from innocluster.core.notifications import notify
from tests.accounts.factories import UserFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

pytestmark = pytest.mark.django_db

# A message the locale translates ("Marked as read: %(n)d." is in the catalogue), so the stored
# Russian and English texts must differ.
TITLE = gettext_lazy("Marked as read: %(n)d.")


def _team():
    organisation = MemberOrganisationFactory()
    people = {}
    for role in ("owner", "signatory", "editor", "viewer"):
        people[role] = UserFactory()
        OrganisationRoleFactory(organisation=organisation, user=people[role], role=role)
    return organisation, people


def test_an_organisation_means_the_people_who_act_for_it(django_capture_on_commit_callbacks):
    organisation, people = _team()
    people["signatory"].preferred_language = "en"
    people["signatory"].save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            [organisation, people["owner"]],
            "test.event",
            TITLE,
            params={"n": 3},
            url="/applications/",
            obj=organisation,
        )
    recipients = {row.recipient_id for row in rows}
    assert recipients == {people["owner"].pk, people["signatory"].pk, people["editor"].pk}
    row = Notification.objects.get(recipient=people["owner"])
    assert row.title_en == "Marked as read: 3."
    assert row.title_ru != row.title_en and "3" in row.title_ru
    assert row.object_type == "registry.organisation" and row.object_id == str(organisation.pk)
    # one e-mail each, in the recipient's language, with the link to act
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        p.email for r, p in people.items() if r != "viewer"
    )
    english = next(m for m in mail.outbox if m.to == [people["signatory"].email])
    assert "Marked as read: 3." in english.subject
    assert "http://127.0.0.1:8000/applications/" in english.body
    russian = next(m for m in mail.outbox if m.to == [people["owner"].email])
    assert row.title_ru in russian.subject
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_rolled_back_action_tells_nobody(django_capture_on_commit_callbacks):
    organisation, _people = _team()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([organisation], "test.event", TITLE, params={"n": 1})
        raise RuntimeError("the action failed")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_inactive_people_are_left_out():
    organisation, people = _team()
    people["editor"].is_active = False
    people["editor"].save(update_fields=["is_active"])
    rows = notify([organisation], "test.event", TITLE, params={"n": 1}, email=False)
    assert people["editor"].pk not in {row.recipient_id for row in rows}
    assert len(rows) == 2


def test_the_page_lists_only_my_notifications_and_the_header_counts_them(client):
    me, other = UserFactory(), UserFactory()
    notify([me], "test.event", TITLE, params={"n": 7}, email=False)
    notify([other], "test.event", TITLE, params={"n": 8}, email=False)
    client.force_login(me)
    client.cookies["ic_lang"] = "en"
    page = client.get(reverse("portal:notifications")).content.decode()
    assert "Marked as read: 7." in page
    assert "Marked as read: 8." not in page
    assert "1 unread notification." in page
    assert 'class="count-badge">1<' in page


def test_opening_one_marks_it_read_and_goes_where_to_act(client):
    me = UserFactory()
    (row,) = notify([me], "test.event", TITLE, params={"n": 1}, url="/calls/", email=False)
    client.force_login(me)
    response = client.post(reverse("portal:open_notification", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == "/calls/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_a_link_off_the_site_is_not_followed(client):
    me = UserFactory()
    (row,) = notify([me], "test.event", TITLE, params={"n": 1}, url="https://evil.test/x")
    client.force_login(me)
    response = client.post(reverse("portal:open_notification", args=[row.pk]))
    assert response["Location"] == reverse("portal:notifications")


def test_nobody_opens_someone_elses_notification(client):
    me, other = UserFactory(), UserFactory()
    (row,) = notify([other], "test.event", TITLE, params={"n": 1}, email=False)
    client.force_login(me)
    assert client.post(reverse("portal:open_notification", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read(client):
    me = UserFactory()
    notify([me], "test.event", TITLE, params={"n": 1}, email=False)
    notify([me], "test.event", TITLE, params={"n": 2}, email=False)
    client.force_login(me)
    client.post(reverse("portal:notifications"))
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("portal:notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
