"""Documents' use cases: create, version, send along a route, reject, revoke, read receipts.

Signing itself is in ``signing.py`` (simple, enhanced, browser, the Fund's countersignature).
Every function checks permission, runs in one transaction that first locks the document row,
records an audit event, and appends a transparency-log entry for every version hash, signature,
receipt and status change in that same transaction, so rows and log never disagree.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.accounts.models import ApiToken
from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed
from innocluster.core.sequences import next_number
from innocluster.core.text import has_control_characters
from innocluster.ledger.services import append_entry
from innocluster.registry.models import Organisation, OrganisationRole

from . import storage
from .choices import (
    IN_FLIGHT_STATUSES,
    REGISTRATION_PREFIXES,
    DocumentStatus,
    DocumentType,
    PartyRole,
    ReceiptKind,
    StepRole,
    StepStatus,
    VersionOrigin,
)
from .models import Document, DocumentLink, DocumentParty, DocumentVersion, Receipt, SigningStep
from .permissions import is_person, may_create_document, may_manage_document
from .signals import document_rejected, document_signed
from .workflows import find_transition

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
LOG_OBJECT_TYPE = "document"


# ---------------------------------------------------------------------------- inputs


@dataclass
class PartySpec:
    """A party of a new document: an organisation (or one person of it) and its role."""

    organisation: Organisation
    role: str = PartyRole.RECIPIENT
    user: object | None = None


@dataclass
class StepSpec:
    """One step of a signing route. Steps with the same ``order`` are signed in parallel; a
    higher order waits for every lower one. ``role`` is ``signatory`` (any signatory of the
    organisation) or ``user`` (exactly ``user``, who must act for the organisation)."""

    organisation: Organisation
    order: int = 1
    role: str = StepRole.SIGNATORY
    user: object | None = None
    deadline: datetime | None = None


def _as_party(value) -> PartySpec:
    if isinstance(value, PartySpec):
        return value
    if isinstance(value, Organisation):
        return PartySpec(value)
    return PartySpec(**value)


def _as_step(value) -> StepSpec:
    if isinstance(value, Organisation):
        value = StepSpec(value)
    elif not isinstance(value, StepSpec):
        value = StepSpec(**value)
    value.deadline = _aware(value.deadline)
    return value


def _aware(moment: datetime | None) -> datetime | None:
    """A deadline without a time zone is Moscow time (what people write)."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, MOSCOW)
    return moment


# ---------------------------------------------------------------------------- helpers


def actor_label(actor) -> str:
    if isinstance(actor, ApiToken):
        return f"API token “{actor.name}” of {actor.organisation_id}"
    return getattr(actor, "email", "") or "system"


def _audit(actor, action: str, document: Document, *, before=None, after=None, summary=""):
    record_event(
        actor=actor if is_person(actor) else None,
        actor_label=actor_label(actor),
        action=action,
        obj=document,
        before=before,
        after=after,
        summary=summary,
    )


def log_entry(kind: str, document: Document, payload: dict):
    """Append a transparency-log entry about ``document`` (inside the caller's transaction).

    The log is public: entries carry opaque ids, hashes and codes, never names or e-mails."""
    return append_entry(
        kind,
        {
            "document": str(document.pk),
            "registration_number": document.registration_number,
            **payload,
        },
        object_type=LOG_OBJECT_TYPE,
        object_id=str(document.pk),
    )


def lock(document: Document) -> Document:
    """The document re-read under a row lock: every write to a document and its route, signatures
    and receipts starts here, so two signers never interleave."""
    return Document.objects.select_for_update().get(pk=document.pk)


def registration_number(doc_type: str, when: datetime | None = None) -> str:
    """The next registration number of ``doc_type`` for the Moscow year of ``when`` (now):
    ``PREFIX-YYYY-NNNNNN``. Call inside the transaction that saves it (gap-free)."""
    year = timezone.localtime(when or timezone.now(), MOSCOW).year
    value = next_number(f"documents.{doc_type}.{year}")
    return f"{REGISTRATION_PREFIXES[doc_type]}-{year}-{value:06d}"


