"""Configuring calls: programmes, versioned application forms, calls, criteria, publication.

Every use case here is the operators' (``may_manage_calls``), runs in one transaction and
records an audit event. Bad input raises ``ValidationFailed`` naming each field (``deadline``,
``required_documents[1].code``, ``criteria[0].weight``) and changes nothing.

What may change when (applicants rely on what a published call says):

- a draft: everything but the code;
- published, before opening: the dates and the budget; the terms applicants rely on (the form
  version, the criteria, the consortium rules, the maximum grant, the co-financing minimum, the
  areas, the innovation types, the required documents) are fixed from publication;
- open: only the deadline, extended (never brought forward), with a reason;
- closed: nothing of the above.

At every phase the titles, the descriptions and the review settings (reviewers per application,
the disagreement threshold) may be corrected.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import FieldError, NotPermitted, ValidationFailed
from innocluster.registry.areas import PRIORITY_AREA_CODES

from .choices import CallStatus, InnovationType
from .forms_schema import check_form_fields
from .models import ApplicationForm, Call, Criterion, FormVersion, Programme
from .permissions import may_manage_calls

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
DOC_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_MONEY = Decimal("1e15")  # a quadrillion roubles: anything above is a typo
MAX_TEXT = 300
MAX_DESCRIPTION = 20000

TEXT_FIELDS = ("title_ru", "title_en", "description_ru", "description_en")
DATE_FIELDS = ("opens_at", "deadline")
CONSORTIUM_FIELDS = ("min_members", "max_members", "min_sme_members", "lead_must_be_member")
MONEY_FIELDS = ("budget_rub", "max_grant_rub", "cofinancing_min_share")
SCOPE_FIELDS = ("priority_areas", "innovation_types", "required_documents", "form_version")
REVIEW_FIELDS = ("reviewers_per_application", "disagreement_threshold")
CALL_FIELDS = (
    ("code",)
    + TEXT_FIELDS
    + DATE_FIELDS
    + CONSORTIUM_FIELDS
    + MONEY_FIELDS
    + SCOPE_FIELDS
    + REVIEW_FIELDS
)
REQUIRED_ON_CREATE = ("code", "title_ru", "opens_at", "deadline", "budget_rub", "max_grant_rub")
DEFAULTS = {
    "title_en": "",
    "description_ru": "",
    "description_en": "",
    "priority_areas": [],
    "innovation_types": [],
    "min_members": 1,
    "max_members": 5,
    "min_sme_members": 0,
    "lead_must_be_member": True,
    "cofinancing_min_share": Decimal("0"),
    "form_version": None,
    "required_documents": [],
    "reviewers_per_application": 3,
    "disagreement_threshold": Decimal("3"),
}


def actor_label(actor) -> str:
    return getattr(actor, "email", "") or str(actor or "system")


def _require_operator(actor) -> None:
    allowed, reason = may_manage_calls(actor)
    if not allowed:
        raise NotPermitted(reason)


def _refuse(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed([FieldError(field, message, code)])


# --- programmes and forms ----------------------------------------------------------------------


def _text_errors(data: dict, field: str, *, required: bool, limit: int) -> list[FieldError]:
    value = data.get(field, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        return [FieldError(field, _("must be a text"), "type")]
    if required and not value.strip():
        return [FieldError(field, _("is required"), "required")]
    if len(value) > limit:
        return [
            FieldError(
                field, _("must be at most %(max)s characters") % {"max": limit}, "max_length"
            )
        ]
    if "\x00" in value:
        return [FieldError(field, _("contains a NUL character"), "invalid")]
    return []


def _code_errors(code, model, field: str = "code") -> list[FieldError]:
    if not isinstance(code, str) or not CODE_RE.match(code):
        return [
            FieldError(
                field,
                _("must be a code of Latin lower-case letters, digits and hyphens (at most 64)"),
                "invalid",
            )
        ]
    if model.objects.filter(code=code).exists():
        return [FieldError(field, _("is already used"), "duplicate")]
    return []


def create_programme(
    *,
    actor,
    code: str,
    name_ru: str,
    name_en: str = "",
    description_ru: str = "",
    description_en: str = "",
) -> Programme:
    """Create a support programme (operators).

    Args: who; its code (a slug) and bilingual name and description.
    Returns: the Programme. Raises NotPermitted, or ValidationFailed naming the field."""
    _require_operator(actor)
    data = {
        "name_ru": name_ru,
        "name_en": name_en,
        "description_ru": description_ru,
        "description_en": description_en,
    }
    with transaction.atomic():
        errors = _code_errors(code, Programme)
        errors += _text_errors(data, "name_ru", required=True, limit=300)
        errors += _text_errors(data, "name_en", required=False, limit=300)
        errors += _text_errors(data, "description_ru", required=False, limit=MAX_DESCRIPTION)
        errors += _text_errors(data, "description_en", required=False, limit=MAX_DESCRIPTION)
        if errors:
            raise ValidationFailed(errors)
        programme = Programme.objects.create(code=code, **{k: v or "" for k, v in data.items()})
        record_event(
            actor=actor,
            actor_label=actor_label(actor),
            action="programmes.programme_created",
            obj=programme,
            after={"code": code, "name_ru": programme.name_ru},
        )
    return programme


def create_form(*, actor, code: str, name: str, fields) -> tuple[ApplicationForm, FormVersion]:
    """Create an application form with its first version (operators).

    Args: who; the form's code and name; the fields of version 1 (``forms_schema``).
    Returns: (the form, version 1). Raises NotPermitted, or ValidationFailed naming the field
    (``fields[2].type``)."""
    _require_operator(actor)
    with transaction.atomic():
        errors = _code_errors(code, ApplicationForm)
        errors += _text_errors({"name": name}, "name", required=True, limit=300)
        try:
            check_form_fields(fields)
        except ValidationFailed as failure:
            errors += failure.errors
        if errors:
            raise ValidationFailed(errors)
        form = ApplicationForm.objects.create(code=code, name=name)
        version = FormVersion.objects.create(
            form=form, number=1, fields=fields, created_by=_user(actor)
        )
        record_event(
            actor=actor,
            actor_label=actor_label(actor),
            action="programmes.form_created",
            obj=form,
            after={"code": code, "name": name, "version": 1, "fields": fields},
        )
    return form, version


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def publish_form_version(form: ApplicationForm, fields, *, actor) -> FormVersion:
    """Publish a new version of an application form (operators).

    Versions are never changed: a call keeps the version it was configured with, and later
    calls may take the new one.

    Args: the form; the new version's fields; who.
    Returns: the new FormVersion (its number one above the latest). Raises NotPermitted, or
    ValidationFailed naming the field (``fields[0].label.en``), or ``fields`` unchanged."""
    _require_operator(actor)
    check_form_fields(fields)
    with transaction.atomic():
        form = ApplicationForm.objects.select_for_update().get(pk=form.pk)
        latest = form.versions.order_by("-number").first()
        if latest is not None and latest.fields == fields:
            raise _refuse("fields", _("are the same as the latest version's"), "unchanged")
        number = (form.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = FormVersion.objects.create(
            form=form, number=number, fields=fields, created_by=_user(actor)
        )
        form.save(update_fields=["updated_at"])
        record_event(
            actor=actor,
            actor_label=actor_label(actor),
            action="programmes.form_version_published",
            obj=form,
            before={"version": latest.number if latest else None},
            after={"version": number, "fields": fields},
        )
    return version


# --- calls -------------------------------------------------------------------------------------


def _as_datetime(value, field: str, errors: list[FieldError]):
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            errors.append(FieldError(field, _("must be a date and time (ISO 8601)"), "type"))
            return None
    if not isinstance(value, datetime.datetime):
        errors.append(FieldError(field, _("must be a date and time"), "type"))
        return None
    if timezone.is_naive(value):
        errors.append(
            FieldError(field, _("must carry its time zone (e.g. +03:00 for Moscow)"), "type")
        )
        return None
    return value


def _as_decimal(value, field: str, errors: list[FieldError], places: int = 2):
    if isinstance(value, bool) or value is None or isinstance(value, float):
        if isinstance(value, float):
            value = repr(value)
        else:
            errors.append(FieldError(field, _("must be a number"), "type"))
            return None
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        errors.append(FieldError(field, _("must be a number"), "type"))
        return None
    if not number.is_finite():
        errors.append(FieldError(field, _("must be a number"), "type"))
        return None
    if abs(number) >= MAX_MONEY:
        errors.append(FieldError(field, _("is too large"), "max_value"))
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors.append(
            FieldError(
                field,
                _("must have at most %(places)s decimal places") % {"places": places},
                "invalid",
            )
        )
        return None
    return number


def _as_int(value, field: str, errors: list[FieldError], low: int, high: int):
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 6:
            value = int(value.strip())
        else:
            errors.append(FieldError(field, _("must be a whole number"), "type"))
            return None
    if not low <= value <= high:
        errors.append(
            FieldError(
                field,
                _("must be from %(low)s to %(high)s") % {"low": low, "high": high},
                "invalid",
            )
        )
        return None
    return value


def _code_list(value, field: str, allowed, errors: list[FieldError]) -> list[str] | None:
    if not isinstance(value, (list, tuple)):
        errors.append(FieldError(field, _("must be a list of codes"), "type"))
        return None
    result = []
    for index, code in enumerate(value):
        if not isinstance(code, str) or code not in allowed:
            errors.append(
                FieldError(
                    f"{field}[{index}]",
                    _("must be one of: %(codes)s") % {"codes": ", ".join(allowed)},
                    "invalid_choice",
                )
            )
        elif code in result:
            errors.append(FieldError(f"{field}[{index}]", _("is listed twice"), "duplicate"))
        else:
            result.append(code)
    return result


def _documents(value, errors: list[FieldError]) -> list[dict] | None:
    field = "required_documents"
    if not isinstance(value, (list, tuple)):
        errors.append(FieldError(field, _("must be a list of documents"), "type"))
        return None
    if len(value) > 50:
        errors.append(FieldError(field, _("holds too many documents"), "invalid"))
        return None
    result, codes, ok = [], set(), True
    for index, doc in enumerate(value):
        here = f"{field}[{index}]"
        if not isinstance(doc, dict):
            errors.append(
                FieldError(here, _("must be an object with code, name_ru and name_en"), "type")
            )
            ok = False
            continue
        for key in doc:
            if key not in ("code", "name_ru", "name_en"):
                errors.append(FieldError(f"{here}.{key}", _("is not a known key"), "unknown_field"))
                ok = False
        code = doc.get("code")
        if not isinstance(code, str) or not DOC_CODE_RE.match(code):
            errors.append(
                FieldError(
                    f"{here}.code",
                    _("must be a code of Latin lower-case letters, digits, _ and - (at most 64)"),
                    "invalid",
                )
            )
            ok = False
        elif code in codes:
            errors.append(FieldError(f"{here}.code", _("is used by another document"), "duplicate"))
            ok = False
        else:
            codes.add(code)
        for key in ("name_ru", "name_en"):
            problems = _text_errors(doc, key, required=True, limit=MAX_TEXT)
            for problem in problems:
                problem.field = f"{here}.{key}"
            errors += problems
            ok = ok and not problems
        if ok:
            result.append({"code": code, "name_ru": doc["name_ru"], "name_en": doc["name_en"]})
    return result if ok else None


def _form_version(value, errors: list[FieldError]):
    if value is None or isinstance(value, FormVersion):
        return value
    try:
        version = FormVersion.objects.filter(pk=value).first()
    except (ValueError, TypeError, DjangoValidationError):  # a malformed UUID
        version = None
    if version is None:
        errors.append(FieldError("form_version", _("is not a known form version"), "invalid"))
    return version


def _clean_call(data: dict, *, creating: bool) -> dict:
    """Parse and check the given call attributes; ValidationFailed names each bad one."""
    errors: list[FieldError] = []
    if not isinstance(data, dict):
        raise _refuse("call", _("must be an object"), "type")
    for key in data:
        if key not in CALL_FIELDS:
            errors.append(
                FieldError(str(key), _("is not a known field of a call"), "unknown_field")
            )
    if creating:
        for key in REQUIRED_ON_CREATE:
            if data.get(key) in (None, ""):
                errors.append(FieldError(key, _("is required"), "required"))
    clean: dict = {}
    for key, value in data.items():
        if key not in CALL_FIELDS or (
            creating and key in REQUIRED_ON_CREATE and value in (None, "")
        ):
            continue
        if key == "code":
            if not creating:
                errors.append(FieldError(key, _("cannot be changed"), "immutable"))
            else:
                problems = _code_errors(value, Call)
                errors += problems
                if not problems:
                    clean[key] = value
        elif key in TEXT_FIELDS:
            limit = MAX_TEXT if key.startswith("title") else MAX_DESCRIPTION
            problems = _text_errors(data, key, required=key == "title_ru", limit=limit)
            errors += problems
            if not problems:
                clean[key] = value or ""
        elif key in DATE_FIELDS:
            clean[key] = _as_datetime(value, key, errors)
        elif key in ("budget_rub", "max_grant_rub"):
            clean[key] = _as_decimal(value, key, errors)
        elif key == "cofinancing_min_share":
            clean[key] = _as_decimal(value, key, errors, places=4)
        elif key == "disagreement_threshold":
            clean[key] = _as_decimal(value, key, errors)
        elif key in ("min_members", "max_members"):
            clean[key] = _as_int(value, key, errors, 1, 100)
        elif key == "min_sme_members":
            clean[key] = _as_int(value, key, errors, 0, 100)
        elif key == "reviewers_per_application":
            clean[key] = _as_int(value, key, errors, 1, 50)
        elif key == "lead_must_be_member":
            if not isinstance(value, bool):
                errors.append(FieldError(key, _("must be true or false"), "type"))
            else:
                clean[key] = value
        elif key == "priority_areas":
            clean[key] = _code_list(value, key, PRIORITY_AREA_CODES, errors)
        elif key == "innovation_types":
            clean[key] = _code_list(value, key, tuple(InnovationType.values), errors)
        elif key == "required_documents":
            clean[key] = _documents(value, errors)
        elif key == "form_version":
            clean[key] = _form_version(value, errors)
    if errors:
        raise ValidationFailed(errors)
    return clean


def _rule_errors(values: dict) -> list[FieldError]:
    """The rules that tie a call's attributes together (on the call as it would be)."""
    errors = []
    if values["deadline"] <= values["opens_at"]:
        errors.append(FieldError("deadline", _("must be after the opening"), "invalid"))
    if values["budget_rub"] <= 0:
        errors.append(FieldError("budget_rub", _("must be positive"), "min_value"))
    if values["max_grant_rub"] <= 0:
        errors.append(FieldError("max_grant_rub", _("must be positive"), "min_value"))
    elif values["max_grant_rub"] > values["budget_rub"]:
        errors.append(
            FieldError("max_grant_rub", _("must not be more than the call's budget"), "max_value")
        )
    if values["min_members"] > values["max_members"]:
        errors.append(
            FieldError("min_members", _("must not be more than the most members"), "invalid")
        )
    if values["min_sme_members"] > values["max_members"]:
        errors.append(
            FieldError("min_sme_members", _("must not be more than the most members"), "invalid")
        )
    share = values["cofinancing_min_share"]
    if not Decimal(0) <= share <= Decimal(1):
        errors.append(
            FieldError("cofinancing_min_share", _("must be a share from 0 to 1"), "invalid")
        )
    if values["disagreement_threshold"] <= 0:
        errors.append(FieldError("disagreement_threshold", _("must be positive"), "min_value"))
    return errors


