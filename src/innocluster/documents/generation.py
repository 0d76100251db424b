"""Documents made by the platform for later capabilities: a call's notice, a grant agreement, the
board's minutes, the accession agreement. One call renders the PDF from a template (with its
registration number printed on it), registers the document and sends it along its route.

::

    from innocluster.documents.generation import create_from_template
    from innocluster.documents.services import StepSpec

    document = create_from_template(
        "generic",
        {"body_paragraphs": ["The Fund awards the grant ..."]},
        title="Grant agreement No. 17",
        sender=fund_organisation(),
        parties=[application.organisation],
        route=[
            StepSpec(application.organisation, order=1, deadline=in_two_weeks),
            StepSpec(fund_organisation(), order=2),
        ],
        links=[application],  # or ("programmes.application", application.pk)
        actor=operator,
    )

``create_from_data`` does the same for structured content (a dict stored as canonical JSON).

The callback when signing is done. ``documents.signals.document_signed`` is sent once, after the
transaction that added the last signature commits, with ``document=``. A capability reacts to
the documents linked to its own objects with :func:`when_signed`, connected once at start-up
(its ``AppConfig.ready``), so every process has it before any document is signed::

    # programmes/apps.py
    def ready(self):
        from innocluster.documents.generation import when_signed

        from .services import start_project

        when_signed("programmes.application", start_project, doc_type="grant_agreement")

    # programmes/services/consortium.py
    def start_project(document, object_id):
        application = Application.objects.get(pk=object_id)
        ...  # runs in its own transaction; record your audit event here

The handler gets the document and the id of the linked object (as text); it runs in a
transaction of its own, after the signatures are committed, and an exception in it is logged,
never undoing the signatures. (``document_rejected`` works the same way with
:func:`when_rejected`.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from innocluster.core.models import NumberSequence
from innocluster.registry.models import Organisation

from . import rendering
from .choices import MediaType, PartyRole, StepRole
from .models import Document
from .services import (
    MOSCOW,
    PartySpec,
    StepSpec,
    create_document,
    send_for_signature,
)
from .signals import document_rejected, document_signed

logger = logging.getLogger(__name__)

# Tries to register under the number printed on the PDF: while the reservation holds the
# sequence's lock nobody takes the number, so only a year boundary in between needs a second.
_NUMBER_ATTEMPTS = 2


class NumberMismatch(RuntimeError):
    """The document got another number than the one printed on its PDF (nothing was stored)."""


def _sequence_name(doc_type: str, when: datetime) -> str:
    # The same sequence services.registration_number() takes the next value of.
    return f"documents.{doc_type}.{timezone.localtime(when, MOSCOW).year}"


def _reserve_number(doc_type: str, when: datetime) -> str:
    """The registration number the next document of ``doc_type`` will get, with the sequence
    locked until the caller's transaction ends, so nobody else takes it meanwhile.

    A no-op UPDATE takes the lock on both databases: a row lock on PostgreSQL, the write lock on
    SQLite (where SELECT ... FOR UPDATE does nothing)."""
    from .choices import REGISTRATION_PREFIXES

    name = _sequence_name(doc_type, when)
    NumberSequence.objects.get_or_create(name=name)
    NumberSequence.objects.filter(name=name).update(value=F("value"))
    value = NumberSequence.objects.select_for_update().get(name=name).value + 1
    year = timezone.localtime(when, MOSCOW).year
    return f"{REGISTRATION_PREFIXES[doc_type]}-{year}-{value:06d}"


def _organisation_name(organisation: Organisation, lang: str) -> str:
    if lang.startswith("en") and organisation.name_en:
        return organisation.name_en
    return organisation.name_ru


def _signers(route: list[StepSpec], lang: str) -> list[dict]:
    """The signature table printed at the end of the PDF, from the route."""
    with translation.override(lang):
        rows = []
        for step in sorted(route, key=lambda s: s.order):
            if step.role == StepRole.USER and step.user is not None:
                who = getattr(step.user, "full_name", "") or step.user.email
            else:
                who = str(StepRole.SIGNATORY.label)
            rows.append({"organisation": _organisation_name(step.organisation, lang), "role": who})
        return rows


def _default_context(context, *, title, sender, parties, route, lang) -> dict:
    """What the bundled templates print, where the caller did not give it."""
    party_orgs = [p.organisation for p in parties if p.organisation.pk != sender.pk]
    full = {
        "title": title,
        "sender_name": _organisation_name(sender, lang),
        "recipient_name": ", ".join(_organisation_name(o, lang) for o in party_orgs),
        "parties": [_organisation_name(o, lang) for o in [sender, *party_orgs]],
        "signers": _signers(route, lang),
    }
    if "body" in context and "body_paragraphs" not in context:
        full["body_paragraphs"] = rendering.paragraphs(str(context["body"]))
    full.update(context)
    return full


def _as_parties(parties: Iterable) -> list[PartySpec]:
    result = []
    for party in parties:
        if isinstance(party, PartySpec):
            result.append(party)
        elif isinstance(party, Organisation):
            result.append(PartySpec(party, PartyRole.RECIPIENT))
        else:
            result.append(PartySpec(**party))
    return result


def _as_route(route) -> list[StepSpec]:
    result = []
    for step in route or ():
        if isinstance(step, StepSpec):
            result.append(step)
        elif isinstance(step, Organisation):
            result.append(StepSpec(step))
        else:
            result.append(StepSpec(**step))
    return result


def create_from_template(
    template_code: str,
    context: dict,
    *,
    title: str,
    sender: Organisation,
    parties: Iterable = (),
    route=None,
    links: Iterable = (),
    actor,
    lang: str = "ru",
    send: bool = True,
    deadline: datetime | None = None,
) -> Document:
    """Render a document from a template to PDF, register it and send it for signature.

    The registration number is reserved first (the sequence stays locked until the document is
    saved), printed on the PDF, and is exactly the number the document is registered under.

    Args:
        template_code: a code of ``rendering.TEMPLATES`` (accession_agreement, letter, notice,
            generic); it also decides the document type.
        context: what the template prints; ``title``, ``sender_name``, ``recipient_name``,
            ``parties``, ``signers`` (from the route) and ``body_paragraphs`` (from ``body``)
            are filled in when not given.
        title: the document's title (also printed).
        sender: the sending organisation.
        parties: ``services.PartySpec``, dicts of its fields, or organisations (recipients).
        route: ``services.StepSpec`` (organisation, order, role, user, deadline), dicts of its
            fields, or organisations (any signatory, order 1); None or empty: not sent.
        links: the objects the document belongs to (model instances or ``(label, id)`` pairs).
        actor: who creates and sends it (``create_document``'s and ``send_for_signature``'s
            permission rules apply).
        lang: the language the PDF is printed in.
        send: send along ``route`` now (False keeps a draft).
        deadline: the deadline of route steps that give none.

    Returns:
        The document: ``sent`` when a route was given and ``send`` is true, else ``draft``.

    Raises:
        rendering.UnknownTemplate, and whatever ``create_document`` / ``send_for_signature``
        raise (``ValidationFailed``, ``NotPermitted``); nothing is stored then.
    """
    spec = rendering.template(template_code)
    party_specs = _as_parties(parties)
    steps = _as_route(route)
    full_context = _default_context(
        context, title=title, sender=sender, parties=party_specs, route=steps, lang=lang
    )
    for attempt in range(_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                created = timezone.now()
                number = _reserve_number(spec.doc_type, created)
                pdf = rendering.render_pdf(
                    template_code,
                    {**full_context, "registration_number": number},
                    created=created,
                    lang=lang,
                )
                document = create_document(
                    doc_type=spec.doc_type,
                    title=title,
                    sender=sender,
                    parties=party_specs,
                    content=pdf,
                    media_type=MediaType.PDF,
                    links=links,
                    actor=actor,
                    file_name=f"{number}.pdf",
                )
                if document.registration_number != number:
                    raise NumberMismatch(f"{document.registration_number} != {number}")
                if send and steps:
                    document = send_for_signature(document, steps, actor, deadline=deadline)
                return document
        except NumberMismatch:
            # Only a new Moscow year between reserving and registering gets here: the savepoint
            # gave everything back, so render again with the new year's number.
            if attempt == _NUMBER_ATTEMPTS - 1:
                raise
            logger.warning("registration number changed meanwhile; rendering again")
    raise AssertionError("unreachable")


def create_from_data(
    doc_type: str,
    data: dict | list,
    *,
    title: str,
    sender: Organisation,
    parties: Iterable = (),
    route=None,
    links: Iterable = (),
    actor,
    send: bool = True,
    deadline: datetime | None = None,
) -> Document:
    """Register a structured document (``data`` stored as canonical JSON: sorted keys, UTF-8)
    and send it for signature; signers sign the exact JSON bytes.

    Args and Returns: as :func:`create_from_template`, with ``doc_type`` a ``DocumentType``
    code instead of a template.
    """
    with transaction.atomic():
        document = create_document(
            doc_type=doc_type,
            title=title,
            sender=sender,
            parties=_as_parties(parties),
            content=data,
            media_type=MediaType.JSON,
            links=links,
            actor=actor,
        )
        steps = _as_route(route)
        if send and steps:
            document = send_for_signature(document, steps, actor, deadline=deadline)
    return document


# ---------------------------------------------------------------------------- callbacks

Handler = Callable[[Document, str], None]


def _connect(signal, object_type: str, handler: Handler, doc_type: str | None) -> Callable:
    def receiver(sender, document, **kwargs):
        if doc_type is not None and document.doc_type != doc_type:
            return
        ids = document.links.filter(object_type=object_type).values_list("object_id", flat=True)
        for object_id in list(ids):
            try:
                with transaction.atomic():
                    handler(document, object_id)
            except Exception:  # the signatures are committed; one failing handler stops nothing
                logger.exception(
                    "handler %s for %s %s of document %s failed",
                    getattr(handler, "__qualname__", handler),
                    object_type,
                    object_id,
                    document.registration_number,
                )

    uid = f"{object_type}:{doc_type or '*'}:{handler.__module__}.{handler.__qualname__}"
    signal.connect(receiver, sender=Document, weak=False, dispatch_uid=uid)
    return receiver


def when_signed(object_type: str, handler: Handler, *, doc_type: str | None = None) -> Callable:
    """Call ``handler(document, object_id)`` for each object of ``object_type`` (a model label
    such as "programmes.application") linked to a document once every signer has signed it.

    Args:
        object_type: the links to react to.
        handler: called in its own transaction after the signing transaction committed.
        doc_type: only documents of this type (all when None).

    Returns the connected receiver. Connecting the same handler again replaces nothing and
    adds nothing (one ``dispatch_uid`` per object type, type and handler).
    """
    return _connect(document_signed, object_type, handler, doc_type)


def when_rejected(object_type: str, handler: Handler, *, doc_type: str | None = None) -> Callable:
    """As :func:`when_signed`, when a signer refused (``document.status_reason`` says why)."""
    return _connect(document_rejected, object_type, handler, doc_type)


def linked_row(queryset, object_id, document: Document, *, field: str, state: str | None = None):
    """For a handler: the row ``object_id`` of ``queryset``, locked for update, while its
    ``field`` still names ``document`` (and, given ``state``, it is still in that state); None
    when the row is gone, a newer document replaced this one or the row moved on (the handler
    then does nothing)."""
    row = queryset.select_for_update().filter(pk=object_id).first()
    if row is None or getattr(row, field) != document.pk:
        return None
    if state is not None and row.state != state:
        return None
    return row


def last_signer(document: Document):
    """Who signed ``document`` last (the audit's actor for what its signing caused), or None."""
    signature = document.signatures.select_related("signer").order_by("-signed_at").first()
    return signature.signer if signature is not None else None


def refused_by(document: Document):
    """Who refused to sign ``document`` (the audit's actor for what the refusal caused), or None."""
    step = document.steps.filter(signed_by__isnull=False, status="rejected").first()
    return step.signed_by if step is not None else None
