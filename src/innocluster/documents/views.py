"""The documents pages: inbox and outbox of the user's organisation, the operators' list of
documents in flight, the document page with its actions, the create page and "My certificates".

Thin, as everywhere: parse with a form, call one service, render. A document the user may not
see is a 404 (``Document.objects.visible_to``), never a 403. Enhanced signatures are made in the
browser (static/documents/signing.js) through the documents and pki APIs; these pages only show
the certificates and the signing widget, and work without script for everything else.
"""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists, Min, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.errors import Conflict, DomainError, NotFound, NotPermitted, ValidationFailed
from innocluster.core.paging import paginate_by_ids
from innocluster.pki import services as pki_services
from innocluster.pki.models import CertificateProfile, IssuedCertificate
from innocluster.portal.forms import add_domain_error
from innocluster.registry.choices import OrgRole
from innocluster.registry.models import Organisation, OrganisationRole

from . import generation, permissions, selectors, services, signing, storage, workflows
from .choices import IN_FLIGHT_STATUSES, DocumentStatus, MediaType, PartyRole, StepRole, StepStatus
from .filters import DocumentFilter
from .forms import (
    CertificateRevokeForm,
    CountersignForm,
    CreateDocumentForm,
    DocumentFilterForm,
    ReasonForm,
    RouteFormSet,
    SimpleSignForm,
    blank_route,
)
from .fund import fund_organisation, is_fund
from .models import Document, DocumentVersion, SigningStep

logger = logging.getLogger(__name__)
PAGE_SIZE = 25
TEMPLATES = "documents/"


def signed_in(view):
    """Anonymous: to the sign-in page. A hidden or absent object: 404. Never cached: every
    page here is one person's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            response = view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        add_never_cache_headers(response)
        return response

    return wrapper


# --- The user's organisations ------------------------------------------------------------------


def my_organisations(user) -> list[Organisation]:
    """The organisations ``user`` has any role in, by name, each once."""
    ids = OrganisationRole.objects.filter(user=user).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name_ru", "id"))


def _chosen_organisation(request, organisations):
    """The organisation of the switcher (``?org=``), else the first; None without any."""
    wanted = request.GET.get("org", "")
    for organisation in organisations:
        if str(organisation.pk) == wanted:
            return organisation
    return organisations[0] if organisations else None


def _sending_organisations(user) -> list[Organisation]:
    """Whom ``user`` may send documents for: organisations where they own, edit or sign, and
    for the Fund's staff the Fund."""
    ids = OrganisationRole.objects.filter(user=user, role__in=permissions.MANAGING_ROLES).values(
        "organisation_id"
    )
    organisations = list(Organisation.objects.filter(pk__in=ids).order_by("name_ru", "id"))
    if user.is_fund_staff:
        fund = fund_organisation()
        if fund not in organisations:
            organisations.insert(0, fund)
    return organisations


# --- Lists -------------------------------------------------------------------------------------


def _pending_steps():
    # A rejected or withdrawn document waits for nobody, whatever its unsigned steps say.
    return SigningStep.objects.filter(
        document=OuterRef("pk"),
        status=StepStatus.PENDING,
        document__status__in=IN_FLIGHT_STATUSES,
    )


def _list_rows(organisation=None):
    """How a list row is read: the sender and content in the same query, the nearest deadline of
    a pending step, whether it is past, whether ``organisation`` must sign now, and (one more
    query for the whole page) who the document waits for."""
    now = timezone.now()
    rows = Document.objects.select_related("sender", "current_version").annotate(
        next_deadline=Min(
            "steps__deadline",
            filter=Q(steps__status=StepStatus.PENDING, status__in=IN_FLIGHT_STATUSES),
        ),
        is_overdue=Exists(_pending_steps().filter(deadline__lt=now)),
    )
    if organisation is not None:
        rows = rows.annotate(our_turn=Exists(_pending_steps().filter(organisation=organisation)))
    pending = SigningStep.objects.filter(
        status=StepStatus.PENDING, document__status__in=IN_FLIGHT_STATUSES
    ).select_related("organisation")
    return rows.prefetch_related(
        Prefetch("steps", queryset=pending.order_by("order", "id"), to_attr="pending_steps")
    )


def _filtered(queryset, form: DocumentFilterForm):
    """The documents app's filter (the same class serves the API list)."""
    return DocumentFilter.from_params(form.api_params()).apply(queryset)


def _visible(user, queryset):
    return queryset.filter(pk__in=Document.objects.visible_to(user).values("pk"))