def _snapshot(call: Call) -> dict:
    values = {key: getattr(call, key) for key in CALL_FIELDS if key != "form_version"}
    values["form_version"] = str(call.form_version_id) if call.form_version_id else None
    return values


def create_call(programme: Programme, data: dict, *, actor) -> Call:
    """Create a call, as a draft (operators).

    Args: its programme; ``data``: code, title_ru, opens_at and deadline (aware datetimes or ISO
    8601 with the offset), budget_rub and max_grant_rub are required; title_en, descriptions,
    priority_areas, innovation_types, min_members, max_members, min_sme_members,
    lead_must_be_member, cofinancing_min_share (0..1), form_version (a FormVersion or its id),
    required_documents ([{code, name_ru, name_en}]), reviewers_per_application,
    disagreement_threshold are optional; who.
    Returns: the draft Call (not public until ``publish_call``). Raises NotPermitted, or
    ValidationFailed naming each bad field."""
    _require_operator(actor)
    with transaction.atomic():
        clean = _clean_call(data, creating=True)
        values = {**DEFAULTS, **clean}
        errors = _rule_errors(values)
        if errors:
            raise ValidationFailed(errors)
        call = Call.objects.create(programme=programme, **values)
        record_event(
            actor=actor,
            actor_label=actor_label(actor),
            action="programmes.call_created",
            obj=call,
            after=_snapshot(call),
        )
    return call


