"""Reads of documents, always scoped to what the caller may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db.models import Exists, Min, OuterRef, Q

from innocluster.accounts.models import ApiToken
from innocluster.core.errors import NotFound
from innocluster.ledger.models import LogEntry

from . import storage
from .choices import IN_FLIGHT_STATUSES, PartyRole
from .filters import DocumentFilter, overdue_steps
from .models import Document, DocumentParty, DocumentVersion, Signature
from .services import LOG_OBJECT_TYPE


def visible_documents(caller):
    """Documents a person (``visible_to``) or an API token (its organisation's) may see."""
    if isinstance(caller, ApiToken):
        if not caller.is_active:
            return Document.objects.none()
        return Document.objects.visible_to_organisation(caller.organisation)
    return Document.objects.visible_to(caller)


def document_list(caller, document_filter: DocumentFilter):
    """The caller's documents, filtered and ordered, with what a list row shows."""
    return document_filter.apply(visible_documents(caller)).select_related(
        "sender", "current_version"
    )


def document_for(caller, document_id) -> Document:
    """One document the caller may see; ``NotFound`` otherwise (absent and invisible alike)."""
    try:
        document_id = uuid.UUID(str(document_id))
    except ValueError:
        raise NotFound() from None
    found = (
        visible_documents(caller)
        .select_related("sender", "current_version", "created_by")
        .filter(pk=document_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def inbox(organisation):
    """Documents where ``organisation`` is a party but not the sender, newest first."""
    return (
        Document.objects.filter(
            pk__in=DocumentParty.objects.filter(organisation=organisation)
            .exclude(role=PartyRole.SENDER)
            .values("document_id")
        )
        .exclude(sender=organisation)
        .select_related("sender", "current_version")
        .order_by("-created_at")
    )


def outbox(organisation):
    """Documents ``organisation`` sent, newest first."""
    return (
        Document.objects.filter(sender=organisation)
        .select_related("sender", "current_version")
        .order_by("-created_at")
    )


def in_flight():
    """For the Fund's operators: everything sent or partly signed, overdue first, then by the
    nearest deadline, then oldest first."""
    return (
        Document.objects.filter(status__in=IN_FLIGHT_STATUSES)
        .annotate(
            overdue=Exists(overdue_steps().filter(document=OuterRef("pk"))),
            next_deadline=Min("steps__deadline", filter=Q(steps__status="pending")),
        )
        .select_related("sender", "current_version")
        .order_by("-overdue", "next_deadline", "created_at")
    )


def documents_linked_to(obj):
    """Documents linked to a model instance (a call, an application, a project...)."""
    return Document.objects.filter(
        links__object_type=obj._meta.label_lower, links__object_id=str(obj.pk)
    )


def version_by_sha256(document: Document, sha256: str) -> DocumentVersion:
    found = (
        document.versions.filter(sha256=(sha256 or "").lower()).order_by("-number").first()
        if len(sha256 or "") == 64
        else None
    )
    if found is None:
        raise NotFound()
    return found


def version_content(version: DocumentVersion) -> bytes:
    """The version's exact bytes (``storage.ContentCorrupted`` if the stored file changed)."""
    return storage.get(version.sha256)


def document_detail(document: Document) -> Document:
    """The document with its parties, versions, route, signatures and receipts prefetched."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        [document],
        "parties__organisation",
        "parties__user",
        "versions",
        "steps__organisation",
        "steps__user",
        "steps__signed_by",
        "signatures__signer",
        "signatures__organisation",
        "signatures__version",
        "receipts__organisation",
        "receipts__version",
        "links",
    )
    return document


@dataclass
class EvidenceVersion:
    version: DocumentVersion
    content: bytes


@dataclass
class EvidenceSignature:
    signature: Signature
    cms_der: bytes | None
    certificate_der: bytes | None
    certificates: list[bytes] = field(default_factory=list)


@dataclass
class EvidenceMaterial:
    """Everything an evidence package needs: every version's bytes, every signature with its
    CMS and certificates, and the indexes of every log entry about the document."""

    document: Document
    versions: list[EvidenceVersion]
    signatures: list[EvidenceSignature]
    ledger_indexes: list[int]


def evidence_material(document: Document) -> EvidenceMaterial:
    """The material of ``document``'s evidence (the caller checked visibility)."""
    versions = [
        EvidenceVersion(v, storage.get(v.sha256)) for v in document.versions.order_by("number")
    ]
    signatures = []
    for signature in document.signatures.select_related("version", "signer", "organisation"):
        cms_der = bytes(signature.cms_der) if signature.cms_der else None
        certificates = []
        if cms_der:
            from cryptography.hazmat.primitives.serialization import Encoding

            from innocluster.pki.cms import certificates_in

            certificates = [c.public_bytes(Encoding.DER) for c in certificates_in(cms_der)]
        signatures.append(
            EvidenceSignature(
                signature,
                cms_der,
                bytes(signature.certificate_der) if signature.certificate_der else None,
                certificates,
            )
        )
    indexes = list(
        LogEntry.objects.filter(object_type=LOG_OBJECT_TYPE, object_id=str(document.pk))
        .order_by("index")
        .values_list("index", flat=True)
    )
    return EvidenceMaterial(document, versions, signatures, indexes)
