"""Registry use cases: joining the cluster, claims, the operators' decisions, status changes.

Every function here checks permission, runs in one transaction and writes an audit event, so the
web pages, the API and the command line all change state the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innocluster.core.audit import record_event, record_export, snapshot
from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed
from innocluster.core.sequences import next_number

from . import agreement
from .checks import make_check, review_reasons
from .choices import (
    ADMITTED_STATUSES,
    PUBLIC_STATUSES,
    ApplicationStatus,
    LegalForm,
    MembershipStatus,
    OrganisationKind,
    OrgRole,
    SmeCategory,
)
from .identifiers import check_identifiers
from .models import (
    AgreementAcceptance,
    AnnualRevenue,
    MembershipApplication,
    MembershipStatusChange,
    OkvedCode,
    Organisation,
    OrganisationRole,
    PriorityArea,
    Region,
)
from .permissions import may_edit_organisation
from .sme import compute_sme_category
from .workflows import MEMBERSHIP_TRANSITIONS

ORGANISATION_AUDIT_FIELDS = [
    "registered_on", "description_ru", "description_en", "contact_name", "contact_email",
    "contact_phone", "address",
    "legal_form", "kind", "name_ru", "name_en", "inn", "ogrn", "kpp", "country",
    "foreign_registration_number", "region_id", "okved_main_id", "employees", "sme_category",
    "website", "status", "member_number", "member_since",
]  # fmt: skip


@dataclass
class OrganisationInput:
    """What an applicant tells about the organisation; the same from the join page and the API."""

    legal_form: str
    name_ru: str
    kind: str = OrganisationKind.COMPANY
    name_en: str = ""
    inn: str | None = None
    ogrn: str | None = None
    kpp: str = ""
    country: str = "RU"
    foreign_registration_number: str = ""
    region: str | None = None
    okved_main: str | None = None
    okved_extra: list[str] = field(default_factory=list)
    registered_on: date | None = None
    employees: int | None = None
    revenue_by_year: dict[int, Decimal] = field(default_factory=dict)
    sme_category: str = ""
    priority_areas: list[str] = field(default_factory=list)
    website: str = ""
    description_ru: str = ""
    description_en: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    address: str = ""


@dataclass
class CheckedOrganisation:
    """An ``OrganisationInput`` that passed every rule, with its references resolved."""

    data: OrganisationInput
    region: Region | None
    okved_main: OkvedCode | None
    okved_extra: list[OkvedCode]
    areas: list[PriorityArea]


def check_organisation_input(data: OrganisationInput) -> CheckedOrganisation:
    """Validate every field of an organisation; raise ``ValidationFailed`` listing all problems."""
    errors: list[FieldError] = []
    if data.legal_form not in LegalForm.values:
        errors.append(
            FieldError(
                "legal_form",
                _("Must be one of: %s.") % ", ".join(LegalForm.values),
                "invalid_choice",
            )
        )
    if data.kind not in OrganisationKind.values:
        errors.append(
            FieldError(
                "kind",
                _("Must be one of: %s.") % ", ".join(OrganisationKind.values),
                "invalid_choice",
            )
        )
    data.name_ru = (data.name_ru or "").strip()
    data.name_en = (data.name_en or "").strip()
    if not data.name_ru:
        errors.append(FieldError("name_ru", _("The name in Russian is required."), "required"))
    if len(data.name_ru) > 500 or len(data.name_en) > 500:
        errors.append(
            FieldError(
                "name_ru" if len(data.name_ru) > 500 else "name_en",
                _("At most 500 characters."),
                "too_long",
            )
        )

    if data.legal_form in LegalForm.values:
        ids, id_errors = check_identifiers(
            data.legal_form,
            data.inn,
            data.ogrn,
            data.kpp,
            data.country,
            data.foreign_registration_number,
        )
        errors.extend(id_errors)
        data.inn, data.ogrn, data.kpp = ids.inn, ids.ogrn, ids.kpp
        data.country, data.foreign_registration_number = (
            ids.country,
            ids.foreign_registration_number,
        )

    region = None
    if data.region:
        region = Region.objects.filter(code=data.region.strip().upper()).first()
        if region is None:
            errors.append(
                FieldError(
                    "region",
                    _("Unknown region code; use ISO 3166-2:RU, such as RU-MOW."),
                    "unknown_region",
                )
            )
    elif data.legal_form in (LegalForm.LEGAL_ENTITY, LegalForm.INDIVIDUAL_ENTREPRENEUR):
        errors.append(
            FieldError(
                "region",
                _("A Russian organisation must give its region (ISO 3166-2:RU)."),
                "required",
            )
        )
    if region is not None and data.country != "RU":
        errors.append(
            FieldError(
                "region",
                _("A region is given only for organisations in Russia."),
                "region_not_allowed",
            )
        )

    okved_codes = {
        c.code: c
        for c in OkvedCode.objects.filter(
            code__in=[data.okved_main, *data.okved_extra] if data.okved_main else data.okved_extra
        )
    }
    okved_main = None
    if data.okved_main:
        okved_main = okved_codes.get(data.okved_main)
        if okved_main is None or okved_main.is_section:
            errors.append(
                FieldError(
                    "okved_main",
                    _("Unknown OKVED 2 code; give a code such as 62.01."),
                    "unknown_okved",
                )
            )
            okved_main = None
    unknown_extra = [c for c in data.okved_extra if c not in okved_codes]
    if unknown_extra:
        errors.append(
            FieldError(
                "okved_extra",
                _("Unknown OKVED 2 codes: %s.") % ", ".join(unknown_extra),
                "unknown_okved",
            )
        )

    areas = list(PriorityArea.objects.filter(code__in=data.priority_areas))
    unknown_areas = sorted(set(data.priority_areas) - {a.code for a in areas})
    if unknown_areas:
        errors.append(
            FieldError(
                "priority_areas",
                _("Unknown priority area codes: %s.") % ", ".join(unknown_areas),
                "unknown_area",
            )
        )

    if data.employees is not None and not (0 <= data.employees <= 10_000_000):
        errors.append(
            FieldError(
                "employees", _("Must be a whole number from 0 to 10,000,000."), "out_of_range"
            )
        )
    if data.registered_on and data.registered_on > timezone.localdate():
        errors.append(
            FieldError(
                "registered_on", _("The registration date cannot be in the future."), "future_date"
            )
        )
    this_year = timezone.localdate().year
    for year, amount in data.revenue_by_year.items():
        if not (1990 <= int(year) <= this_year):
            errors.append(
                FieldError(
                    "revenue_by_year",
                    _("Year %(year)s is out of range 1990..%(max)s.")
                    % {"year": year, "max": this_year},
                    "out_of_range",
                )
            )
        if Decimal(amount) < 0:
            errors.append(
                FieldError("revenue_by_year", _("Revenue cannot be negative."), "out_of_range")
            )
    if data.sme_category and data.sme_category not in SmeCategory.values:
        errors.append(
            FieldError(
                "sme_category",
                _("Must be one of: %s.") % ", ".join(SmeCategory.values),
                "invalid_choice",
            )
        )
    if data.website and not data.website.startswith(("http://", "https://")):
        errors.append(
            FieldError(
                "website", _("A web address starts with http:// or https://."), "invalid_url"
            )
        )
    if data.contact_email and "@" not in data.contact_email:
        errors.append(
            FieldError("contact_email", _("Enter a valid e-mail address."), "invalid_email")
        )

    if errors:
        raise ValidationFailed(errors)
    return CheckedOrganisation(
        data, region, okved_main, [okved_codes[c] for c in data.okved_extra], areas
    )


def find_existing_organisation(data: OrganisationInput) -> Organisation | None:
    """The organisation already registered under the same INN, OGRN or foreign number."""
    if data.inn:
        found = Organisation.objects.filter(inn=data.inn).first()
        if found:
            return found
    if data.ogrn:
        found = Organisation.objects.filter(ogrn=data.ogrn).first()
        if found:
            return found
    if data.legal_form == LegalForm.FOREIGN and data.foreign_registration_number:
        return Organisation.objects.filter(
            country=data.country, foreign_registration_number=data.foreign_registration_number
        ).first()
    return None


def duplicate_conflict(existing: Organisation) -> Conflict:
    """The 409 for an identifier that is already registered. It names the organisation only when
    the public registry shows it; an applicant's or a withdrawn organisation stays unnamed."""
    if existing.status in PUBLIC_STATUSES:
        message = _(
            "This organisation is already registered: %(name)s, member number %(number)s."
        ) % {
            "name": existing.name_ru,
            "number": existing.member_number or "—",
        }
        extra = {
            "existing_id": str(existing.id),
            "existing_name": existing.name_ru,
            "existing_status": existing.status,
        }
    else:
        message = _(
            "An organisation with these identifiers is already registered. Claim it instead of"
            " creating it again."
        )
        extra = {}
    return Conflict(
        message,
        code="duplicate_organisation",
        errors=[FieldError("inn" if existing.inn else "ogrn", message, "duplicate")],
        extra=extra,
    )


