"""Applications' use cases: draft, build the consortium, fill in the sections, attach, move.

Every function checks permission, validates its input (``ValidationFailed`` naming each
offending field, e.g. ``budget[2].grant_rub``), runs inside one ``transaction.atomic`` and records
an audit event; when it refuses, nothing has changed. Sections (details, answers, budget,
milestones, KPI targets) are saved whole, against the ``version`` the editor loaded: an edit
based on an older version is refused with ``Conflict(code="stale_version")`` so two members
editing at once never overwrite each other.

``move`` is the only function that changes ``Application.state`` (``workflows.TRANSITIONS``).
Consent and submission documents go through document circulation; a signed consent confirms the
partner through :func:`consent_signed` (connected in ``apps.ProgrammesConfig.ready``).
"""

from __future__ import annotations

import datetime
import mimetypes
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed
from innocluster.core.sequences import next_number
from innocluster.core.text import has_control_characters
from innocluster.registry.choices import ADMITTED_STATUSES, LegalForm, MembershipStatus
from innocluster.registry.identifiers import check_identifiers
from innocluster.registry.models import Organisation, OrganisationRole

from . import workflows
from .checks import known_document_codes, submission_problems
from .choices import (
    ApplicationState,
    CallStatus,
    CostCategory,
    KpiCode,
    MemberRole,
    ParticipationStatus,
)
from .forms_schema import check_form_answers
from .models import (
    Application,
    Attachment,
    BudgetLine,
    Call,
    ConsortiumMember,
    KpiTarget,
    Milestone,
)
from .permissions import EDITING_ROLES, may_edit_application

# States in which the lead may change the application (a returned one is revised in place).
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.REVISION_REQUESTED)
SUBMIT_ACTIONS = ("submit", "resubmit")
DECISION_STATES = (
    ApplicationState.APPROVED,
    ApplicationState.REJECTED,
    ApplicationState.WAITLISTED,
)
MONEY_LIMIT = Decimal("1e16")
MAX_LINES = 500
CONSENT_TEMPLATE = "programmes_consent"
SUBMISSION_TEMPLATE = "programmes_application"
CONSENT_DOC_TYPE = "consent"
SUBMISSION_DOC_TYPE = "application"
MEMBER_LINK = "programmes.consortiummember"
APPLICATION_LINK = "programmes.application"
# Documents are printed in Russian, the binding language (as the accession agreement).
PRINT_LANG = "ru"
FILENAME_BAD = re.compile(r"[/\\\x00-\x1f\x7f]")


# ---------------------------------------------------------------------------- templates


def register_document_templates() -> None:
    """Add the programmes' PDF templates to the documents' template table (idempotent; called
    from ``apps.ready`` and before each use)."""
    from innocluster.documents import rendering

    rendering.TEMPLATES.setdefault(
        CONSENT_TEMPLATE,
        rendering.DocumentTemplate(
            CONSENT_TEMPLATE,
            CONSENT_DOC_TYPE,
            "programmes/documents/consent.html",
            gettext_lazy("Consent to take part in a joint project"),
        ),
    )
    rendering.TEMPLATES.setdefault(
        SUBMISSION_TEMPLATE,
        rendering.DocumentTemplate(
            SUBMISSION_TEMPLATE,
            SUBMISSION_DOC_TYPE,
            "programmes/documents/application.html",
            gettext_lazy("Application for support of a joint project"),
        ),
    )


# ---------------------------------------------------------------------------- helpers


