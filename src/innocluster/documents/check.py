"""`innocluster documents check`: do signatures, statuses, the log and the stored content agree?

For every document it checks that
- each version's stored bytes still hash to its address and its log entry records that hash;
- each signature covers its version's hash, has its log entry, and its step is signed by it;
- the route's step statuses and the document's status agree (e.g. ``signed`` iff every step is);
- the log's latest status entry names the document's status, and every signature the log
  records exists (no signature logged but missing, none stored but unlogged);
- each receipt has its log entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from innocluster.ledger.models import LogEntry

from . import storage
from .choices import DocumentStatus, StepStatus
from .models import Document
from .services import LOG_OBJECT_TYPE


@dataclass
class Problem:
    """One disagreement: the document, where in it, and what."""

    document: str  # registration number
    position: str  # e.g. "version 2", "signature <id>", "log entry #17", "status"
    message: str

    def __str__(self) -> str:
        return f"{self.document} {self.position}: {self.message}"


def _payload(entry: LogEntry) -> dict:
    try:
        return json.loads(bytes(entry.leaf_input))
    except ValueError:
        return {}


def check_document(document: Document) -> list[Problem]:
    number = document.registration_number
    problems: list[Problem] = []

    def problem(position, message):
        problems.append(Problem(number, position, message))

    entries = {
        e.index: e
        for e in LogEntry.objects.filter(object_type=LOG_OBJECT_TYPE, object_id=str(document.pk))
    }
    payloads = {index: _payload(e) for index, e in entries.items()}

    def expect_entry(position, index, kind, **fields) -> None:
        if index is None or index not in entries:
            problem(position, f"has no log entry (expected a {kind} entry)")
            return
        data = payloads[index]
        if data.get("kind") != kind or any(data.get(k) != v for k, v in fields.items()):
            problem(position, f"log entry #{index} does not record it ({kind} {fields})")

    versions = list(document.versions.order_by("number"))
    if document.current_version_id not in {v.pk for v in versions}:
        problem("current version", "is missing")
    content: dict = {}  # version id -> its bytes, when they are intact
    for version in versions:
        position = f"version {version.number}"
        try:
            content[version.pk] = storage.get(version.sha256)
        except storage.ContentCorrupted as exc:
            problem(position, str(exc))
        except ValueError:
            problem(position, f"has an invalid address {version.sha256!r}")
        expect_entry(position, version.ledger_index, "document.version", sha256=version.sha256)

    steps = list(document.steps.all())
    signatures = list(document.signatures.select_related("version"))
    by_step = {s.step_id: s for s in signatures if s.step_id}
    for signature in signatures:
        position = f"signature {signature.pk}"
        if signature.content_sha256 != signature.version.sha256:
            problem(position, "covers other bytes than its version")
        data = content.get(signature.version_id)
        if data is not None and not _intact(signature, data):
            problem(position, f"no longer matches the bytes of version {signature.version.number}")
        expect_entry(
            position,
            signature.ledger_index,
            "document.signature",
            signature=str(signature.pk),
            version_sha256=signature.content_sha256,
        )
    for step in steps:
        position = f"step {step.order}/{step.organisation_id}"
        signed = step.pk in by_step
        if step.status == StepStatus.SIGNED and not signed:
            problem(position, "is marked signed but has no signature")
        if signed and step.status != StepStatus.SIGNED:
            problem(position, f"has a signature but is {step.status}")
    logged_signatures = {
        data.get("signature"): index
        for index, data in payloads.items()
        if data.get("kind") == "document.signature"
    }
    stored = {str(s.pk) for s in signatures}
    for signature_id, index in sorted(logged_signatures.items(), key=lambda kv: kv[1]):
        if signature_id not in stored:
            problem(f"log entry #{index}", f"records signature {signature_id}, which is missing")

    statuses = [s.status for s in steps]
    expected = _expected_status(document.status, statuses)
    if expected is not None:
        problem("status", expected)
    status_entries = sorted(
        (index, data) for index, data in payloads.items() if data.get("kind") == "document.status"
    )
    logged_status = status_entries[-1][1].get("to") if status_entries else DocumentStatus.DRAFT
    if logged_status != document.status:
        position = f"log entry #{status_entries[-1][0]}" if status_entries else "status"
        problem(position, f"the log says {logged_status}, the document says {document.status}")

    for receipt in document.receipts.select_related("version"):
        expect_entry(
            f"receipt {receipt.kind}/{receipt.organisation_id}",
            receipt.ledger_index,
            f"document.{receipt.kind}",
            version_sha256=receipt.version.sha256,
        )
    return problems


def _intact(signature, data: bytes) -> bool:
    """Whether the signature's cryptography still matches the version's bytes (not whether its
    certificate is still trusted: that is the verification report's business)."""
    from .choices import SignatureKind

    if signature.kind == SignatureKind.SIMPLE:
        return True  # a simple signature is the logged hash, checked above
    if signature.kind == SignatureKind.PADES:
        from innocluster.pki.pades import verify_pdf

        reports = verify_pdf(data)
        return bool(reports) and all(r.intact for r in reports)
    if not signature.cms_der:
        return False
    from innocluster.pki.verify import verify_cms

    return verify_cms(data, bytes(signature.cms_der)).intact


def _expected_status(status: str, steps: list[str]) -> str | None:
    """Why ``status`` disagrees with the route's step statuses, or None."""
    signed = sum(s == StepStatus.SIGNED for s in steps)
    rejected = any(s == StepStatus.REJECTED for s in steps)
    if status == DocumentStatus.DRAFT and steps:
        return "a draft has a signing route"
    if status == DocumentStatus.SENT and (signed or rejected or not steps):
        return "sent, but the route is not untouched"
    if (
        status == DocumentStatus.PARTLY_SIGNED
        and not (0 < signed < len(steps))
        or (status == DocumentStatus.PARTLY_SIGNED and rejected)
    ):
        return "partly signed, but the route says otherwise"
    if status == DocumentStatus.SIGNED and (not steps or signed != len(steps)):
        return "signed, but not every step is signed"
    if status == DocumentStatus.REJECTED and not rejected:
        return "rejected, but no step was rejected"
    if status != DocumentStatus.REJECTED and rejected:
        return f"a step was rejected but the document is {status}"
    return None


def check_documents(document_id=None) -> tuple[int, list[Problem]]:
    """Check one document (by id or registration number) or all. Returns how many were checked
    and the problems found."""
    documents = Document.objects.order_by("created_at", "id")
    if document_id:
        try:
            import uuid

            documents = documents.filter(pk=uuid.UUID(str(document_id)))
        except ValueError:
            documents = documents.filter(registration_number=str(document_id))
    problems: list[Problem] = []
    count = 0
    for document in documents.iterator(chunk_size=500):
        count += 1
        problems += check_document(document)
    return count, problems