# What may change in each phase of a published call (a draft: everything but the code).
ALWAYS_CHANGEABLE = {*TEXT_FIELDS, *REVIEW_FIELDS}
CHANGEABLE = {
    CallStatus.UPCOMING: {*DATE_FIELDS, "budget_rub", *ALWAYS_CHANGEABLE},
    CallStatus.OPEN: {"deadline", *ALWAYS_CHANGEABLE},
    CallStatus.CLOSED: ALWAYS_CHANGEABLE,
}


def _frozen_message(status: str) -> str:
    if status == CallStatus.OPEN:
        return _("cannot change while the call is open")
    if status == CallStatus.CLOSED:
        return _("cannot change after the call has closed")
    return _("cannot change once the call is published")


def update_call(call: Call, changes: dict, *, actor, reason: str = "") -> Call:
    """Change a call's configuration (operators), within what its phase allows (see the module's
    docstring): an open call's deadline may only move later, and only with a reason.

    Args: the call; the attributes to change (as for ``create_call``); who; why (required to
    extend an open call's deadline; recorded in the audit event).
    Returns: the updated Call. Raises NotPermitted, or ValidationFailed naming each field that
    is bad or may not change now (nothing changes)."""
    _require_operator(actor)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        clean = _clean_call(changes, creating=False)
        status = call.status_at()
        errors: list[FieldError] = []
        if status != CallStatus.DRAFT:
            allowed = CHANGEABLE[status]
            for key, value in clean.items():
                current = call.form_version if key == "form_version" else getattr(call, key)
                if key not in allowed and value != current:
                    errors.append(
                        FieldError(
                            key,
                            _frozen_message(status),
                            "frozen",
                        )
                    )
            if status == CallStatus.OPEN and "deadline" in clean:
                new = clean["deadline"]
                if new < call.deadline:
                    errors.append(
                        FieldError(
                            "deadline",
                            _("of an open call can only be extended, not brought forward"),
                            "frozen",
                        )
                    )
                elif new > call.deadline and not (reason or "").strip():
                    errors.append(
                        FieldError("reason", _("is required to extend the deadline"), "required")
                    )
        if len(reason or "") > 1000:
            errors.append(FieldError("reason", _("is too long"), "max_length"))
        values = {**_snapshot(call), **clean}
        values["form_version"] = clean.get("form_version", call.form_version)
        errors += [e for e in _rule_errors(values) if e.field not in {x.field for x in errors}]
        if errors:
            raise ValidationFailed(errors)
        before = _snapshot(call)
        for key, value in clean.items():
            setattr(call, key, value)
        after = _snapshot(call)
        if after == before:  # nothing to change: no write, no event
            return call
        call.save()
        record_event(
            actor=actor,
            actor_label=actor_label(actor),
            action="programmes.call_updated",
            obj=call,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            summary=reason or "",
        )
    return call


