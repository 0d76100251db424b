"""The matching index's source of record: one analysed document per searchable item."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Audience, DocumentKind


class MatchDocument(models.Model):
    """One organisation, product, technology offer or challenge as search and matching see it.

    Written by ``matching.indexing`` whenever the item changes; nothing else writes it. It holds
    only what may be shown to its audience: a challenge's NDA-protected fields never reach it, so
    no search, snippet, match explanation or export built from it can leak them. The database's
    full-text index (``matching.search``) and the in-memory matcher (``matching.engine``) are both
    built from ``terms``; the matcher follows ``changed_at`` to pick up edits within seconds.
    """

    # Internal only (it is the full-text table's rowid); URLs and the API use kind + object_id.
    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    object_id = models.UUIDField()
    # The organisation the item belongs to (an organisation's own document: itself).
    owner_id = models.UUIDField(db_index=True)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.PUBLIC)
    language = models.CharField(max_length=2, default="ru")
    title = models.CharField(max_length=500)
    title_translated = models.CharField(max_length=500, blank=True)
    # The visible text, snippets are cut from it; never a protected field.
    public_text = models.TextField(blank=True)
    # The analysed text (matching.text.analyse), space-separated stems in order.
    terms = models.TextField(blank=True)
    # Space-separated codes: priority areas, OKVED codes (main first).
    areas = models.CharField(max_length=200, blank=True)
    okved = models.CharField(max_length=500, blank=True)
    region = models.CharField(max_length=6, blank=True)
    # The owner's registry kind (company, startup, university, ...), for consortium roles.
    org_kind = models.CharField(max_length=32, blank=True)
    trl = models.PositiveSmallIntegerField(null=True, blank=True)
    # The item's own status code (a challenge's, a listing's, a membership's).
    status = models.CharField(max_length=16, blank=True)
    # When the item or its owner last did something; recent activity counts for a match.
    active_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True, db_index=True)
    # A removed item keeps its row until the next full rebuild, so running matchers drop it too.
    removed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("indexed document")
        verbose_name_plural = _("indexed documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="matching_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title[:40]}"
