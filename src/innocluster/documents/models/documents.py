"""Documents, their parties, links and immutable versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7
from innocluster.core.models import BaseModel

from ..choices import DocumentStatus, DocumentType, MediaType, PartyRole, VersionOrigin
from .write_once import WriteOnceModel


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may open: documents whose sender or party is one of their organisations,
        or which name them as a party or signer; the Fund's operators and administrators see all."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_fund_staff:
            return self.all()
        from innocluster.registry.models import OrganisationRole

        orgs = OrganisationRole.objects.filter(user=user).values("organisation_id")
        return self.filter(
            Q(sender_id__in=orgs)
            | Q(pk__in=DocumentParty.objects.filter(organisation_id__in=orgs).values("document_id"))
            | Q(pk__in=DocumentParty.objects.filter(user=user).values("document_id"))
        )

    def visible_to_organisation(self, organisation):
        """What a system acting for ``organisation`` (an API token) may open: its documents."""
        return self.filter(
            Q(sender=organisation)
            | Q(
                pk__in=DocumentParty.objects.filter(organisation=organisation).values("document_id")
            )
        )


class Document(BaseModel):
    """One electronic document between the Fund and members, with its registration number.

    Content lives in immutable ``DocumentVersion`` rows; ``current_version`` is the one parties
    sign now. Every version hash, signature and status change is also an entry in the
    transparency log (ledger), written in the same transaction as the change.
    """

    doc_type = models.CharField(_("type"), max_length=32, choices=DocumentType.choices)
    # PREFIX-YYYY-NNNNNN, sequential per type and year (Europe/Moscow), gap-free.
    registration_number = models.CharField(_("registration number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=500)
    sender = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="sent_documents",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        db_index=True,
    )
    # Why the document was rejected or revoked (shown to every party).
    status_reason = models.TextField(_("reason"), blank=True)
    current_version = models.ForeignKey(
        "documents.DocumentVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    completed_at = models.DateTimeField(_("signed by everyone"), null=True, blank=True)
    closed_at = models.DateTimeField(_("rejected or revoked"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["sender", "created_at"]),
        ]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.registration_number} {self.title}"


class DocumentLink(models.Model):
    """The object a document belongs to (a call, an application, a project, an organisation),
    named by its model label and id so any app may link without a foreign key into it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links")
    # A model label such as "registry.organisation" or "programmes.application".
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "object_type", "object_id"], name="document_link_once"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("document link")
        verbose_name_plural = _("document links")

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}"


class DocumentParty(models.Model):
    """An organisation (or one person of it) and its role in a document."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="document_parties",
    )
    # Set when the party is one named person of the organisation rather than the whole of it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_parties",
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organisation", "role"],
                condition=Q(user__isnull=True),
                name="document_party_once",
            ),
            models.UniqueConstraint(
                fields=["document", "organisation", "user", "role"],
                condition=Q(user__isnull=False),
                name="document_person_party_once",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]
        verbose_name = _("document party")
        verbose_name_plural = _("document parties")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"


class DocumentVersion(WriteOnceModel):
    """One immutable content of a document, addressed by the SHA-256 of its exact bytes.

    A change is a new row with the next number; a row's content never changes. Signatures
    point at the version whose bytes they cover. A ``fund_pades`` version is the previous
    PDF with the Fund's PAdES signature appended as an incremental update (``based_on``):
    its first bytes are exactly the previous version's, so the CMS signatures over the previous
    version stay valid for it, and the PAdES signature covers the whole signed PDF.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    media_type = models.CharField(_("media type"), max_length=32, choices=MediaType.choices)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    origin = models.CharField(
        _("origin"), max_length=16, choices=VersionOrigin.choices, default=VersionOrigin.UPLOAD
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Index of the log entry that recorded this version's hash.
    ledger_index = models.BigIntegerField(_("log entry"), null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number")
        ]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")

    def __str__(self) -> str:
        return f"v{self.number} {self.sha256[:12]}"
