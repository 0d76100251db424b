"""Drafting an application: starting it and saving its sections (details, answers, budget,
milestones, KPI targets) whole, each against the version the editor loaded."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.errors import Conflict, FieldError, ValidationFailed
from innocluster.registry.choices import ADMITTED_STATUSES, MembershipStatus
from innocluster.registry.models import Organisation

from ..choices import CallStatus, CostCategory, KpiCode, MemberRole, ParticipationStatus
from ..forms_schema import check_form_answers
from ..models import Application, BudgetLine, Call, ConsortiumMember, KpiTarget, Milestone
from ..permissions import may_edit_application
from .common import _audit, _editable, _lock, _permit, _text

MONEY_LIMIT = Decimal("1e16")
MAX_LINES = 500


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


def _one_of(errors: list[FieldError], path: str, value, codes) -> bool:
    """Whether ``value`` is one of ``codes``; if not, an error naming ``path`` is added."""
    if value in codes:
        return True
    errors.append(
        FieldError(
            path, _("Must be one of: %(codes)s.") % {"codes": ", ".join(codes)}, "invalid_choice"
        )
    )
    return False


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
        _one_of(errors, f"{here}.category", category, CostCategory.values)
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
        if _one_of(errors, f"{here}.kpi", kpi, KpiCode.values) and kpi in seen:
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