def _apply_fields(org: Organisation, checked: CheckedOrganisation) -> None:
    data = checked.data
    for name in (
        "legal_form", "kind", "name_ru", "name_en", "inn", "ogrn", "kpp", "country",
        "foreign_registration_number", "registered_on", "employees", "website", "description_ru",
        "description_en", "contact_name", "contact_email", "contact_phone", "address",
    ):  # fmt: skip
        setattr(org, name, getattr(data, name))
    org.region = checked.region
    org.okved_main = checked.okved_main
    latest_revenue = (
        data.revenue_by_year[max(data.revenue_by_year)] if data.revenue_by_year else None
    )
    if data.sme_category:
        org.sme_category, org.sme_category_declared = data.sme_category, True
    else:
        org.sme_category = compute_sme_category(data.employees, latest_revenue)
        org.sme_category_declared = False


def _save_relations(org: Organisation, checked: CheckedOrganisation) -> None:
    org.okved_extra.set(checked.okved_extra)
    org.priority_areas.set(checked.areas)
    for year, amount in checked.data.revenue_by_year.items():
        AnnualRevenue.objects.update_or_create(
            organisation=org, year=int(year), defaults={"revenue_rub": Decimal(amount)}
        )


def admission_status_for(org: Organisation) -> str:
    """Home-region organisations become members; other regions and abroad become partners."""
    if org.country == "RU" and org.region_id == settings.CLUSTER_HOME_REGION:
        return MembershipStatus.MEMBER
    return MembershipStatus.PARTNER


