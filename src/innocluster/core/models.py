"""Base models and the audit trail shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ids import uuid7


class BaseModel(models.Model):
    """Abstract base: an opaque time-ordered UUID primary key and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One state change made through a service: who, when, what, and the state before and after.

    Rows are only ever inserted; operators read them as an object's history.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's description at the time (a user's e-mail, an API token's name, "system").
    actor_label = models.CharField(_("actor"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["object_type", "object_id", "-occurred_at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
        )


class NumberSequence(models.Model):
    """A named gap-free counter for human-readable numbers (member numbers, document registration
    numbers per type and year). Incremented under a row lock, so numbers never repeat."""

    name = models.CharField(max_length=100, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Notification(models.Model):
    """A message to one person about something that needs them (or that they asked to hear
    about): listed on their notifications page and e-mailed once (``emailed_at``).

    The text is stored in both languages as it was written when the event happened, so the page
    shows it in the reader's language and later edits of the object do not rewrite history.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A stable code of what happened (``application.revision_requested``), for filters and mail
    # preferences; never translated.
    kind = models.CharField(_("kind"), max_length=100)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    # Where to act: a path inside the portal ("/applications/…/").
    url = models.CharField(_("link"), max_length=500, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"
