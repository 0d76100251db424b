"""The accession agreement as a registered, signed document.

When the registry admits an organisation (``registry.services._admit``: an operator's approval,
an automatic admission, a re-admission), :func:`create_accession_agreement` runs in the same
transaction: it renders the binding Russian text (``registry.agreement.text("ru")``, its version
and SHA-256) with the organisation's name and INN and the Fund's name into a PDF, registers it
(``AC-YYYY-NNNNNN``) with the organisation and the Fund as parties, links it to the organisation
and sends it: first the organisation signs (order 1), then the Fund countersigns (order 2).

When both have signed, :func:`agreement_in_force` records ``membership.agreement_in_force`` on
the organisation's audit trail (its history in the back office). The receiver is connected when
this module is imported; the documents app's ``ready()`` must import it so that every process
(not only one that admitted somebody) has it.

Who acts. The document is the Fund's (its sender is the Fund), so only the Fund's people may
revoke it. An operator who approves creates it in person; on an automatic admission (the
applicant's own, or a partner platform's with no person at all) the platform creates it for
the Fund, through :func:`platform_actor`, and the organisation's audit trail names the person
whose action admitted it.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from innocluster.accounts.models import ApiToken
from innocluster.core.audit import record_event
from innocluster.core.models import AuditEvent
from innocluster.registry import agreement
from innocluster.registry.choices import OrgRole
from innocluster.registry.models import Organisation, OrganisationRole

from .choices import IN_FLIGHT_STATUSES, DocumentStatus, DocumentType, PartyRole, StepRole
from .fund import fund_organisation
from .generation import create_from_template, when_signed
from .models import Document
from .permissions import may_create_document
from .services import PartySpec, StepSpec

TEMPLATE = "accession_agreement"
LINK_TYPE = "registry.organisation"
# The member signs within a month; the Fund countersigns within two weeks after that.
MEMBER_DAYS = 30
FUND_DAYS = 44
PLATFORM_ACTOR_NAME = "InnoCluster: accession on admission"
IN_FORCE_ACTION = "membership.agreement_in_force"


def platform_actor(fund: Organisation | None = None) -> ApiToken:
    """The platform acting for the Fund, for documents no person of the Fund makes by hand.

    An ``ApiToken`` is what the documents app knows as "a system acting for one organisation";
    this one is never saved (it has no key, so nobody can present it), and the audit trail
    labels its actions with its name.
    """
    return ApiToken(name=PLATFORM_ACTOR_NAME, organisation=fund or fund_organisation(), scopes=[])


def text_sha256(lang: str = "ru") -> str:
    """SHA-256 of the agreement's text, exactly as the registry records an acceptance of it."""
    return hashlib.sha256(agreement.text(lang).encode()).hexdigest()


def agreement_title() -> str:
    """The binding text's own heading ("Соглашение о присоединении ...")."""
    for line in agreement.text("ru").splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return "Соглашение о присоединении"


def agreements_of(organisation: Organisation):
    """The organisation's accession agreements, newest first."""
    return Document.objects.filter(
        doc_type=DocumentType.ACCESSION_AGREEMENT,
        links__object_type=LINK_TYPE,
        links__object_id=str(organisation.pk),
    ).order_by("-created_at")


def current_agreement(organisation: Organisation) -> Document | None:
    """The agreement that counts now: one on its route or in force, else the latest."""
    documents = agreements_of(organisation)
    return (
        documents.filter(status__in=[*IN_FLIGHT_STATUSES, DocumentStatus.SIGNED]).first()
        or documents.first()
    )