def _set_status(org: Organisation, to_status: str, actor, reason: str) -> None:
    allowed = MEMBERSHIP_TRANSITIONS.get(org.status, set())
    if to_status not in allowed:
        raise Conflict(
            _("Membership status cannot change from %(from)s to %(to)s.")
            % {"from": org.status, "to": to_status},
            code="invalid_transition",
        )
    MembershipStatusChange.objects.create(
        organisation=org,
        from_status=org.status,
        to_status=to_status,
        changed_at=timezone.now(),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    org.status = to_status


def _admit(org: Organisation, actor, reason: str, *, defer_agreement: bool = False) -> None:
    before = snapshot(org, ORGANISATION_AUDIT_FIELDS)
    _set_status(org, admission_status_for(org), actor, reason)
    if not org.member_number:
        number = next_number("member_number")
        org.member_number = f"{settings.CLUSTER_MEMBER_NUMBER_PREFIX}-{number:06d}"
    org.member_since = timezone.localdate()
    org.save()
    record_event(
        actor=actor,
        action="membership.admitted",
        obj=org,
        before=before,
        after=snapshot(org, ORGANISATION_AUDIT_FIELDS),
        summary=reason,
    )
    # The accession agreement to sign, registered in this same transaction (imported here: the
    # documents app imports the registry's models). A bulk decision leaves it to the worker: a
    # rendered, registered PDF per organisation would hold the operator's request for minutes.
    from innocluster.documents import accession, tasks

    if defer_agreement:
        actor_id = str(actor.pk) if getattr(actor, "pk", None) else None
        transaction.on_commit(
            lambda: tasks.issue_accession_agreement.enqueue(str(org.pk), actor_id)
        )
    else:
        accession.create_accession_agreement(org, actor)


@dataclass
class JoinRequest:
    """Everything a join needs besides the organisation's own data."""

    applicant: object | None  # the signed-in user, or None when a partner platform submits
    accept_agreement: bool
    claim: bool = False
    via_token: object | None = None  # accounts.ApiToken of a partner platform
    ip_address: str | None = None


def apply_for_membership(data: OrganisationInput, request: JoinRequest) -> MembershipApplication:
    """Create (or claim) an organisation and apply for membership; admit at once if every formal
    check passes, otherwise queue the application for the Fund's operators with the reason.

    Args:
        data: the organisation as the applicant describes it.
        request: who applies, whether they accept the accession agreement, and whether they claim
            an organisation that is already registered.
    Returns:
        The application, with ``status`` approved (the organisation is a member or partner) or
        pending_review (with ``review_reason``).
    Raises:
        ValidationFailed: a field broke a rule, or the agreement was not accepted.
        Conflict: the organisation is already registered (and this is not a claim), or it is
            already a member, or an application of it is already waiting.
    """
    actor = request.applicant
    token = request.via_token
    if actor is None and token is None:
        raise NotPermitted(
            _("Sign in, or call with a partner platform's token, to apply."),
            code="not_authenticated",
        )
    if token is not None and not token.has_scope("join"):
        raise NotPermitted(
            _("This token may not submit membership applications (scope 'join' needed)."),
            code="missing_scope",
        )
    checked = check_organisation_input(data)
    if not request.accept_agreement:
        raise ValidationFailed(
            [
                FieldError(
                    "accept_agreement",
                    _("The accession agreement must be accepted to join."),
                    "required",
                )
            ]
        )
    if data.contact_email == "" and actor is not None:
        data.contact_email = actor.email
    if token is not None and not data.contact_email:
        raise ValidationFailed(
            [
                FieldError(
                    "contact_email",
                    _("A partner platform must give the applicant's contact e-mail."),
                    "required",
                )
            ]
        )

    with transaction.atomic():
        existing = find_existing_organisation(data)
        if existing is not None:
            existing = Organisation.objects.select_for_update().get(pk=existing.pk)
            if not request.claim:
                raise duplicate_conflict(existing)
            if existing.applications.filter(status=ApplicationStatus.PENDING_REVIEW).exists():
                raise Conflict(
                    _("An application of this organisation is already waiting for review."),
                    code="application_pending",
                )
            org = existing
            owners = list(
                OrganisationRole.objects.filter(organisation=org, role=OrgRole.OWNER)
                .exclude(user=actor)
                .select_related("user")
            )
        else:
            org = Organisation()
            owners = []
        before = snapshot(org, ORGANISATION_AUDIT_FIELDS) if existing else None
        if existing is None:
            _apply_fields(org, checked)
            try:
                with transaction.atomic():
                    org.save()
            except (
                IntegrityError
            ) as exc:  # a concurrent join with the same identifiers won the race
                raise duplicate_conflict(find_existing_organisation(data) or org) from exc
            _save_relations(org, checked)
            record_event(
                actor=actor,
                actor_label=_token_label(token),
                action="organisation.created",
                obj=org,
                after=snapshot(org, ORGANISATION_AUDIT_FIELDS),
            )
        if actor is not None and existing is None:
            # The creator of a new organisation administers it from the start; a claimant of an
            # existing one gets its role only when the claim is approved (_grant_claim).
            OrganisationRole.objects.get_or_create(organisation=org, user=actor, role=OrgRole.OWNER)

        agreement_text = agreement.text()
        AgreementAcceptance.objects.create(
            organisation=org,
            user=actor,
            signer_label=actor.email if actor else _token_label(token),
            agreement_version=agreement.VERSION,
            text_sha256=hashlib.sha256(agreement_text.encode()).hexdigest(),
            ip_address=request.ip_address,
        )

        checks, review_reasons = _formal_checks(org, actor, token, owners)
        application = MembershipApplication.objects.create(
            organisation=org,
            applicant=actor,
            submitted_via=token,
            status=ApplicationStatus.PENDING_REVIEW
            if review_reasons
            else ApplicationStatus.APPROVED,
            checks=checks,
            review_reason="\n".join(review_reasons),
        )
        record_event(
            actor=actor,
            actor_label=_token_label(token),
            action="membership.applied",
            obj=org,
            before=before,
            after={
                "application": str(application.id),
                "checks": checks,
                "agreement_sha256": hashlib.sha256(agreement_text.encode()).hexdigest(),
            },
            summary=application.review_reason or "all formal checks passed",
        )
        if not review_reasons:
            _grant_claim(application, actor)
            if org.status in (MembershipStatus.APPLICANT, MembershipStatus.WITHDRAWN):
                _admit(org, actor, _("All formal checks passed."))
            application.decided_at = timezone.now()
            application.save(update_fields=["decided_at"])
    return application


def _grant_claim(application: MembershipApplication, actor) -> None:
    """The applicant of an approved application administers the organisation."""
    if application.applicant_id is None:
        return
    _role, created = OrganisationRole.objects.get_or_create(
        organisation=application.organisation, user_id=application.applicant_id, role=OrgRole.OWNER
    )
    if created:
        record_event(
            actor=actor,
            action="organisation.role_granted",
            obj=application.organisation,
            after={"user": str(application.applicant_id), "role": OrgRole.OWNER},
        )


def _token_label(token) -> str:
    return f"api-token:{token.name}" if token is not None else ""


def _formal_checks(org: Organisation, actor, token, other_owners) -> tuple[list[dict], list[str]]:
    """The automatic checks of a membership application; the second list holds the reasons a
    person must decide (in the platform's default language, as the record keeps them)."""
    checks = [make_check("identifiers_valid", "ok", True)]
    if org.status in ADMITTED_STATUSES and not other_owners:
        checks.append(make_check("not_already_member", "claim_access", True))
    elif org.status == MembershipStatus.SUSPENDED:
        checks.append(make_check("not_already_member", "suspended", None))
    elif org.status == MembershipStatus.WITHDRAWN and _ended_by_fund(org):
        checks.append(make_check("not_already_member", "ended_by_fund", None))
    else:
        checks.append(make_check("not_already_member", "ok", True))
    if token is not None:
        checks.append(
            make_check("contact_confirmed", "by_partner", True, name=token.organisation.name_ru)
        )
    elif actor is not None and actor.email_confirmed:
        checks.append(make_check("contact_confirmed", "ok", True))
    else:
        checks.append(make_check("contact_confirmed", "unconfirmed", None))
    checks.append(make_check("agreement_accepted", "ok", True))
    if other_owners:
        # How many, not who: the claimant sees these checks, the operators see the people.
        checks.append(
            make_check("no_other_administrator", "administered", None, count=len(other_owners))
        )
    with translation.override(settings.LANGUAGE_CODE):
        return checks, review_reasons(checks)


def _ended_by_fund(org: Organisation) -> bool:
    """Whether the organisation's last withdrawal was the Fund's doing (a refusal, or the end of
    a suspension), which a new application must not undo on its own."""
    last = org.status_history.order_by("-changed_at").select_related("changed_by").first()
    if last is None or last.to_status != MembershipStatus.WITHDRAWN:
        return False
    return last.from_status == MembershipStatus.SUSPENDED or bool(
        last.changed_by and last.changed_by.is_fund_staff
    )


def confirm_pending_after_email(actor) -> list[MembershipApplication]:
    """Re-run the checks of the user's applications that waited only for the e-mail confirmation."""
    admitted = []
    for application in MembershipApplication.objects.filter(
        applicant=actor, status=ApplicationStatus.PENDING_REVIEW
    ).select_related("organisation"):
        other_owners = list(
            OrganisationRole.objects.filter(
                organisation=application.organisation, role=OrgRole.OWNER
            ).exclude(user=actor)
        )
        checks, review = _formal_checks(application.organisation, actor, None, other_owners)
        if review:
            continue
        with transaction.atomic():
            application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
            if application.status != ApplicationStatus.PENDING_REVIEW:
                continue  # an operator decided it meanwhile
            application.checks = checks
            application.review_reason = ""
            application.status = ApplicationStatus.APPROVED
            application.decided_at = timezone.now()
            application.save()
            _grant_claim(application, actor)
            if application.organisation.status in (
                MembershipStatus.APPLICANT,
                MembershipStatus.WITHDRAWN,
            ):
                _admit(
                    application.organisation,
                    actor,
                    _("All formal checks passed after the e-mail was confirmed."),
                )
            record_event(
                actor=actor,
                action="membership.application_approved",
                obj=application,
                after={"status": application.status},
                summary="e-mail confirmed",
            )
        admitted.append(application)
    return admitted


def _require_fund_staff(actor) -> None:
    if not (actor and actor.is_authenticated and actor.is_fund_staff):
        raise NotPermitted(_("Only the Fund's operators may decide on applications."))


def approve_application(
    actor, application: MembershipApplication, reason: str = "", *, defer_agreement: bool = False
) -> MembershipApplication:
    """An operator admits a queued application (the organisation becomes a member or partner).
    ``defer_agreement`` leaves the accession agreement to a background task (bulk decisions)."""
    _require_fund_staff(actor)
    with transaction.atomic():
        application = (
            MembershipApplication.objects.select_for_update()
            .select_related("organisation")
            .get(pk=application.pk)
        )
        if application.status != ApplicationStatus.PENDING_REVIEW:
            raise Conflict(
                _("Only a waiting application can be approved."), code="invalid_transition"
            )
        application.status = ApplicationStatus.APPROVED
        application.decided_by, application.decided_at = actor, timezone.now()
        application.decision_reason = reason
        application.save()
        org = application.organisation
        # Only an organisation outside the cluster is admitted: approving a claim on a suspended
        # member gives access and leaves the suspension as it is.
        # The claimant becomes the owner first, so the accession agreement can name them.
        _grant_claim(application, actor)
        if org.status in (MembershipStatus.APPLICANT, MembershipStatus.WITHDRAWN):
            _admit(
                org,
                actor,
                reason or _("Approved by the Fund."),
                defer_agreement=defer_agreement,
            )
        record_event(
            actor=actor,
            action="membership.application_approved",
            obj=application,
            after={"status": application.status},
            summary=reason,
        )
    return application


def reject_application(
    actor, application: MembershipApplication, reason: str
) -> MembershipApplication:
    """An operator refuses a queued application; the reason is required and shown to the applicant."""
    _require_fund_staff(actor)
    if not (reason or "").strip():
        raise ValidationFailed(
            [FieldError("reason", _("Give the reason for the rejection."), "required")]
        )
    with transaction.atomic():
        application = (
            MembershipApplication.objects.select_for_update()
            .select_related("organisation")
            .get(pk=application.pk)
        )
        if application.status != ApplicationStatus.PENDING_REVIEW:
            raise Conflict(
                _("Only a waiting application can be rejected."), code="invalid_transition"
            )
        application.status = ApplicationStatus.REJECTED
        application.decided_by, application.decided_at = actor, timezone.now()
        application.decision_reason = reason
        application.save()
        org = application.organisation
        if org.status == MembershipStatus.APPLICANT:
            before = snapshot(org, ORGANISATION_AUDIT_FIELDS)
            _set_status(org, MembershipStatus.WITHDRAWN, actor, reason)
            org.save()
            record_event(
                actor=actor,
                action="membership.refused",
                obj=org,
                before=before,
                after=snapshot(org, ORGANISATION_AUDIT_FIELDS),
                summary=reason,
            )
        record_event(
            actor=actor,
            action="membership.application_rejected",
            obj=application,
            after={"status": application.status},
            summary=reason,
        )
    return application


@dataclass
class BulkResult:
    decided: int
    skipped: list[tuple[str, str]]  # (application id, why)


def bulk_decide(actor, applications: QuerySet, decision: str, reason: str) -> BulkResult:
    """Approve or reject every waiting application of a filtered queryset (all results of the
    filter, not only the page shown). Each is decided in its own transaction."""
    _require_fund_staff(actor)
    if decision not in ("approve", "reject"):
        raise ValidationFailed(
            [FieldError("decision", _("Must be approve or reject."), "invalid_choice")]
        )
    if decision == "reject" and not (reason or "").strip():
        raise ValidationFailed(
            [FieldError("reason", _("Give the reason for the rejection."), "required")]
        )
    # Take the ids first: deciding changes the very rows a live cursor would be scanning.
    pending_ids = list(
        applications.filter(status=ApplicationStatus.PENDING_REVIEW)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    decided, skipped = 0, []
    for application in MembershipApplication.objects.filter(pk__in=pending_ids).order_by(
        "created_at"
    ):
        try:
            if decision == "approve":
                approve_application(actor, application, reason, defer_agreement=True)
            else:
                reject_application(actor, application, reason)
            decided += 1
        except Conflict as exc:
            skipped.append((str(application.id), exc.message))
    return BulkResult(decided, skipped)


def change_membership_status(actor, org: Organisation, to_status: str, reason: str) -> Organisation:
    """Suspend, reinstate or withdraw a member (operators), or withdraw one's own organisation (owner)."""
    is_owner = (
        actor.is_authenticated
        and OrganisationRole.objects.filter(
            organisation=org, user=actor, role=OrgRole.OWNER
        ).exists()
    )
    if not (
        actor.is_authenticated
        and (actor.is_fund_staff or (is_owner and to_status == MembershipStatus.WITHDRAWN))
    ):
        raise NotPermitted(_("You may not change this organisation's membership."))
    if to_status not in MembershipStatus.values:
        raise ValidationFailed(
            [
                FieldError(
                    "status",
                    _("Must be one of: %s.") % ", ".join(MembershipStatus.values),
                    "invalid_choice",
                )
            ]
        )
    if not (reason or "").strip():
        raise ValidationFailed(
            [FieldError("reason", _("Give the reason for the change."), "required")]
        )
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=org.pk)
        if not actor.is_fund_staff and org.status == MembershipStatus.SUSPENDED:
            raise NotPermitted(_("A suspended membership is ended by the Fund, not by the member."))
        if to_status in ADMITTED_STATUSES and org.status in (
            MembershipStatus.APPLICANT,
            MembershipStatus.WITHDRAWN,
        ):
            _admit(org, actor, reason)  # a (re)admission: member number and date
            return org
        before = snapshot(org, ORGANISATION_AUDIT_FIELDS)
        if to_status in ADMITTED_STATUSES:
            to_status = admission_status_for(org)
        _set_status(org, to_status, actor, reason)
        org.save()
        record_event(
            actor=actor,
            action="membership.status_changed",
            obj=org,
            before=before,
            after=snapshot(org, ORGANISATION_AUDIT_FIELDS),
            summary=reason,
        )
    return org


def update_organisation(actor, org: Organisation, data: OrganisationInput) -> Organisation:
    """Edit an organisation's profile (its owners and editors, or the Fund's operators).
    Identifiers stay as registered: changing them is a new organisation."""
    allowed, reason = may_edit_organisation(actor, org)
    if not allowed:
        raise NotPermitted(reason)
    data.legal_form, data.inn, data.ogrn = org.legal_form, org.inn, org.ogrn
    data.country, data.foreign_registration_number = org.country, org.foreign_registration_number
    checked = check_organisation_input(data)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=org.pk)
        before = _profile_snapshot(org)
        _apply_fields(org, checked)
        org.save()
        _save_relations(org, checked)
        record_event(
            actor=actor,
            action="organisation.updated",
            obj=org,
            before=before,
            after=_profile_snapshot(org),
        )
    return org


def _profile_snapshot(org: Organisation) -> dict:
    """The organisation's fields with its areas, further OKVED codes and revenues, for the audit."""
    return {
        **snapshot(org, ORGANISATION_AUDIT_FIELDS),
        "priority_areas": sorted(org.priority_areas.values_list("code", flat=True)),
        "okved_extra": sorted(org.okved_extra.values_list("code", flat=True)),
        "revenues": {str(r.year): str(r.revenue_rub) for r in org.revenues.all()},
    }


def export_members_with_contacts(actor, registry_filter) -> QuerySet:
    """The back office's member export (contacts included): Fund staff only, and audited, since
    it hands out personal data."""
    from .selectors import registry_list

    _require_fund_staff(actor)
    record_export(actor=actor, kind="members_with_contacts", params=registry_filter.as_params())
    return registry_list(actor, registry_filter, staff_view=True)
