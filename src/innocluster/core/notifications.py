"""Notifications: tell the people who must act (or asked to know) that something happened, in
the portal and by e-mail.

Every app calls :func:`notify` from its services at the step that needs someone: an invitation
to a consortium, a document to sign, an assignment to review, a revision requested, a report
overdue. Rows are written in the caller's transaction; the e-mails go out after it commits, from
the worker (``core.tasks.mail_notifications``), so a slow mail server never holds up a page and
a rolled-back action sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from .models import Notification

LANGUAGES = ("ru", "en")
# The roles that act for an organisation: they hear about its applications, documents and
# projects (viewers only read).
ACTING_ROLES = ("owner", "signatory", "editor")
MAIL_BATCH = 200


def people_of(organisation, roles: Iterable[str] = ACTING_ROLES) -> list:
    """The active users holding one of ``roles`` in ``organisation``."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            organisation_roles__organisation=organisation,
            organisation_roles__role__in=list(roles),
        ).distinct()
    )


def fund_staff(*, administrators: bool = False) -> list:
    """The Fund's operators: they screen applications and accept reports.

    Args: ``administrators`` True adds the platform's administrators (the projects' steps, where
    they stand in for the operators). Returns active users.
    """
    roles = ["fund_operator", "administrator"] if administrators else ["fund_operator"]
    User = get_user_model()
    return list(User.objects.filter(is_active=True, platform_role__in=roles))


def _users(recipients) -> list:
    """Users from a mix of users and organisations (an organisation means its acting people),
    each once, inactive ones left out."""
    from innocluster.registry.models import Organisation

    seen: dict = {}
    for recipient in recipients:
        if recipient is None:
            continue
        people = people_of(recipient) if isinstance(recipient, Organisation) else [recipient]
        for user in people:
            if getattr(user, "is_active", True):
                seen.setdefault(user.pk, user)
    return list(seen.values())


def _render(message, params: dict | None, lang: str) -> str:
    if not message:
        return ""
    with translation.override(lang):
        text = str(message)
        if params:
            # Lazy translations among the params are rendered in this language too.
            rendered = {
                k: "" if v is None else str(v) if isinstance(v, Promise) else v
                for k, v in params.items()
            }
            text = text % rendered
    return text


def notify(
    recipients,
    kind: str,
    title,
    *,
    body=None,
    params: dict | None = None,
    url: str = "",
    obj=None,
    email: bool = True,
) -> list[Notification]:
    """Notify ``recipients`` that ``kind`` happened.

    Args:
        recipients: users and/or organisations (an organisation means its owners, signatories
            and editors); duplicates and inactive users are dropped.
        kind: a stable code (``application.revision_requested``).
        title: a lazily translated message (``gettext_lazy``), rendered in Russian and English
            with ``params`` (``%(name)s`` placeholders); params that are themselves lazy
            translations are rendered in each language too.
        body: an optional longer text, like ``title``.
        url: the portal path where the recipient acts.
        obj: the model instance it is about (stored as ``app_label.model`` and the id).
        email: also e-mail each recipient, in their preferred language, after the commit.

    Returns:
        The notifications created (one per recipient).
    """
    users = _users(recipients)
    if not users:
        return []
    texts = {
        lang: (_render(title, params, lang)[:300], _render(body, params, lang))
        for lang in LANGUAGES
    }
    object_type = f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title_ru=texts["ru"][0],
                title_en=texts["en"][0],
                body_ru=texts["ru"][1],
                body_en=texts["en"][1],
                url=url[:500],
                object_type=object_type,
                object_id=object_id,
            )
            for user in users
        ]
    )
    _changed(users)
    if email:
        ids = [str(row.pk) for row in rows]

        def enqueue():
            from .tasks import mail_notifications

            mail_notifications.enqueue(ids)

        transaction.on_commit(enqueue)
    return rows


def _changed(users) -> None:
    """The header's unread count changed for ``users``: their cached pages are stale."""
    from functools import partial

    from . import pagecache

    for user in users:
        pagecache.bump_on_commit(partial(pagecache.bump_notifications_version, user.pk))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[str] | None = None) -> int:
    """Mark ``user``'s notifications read (all of them when ``ids`` is None); returns how many."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    marked = rows.update(read_at=timezone.now())
    if marked:
        _changed([user])
    return marked


def _absolute(url: str) -> str:
    from django.conf import settings

    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def mail(ids: Iterable[str]) -> int:
    """E-mail the not yet mailed notifications among ``ids`` to their recipients, each in the
    recipient's language; returns how many were sent."""
    pending = list(
        Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("created_at")
    )
    sent = 0
    with get_connection() as backend:
        for start in range(0, len(pending), MAIL_BATCH):
            batch = pending[start : start + MAIL_BATCH]
            messages = []
            for row in batch:
                lang = "en" if row.recipient.preferred_language == "en" else "ru"
                title = (row.title_en if lang == "en" else "") or row.title_ru
                body = (row.body_en if lang == "en" else "") or row.body_ru
                link = _absolute(row.url)
                text = "\n\n".join(part for part in (title, body, link) if part)
                messages.append(
                    EmailMessage(f"InnoCluster: {title}", text, None, [row.recipient.email])
                )
            backend.send_messages(messages)
            Notification.objects.filter(pk__in=[row.pk for row in batch]).update(
                emailed_at=timezone.now()
            )
            sent += len(batch)
    return sent
