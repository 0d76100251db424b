"""Writing and reading the audit trail."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

from .models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a model instance, ready for JSON."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return _jsonable({name: getattr(instance, name) for name in names})


def object_type_of(instance: models.Model) -> str:
    return instance._meta.label_lower


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit event; call it inside the service's transaction."""
    return _append(
        actor, action, object_type_of(obj), str(obj.pk), before, after, summary, actor_label
    )


def record_action(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: str,
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
) -> AuditEvent:
    """Append one audit event about something that is not one model instance (a bulk action
    over a filtered list: ``object_type`` names the kind of run, ``object_id`` the run)."""
    return _append(actor, action, object_type, object_id, before, after, summary)


def _append(actor, action, object_type, object_id, before, after, summary="", actor_label=""):
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=actor_label or (getattr(user, "email", "") if user else "system"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


def history_of(obj: models.Model):
    """Audit events of one object, newest first."""
    return AuditEvent.objects.filter(
        object_type=object_type_of(obj), object_id=str(obj.pk)
    ).select_related("actor")


def record_export(*, actor, kind: str, params: dict) -> AuditEvent:
    """Record that ``actor`` downloaded personal data (an export with contacts): who, when, which
    export and with which filters."""
    return _append(actor, f"export.{kind}", "export", kind, None, params)
