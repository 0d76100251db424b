"""KPI endpoints: ``GET /api/v1/kpis``, the joint projects' KPIs overall or grouped by call,
priority area or project (what the operators' dashboard shows)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from innocluster.api.auth import ANY_AUTH, caller_user
from innocluster.api.schemas import Problem
from innocluster.core.errors import FieldError, NotPermitted, ValidationFailed
from innocluster.registry.areas import PRIORITY_AREA_CODES

from . import kpis
from .schemas import KpiQuery, KpiReportOut

router = Router(tags=["kpis"])
ERRORS = {401: Problem, 403: Problem, 422: Problem}


def check_query(call: str | None, area: str | None, user) -> None:
    """Refuse control characters, an unknown area or call, and anyone but the Fund's staff."""
    from innocluster.core.text import has_control_characters
    from innocluster.programmes.models import Call

    errors = []
    for name, value in (("call", call), ("area", area)):
        if value and has_control_characters(value):
            errors.append(FieldError(name, _("Must not contain control characters."), "invalid"))
    if errors:  # nothing else is safe to look at
        raise ValidationFailed(errors)
    if area and area not in PRIORITY_AREA_CODES:
        errors.append(
            FieldError(
                "area",
                _("Unknown priority area; one of %(codes)s.")
                % {"codes": ", ".join(PRIORITY_AREA_CODES)},
                "unknown_area",
            )
        )
    if call and not Call.objects.filter(code=call).exists():
        errors.append(FieldError("call", _("No call has this code."), "unknown_call"))
    if errors:
        raise ValidationFailed(errors)
    # Until the public dashboard (C8) decides what is published and how small a group may be,
    # the figures are the Fund's: a call or area with one project would show that project's.
    if not getattr(user, "is_fund_staff", False):
        raise NotPermitted(_("The KPIs are for the Fund's staff."))


@router.get(
    "/kpis",
    response={200: KpiReportOut, **ERRORS},
    auth=ANY_AUTH,
    summary="KPIs of joint projects",
    description=(
        "Implemented projects (the headline), projects in implementation and terminated; "
        "jobs, revenue, taxes, patents and products from accepted milestone reports; grants "
        "awarded and paid; the payback ratio (taxes per rouble paid out); co-financing "
        "leverage; the approval rate and the days from submission to decision. Overall, or "
        "grouped by call, priority area or project. The Fund's staff only, until the public "
        "dashboard decides what is published."
    ),
)
def get_kpis(request, filters: Query[KpiQuery]):
    check_query(filters.call, filters.area, caller_user(request))
    rows = kpis.compute(filters.group, call_code=filters.call, area=filters.area)
    return {
        "group": filters.group,
        "generated_at": timezone.now(),
        "rows": [row.as_dict() for row in rows],
        "exchange": kpis.exchange_outcomes(area=filters.area).as_dict(),
    }
