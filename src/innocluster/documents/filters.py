"""The documents' filters: one class for the portal's lists and the API list."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, fields

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.errors import FieldError, ValidationFailed
from innocluster.core.text import has_control_characters

from .choices import IN_FLIGHT_STATUSES, DocumentStatus, DocumentType, StepStatus
from .models import DocumentParty, SigningStep

ORDERINGS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "number": ("registration_number",),
    "-number": ("-registration_number",),
}


@dataclass
class DocumentFilter:
    """Search and filters over documents; every field is optional.

    ``q`` matches the registration number or words of the title; ``organisation`` is an
    organisation's id (sender or party); ``date_from``/``date_to`` bound the creation date
    (Moscow dates, inclusive); ``overdue`` keeps documents with a pending step past its deadline.
    """

    status: str = ""
    type: str = ""
    organisation: str = ""
    q: str = ""
    date_from: str = ""
    date_to: str = ""
    overdue: str = ""
    order: str = "-created"

    @classmethod
    def from_params(cls, params) -> DocumentFilter:
        """Build from query parameters; raise ``ValidationFailed`` naming each bad one."""
        values = {f.name: str(params.get(f.name) or "").strip() for f in fields(cls)}
        values["order"] = values["order"] or "-created"
        errors = [
            FieldError(name, _("Must not contain control characters."), "invalid")
            for name, value in values.items()
            if has_control_characters(value)
        ]
        if errors:
            raise ValidationFailed(errors)
        result = cls(**values)
        if result.status and result.status not in DocumentStatus.values:
            errors.append(_choice_error("status", DocumentStatus.values))
        if result.type and result.type not in DocumentType.values:
            errors.append(_choice_error("type", DocumentType.values))
        if result.organisation:
            try:
                result.organisation = str(uuid.UUID(result.organisation))
            except ValueError:
                errors.append(
                    FieldError(
                        "organisation", _("An organisation is given by its id (UUID)."), "invalid"
                    )
                )
        for name in ("date_from", "date_to"):
            value = getattr(result, name)
            if value:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    errors.append(
                        FieldError(name, _("A date is written YYYY-MM-DD."), "invalid_date")
                    )
        if result.overdue and result.overdue.lower() not in (
            "1",
            "true",
            "yes",
            "0",
            "false",
            "no",
        ):
            errors.append(FieldError("overdue", _("Must be true or false."), "invalid"))
        if result.order not in ORDERINGS:
            errors.append(_choice_error("order", list(ORDERINGS)))
        if len(result.q) > 200:
            errors.append(FieldError("q", _("At most 200 characters."), "too_long"))
        if errors:
            raise ValidationFailed(errors)
        return result

    @property
    def wants_overdue(self) -> bool:
        return self.overdue.lower() in ("1", "true", "yes")

    def apply(self, queryset):
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.type:
            queryset = queryset.filter(doc_type=self.type)
        if self.organisation:
            queryset = queryset.filter(
                Q(sender_id=self.organisation)
                | Q(
                    pk__in=DocumentParty.objects.filter(organisation_id=self.organisation).values(
                        "document_id"
                    )
                )
            )
        if self.q:
            condition = Q(registration_number__icontains=self.q)
            words = self.q.split()
            if words:
                title = Q()
                for word in words:
                    title &= Q(title__icontains=word)
                condition |= title
            queryset = queryset.filter(condition)
        if self.date_from:
            queryset = queryset.filter(created_at__gte=_moscow_midnight(self.date_from))
        if self.date_to:
            queryset = queryset.filter(
                created_at__lt=_moscow_midnight(self.date_to) + dt.timedelta(days=1)
            )
        if self.wants_overdue:
            queryset = queryset.filter(status__in=IN_FLIGHT_STATUSES).filter(
                Exists(overdue_steps().filter(document=OuterRef("pk")))
            )
        return queryset.order_by(*ORDERINGS[self.order])

    def as_params(self) -> dict[str, str]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) and not (f.name == "order" and self.order == "-created")
        }


def overdue_steps():
    """Pending steps whose deadline has passed."""
    return SigningStep.objects.filter(status=StepStatus.PENDING, deadline__lt=timezone.now())


def _choice_error(field: str, allowed) -> FieldError:
    return FieldError(field, _("Must be one of: %s.") % ", ".join(allowed), "invalid_choice")


def _moscow_midnight(value: str) -> dt.datetime:
    import zoneinfo

    day = dt.date.fromisoformat(value)
    return dt.datetime.combine(day, dt.time(), tzinfo=zoneinfo.ZoneInfo("Europe/Moscow"))
