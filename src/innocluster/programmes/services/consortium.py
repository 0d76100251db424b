"""The consortium: inviting partners by INN, the consent each partner signs (and the callbacks
that confirm or decline it when the consent is signed or refused), declining to take part."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed
from innocluster.documents.generation import last_signer, linked_row, refused_by
from innocluster.registry.choices import ADMITTED_STATUSES, LegalForm
from innocluster.registry.identifiers import check_identifiers
from innocluster.registry.models import Organisation, OrganisationRole

from ..choices import MemberRole, ParticipationStatus
from ..models import Application, ConsortiumMember
from ..permissions import EDITING_ROLES, may_edit_application
from . import notices
from .common import _audit, _editable, _lock, _permit, _text
from .documents import CONSENT_TEMPLATE, PRINT_LANG, register_document_templates


def _normalised_inn(inn) -> tuple[str, list[FieldError]]:
    """The INN compacted and checked with python-stdnum (through the registry's checks): 10
    digits for an organisation, 12 for an entrepreneur."""
    if not isinstance(inn, str) or not inn.strip():
        return "", [FieldError("inn", _("Give the partner's INN."), "required")]
    digits = re.sub(r"[\s-]", "", inn)
    if not digits.isdigit():
        return "", [FieldError("inn", _("INN must consist of digits only."), "invalid_inn")]
    if len(digits) == 10:
        form = LegalForm.LEGAL_ENTITY
    elif len(digits) == 12:
        form = LegalForm.INDIVIDUAL_ENTREPRENEUR
    else:
        return "", [
            FieldError("inn", _("An INN has 10 digits (12 for an entrepreneur)."), "invalid_inn")
        ]
    ids, errors = check_identifiers(form, digits, None)
    return ids.inn or "", [e for e in errors if e.field == "inn"]


def invite_partner(application: Application, inn: str, *, actor) -> ConsortiumMember:
    """Add a partner to the consortium by its INN; its signatory then confirms participation
    with a signed consent (:func:`send_consent`).

    Args:
        application: a draft (or an application returned for revision).
        inn: the partner's INN; it must be valid and belong to a member or partner organisation
            of the cluster's registry.
        actor: a person of the lead (owner, editor, signatory).

    Returns:
        The new member, ``invited`` (a partner that declined earlier is invited again).

    Raises:
        ValidationFailed (field ``inn``): invalid, not in the registry, not admitted.
        Conflict: already in the consortium (``already_member``), the consortium is full
            (``consortium_full``), the application cannot be changed (``not_editable``).
        NotPermitted.
    """
    _permit(may_edit_application(actor, application))
    inn, errors = _normalised_inn(inn)
    if errors:
        raise ValidationFailed(errors)
    organisation = Organisation.objects.filter(inn=inn).first()
    if organisation is None:
        raise ValidationFailed(
            [
                FieldError(
                    "inn",
                    _(
                        "No organisation with INN %(inn)s is in the cluster's registry; "
                        "it must join the cluster first."
                    )
                    % {"inn": inn},
                    "not_in_registry",
                )
            ]
        )
    if organisation.status not in ADMITTED_STATUSES:
        raise ValidationFailed(
            [
                FieldError(
                    "inn",
                    _(
                        "%(name)s (INN %(inn)s) is neither a member nor a partner organisation "
                        "of the cluster, so it cannot take part in a joint project."
                    )
                    % {"name": organisation.name_ru, "inn": inn},
                    "not_admitted",
                )
            ]
        )
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        existing = locked.members.filter(organisation=organisation).first()
        if existing is not None and existing.status != ParticipationStatus.DECLINED:
            raise Conflict(
                _("%(name)s is already in the consortium.") % {"name": organisation.name_ru},
                code="already_member",
            )
        active = locked.members.exclude(status=ParticipationStatus.DECLINED).count()
        if active >= locked.call.max_members:
            raise Conflict(
                _("The call takes consortia of at most %(max)d organisations.")
                % {"max": locked.call.max_members},
                code="consortium_full",
            )
        if existing is not None:
            member = existing
            member.status = ParticipationStatus.INVITED
            member.consent_document_id = None
            member.answered_at = None
            member.decline_reason = ""
            member.save()
        else:
            try:
                with transaction.atomic():
                    member = ConsortiumMember.objects.create(
                        application=locked, organisation=organisation, role=MemberRole.PARTNER
                    )
            except IntegrityError:  # invited at the same moment by another editor
                raise Conflict(
                    _("%(name)s is already in the consortium.") % {"name": organisation.name_ru},
                    code="already_member",
                ) from None
        _audit(
            actor,
            "application.partner_invited",
            locked,
            after={"organisation": str(organisation.pk), "inn": inn, "member": str(member.pk)},
        )
        notices.partner_invited(member)
    return member


def send_consent(member: ConsortiumMember, *, actor):
    """Send the partner a "consent to take part" document to sign, from the lead, routed to the
    partner's signatory and linked to the application and the member. When it is signed the
    member is confirmed; when refused, declined (:func:`consent_signed`, :func:`consent_rejected`).

    Returns the document (``sent``). Raises ``Conflict`` (``not_a_partner``,
    ``consent_already_sent``, ``not_editable``) or ``NotPermitted``.
    """
    from innocluster.documents.generation import create_from_template
    from innocluster.documents.services import PartySpec, StepSpec

    register_document_templates()
    application = member.application
    _permit(may_edit_application(actor, application))
    if member.role != MemberRole.PARTNER:
        raise Conflict(_("Only a partner confirms its participation."), code="not_a_partner")
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        member = ConsortiumMember.objects.select_for_update().get(pk=member.pk)
        if member.status != ParticipationStatus.INVITED:
            raise Conflict(
                _("The partner's participation is already “%(status)s”.")
                % {"status": ParticipationStatus(member.status).label},
                code="consent_already_sent",
            )
        partner = member.organisation
        call = locked.call
        lead = locked.lead
        deadline = call.deadline if call.deadline > timezone.now() else None
        with translation.override(PRINT_LANG):
            consent_title = _("Consent to take part in the joint project “%(title)s”") % {
                "title": locked.title[:400]
            }
        document = create_from_template(
            CONSENT_TEMPLATE,
            {
                "partner_name": partner.name_ru,
                "partner_inn": partner.inn or partner.foreign_registration_number or "—",
                "lead_name": lead.name_ru,
                "lead_inn": lead.inn or "—",
                "project_title": locked.title,
                "call_title": call.title_ru,
                "call_code": call.code,
                "application_id": str(locked.pk),
            },
            title=consent_title,
            sender=lead,
            parties=[PartySpec(partner)],
            route=[StepSpec(partner, order=1, deadline=deadline)],
            links=[locked, member],
            actor=actor,
        )
        member.status = ParticipationStatus.CONSENT_SENT
        member.consent_document_id = document.pk
        member.save(update_fields=["status", "consent_document_id"])
        _audit(
            actor,
            "application.consent_sent",
            locked,
            after={
                "member": str(member.pk),
                "organisation": str(partner.pk),
                "document": str(document.pk),
                "registration_number": document.registration_number,
            },
            summary=document.registration_number,
        )
        notices.consent_to_sign(member, document)
    return document


def _member_for_document(document, object_id):
    # None for an older consent, superseded by a new invitation.
    return linked_row(
        ConsortiumMember.objects.select_related("application"),
        object_id,
        document,
        field="consent_document_id",
    )


def consent_signed(document, object_id: str) -> None:
    """``document_signed`` for a consent: the partner is confirmed (once)."""
    member = _member_for_document(document, object_id)
    if member is None or member.status != ParticipationStatus.CONSENT_SENT:
        return
    member.status = ParticipationStatus.CONFIRMED
    member.answered_at = timezone.now()
    member.save(update_fields=["status", "answered_at"])
    _audit(
        last_signer(document),
        "application.partner_confirmed",
        member.application,
        before={"member": str(member.pk), "status": ParticipationStatus.CONSENT_SENT},
        after={"member": str(member.pk), "status": ParticipationStatus.CONFIRMED},
        summary=document.registration_number,
    )
    notices.partner_answered(member, confirmed=True)


def consent_rejected(document, object_id: str) -> None:
    """``document_rejected`` for a consent: the partner declined, with the signer's reason."""
    member = _member_for_document(document, object_id)
    if member is None or member.status != ParticipationStatus.CONSENT_SENT:
        return
    member.status = ParticipationStatus.DECLINED
    member.answered_at = timezone.now()
    member.decline_reason = (document.status_reason or "")[:500]
    member.save(update_fields=["status", "answered_at", "decline_reason"])
    _audit(
        refused_by(document),
        "application.partner_declined",
        member.application,
        before={"member": str(member.pk), "status": ParticipationStatus.CONSENT_SENT},
        after={"member": str(member.pk), "status": ParticipationStatus.DECLINED},
        summary=member.decline_reason,
    )
    notices.partner_answered(member, confirmed=False)


def decline_participation(member: ConsortiumMember, *, actor, reason: str) -> ConsortiumMember:
    """The partner's own people (owner, editor, signatory) decline to take part, with a reason.

    Returns the member, ``declined``. Raises ``ValidationFailed`` (``reason``), ``Conflict``
    (``not_a_partner``, ``already_declined``) or ``NotPermitted``.
    """
    if not (
        getattr(actor, "is_authenticated", False)
        and OrganisationRole.objects.filter(
            organisation_id=member.organisation_id, user=actor, role__in=list(EDITING_ROLES)
        ).exists()
    ):
        raise NotPermitted(_("Only the partner's own people may decline its participation."))
    errors: list[FieldError] = []
    reason = _text(errors, "reason", reason, required=True, max_length=500, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    if member.role != MemberRole.PARTNER:
        raise Conflict(_("The lead applicant cannot decline."), code="not_a_partner")
    with transaction.atomic():
        member = (
            ConsortiumMember.objects.select_for_update()
            .select_related("application")
            .get(pk=member.pk)
        )
        if member.status == ParticipationStatus.DECLINED:
            raise Conflict(_("The participation was already declined."), code="already_declined")
        before = member.status
        member.status = ParticipationStatus.DECLINED
        member.answered_at = timezone.now()
        member.decline_reason = reason
        member.save(update_fields=["status", "answered_at", "decline_reason"])
        _audit(
            actor,
            "application.partner_declined",
            member.application,
            before={"member": str(member.pk), "status": before},
            after={"member": str(member.pk), "status": ParticipationStatus.DECLINED},
            summary=reason,
        )
        notices.partner_answered(member, confirmed=False)
    return member