def _criteria(items) -> list[dict]:
    errors: list[FieldError] = []
    if not isinstance(items, (list, tuple)):
        raise _refuse("criteria", _("must be a list of criteria"), "type")
    if not items:
        raise _refuse("criteria", _("must hold at least one criterion"), "required")
    if len(items) > 50:
        raise _refuse("criteria", _("holds too many criteria"), "invalid")
    result, codes = [], set()
    allowed_keys = {"code", "name_ru", "name_en", "weight", "scale_min", "scale_max"}
    for index, item in enumerate(items):
        here = f"criteria[{index}]"
        if not isinstance(item, dict):
            errors.append(FieldError(here, _("must be an object"), "type"))
            continue
        before = len(errors)
        for key in item:
            if key not in allowed_keys:
                errors.append(FieldError(f"{here}.{key}", _("is not a known key"), "unknown_field"))
        code = item.get("code")
        if not isinstance(code, str) or not DOC_CODE_RE.match(code):
            errors.append(
                FieldError(
                    f"{here}.code",
                    _("must be a code of Latin lower-case letters, digits, _ and - (at most 64)"),
                    "invalid",
                )
            )
        elif code in codes:
            errors.append(
                FieldError(f"{here}.code", _("is used by another criterion"), "duplicate")
            )
        else:
            codes.add(code)
        for key, required in (("name_ru", True), ("name_en", False)):
            for problem in _text_errors(item, key, required=required, limit=MAX_TEXT):
                problem.field = f"{here}.{key}"
                errors.append(problem)
        weight_errors: list[FieldError] = []
        weight = _as_decimal(item.get("weight", 1), f"{here}.weight", weight_errors, places=3)
        if weight is not None and not Decimal(0) < weight < Decimal(1000):
            weight_errors.append(
                FieldError(f"{here}.weight", _("must be above 0 (and below 1000)"), "min_value")
            )
        errors += weight_errors
        low = _as_int(item.get("scale_min", 0), f"{here}.scale_min", errors, -1000, 1000)
        high = _as_int(item.get("scale_max", 10), f"{here}.scale_max", errors, -1000, 1000)
        if low is not None and high is not None and low >= high:
            errors.append(
                FieldError(f"{here}.scale_max", _("must be above the lowest score"), "invalid")
            )
        if len(errors) == before:
            result.append(
                {
                    "code": code,
                    "name_ru": item["name_ru"],
                    "name_en": item.get("name_en") or "",
                    "weight": weight,
                    "scale_min": low,
                    "scale_max": high,
                }
            )
    if errors:
        raise ValidationFailed(errors)
    return result