def _list_page(request, *, box: str, documents, heading: str, organisation=None, organisations=()):
    """One page of ``documents`` (a queryset) filtered by the request's parameters."""
    form = DocumentFilterForm(request.GET)
    status = 200
    if form.is_valid():
        try:
            queryset = _filtered(_visible(request.user, documents), form)
        except ValidationFailed as error:
            add_domain_error(form, error)
            queryset, params, status = Document.objects.none(), {}, 400
        else:
            if box == "in_flight":
                # Overdue first, then by the nearest deadline (selectors.in_flight's order).
                queryset = queryset.order_by("-overdue", "next_deadline", "created_at", "id")
            params = form.as_params()
    else:
        queryset, params, status = Document.objects.none(), {}, 400
    if organisation is not None:
        params = {"org": str(organisation.pk), **params}
    page_obj = paginate_by_ids(
        queryset.select_related(None), request.GET.get("page"), PAGE_SIZE, _list_rows(organisation)
    )
    return render(
        request,
        TEMPLATES + "list.html",
        {
            "box": box,
            "heading": heading,
            "form": form,
            "page_obj": page_obj,
            "filter_query": urlencode(params),
            "organisation": organisation,
            "organisations": organisations,
        },
        status=status,
    )


@require_safe
@signed_in
def inbox(request):
    """Documents sent to the user's organisation (the switcher chooses which)."""
    organisations = my_organisations(request.user)
    organisation = _chosen_organisation(request, organisations)
    if organisation is None:
        return _no_organisation(request, "inbox")
    return _list_page(
        request,
        box="inbox",
        # A draft is its sender's until it is sent, even when it already names the recipients.
        documents=selectors.inbox(organisation).exclude(status=DocumentStatus.DRAFT),
        heading=_("Inbox"),
        organisation=organisation,
        organisations=organisations,
    )


@require_safe
@signed_in
def outbox(request):
    """Documents the user's organisation sent."""
    organisations = my_organisations(request.user)
    organisation = _chosen_organisation(request, organisations)
    if organisation is None:
        return _no_organisation(request, "outbox")
    return _list_page(
        request,
        box="outbox",
        documents=selectors.outbox(organisation),
        heading=_("Outbox"),
        organisation=organisation,
        organisations=organisations,
    )


@require_safe
@signed_in
def in_flight(request):
    """Every document on its signing route, overdue first: the Fund's operators only."""
    if not request.user.is_fund_staff:
        raise Http404
    return _list_page(
        request,
        box="in_flight",
        documents=selectors.in_flight(),
        heading=_("Documents in flight"),
    )


def _no_organisation(request, box: str):
    return render(
        request,
        TEMPLATES + "list.html",
        {"box": box, "no_organisation": True, "heading": _("Documents")},
    )


# --- The document page -------------------------------------------------------------------------


def _document_for(user, document_id) -> Document:
    """The document if ``user`` may see it (selectors.document_for), else 404."""
    return selectors.document_for(user, document_id)


def _actions(user, document) -> dict:
    """What ``user`` may do to ``document`` now, and the step they would sign."""
    step = None
    if document.status in IN_FLIGHT_STATUSES:
        step = permissions.pending_step_for(user, document)
    # The Fund's key signs only the Fund's signatory steps; a step naming one person (a board
    # member signing minutes) is that person's own signature even when it is the Fund's.
    fund_step = step is not None and is_fund(step.organisation) and step.role != StepRole.USER
    return {
        "step": step,
        "may_sign": step is not None and not fund_step,
        "may_countersign": fund_step,
        "may_reject": step is not None,
        "may_revoke": workflows.can_move(user, document, DocumentStatus.REVOKED)[0],
    }


def _signing_certificates(user):
    """The user's valid signing certificates, for the browser-signing widget."""
    now = timezone.now()
    return list(
        IssuedCertificate.objects.filter(
            user=user,
            profile=CertificateProfile.SIGNING,
            revoked_at__isnull=True,
            not_before__lte=now,
            not_after__gt=now,
        ).order_by("-created_at")
    )


def _document_page(request, document, *, forms=None, status=200):
    forms = forms or {}
    user = request.user
    uses_totp = bool(getattr(user, "totp_secret", None))
    actions = _actions(user, document)
    selectors.document_detail(document)
    prefetch_related_objects([document], "receipts__user")
    context = {
        "document": document,
        "parties": sorted(document.parties.all(), key=lambda p: (PARTY_ORDER.get(p.role, 9), p.id)),
        "versions": document.versions.all(),
        "steps": document.steps.all(),
        "signatures": document.signatures.all(),
        "receipts": document.receipts.all(),
        "now": timezone.now(),
        "uses_totp": uses_totp,
        "sign_form": forms.get("sign") or SimpleSignForm(uses_totp=uses_totp),
        "reject_form": forms.get("reject") or ReasonForm(prefix="reject"),
        "revoke_form": forms.get("revoke") or ReasonForm(prefix="revoke"),
        "countersign_form": forms.get("countersign") or CountersignForm(),
        "certificates": _signing_certificates(user) if actions["may_sign"] else [],
        "evidence_url": f"/api/v1/documents/{document.pk}/evidence",
        "verify_url": _verify_url(document),
        **actions,
    }
    return render(request, TEMPLATES + "detail.html", context, status=status)