def _permit(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise NotPermitted(reason)


def _editable(application: Application) -> None:
    if application.state not in EDITABLE_STATES:
        raise Conflict(
            _(
                "The application is “%(state)s”: it can be changed only as a draft "
                "or when returned for revision."
            )
            % {"state": ApplicationState(application.state).label},
            code="not_editable",
        )


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("call").get(pk=application.pk)


def _check_version(locked: Application, expected_version) -> None:
    if expected_version != locked.version:
        raise Conflict(
            _(
                "The application was changed by someone else meanwhile (now version %(now)s, "
                "you edited version %(yours)s); reload it and make your change again."
            )
            % {"now": locked.version, "yours": expected_version},
            code="stale_version",
            extra={"version": locked.version},
        )


def _bump(locked: Application, original: Application) -> None:
    """Save the new version on the locked row and tell the caller's instance."""
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    original.version = locked.version
    original.updated_at = locked.updated_at


def _text(
    errors: list, field: str, value, *, required: bool, max_length: int, multiline: bool = False
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(FieldError(field, _("Must be a text."), "type"))
        return ""
    value = value.strip()
    if required and not value:
        errors.append(FieldError(field, _("This field is required."), "required"))
    elif len(value) > max_length:
        errors.append(
            FieldError(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")
        )
    elif has_control_characters(value) or (not multiline and ("\n" in value or "\r" in value)):
        errors.append(FieldError(field, _("Must not contain control characters."), "invalid"))
    return value


def _money(errors: list, field: str, value) -> Decimal:
    """Roubles: a number or a string of one, not negative, at most two decimal places."""
    if isinstance(value, bool) or value is None:
        errors.append(FieldError(field, _("Must be an amount in roubles."), "type"))
        return Decimal(0)
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, _("Must be an amount in roubles."), "type"))
        return Decimal(0)
    if not amount.is_finite():
        errors.append(FieldError(field, _("Must be an amount in roubles."), "type"))
        return Decimal(0)
    if amount < 0:
        errors.append(FieldError(field, _("An amount must not be negative."), "negative"))
    elif amount >= MONEY_LIMIT:
        errors.append(FieldError(field, _("The amount is too large."), "too_large"))
    elif amount != amount.quantize(Decimal("0.01")):
        errors.append(FieldError(field, _("At most two decimal places (kopecks)."), "invalid"))
    else:
        return amount.quantize(Decimal("0.01"))
    return Decimal(0)


def _date(errors: list, field: str, value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        errors.append(FieldError(field, _("Must be a date (YYYY-MM-DD)."), "type"))
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.append(FieldError(field, _("Must be a valid date (YYYY-MM-DD)."), "invalid_date"))
    return None


def _list_of_objects(value, field: str) -> list[dict]:
    if not isinstance(value, list | tuple):
        raise ValidationFailed([FieldError(field, _("Must be a list."), "type")])
    if len(value) > MAX_LINES:
        raise ValidationFailed(
            [FieldError(field, _("At most %(n)d entries.") % {"n": MAX_LINES}, "too_many")]
        )
    errors = [
        FieldError(f"{field}[{i}]", _("Must be an object."), "type")
        for i, item in enumerate(value)
        if not isinstance(item, dict)
    ]
    if errors:
        raise ValidationFailed(errors)
    return list(value)


def _audit(actor, action: str, application: Application, *, before=None, after=None, summary=""):
    record_event(
        actor=actor, action=action, obj=application, before=before, after=after, summary=summary
    )


# ---------------------------------------------------------------------------- drafting


def create_application(
    call: Call,
    lead: Organisation,
    *,
    actor,
    title: str,
    summary: str = "",
    priority_area: str = "",
    innovation_type: str = "",
) -> Application:
    """Start a draft application to ``call`` with ``lead`` as the lead applicant.

    Args:
        call: an open call.
        lead: the lead organisation; ``actor`` is its owner, editor or signatory.
        actor: the person drafting it.
        title, summary, priority_area, innovation_type: the application's details (the area and
            type, when given, must be among the call's).

    Returns:
        The application, ``draft``, version 1, with the lead as its confirmed first member.

    Raises:
        NotPermitted: ``actor`` does not act for ``lead``.
        Conflict: the call is not open (code ``call_not_open``).
        ValidationFailed: a detail is invalid, or the lead is not admitted to the cluster.
    """
    _permit(may_edit_application(actor, Application(lead=lead, call=call)))
    if call.status_at(timezone.now()) != CallStatus.OPEN:
        raise Conflict(_("The call is not open for applications."), code="call_not_open")
    errors: list[FieldError] = []
    title = _text(errors, "title", title, required=True, max_length=300)
    summary = _text(errors, "summary", summary, required=False, max_length=20000, multiline=True)
    errors += _area_and_type_errors(call, priority_area, innovation_type)
    if call.lead_must_be_member and lead.status != MembershipStatus.MEMBER:
        errors.append(
            FieldError(
                "lead", _("The lead applicant must be a member of the cluster."), "lead_not_member"
            )
        )
    elif lead.status not in ADMITTED_STATUSES:
        errors.append(
            FieldError(
                "lead",
                _("The lead applicant must be a member or a partner organisation of the cluster."),
                "not_admitted",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        application = Application.objects.create(
            call=call,
            lead=lead,
            title=title,
            summary=summary,
            priority_area=priority_area or "",
            innovation_type=innovation_type or "",
            created_by=actor,
        )
        ConsortiumMember.objects.create(
            application=application,
            organisation=lead,
            role=MemberRole.LEAD,
            status=ParticipationStatus.CONFIRMED,
            answered_at=timezone.now(),
        )
        _audit(
            actor,
            "application.created",
            application,
            after={"call": call.code, "lead": str(lead.pk), "title": title, "state": "draft"},
        )
    return application


def _area_and_type_errors(call: Call, priority_area, innovation_type) -> list[FieldError]:
    errors = []
    if priority_area and priority_area not in (call.priority_areas or []):
        errors.append(
            FieldError(
                "priority_area",
                _("Choose one of the call's priority areas: %(areas)s.")
                % {"areas": ", ".join(call.priority_areas or [])},
                "not_in_call",
            )
        )
    if innovation_type and innovation_type not in (call.innovation_types or []):
        errors.append(
            FieldError(
                "innovation_type",
                _("Choose one of the call's innovation types: %(types)s.")
                % {"types": ", ".join(call.innovation_types or [])},
                "not_in_call",
            )
        )
    return errors


def save_details(
    application: Application,
    *,
    actor,
    expected_version: int,
    title: str,
    summary: str = "",
    priority_area: str = "",
    innovation_type: str = "",
) -> Application:
    """Replace the application's title, summary, priority area and innovation type.

    Returns the application with its new version. Raises ``ValidationFailed``,
    ``Conflict`` (``stale_version``, ``not_editable``) or ``NotPermitted``; nothing changes then.
    """
    _permit(may_edit_application(actor, application))
    errors: list[FieldError] = []
    title = _text(errors, "title", title, required=True, max_length=300)
    summary = _text(errors, "summary", summary, required=False, max_length=20000, multiline=True)
    errors += _area_and_type_errors(application.call, priority_area, innovation_type)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        _check_version(locked, expected_version)
        fields = ["title", "summary", "priority_area", "innovation_type"]
        before = {name: getattr(locked, name) for name in fields}
        locked.title, locked.summary = title, summary
        locked.priority_area, locked.innovation_type = priority_area or "", innovation_type or ""
        locked.save(update_fields=[*fields, "updated_at"])
        _bump(locked, application)
        for name in fields:
            setattr(application, name, getattr(locked, name))
        after = {name: getattr(locked, name) for name in fields}
        _audit(actor, "application.details_saved", application, before=before, after=after)
    return application


def save_answers(application: Application, answers, *, actor, expected_version: int) -> Application:
    """Replace the answers to the call's form. A draft may leave required fields empty (they are
    checked at submission); a wrong type, an unknown field or a code not among the choices is
    refused now, named ``answers.<field>``.

    Returns the application with its new version. Raises ``ValidationFailed``, ``Conflict``
    (``stale_version``, ``not_editable``) or ``NotPermitted``.
    """
    _permit(may_edit_application(actor, application))
    fields = application.call.form_version.fields if application.call.form_version_id else []
    errors = [e for e in check_form_answers(fields, answers) if e.code != "required"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        _check_version(locked, expected_version)
        before = locked.answers
        locked.answers = answers
        locked.save(update_fields=["answers", "updated_at"])
        _bump(locked, application)
        application.answers = answers
        _audit(actor, "application.answers_saved", application, before=before, after=answers)
    return application


def save_budget(application: Application, lines, *, actor, expected_version: int) -> Application:
    """Replace the budget: ``lines`` is a list of ``{"category", "year", "grant_rub",
    "cofinancing_rub"}`` (amounts in roubles, numbers or strings). The call's money rules (the
    maximum grant, the co-financing share) are checked at submission.

    Returns the application with its new version.
    Raises ``ValidationFailed`` naming e.g. ``budget[2].grant_rub`` (a negative or malformed
    amount, an unknown category, a year twice for one category), ``Conflict`` (``stale_version``,
    ``not_editable``) or ``NotPermitted``; nothing changes then.
    """
    _permit(may_edit_application(actor, application))
    items = _list_of_objects(lines, "budget")
    errors: list[FieldError] = []
    rows = []
    seen = set()
    for i, item in enumerate(items):
        here = f"budget[{i}]"
        category = item.get("category")
        if category not in CostCategory.values:
            errors.append(
                FieldError(
                    f"{here}.category",
                    _("Must be one of: %(codes)s.") % {"codes": ", ".join(CostCategory.values)},
                    "invalid_choice",
                )
            )
        year = item.get("year")
        if isinstance(year, str) and year.strip().isdigit():
            year = int(year.strip())
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            errors.append(FieldError(f"{here}.year", _("Must be a year."), "invalid"))
        grant = _money(errors, f"{here}.grant_rub", item.get("grant_rub", 0))
        cofinancing = _money(errors, f"{here}.cofinancing_rub", item.get("cofinancing_rub", 0))
        if (category, year) in seen:
            errors.append(
                FieldError(
                    here, _("This cost category and year are already in the budget."), "duplicate"
                )
            )
        seen.add((category, year))
        rows.append((category, year, grant, cofinancing))
    if errors:
        raise ValidationFailed(errors, message=_("The budget is invalid."))
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        _check_version(locked, expected_version)
        before = _budget_totals(locked)
        locked.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(application=locked, category=c, year=y, grant_rub=g, cofinancing_rub=f)
            for c, y, g, f in rows
        )
        _bump(locked, application)
        _audit(
            actor,
            "application.budget_saved",
            application,
            before=before,
            after=_budget_totals(locked),
        )
    return application


def _budget_totals(application: Application) -> dict:
    grant = cofinancing = Decimal(0)
    count = 0
    for line in application.budget_lines.all():
        grant += line.grant_rub
        cofinancing += line.cofinancing_rub
        count += 1
    return {"lines": count, "grant_rub": grant, "cofinancing_rub": cofinancing}


def save_milestones(
    application: Application, milestones, *, actor, expected_version: int
) -> Application:
    """Replace the milestones: a list of ``{"title", "deliverables", "due_on" (YYYY-MM-DD),
    "tranche_rub"}``, numbered 1, 2, ... in the order given. Whether the dates are in order and
    in the future, and whether the tranches add up to the grant, is checked at submission.

    Returns the application with its new version. Raises ``ValidationFailed`` naming e.g.
    ``milestones[1].due_on``, ``Conflict`` (``stale_version``, ``not_editable``) or
    ``NotPermitted``.
    """
    _permit(may_edit_application(actor, application))
    items = _list_of_objects(milestones, "milestones")
    errors: list[FieldError] = []
    rows = []
    for i, item in enumerate(items):
        here = f"milestones[{i}]"
        title = _text(errors, f"{here}.title", item.get("title"), required=True, max_length=300)
        deliverables = _text(
            errors,
            f"{here}.deliverables",
            item.get("deliverables"),
            required=False,
            max_length=20000,
            multiline=True,
        )
        due_on = _date(errors, f"{here}.due_on", item.get("due_on"))
        tranche = _money(errors, f"{here}.tranche_rub", item.get("tranche_rub", 0))
        rows.append((i + 1, title, deliverables, due_on, tranche))
    if errors:
        raise ValidationFailed(errors, message=_("The milestones are invalid."))
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        _check_version(locked, expected_version)
        before = locked.milestones.count()
        locked.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(
                application=locked,
                number=n,
                title=t,
                deliverables=d,
                due_on=due,
                tranche_rub=tr,
            )
            for n, t, d, due, tr in rows
        )
        _bump(locked, application)
        _audit(
            actor,
            "application.milestones_saved",
            application,
            before={"milestones": before},
            after={
                "milestones": [
                    {"number": n, "due_on": due, "tranche_rub": tr} for n, _t, _d, due, tr in rows
                ]
            },
        )
    return application


def save_kpi_targets(
    application: Application, targets, *, actor, expected_version: int
) -> Application:
    """Replace the KPI targets: a list of ``{"kpi" (choices.KpiCode), "target"}``.

    Returns the application with its new version. Raises ``ValidationFailed`` naming e.g.
    ``kpi[0].target`` (negative, not a number) or ``kpi[1].kpi`` (unknown, twice),
    ``Conflict`` (``stale_version``, ``not_editable``) or ``NotPermitted``.
    """
    _permit(may_edit_application(actor, application))
    items = _list_of_objects(targets, "kpi")
    errors: list[FieldError] = []
    rows = []
    seen = set()
    for i, item in enumerate(items):
        here = f"kpi[{i}]"
        kpi = item.get("kpi")
        if kpi not in KpiCode.values:
            errors.append(
                FieldError(
                    f"{here}.kpi",
                    _("Must be one of: %(codes)s.") % {"codes": ", ".join(KpiCode.values)},
                    "invalid_choice",
                )
            )
        elif kpi in seen:
            errors.append(
                FieldError(f"{here}.kpi", _("This indicator is given twice."), "duplicate")
            )
        seen.add(kpi)
        value = _money(errors, f"{here}.target", item.get("target"))
        rows.append((kpi, value))
    if errors:
        raise ValidationFailed(errors, message=_("The KPI targets are invalid."))
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        _check_version(locked, expected_version)
        before = {t.kpi: t.target for t in locked.kpi_targets.all()}
        locked.kpi_targets.all().delete()
        KpiTarget.objects.bulk_create(
            KpiTarget(application=locked, kpi=k, target=v) for k, v in rows
        )
        _bump(locked, application)
        _audit(
            actor,
            "application.kpi_targets_saved",
            application,
            before=before,
            after=dict(rows),
        )
    return application


def add_attachment(
    application: Application, required_document: str, filename: str, content: bytes, *, actor
) -> Attachment:
    """Attach a file, for one of the call's required documents (its code) or, with ``""``, as
    supporting material. A new file for a required document replaces the earlier one. The
    bytes go to the documents' content store (content-addressed).

    Returns the attachment. Raises ``ValidationFailed`` (``required_document``, ``filename``,
    ``content``: unknown code, bad name, empty or over DOCUMENT_MAX_BYTES), ``Conflict``
    (``not_editable``) or ``NotPermitted``.
    """
    from innocluster.documents import storage

    _permit(may_edit_application(actor, application))
    errors: list[FieldError] = []
    code = (required_document or "").strip()
    if code and code not in known_document_codes(application.call):
        errors.append(
            FieldError(
                "required_document",
                _("The call asks for no document “%(code)s”.") % {"code": code},
                "invalid_choice",
            )
        )
    name = filename.strip() if isinstance(filename, str) else ""
    if not name or len(name) > 255 or FILENAME_BAD.search(name) or name in (".", ".."):
        errors.append(
            FieldError(
                "filename",
                _("Give a file name of at most 255 characters, without slashes."),
                "invalid",
            )
        )
    if not isinstance(content, bytes | bytearray) or not content:
        errors.append(FieldError("content", _("The file is empty."), "required"))
    elif len(content) > settings.DOCUMENT_MAX_BYTES:
        errors.append(
            FieldError(
                "content",
                _("The file is larger than %(limit)d bytes.")
                % {"limit": settings.DOCUMENT_MAX_BYTES},
                "too_large",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    with transaction.atomic():
        locked = _lock(application)
        _editable(locked)
        sha256 = storage.put(bytes(content))
        replaced = []
        if code:
            old = locked.attachments.filter(required_document=code)
            replaced = list(old.values_list("sha256", flat=True))
            old.delete()
        attachment = Attachment.objects.create(
            application=locked,
            required_document=code,
            filename=name,
            media_type=media_type,
            sha256=sha256,
            size=len(content),
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _audit(
            actor,
            "application.attachment_added",
            application,
            before={"replaced": replaced} if replaced else None,
            after={"required_document": code, "filename": name, "sha256": sha256},
        )
    return attachment


# ---------------------------------------------------------------------------- consortium


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
    return document


def _member_for_document(document, object_id):
    member = (
        ConsortiumMember.objects.select_for_update()
        .select_related("application")
        .filter(pk=object_id)
        .first()
    )
    if member is None or member.consent_document_id != document.pk:
        return None  # an older consent, superseded by a new invitation
    return member


def consent_signed(document, object_id: str) -> None:
    """``document_signed`` for a consent: the partner is confirmed (once)."""
    member = _member_for_document(document, object_id)
    if member is None or member.status != ParticipationStatus.CONSENT_SENT:
        return
    member.status = ParticipationStatus.CONFIRMED
    member.answered_at = timezone.now()
    member.save(update_fields=["status", "answered_at"])
    last = document.signatures.select_related("signer").order_by("-signed_at").first()
    _audit(
        last.signer if last is not None else None,
        "application.partner_confirmed",
        member.application,
        before={"member": str(member.pk), "status": ParticipationStatus.CONSENT_SENT},
        after={"member": str(member.pk), "status": ParticipationStatus.CONFIRMED},
        summary=document.registration_number,
    )


def consent_rejected(document, object_id: str) -> None:
    """``document_rejected`` for a consent: the partner declined, with the signer's reason."""
    member = _member_for_document(document, object_id)
    if member is None or member.status != ParticipationStatus.CONSENT_SENT:
        return
    member.status = ParticipationStatus.DECLINED
    member.answered_at = timezone.now()
    member.decline_reason = (document.status_reason or "")[:500]
    member.save(update_fields=["status", "answered_at", "decline_reason"])
    refused = document.steps.filter(signed_by__isnull=False, status="rejected").first()
    _audit(
        refused.signed_by if refused is not None else None,
        "application.partner_declined",
        member.application,
        before={"member": str(member.pk), "status": ParticipationStatus.CONSENT_SENT},
        after={"member": str(member.pk), "status": ParticipationStatus.DECLINED},
        summary=member.decline_reason,
    )


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
    return member


# ---------------------------------------------------------------------------- the workflow


def move(application: Application, action: str, *, actor, reason: str = "") -> Application:
    """Take ``action`` on ``application`` (``workflows.TRANSITIONS``): the only way its state
    changes.

    Checks that the action is allowed from the current state, the actor's permission, the
    guard (for submit: the call open by the server's clock and ``checks.submission_problems``
    empty) and the reason where one is needed. Sets ``submitted_at`` / ``decided_at``, writes an
    audit event with the state before and after, and runs the effects: on submit and resubmit
    the application gets its number (``<CALL-CODE>-0001``, first submission only) and its
    snapshot is registered in document circulation (JSON, then a PDF that names the JSON's
    registration number and SHA-256), routed to the lead's signatory and linked to the
    application.

    Returns the application, moved. Raises ``Conflict`` (``invalid_transition``: not from this
    state; ``call_closed``: after the deadline; ``guard_failed``), ``ValidationFailed`` (the
    submission's problems, or a missing ``reason``) or ``NotPermitted``; nothing changes then.
    """
    with transaction.atomic():
        locked = _lock(application)
        transition = workflows.find(locked.state, action)
        if transition is None:
            raise Conflict(workflows.can_do(actor, locked, action)[1], code="invalid_transition")
        _permit(transition.permission(actor, locked))
        reason = (reason or "").strip()
        if transition.needs_reason:
            errors: list[FieldError] = []
            reason = _text(errors, "reason", reason, required=True, max_length=2000, multiline=True)
            if errors:
                raise ValidationFailed(errors)
        allowed, why = transition.guard(locked)
        if not allowed:
            now = timezone.now()
            if action == "submit" and locked.call.status_at(now) != CallStatus.OPEN:
                raise Conflict(why, code="call_closed")
            problems = submission_problems(locked) if action in SUBMIT_ACTIONS else []
            if problems:
                raise ValidationFailed(
                    problems, message=_("The application cannot be submitted yet.")
                )
            raise Conflict(why, code="guard_failed")
        source = locked.state
        now = timezone.now()
        locked.state = transition.target
        if action in SUBMIT_ACTIONS:
            locked.submitted_at = now
            if not locked.number:
                locked.number = _next_application_number(locked.call)
        if transition.target in DECISION_STATES:
            locked.decided_at = now
        locked.save()
        after = {"state": locked.state}
        if action in SUBMIT_ACTIONS:
            pdf, data = _register_submission(locked, actor)
            locked.submission_document_id = pdf.pk
            locked.save(update_fields=["submission_document_id", "updated_at"])
            after.update(
                {
                    "number": locked.number,
                    "submission_document": str(pdf.pk),
                    "registration_number": pdf.registration_number,
                    "pdf_sha256": pdf.current_version.sha256,
                    "data_document": str(data.pk),
                    "data_sha256": data.current_version.sha256,
                }
            )
        _audit(
            actor,
            f"application.{action}",
            locked,
            before={"state": source},
            after=after,
            summary=reason,
        )
    for name in (
        "state",
        "number",
        "submitted_at",
        "decided_at",
        "submission_document_id",
        "updated_at",
    ):
        setattr(application, name, getattr(locked, name))
    return application


def _next_application_number(call: Call) -> str:
    value = next_number(f"programmes.application.{call.code}")
    return f"{call.code.upper()}-{value:04d}"


def snapshot(application: Application) -> dict:
    """The application as data: what the submission's JSON holds (money as strings)."""
    call = application.call
    members = application.members.select_related("organisation").order_by("role", "invited_at")
    lines = application.budget_lines.order_by("year", "category")
    grant = sum((line.grant_rub for line in lines), Decimal(0))
    cofinancing = sum((line.cofinancing_rub for line in lines), Decimal(0))
    return {
        "id": str(application.pk),
        "number": application.number,
        "version": application.version,
        "call": {"code": call.code, "title": call.title_ru},
        "form_version": str(call.form_version_id) if call.form_version_id else None,
        "title": application.title,
        "summary": application.summary,
        "priority_area": application.priority_area,
        "innovation_type": application.innovation_type,
        "answers": application.answers or {},
        "consortium": [
            {
                "role": m.role,
                "status": m.status,
                "organisation": str(m.organisation_id),
                "name": m.organisation.name_ru,
                "inn": m.organisation.inn,
                "sme_category": m.organisation.sme_category,
                "consent_document": str(m.consent_document_id) if m.consent_document_id else None,
            }
            for m in members
            if m.status != ParticipationStatus.DECLINED
        ],
        "budget": [
            {
                "category": line.category,
                "year": line.year,
                "grant_rub": str(line.grant_rub),
                "cofinancing_rub": str(line.cofinancing_rub),
            }
            for line in lines
        ],
        "totals": {"grant_rub": str(grant), "cofinancing_rub": str(cofinancing)},
        "milestones": [
            {
                "number": m.number,
                "title": m.title,
                "deliverables": m.deliverables,
                "due_on": m.due_on.isoformat(),
                "tranche_rub": str(m.tranche_rub),
            }
            for m in application.milestones.order_by("number")
        ],
        "kpi_targets": [
            {"kpi": t.kpi, "target": str(t.target)} for t in application.kpi_targets.all()
        ],
        "attachments": [
            {
                "required_document": a.required_document,
                "filename": a.filename,
                "media_type": a.media_type,
                "sha256": a.sha256,
                "size": a.size,
            }
            for a in application.attachments.order_by("uploaded_at", "id")
        ],
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
    }


def _answers_for_print(application: Application) -> list[dict]:
    fields = application.call.form_version.fields if application.call.form_version_id else []
    answers = application.answers or {}
    rows = []
    for spec in fields:
        if not isinstance(spec, dict) or spec.get("name") not in answers:
            continue
        value = answers[spec["name"]]
        labels = {
            c.get("code"): (c.get("label") or {}).get("ru") for c in spec.get("choices") or []
        }
        if isinstance(value, list):
            value = ", ".join(str(labels.get(v, v)) for v in value)
        elif isinstance(value, bool):
            value = "да" if value else "нет"
        elif isinstance(value, str) and value in labels:
            value = labels[value]
        rows.append({"label": (spec.get("label") or {}).get("ru", spec["name"]), "value": value})
    return rows


def _register_submission(application: Application, actor):
    """Register the submission: the JSON snapshot, then the PDF naming it; both routed to the
    lead's signatory and linked to the application. Returns ``(pdf, json)`` documents."""
    from innocluster.documents.fund import fund_organisation
    from innocluster.documents.generation import create_from_data, create_from_template
    from innocluster.documents.services import PartySpec, StepSpec

    register_document_templates()
    lead = application.lead
    fund = fund_organisation()
    data = snapshot(application)
    with translation.override(PRINT_LANG):
        title = _("Application %(number)s: %(title)s") % {
            "number": application.number,
            "title": application.title,
        }
        data_title = _("Data of the application %(number)s") % {"number": application.number}
    route = [StepSpec(lead, order=1)]
    json_document = create_from_data(
        SUBMISSION_DOC_TYPE,
        data,
        title=data_title[:500],
        sender=lead,
        parties=[PartySpec(fund)],
        route=route,
        links=[application],
        actor=actor,
    )
    with translation.override(PRINT_LANG):
        printed = {
            **data,
            "consortium": [
                {**m, "role": str(MemberRole(m["role"]).label)} for m in data["consortium"]
            ],
            "budget": [
                {**line, "category": str(CostCategory(line["category"]).label)}
                for line in data["budget"]
            ],
            "kpi_targets": [
                {**t, "kpi": str(KpiCode(t["kpi"]).label)} for t in data["kpi_targets"]
            ],
        }
    pdf_document = create_from_template(
        SUBMISSION_TEMPLATE,
        {
            "application": printed,
            "call_title": application.call.title_ru,
            "lead_name": lead.name_ru,
            "answers_rows": _answers_for_print(application),
            "data_registration_number": json_document.registration_number,
            "data_sha256": json_document.current_version.sha256,
        },
        title=title[:500],
        sender=lead,
        parties=[PartySpec(fund)],
        route=[StepSpec(lead, order=1)],
        links=[application],
        actor=actor,
    )
    return pdf_document, json_document