def set_criteria(call: Call, criteria, *, actor) -> list[Criterion]:
    """Replace a call's evaluation criteria (operators), while the call is a draft.

    Args: the call; a list of ``{code, name_ru, name_en?, weight (> 0), scale_min, scale_max}``
    (scale_min < scale_max); who.
    Returns: the new criteria in order. Raises NotPermitted, or ValidationFailed naming the
    field (``criteria[1].weight``), or ``criteria`` once the call is published."""
    _require_operator(actor)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        status = call.status_at()
        if status != CallStatus.DRAFT:
            raise _refuse(
                "criteria",
                _frozen_message(status),
                "frozen",
            )
        items = _criteria(criteria)
        before = [
            {"code": c.code, "weight": c.weight, "scale_min": c.scale_min, "scale_max": c.scale_max}
            for c in call.criteria.all()
        ]
        call.criteria.all().delete()
        created = Criterion.objects.bulk_create(
            [Criterion(call=call, position=index, **item) for index, item in enumerate(items)]
        )
        record_event(
            actor=actor,
            actor_label=actor_label(actor),
            action="programmes.criteria_set",
            obj=call,
            before={"criteria": before},
            after={"criteria": items},
        )
    return created


def publish_call(call: Call, *, actor) -> Call:
    """Publish a draft call (operators): it becomes public, upcoming or open by its dates.

    The call must be complete: a form version, at least one criterion, a deadline still ahead,
    and its rules consistent. Raises NotPermitted, or ValidationFailed naming what is missing
    (``form_version``, ``criteria``, ``deadline``) or ``published_at`` when already published."""
    _require_operator(actor)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.published_at is not None:
            raise _refuse("published_at", _("the call is already published"), "already_published")
        errors = _rule_errors({**_snapshot(call), "form_version": call.form_version})
        if call.form_version_id is None:
            errors.append(FieldError("form_version", _("is required to publish"), "required"))
        if not call.criteria.exists():
            errors.append(
                FieldError("criteria", _("at least one is required to publish"), "required")
            )
        now = timezone.now()
        if call.deadline <= now:
            errors.append(FieldError("deadline", _("has already passed"), "invalid"))
        if errors:
            raise ValidationFailed(errors)
        call.published_at = now
        call.save(update_fields=["published_at", "updated_at"])
        record_event(
            actor=actor,
            actor_label=actor_label(actor),
            action="programmes.call_published",
            obj=call,
            after={"published_at": now, "status": call.status_at(now)},
        )
    return call