PARTY_ORDER = {PartyRole.SENDER: 0, PartyRole.RECIPIENT: 1, PartyRole.SIGNER: 2, PartyRole.COPY: 3}


def _verify_url(document) -> str:
    """The public verification page, where anyone checks the downloaded version and its
    signatures or the evidence package."""
    return reverse("verify:page")


@require_safe
@signed_in
def document_detail(request, document_id):
    """The document with its route, signatures, receipts and the actions the user may take.
    Opening it is a read receipt for the user's party organisation (services.record_read)."""
    document = _document_for(request.user, document_id)
    services.record_read(document, request.user)
    return _document_page(request, document)


@require_safe
@signed_in
def version_download(request, document_id, number: int):
    """The exact stored bytes of one version (their SHA-256 is on the document page)."""
    document = _document_for(request.user, document_id)
    try:
        version = document.versions.get(number=number)
    except DocumentVersion.DoesNotExist:
        raise Http404 from None
    try:
        data = storage.get(version.sha256)
    except storage.ContentCorrupted as exc:
        logger.error("document %s version %s: %s", document.pk, version.number, exc)
        return HttpResponse(
            _("The stored content of this version is damaged or missing; it is not served."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    if version.pk == document.current_version_id:
        services.record_read(document, request.user)
    extension = "pdf" if version.media_type == MediaType.PDF else "json"
    name = f"{document.registration_number}-v{version.number}.{extension}"
    response = HttpResponse(data, content_type=version.media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Length"] = str(len(data))
    response["X-Content-SHA256"] = version.sha256
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _refusal(form, error: DomainError, field_map=None) -> int:
    """Show a service's refusal on ``form``; the HTTP status the page answers with."""
    add_domain_error(form, error, field_map)
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 422


def _act(request, document, form, form_name: str, action, success: str, field_map=None):
    """Run one action form through its service: on success a message and back to the document;
    on bad input or a refusal the document page again, the error at its field, nothing changed."""
    status = 422
    if form.is_valid():
        try:
            action(form)
        except DomainError as error:
            status = _refusal(form, error, field_map)
        else:
            messages.success(request, success)
            return redirect("documents:detail", document_id=document.pk)
    return _document_page(request, document, forms={form_name: form}, status=status)


@require_POST
@signed_in
def sign(request, document_id):
    """A simple electronic signature on the user's pending step (signing.sign_simple)."""
    document = _document_for(request.user, document_id)
    form = SimpleSignForm(request.POST, uses_totp=bool(request.user.totp_secret))
    return _act(
        request,
        document,
        form,
        "sign",
        lambda f: signing.sign_simple(document, request.user, **f.service_kwargs()),
        _("You signed the document."),
        {"totp": "totp_code"},
    )


@require_POST
@signed_in
def reject(request, document_id):
    """Refuse to sign, with a reason (services.reject)."""
    document = _document_for(request.user, document_id)
    return _act(
        request,
        document,
        ReasonForm(request.POST, prefix="reject"),
        "reject",
        lambda f: services.reject(document, request.user, f.cleaned_data["reason"]),
        _("You rejected the document; every party sees your reason."),
    )


@require_POST
@signed_in
def revoke(request, document_id):
    """Withdraw the document, with a reason (services.revoke): its sender or the Fund."""
    document = _document_for(request.user, document_id)
    return _act(
        request,
        document,
        ReasonForm(request.POST, prefix="revoke"),
        "revoke",
        lambda f: services.revoke(document, request.user, f.cleaned_data["reason"]),
        _("The document is revoked."),
    )


@require_POST
@signed_in
def countersign(request, document_id):
    """The Fund's signatory countersigns (signing.countersign_as_fund)."""
    document = _document_for(request.user, document_id)
    return _act(
        request,
        document,
        CountersignForm(request.POST),
        "countersign",
        lambda f: signing.countersign_as_fund(document, request.user),
        _("You countersigned the document for the Fund."),
    )


# --- Creating a document -----------------------------------------------------------------------


def _create_and_send(form: CreateDocumentForm, route: list[dict], actor) -> Document:
    """One document, registered and sent along its route, or nothing at all: a template-made
    one through generation.create_from_template (the registration number printed on the PDF),
    an uploaded PDF through services.create_and_send."""
    data = form.cleaned_data
    parties = [{"organisation": org, "role": PartyRole.RECIPIENT} for org in data["recipients"]]
    if data["source"] == CreateDocumentForm.SOURCE_TEMPLATE:
        return generation.create_from_template(
            data["template"],
            {"body": data["body"]},
            title=data["title"],
            sender=data["sender"],
            parties=parties,
            route=route,
            actor=actor,
            lang=get_language(),
        )
    return services.create_and_send(
        doc_type=data["doc_type"],
        title=data["title"],
        sender=data["sender"],
        parties=parties,
        content=form.read_upload(),
        media_type=MediaType.PDF,
        actor=actor,
        file_name=data["file"].name[:255],
        route=route,
    )


@signed_in
def create(request):
    """Upload a PDF or write a text for a template, choose recipients and the route, send."""
    senders = _sending_organisations(request.user)
    if not senders:
        raise Http404
    if request.method == "POST":
        form = CreateDocumentForm(request.POST, request.FILES, senders=senders, user=request.user)
        formset = RouteFormSet(request.POST, prefix="route", form_kwargs={"user": request.user})
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            try:
                document = _create_and_send(form, formset.steps(), request.user)
            except DomainError as error:
                if isinstance(error, NotPermitted):
                    form.add_error(None, str(error.message))
                    status = 403
                else:
                    _place_create_errors(form, formset, error)
                    status = 422
            else:
                messages.success(
                    request,
                    _("Document %(number)s is registered and sent for signature.")
                    % {"number": document.registration_number},
                )
                return redirect("documents:detail", document_id=document.pk)
        else:
            status = 422
    elif request.method == "GET":
        form = CreateDocumentForm(
            senders=senders, user=request.user, initial={"sender": str(senders[0].pk)}
        )
        formset = RouteFormSet(
            prefix="route", initial=blank_route(), form_kwargs={"user": request.user}
        )
        status = 200
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(
        request,
        TEMPLATES + "create.html",
        {"form": form, "formset": formset, "fund": fund_organisation()},
        status=status,
    )


def _place_create_errors(form, formset, error: DomainError) -> None:
    rows = [f for f in formset.forms if f.has_content()]
    errors = list(getattr(error, "errors", []) or [])
    if not errors:
        form.add_error(None, str(error.message))
        return
    for item in errors:
        parts = item.field.split(".")
        if parts[0] == "route" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            name = "user_email" if parts[2] == "user" else parts[2]
            if index < len(rows) and name in rows[index].fields:
                rows[index].add_error(name, str(item.message))
                continue
        name = {"type": "doc_type", "content": "file", "parties": "recipients"}.get(
            parts[0], parts[0]
        )
        if name == "file" and form.cleaned_data.get("source") != CreateDocumentForm.SOURCE_UPLOAD:
            name = "body"
        form.add_error(name if name in form.fields else None, str(item.message))


# --- My certificates ---------------------------------------------------------------------------


def _my_certificates(user):
    return IssuedCertificate.objects.filter(
        user=user, profile=CertificateProfile.SIGNING
    ).select_related("organisation")


def _certificates_page(request, *, revoke_form=None, revoke_serial="", status=200):
    now = timezone.now()
    certificates = list(_my_certificates(request.user).order_by("-created_at"))
    for certificate in certificates:
        if certificate.revoked_at:
            certificate.state = "revoked"
        elif certificate.not_after <= now:
            certificate.state = "expired"
        elif certificate.not_before > now:
            certificate.state = "not_yet_valid"
        else:
            certificate.state = "valid"
    signatory_of = Organisation.objects.filter(
        pk__in=OrganisationRole.objects.filter(user=request.user, role=OrgRole.SIGNATORY).values(
            "organisation_id"
        )
    ).order_by("name_ru")
    return render(
        request,
        TEMPLATES + "certificates.html",
        {
            "certificates": certificates,
            "revoke_form": revoke_form or CertificateRevokeForm(),
            "revoke_serial": revoke_serial,
            "signatory_of": signatory_of,
        },
        status=status,
    )


@require_safe
@signed_in
def certificates(request):
    """My signing certificates; a new key is made in the browser (signing.js)."""
    return _certificates_page(request)


@require_POST
@signed_in
def certificate_revoke(request, serial):
    """Revoke one of my certificates (the pki service); someone else's is a 404."""
    certificate = _my_certificates(request.user).filter(serial_hex=serial).first()
    if certificate is None:
        raise Http404
    form = CertificateRevokeForm(request.POST)
    if form.is_valid():
        try:
            _revoke_certificate(certificate, request.user, form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error, {"serial": "reason"})
        else:
            messages.success(
                request,
                _(
                    "Certificate %(serial)s is revoked; signatures made after now with its key will not be valid."
                )
                % {"serial": certificate.serial_hex},
            )
            return redirect("documents:certificates")
    return _certificates_page(request, revoke_form=form, revoke_serial=serial, status=422)


def _revoke_certificate(certificate, user, reason: str):
    """pki.services.revoke: the holder (or the Fund's staff) revokes; a new CRL is published."""
    return pki_services.revoke(user, certificate.serial_hex, reason)
