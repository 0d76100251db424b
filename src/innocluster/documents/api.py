"""The documents API (mounted under /api/v1/ by innocluster.api.api).

Callers are people (the portal session) or systems with an organisation's API token, which act
for that organisation. Documents the caller may not see answer 404, as if they did not exist.
"""

import base64
import binascii
import uuid

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from innocluster.accounts.models import User
from innocluster.api.auth import (
    ANY_AUTH,
    caller_person,
    caller_token,
    caller_user,
    caller_with_scope,
)
from innocluster.api.schemas import ERRORS
from innocluster.core.errors import DomainError, FieldError, ValidationFailed
from innocluster.core.text import CleanStr
from innocluster.registry.models import Organisation

from . import selectors, services, signing, storage
from .filters import DocumentFilter
from .models import Document, DocumentVersion, Signature
from .schemas import (
    CompleteIn,
    DocumentDetailOut,
    DocumentIn,
    DocumentPage,
    PreparedOut,
    PrepareIn,
    ReasonIn,
    SignatureIn,
    SignatureOut,
    SimpleSignatureIn,
)

router = Router(tags=["documents"])


class DocumentQuery(Schema):
    status: CleanStr = NinjaField("", max_length=16)
    type: CleanStr = NinjaField("", max_length=32)
    organisation: CleanStr = NinjaField("", max_length=36, description="an organisation's id")
    q: CleanStr = NinjaField("", max_length=200, description="registration number or title words")
    date_from: CleanStr = NinjaField("", max_length=10, description="YYYY-MM-DD (Moscow)")
    date_to: CleanStr = NinjaField("", max_length=10, description="YYYY-MM-DD (Moscow)")
    overdue: CleanStr = NinjaField("", max_length=5, description="true: a deadline has passed")
    order: CleanStr = NinjaField("-created", max_length=16)
    limit: int = NinjaField(25, ge=1, le=500)
    offset: int = NinjaField(0, ge=0, le=1_000_000)


# ---------------------------------------------------------------------------- helpers


def _actor(request, *, writes: bool = False):
    """The signed-in person, or the API token acting for its organisation. A token reads with
    the ``read`` or ``documents`` scope and changes documents only with ``documents``."""
    return caller_with_scope(request, *(["documents"] if writes else ["read", "documents"]))


def _b64(value: str, field: str) -> bytes:
    try:
        return base64.b64decode("".join((value or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            [FieldError(field, _("Must be base64-encoded bytes."), "invalid_base64")]
        ) from None


def _org_ref(org) -> dict:
    return {"id": org.pk, "name": org.name}


def version_out(version: DocumentVersion | None) -> dict | None:
    if version is None:
        return None
    return {
        "number": version.number,
        "sha256": version.sha256,
        "media_type": version.media_type,
        "size": version.size,
        "file_name": version.file_name,
        "origin": version.origin,
        "based_on_sha256": version.based_on.sha256 if version.based_on_id else None,
        "created_at": version.created_at,
        "ledger_index": version.ledger_index,
    }


def document_out(document: Document) -> dict:
    return {
        "id": document.pk,
        "registration_number": document.registration_number,
        "type": document.doc_type,
        "title": document.title,
        "status": document.status,
        "status_reason": document.status_reason,
        "sender": _org_ref(document.sender),
        "current_version": version_out(document.current_version),
        "created_at": document.created_at,
        "sent_at": document.sent_at,
        "completed_at": document.completed_at,
    }


def signature_out(signature: Signature) -> dict:
    return {
        "id": signature.pk,
        "kind": signature.kind,
        "step": signature.step_id,
        "organisation": _org_ref(signature.organisation),
        "signer": str(signature.signer) if signature.signer_id else "",
        "version_sha256": signature.content_sha256,
        "signed_at": signature.signed_at,
        "certificate_serial": signature.certificate_serial,
        "certificate_issuer": signature.certificate_issuer,
        "second_factor": signature.second_factor,
        "ledger_index": signature.ledger_index,
        "report": signature.report or {},
    }


def detail_out(document: Document) -> dict:
    selectors.document_detail(document)
    versions = sorted(document.versions.all(), key=lambda v: v.number)
    by_id = {v.pk: v for v in versions}
    for version in versions:  # based_on without another query
        if version.based_on_id in by_id:
            version.based_on = by_id[version.based_on_id]
    data = document_out(document)
    data.update(
        versions=[version_out(v) for v in versions],
        parties=[
            {"organisation": _org_ref(p.organisation), "role": p.role, "user": p.user_id}
            for p in document.parties.all()
        ],
        route=[
            {
                "id": s.pk,
                "order": s.order,
                "organisation": _org_ref(s.organisation),
                "role": s.role,
                "user": s.user_id,
                "status": s.status,
                "deadline": s.deadline,
                "completed_at": s.completed_at,
            }
            for s in sorted(document.steps.all(), key=lambda s: (s.order, str(s.pk)))
        ],
        signatures=[signature_out(s) for s in document.signatures.all()],
        receipts=[
            {
                "kind": r.kind,
                "organisation": _org_ref(r.organisation),
                "version_sha256": r.version.sha256,
                "at": r.at,
                "ledger_index": r.ledger_index,
            }
            for r in document.receipts.all()
        ],
        links=[
            {"object_type": link.object_type, "object_id": link.object_id}
            for link in document.links.all()
        ],
    )
    return data


def _organisations(ids: list[uuid.UUID], field: str) -> dict:
    found = Organisation.objects.in_bulk(set(ids))
    errors = [
        FieldError(field.format(i), _("No such organisation."), "unknown_organisation")
        for i, pk in enumerate(ids)
        if pk not in found
    ]
    if errors:
        raise ValidationFailed(errors)
    return found


def _users(ids: list[uuid.UUID | None], field: str) -> dict:
    wanted = {pk for pk in ids if pk is not None}
    found = User.objects.in_bulk(wanted)
    errors = [
        FieldError(field.format(i), _("No such person."), "unknown_user")
        for i, pk in enumerate(ids)
        if pk is not None and pk not in found
    ]
    if errors:
        raise ValidationFailed(errors)
    return found


def _content_response(document: Document, version: DocumentVersion) -> HttpResponse:
    try:
        data = storage.get(version.sha256)
    except storage.ContentCorrupted:
        raise DomainError(
            _("The stored content no longer matches its hash; the operators were told."),
            code="content_corrupted",
            status=500,
        ) from None
    extension = "pdf" if version.media_type == "application/pdf" else "json"
    name = version.file_name or f"{document.registration_number}-v{version.number}.{extension}"
    response = HttpResponse(data, content_type=version.media_type)
    response["X-Content-SHA256"] = version.sha256
    response["Content-Disposition"] = f'attachment; filename="{_ascii(name)}"'
    return response


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)


# ---------------------------------------------------------------------------- endpoints


@router.get(
    "/documents",
    response={200: DocumentPage, **ERRORS},
    auth=ANY_AUTH,
    summary="Documents the caller may see",
)
def list_documents(request, filters: Query[DocumentQuery]):
    """The caller's documents (a token: its organisation's), filtered and paginated, newest first."""
    document_filter = DocumentFilter.from_params(filters.dict())
    queryset = selectors.document_list(_actor(request), document_filter)
    count = queryset.count()
    page = list(queryset[filters.offset : filters.offset + filters.limit])
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [document_out(d) for d in page],
    }