def member_step(organisation: Organisation, deadline: dt.datetime) -> StepSpec:
    """Who signs for the organisation: any of its signatories; while it has none, its owner
    (the applicant whose application admitted it, else its earliest owner) by name; with no
    person at all (a partner platform applied for it), any signatory it appoints later."""
    roles = OrganisationRole.objects.filter(organisation=organisation)
    if roles.filter(role=OrgRole.SIGNATORY).exists():
        return StepSpec(organisation, order=1, role=StepRole.SIGNATORY, deadline=deadline)
    applicant_id = (
        organisation.applications.filter(applicant__isnull=False)
        .order_by("-created_at")
        .values_list("applicant_id", flat=True)
        .first()
    )
    owners = list(
        roles.filter(role=OrgRole.OWNER).order_by("granted_at", "id").select_related("user")
    )
    chosen = next((r for r in owners if r.user_id == applicant_id), None) or next(
        iter(owners), None
    )
    if chosen is not None:
        return StepSpec(
            organisation, order=1, role=StepRole.USER, user=chosen.user, deadline=deadline
        )
    return StepSpec(organisation, order=1, role=StepRole.SIGNATORY, deadline=deadline)


def route_for(organisation: Organisation, fund: Organisation, now=None) -> list[StepSpec]:
    """The organisation first, then the Fund's signatory."""
    now = now or timezone.now()
    return [
        member_step(organisation, now + dt.timedelta(days=MEMBER_DAYS)),
        StepSpec(
            fund, order=2, role=StepRole.SIGNATORY, deadline=now + dt.timedelta(days=FUND_DAYS)
        ),
    ]


def create_accession_agreement(organisation: Organisation, actor) -> Document:
    """Register the organisation's accession agreement and send it for signature; call inside
    the admission's transaction.

    Args:
        organisation: the organisation being admitted.
        actor: whoever admitted it (an operator, the applicant, or None for a partner
            platform's application); audited on the organisation.

    Returns:
        The agreement, ``sent``; the one already on its route when there is one (a second
        admission does not make a second agreement to sign).
    """
    waiting = agreements_of(organisation).filter(status__in=IN_FLIGHT_STATUSES).first()
    if waiting is not None:
        return waiting
    fund = fund_organisation()
    creator = actor if actor is not None and may_create_document(actor, fund)[0] else None
    text = agreement.text("ru")
    sha = hashlib.sha256(text.encode()).hexdigest()
    heading = agreement_title()
    from .rendering import paragraphs

    document = create_from_template(
        TEMPLATE,
        {
            "title": heading,
            "fund_name": fund.name_ru,
            "organisation_name": organisation.name_ru,
            "organisation_inn": organisation.inn or organisation.foreign_registration_number or "—",
            "agreement_paragraphs": paragraphs(text),
            "agreement_version": agreement.VERSION,
            "agreement_sha256": sha,
        },
        title=f"{heading}: {organisation.name_ru}"[:500],
        sender=fund,
        parties=[PartySpec(organisation, PartyRole.RECIPIENT)],
        route=route_for(organisation, fund),
        links=[organisation],
        actor=creator or platform_actor(fund),
        lang="ru",
    )
    record_event(
        actor=actor,
        action="membership.agreement_sent",
        obj=organisation,
        after={
            "document": str(document.pk),
            "registration_number": document.registration_number,
            "agreement_version": agreement.VERSION,
            "text_sha256": sha,
            "pdf_sha256": document.current_version.sha256,
        },
        summary=document.registration_number,
    )
    return document


def agreement_in_force(document: Document, object_id: str) -> None:
    """``document_signed`` for an accession agreement: record on the organisation that its
    agreement is in force (once per document), by the person whose signature completed it."""
    organisation = Organisation.objects.filter(pk=object_id).first()
    if organisation is None:
        return
    already = AuditEvent.objects.filter(
        object_type=LINK_TYPE,
        object_id=str(organisation.pk),
        action=IN_FORCE_ACTION,
        summary=document.registration_number,
    )
    if already.exists():
        return
    last = document.signatures.select_related("signer").order_by("-signed_at").first()
    record_event(
        actor=last.signer if last is not None else None,
        action=IN_FORCE_ACTION,
        obj=organisation,
        after={
            "document": str(document.pk),
            "registration_number": document.registration_number,
            "sha256": document.current_version.sha256 if document.current_version_id else "",
            "signed_at": document.completed_at,
        },
        summary=document.registration_number,
    )


when_signed(LINK_TYPE, agreement_in_force, doc_type=DocumentType.ACCESSION_AGREEMENT)