def _check_text(field: str, value: str, *, required: bool, max_length: int) -> list[FieldError]:
    value = (value or "").strip()
    if required and not value:
        return [FieldError(field, _("This field is required."), "required")]
    if len(value) > max_length:
        return [FieldError(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")]
    if has_control_characters(value):
        return [FieldError(field, _("Must not contain control characters."), "invalid")]
    return []


def _store_version(
    document: Document,
    data: bytes,
    media_type: str,
    actor,
    *,
    file_name: str = "",
    origin: str = VersionOrigin.UPLOAD,
    based_on: DocumentVersion | None = None,
) -> DocumentVersion:
    """Write ``data`` to the store, add it as the next version, log its hash; the caller holds
    the document lock. A file written for a transaction that later rolls back stays in the
    store unreferenced (harmless: content-addressed, and the next upload of it reuses it)."""
    sha256 = storage.put(data)
    number = (document.versions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        sha256=sha256,
        media_type=media_type,
        size=len(data),
        file_name=file_name[:255],
        origin=origin,
        based_on=based_on,
        created_by=actor if is_person(actor) else None,
    )
    entry = log_entry(
        "document.version",
        document,
        {
            "version": number,
            "version_id": str(version.pk),
            "sha256": sha256,
            "media_type": media_type,
            "size": len(data),
            "origin": origin,
        },
    )
    version.ledger_index = entry.index
    version.save(update_fields=["ledger_index"])
    document.current_version = version
    document.save(update_fields=["current_version", "updated_at"])
    return version


def move(document: Document, target: str, actor, *, reason: str = "") -> Document:
    """Move a locked ``document`` to ``target`` through the workflow table: permission and guard
    checked, status logged and audited; ``document_signed``/``document_rejected`` are sent when
    the transaction commits."""
    transition = find_transition(document.status, target)
    if transition is None:
        raise Conflict(
            _("A document in status “%(source)s” cannot become “%(target)s”.")
            % {
                "source": DocumentStatus(document.status).label,
                "target": DocumentStatus(target).label,
            },
            code="invalid_transition",
        )
    allowed, why = transition.permission(actor, document)
    if not allowed:
        raise NotPermitted(why)
    ok, why = transition.guard(document)
    if not ok:
        raise Conflict(why, code="invalid_transition")
    source = document.status
    now = timezone.now()
    document.status = target
    if transition.needs_reason:
        document.status_reason = reason
    if target == DocumentStatus.SENT:
        document.sent_at = now
    elif target == DocumentStatus.SIGNED:
        document.completed_at = now
    elif target in (DocumentStatus.REJECTED, DocumentStatus.REVOKED):
        document.closed_at = now
    document.save()
    log_entry(
        "document.status",
        document,
        {"from": source, "to": target, "reason": reason if transition.needs_reason else ""},
    )
    _audit(
        actor,
        f"document.{target}",
        document,
        before={"status": source},
        after={"status": target},
        summary=reason,
    )
    if target == DocumentStatus.SIGNED:
        transaction.on_commit(
            lambda: document_signed.send(sender=Document, document=document), robust=True
        )
    elif target == DocumentStatus.REJECTED:
        transaction.on_commit(
            lambda: document_rejected.send(sender=Document, document=document), robust=True
        )
    return document


def deliver(document: Document, version: DocumentVersion) -> list[Receipt]:
    """Delivery receipts of ``version`` to every party but the sender (locked document)."""
    receipts = []
    orgs = (
        document.parties.exclude(organisation_id=document.sender_id)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    for org_id in sorted(set(orgs), key=str):
        receipt = _receipt(document, version, org_id, None, ReceiptKind.DELIVERED)
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def _receipt(document, version, organisation_id, user, kind) -> Receipt | None:
    if Receipt.objects.filter(version=version, organisation_id=organisation_id, kind=kind).exists():
        return None
    receipt = Receipt.objects.create(
        document=document,
        version=version,
        organisation_id=organisation_id,
        user=user,
        kind=kind,
        at=timezone.now(),
    )
    entry = log_entry(
        f"document.{kind}",
        document,
        {"version_sha256": version.sha256, "organisation": str(organisation_id)},
    )
    receipt.ledger_index = entry.index
    receipt.save(update_fields=["ledger_index"])
    return receipt


def _link_of(value) -> tuple[str, str]:
    if isinstance(value, models.Model):
        return value._meta.label_lower, str(value.pk)
    object_type, object_id = value
    return str(object_type), str(object_id)


# ---------------------------------------------------------------------------- use cases


def create_document(
    *,
    doc_type: str,
    title: str,
    sender: Organisation,
    parties: Iterable = (),
    content: bytes | dict | list,
    media_type: str,
    links: Iterable = (),
    actor,
    file_name: str = "",
) -> Document:
    """Register a new draft document with its first version.

    Args:
        doc_type: a ``DocumentType`` code; decides the registration prefix.
        title: shown in lists and on the document page.
        sender: the organisation sending it (also recorded as the ``sender`` party).
        parties: ``PartySpec`` (or dicts of its fields, or bare organisations = recipients).
        content: the PDF's bytes, or JSON (a dict/list, or its bytes; stored canonical).
        media_type: ``application/pdf`` or ``application/json``.
        links: objects it belongs to: model instances or ``(label, id)`` pairs.
        actor: a person of the sender, its API token, or a Fund operator.
        file_name: the original file name, if any.

    Returns the document, in ``draft``, version 1, with its registration number.
    Raises ``ValidationFailed`` (nothing stored) or ``NotPermitted``.
    """
    allowed, why = may_create_document(actor, sender)
    if not allowed:
        raise NotPermitted(why)
    errors = []
    if doc_type not in DocumentType.values:
        errors.append(
            FieldError(
                "type",
                _("Must be one of: %s.") % ", ".join(DocumentType.values),
                "invalid_choice",
            )
        )
    errors += _check_text("title", title, required=True, max_length=500)
    errors += _check_text("file_name", file_name, required=False, max_length=255)
    party_specs = [_as_party(p) for p in parties]
    for i, spec in enumerate(party_specs):
        if spec.role not in PartyRole.values:
            errors.append(
                FieldError(f"parties.{i}.role", _("Unknown party role."), "invalid_choice")
            )
        if (
            spec.user is not None
            and not OrganisationRole.objects.filter(
                organisation=spec.organisation, user=spec.user
            ).exists()
        ):
            errors.append(
                FieldError(
                    f"parties.{i}.user",
                    _("The person does not act for this organisation."),
                    "not_a_member",
                )
            )
    link_pairs = [_link_of(link) for link in links]
    for i, (object_type, object_id) in enumerate(link_pairs):
        if not object_type or len(object_type) > 100 or not object_id or len(object_id) > 64:
            errors.append(
                FieldError(f"links.{i}", _("A link is a model label and an id."), "invalid")
            )
    try:
        data = storage.prepare_content(content, media_type)
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        document = Document.objects.create(
            doc_type=doc_type,
            title=title.strip(),
            sender=sender,
            registration_number=registration_number(doc_type),
            created_by=actor if is_person(actor) else None,
        )
        DocumentParty.objects.create(document=document, organisation=sender, role=PartyRole.SENDER)
        seen = {(sender.pk, None, PartyRole.SENDER)}
        for spec in party_specs:
            key = (spec.organisation.pk, getattr(spec.user, "pk", None), spec.role)
            if key not in seen:
                seen.add(key)
                DocumentParty.objects.create(
                    document=document,
                    organisation=spec.organisation,
                    user=spec.user,
                    role=spec.role,
                )
        for object_type, object_id in dict.fromkeys(link_pairs):
            DocumentLink.objects.create(
                document=document, object_type=object_type, object_id=object_id
            )
        log_entry(
            "document.registered",
            document,
            {"type": doc_type, "sender": str(sender.pk), "status": DocumentStatus.DRAFT},
        )
        _store_version(document, data, media_type, actor, file_name=file_name)
        _audit(
            actor,
            "document.created",
            document,
            after={
                "registration_number": document.registration_number,
                "type": doc_type,
                "title": document.title,
                "sha256": document.current_version.sha256,
            },
        )
    return document


def create_and_send(*, route=None, deadline: datetime | None = None, **fields) -> Document:
    """``create_document(**fields)`` and, when ``route`` is given, ``send_for_signature`` in one
    transaction: both happen or nothing is stored."""
    with transaction.atomic():
        document = create_document(**fields)
        if route is not None:
            document = send_for_signature(document, route, fields["actor"], deadline)
    return document


def add_version(
    document: Document, content: bytes | dict | list, media_type: str, actor, *, file_name: str = ""
) -> DocumentVersion:
    """Add new content to a draft (the old versions stay as they were).

    Returns the new version, now current. Raises ``Conflict`` once the document was sent."""
    allowed, why = may_manage_document(actor, document)
    if not allowed:
        raise NotPermitted(why)
    data = storage.prepare_content(content, media_type)
    errors = _check_text("file_name", file_name, required=False, max_length=255)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        document = lock(document)
        if document.status != DocumentStatus.DRAFT:
            raise Conflict(
                _("Versions are added only to a draft; this document was already sent."),
                code="not_a_draft",
            )
        version = _store_version(document, data, media_type, actor, file_name=file_name)
        _audit(
            actor,
            "document.version_added",
            document,
            after={"version": version.number, "sha256": version.sha256},
        )
    return version


def send_for_signature(
    document: Document, route: Iterable, actor, deadline: datetime | None = None
) -> Document:
    """Send a draft along its signing route.

    Args:
        route: ``StepSpec`` (or dicts of its fields); the lowest order becomes pending at once.
        deadline: the default deadline of steps that give none.

    Returns the document, now ``sent``; every party but the sender gets a delivery receipt.
    """
    allowed, why = may_manage_document(actor, document)
    if not allowed:
        raise NotPermitted(why)
    specs = [_as_step(s) for s in route]
    deadline = _aware(deadline)
    errors = []
    if not specs:
        errors.append(
            FieldError("route", _("The signing route needs at least one step."), "required")
        )
    for i, spec in enumerate(specs):
        if not isinstance(spec.order, int) or not 1 <= spec.order <= 100:
            errors.append(
                FieldError(f"route.{i}.order", _("An order is a number from 1 to 100."), "invalid")
            )
        if spec.role not in StepRole.values:
            errors.append(
                FieldError(f"route.{i}.role", _("Must be signatory or user."), "invalid_choice")
            )
        elif spec.role == StepRole.USER and (
            spec.user is None
            or not OrganisationRole.objects.filter(
                organisation=spec.organisation, user=spec.user
            ).exists()
        ):
            errors.append(
                FieldError(
                    f"route.{i}.user",
                    _("A named signer must be a person of the step's organisation."),
                    "not_a_member",
                )
            )
        step_deadline = spec.deadline or deadline
        if step_deadline is not None and step_deadline <= timezone.now():
            errors.append(
                FieldError(
                    f"route.{i}.deadline", _("The deadline must be in the future."), "in_the_past"
                )
            )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        document = lock(document)
        if document.status != DocumentStatus.DRAFT:
            raise Conflict(_("Only a draft can be sent."), code="invalid_transition")
        if document.steps.exists():
            document.steps.all().delete()  # a route only exists once sent; defensive
        first = min(spec.order for spec in specs)
        for spec in specs:
            SigningStep.objects.create(
                document=document,
                order=spec.order,
                organisation=spec.organisation,
                role=spec.role,
                user=spec.user if spec.role == StepRole.USER else None,
                deadline=spec.deadline or deadline,
                status=StepStatus.PENDING if spec.order == first else StepStatus.WAITING,
            )
            if not document.parties.filter(organisation=spec.organisation).exists():
                DocumentParty.objects.create(
                    document=document, organisation=spec.organisation, role=PartyRole.SIGNER
                )
        move(document, DocumentStatus.SENT, actor)
        log_entry(
            "document.route",
            document,
            {
                "steps": [
                    {"order": s.order, "organisation": str(s.organisation_id), "role": s.role}
                    for s in document.steps.order_by("order", "id")
                ]
            },
        )
        deliver(document, document.current_version)
    return document


def reject(document: Document, user, reason: str) -> Document:
    """A signer of a pending step refuses to sign; the route stops and every party sees the
    reason. Returns the document, now ``rejected``; ``document_rejected`` is sent on commit."""
    errors = _check_text("reason", reason, required=True, max_length=2000)
    if errors:
        raise ValidationFailed(errors)
    from .permissions import pending_step_for

    with transaction.atomic():
        document = lock(document)
        if document.status not in IN_FLIGHT_STATUSES:
            raise Conflict(
                _("Only a document on its signing route can be rejected."),
                code="invalid_transition",
            )
        step = pending_step_for(user, document)
        if step is None:
            raise NotPermitted(_("You have no step of this document to sign now."))
        step.status = StepStatus.REJECTED
        step.signed_by = user
        step.completed_at = timezone.now()
        step.save(update_fields=["status", "signed_by", "completed_at"])
        move(document, DocumentStatus.REJECTED, user, reason=reason.strip())
    return document


def revoke(document: Document, actor, reason: str) -> Document:
    """The sender (or a Fund operator) withdraws a document, with a reason: a draft, one still
    on its signing route (no signer is asked any more) or a signed one. Signatures stay as they
    were: they remain verifiable, and the log records the revocation."""
    errors = _check_text("reason", reason, required=True, max_length=2000)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        document = lock(document)
        move(document, DocumentStatus.REVOKED, actor, reason=reason.strip())
    return document


def record_read(document: Document, reader) -> list[Receipt]:
    """Read receipts: the first time a person of a party organisation (not the sender), or its
    API token, opens or downloads the current version. Returns the receipts made now (usually
    none)."""
    if document.current_version_id is None:
        return []
    parties = document.parties.exclude(organisation_id=document.sender_id)
    if isinstance(reader, ApiToken):
        if not reader.is_active:
            return []
        parties, user = parties.filter(organisation_id=reader.organisation_id), None
    elif is_person(reader):
        parties, user = parties.filter(organisation__roles__user=reader), reader
    else:
        return []
    party_orgs = set(parties.values_list("organisation_id", flat=True))
    already = set(
        Receipt.objects.filter(
            version_id=document.current_version_id,
            kind=ReceiptKind.READ,
            organisation_id__in=party_orgs,
        ).values_list("organisation_id", flat=True)
    )
    if not party_orgs - already:
        return []
    made = []
    with transaction.atomic():
        document = lock(document)
        version = document.current_version
        for org_id in sorted(party_orgs - already, key=str):
            receipt = _receipt(document, version, org_id, user, ReceiptKind.READ)
            if receipt is not None:
                made.append(receipt)
    return made


_SIGNING_USE_CASES = {
    "sign_simple",
    "sign_enhanced",
    "prepare_browser_signature",
    "complete_browser_signature",
    "countersign_as_fund",
}


def __getattr__(name: str):
    """The signing use cases live in signing.py (which builds on this module); they are reachable
    from here too, so callers find every documents use case in ``services``."""
    if name in _SIGNING_USE_CASES:
        from . import signing

        return getattr(signing, name)
    raise AttributeError(name)