@router.post(
    "/documents",
    response={201: DocumentDetailOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Create a document (and send it for signature)",
)
def create_document(request, payload: DocumentIn):
    """Register a draft with its first version; with ``send`` it goes along ``route`` at once.
    Either both happen or nothing is stored."""
    actor = _actor(request, writes=True)
    token = caller_token(request)
    errors = []
    if payload.sender is None and token is None:
        errors.append(FieldError("sender", _("This field is required."), "required"))
    if payload.media_type == "application/pdf":
        content = _b64(payload.content_base64 or "", "content_base64")
    else:
        content = payload.content
        if content is None:
            errors.append(FieldError("content", _("This field is required."), "required"))
    if payload.send and not payload.route:
        errors.append(
            FieldError("route", _("Give the route to send the document along."), "required")
        )
    if errors:
        raise ValidationFailed(errors)
    if payload.media_type == "application/pdf":  # name the field the client sent
        storage.prepare_content(content, payload.media_type, field="content_base64")
    sender_id = payload.sender or token.organisation_id
    orgs = _organisations([sender_id], "sender")
    party_orgs = _organisations(
        [p.organisation for p in payload.parties], "parties.{}.organisation"
    )
    route_orgs = _organisations([s.organisation for s in payload.route], "route.{}.organisation")
    party_users = _users([p.user for p in payload.parties], "parties.{}.user")
    route_users = _users([s.user for s in payload.route], "route.{}.user")
    document = services.create_and_send(
        doc_type=payload.type,
        title=payload.title,
        sender=orgs[sender_id],
        parties=[
            services.PartySpec(party_orgs[p.organisation], p.role, party_users.get(p.user))
            for p in payload.parties
        ],
        content=content,
        media_type=payload.media_type,
        links=[(link.object_type, link.object_id) for link in payload.links],
        actor=actor,
        file_name=payload.file_name,
        route=[
            services.StepSpec(
                route_orgs[s.organisation], s.order, s.role, route_users.get(s.user), s.deadline
            )
            for s in payload.route
        ]
        if payload.send
        else None,
        deadline=payload.deadline,
    )
    return Status(201, detail_out(selectors.document_for(actor, document.pk)))


@router.get(
    "/documents/{document_id}",
    response={200: DocumentDetailOut, **ERRORS},
    auth=ANY_AUTH,
    summary="One document with its versions, route, signatures and receipts",
)
def get_document(request, document_id: uuid.UUID):
    return detail_out(selectors.document_for(_actor(request), document_id))


@router.get(
    "/documents/{document_id}/content",
    response={200: None, **ERRORS},
    auth=ANY_AUTH,
    summary="The current version's exact bytes",
)
def get_content(request, document_id: uuid.UUID):
    """The current version as stored, with its media type and ``X-Content-SHA256``. The first
    download by a party's person (or token) is recorded as a read receipt."""
    actor = _actor(request)
    document = selectors.document_for(actor, document_id)
    response = _content_response(document, document.current_version)
    services.record_read(document, actor)
    return response


@router.get(
    "/documents/{document_id}/versions/{sha256}",
    response={200: None, **ERRORS},
    auth=ANY_AUTH,
    summary="One version's exact bytes, by its SHA-256",
)
def get_version(request, document_id: uuid.UUID, sha256: str):
    document = selectors.document_for(_actor(request), document_id)
    return _content_response(document, selectors.version_by_sha256(document, sha256))


@router.post(
    "/documents/{document_id}/signatures",
    response={200: SignatureOut, 201: SignatureOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Add an enhanced (CAdES) signature",
)
def add_signature(request, document_id: uuid.UUID, payload: SignatureIn):
    """A detached CMS over the exact bytes of the version ``version_sha256`` (the current one).
    201 with the signature and its verification report; 200 when the identical signature was
    already stored; 422 naming the rule when it does not verify (nothing is stored). With an
    organisation's token the signer is the person its certificate was issued to, who must be a
    signatory of that organisation."""
    actor = _actor(request, writes=True)
    document = selectors.document_for(actor, document_id)
    cms_der = _b64(payload.signature, "signature")
    user = caller_user(request) or signing.signer_for_token(caller_token(request), cms_der)
    signature = signing.sign_enhanced(
        document, user, cms_der, version_sha256=payload.version_sha256
    )
    return Status(201 if signature.created else 200, signature_out(signature))


@router.post(
    "/documents/{document_id}/signatures/prepare",
    response={201: PreparedOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Browser signing, phase 1: the attributes to sign",
)
def prepare_signature(request, document_id: uuid.UUID, payload: PrepareIn):
    user = caller_person(request)
    document = selectors.document_for(user, document_id)
    prepared = signing.prepare_browser_signature(document, user, payload.certificate_serial)
    return Status(
        201,
        {
            "id": prepared.pk,
            "signed_attributes": base64.b64encode(bytes(prepared.signed_attributes)).decode(),
            "version_sha256": prepared.version.sha256,
            "expires_at": prepared.expires_at,
        },
    )


@router.post(
    "/documents/{document_id}/signatures/complete",
    response={200: SignatureOut, 201: SignatureOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Browser signing, phase 2: the browser's signature",
)
def complete_signature(request, document_id: uuid.UUID, payload: CompleteIn):
    user = caller_person(request)
    selectors.document_for(user, document_id)
    signature = signing.complete_browser_signature(
        payload.prepared_id, user, _b64(payload.signature, "signature")
    )
    return Status(201 if signature.created else 200, signature_out(signature))


@router.post(
    "/documents/{document_id}/simple-signature",
    response={201: SignatureOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Sign with a simple electronic signature (password or TOTP)",
)
def simple_signature(request, document_id: uuid.UUID, payload: SimpleSignatureIn):
    user = caller_person(request)
    document = selectors.document_for(user, document_id)
    signature = signing.sign_simple(
        document, user, password=payload.password, totp_code=payload.totp
    )
    return Status(201, signature_out(signature))


@router.post(
    "/documents/{document_id}/countersign",
    response={201: SignatureOut, **ERRORS},
    auth=ANY_AUTH,
    summary="The Fund's signatory signs the Fund's step",
)
def countersign(request, document_id: uuid.UUID):
    """PDF: the Fund's PAdES signature, as a new version; JSON: a CAdES signature with the
    Fund's key. Only a signatory of the Fund whose step is pending."""
    user = caller_person(request)
    document = selectors.document_for(user, document_id)
    return Status(201, signature_out(signing.countersign_as_fund(document, user)))


@router.post(
    "/documents/{document_id}/reject",
    response={200: DocumentDetailOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Refuse to sign, with a reason",
)
def reject_document(request, document_id: uuid.UUID, payload: ReasonIn):
    user = caller_person(request)
    document = services.reject(selectors.document_for(user, document_id), user, payload.reason)
    return detail_out(selectors.document_for(user, document.pk))


@router.post(
    "/documents/{document_id}/revoke",
    response={200: DocumentDetailOut, **ERRORS},
    auth=ANY_AUTH,
    summary="Revoke a draft or a signed document, with a reason",
)
def revoke_document(request, document_id: uuid.UUID, payload: ReasonIn):
    actor = _actor(request, writes=True)
    document = services.revoke(selectors.document_for(actor, document_id), actor, payload.reason)
    return detail_out(selectors.document_for(actor, document.pk))
