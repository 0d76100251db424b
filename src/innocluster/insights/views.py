"""The operators' KPI dashboard (Fund staff): the headline, results and money overall, then by
call, by priority area and by project."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render

from innocluster.core.errors import ValidationFailed
from innocluster.programmes.models import Call
from innocluster.programmes.selectors import area_labels
from innocluster.registry.areas import PRIORITY_AREA_CODES

from . import kpis
from .api import check_query

PROJECT_ROWS = 50


def dashboard(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_fund_staff:
        raise Http404  # the back office does not admit it exists
    call = request.GET.get("call") or None
    area = request.GET.get("area") or None
    errors = []
    try:
        check_query(call, area, request.user)
    except ValidationFailed as refused:
        errors = refused.errors
        call = area = None
    overall = kpis.compute("overall", call_code=call, area=area)[0]
    by_call = kpis.compute("call", call_code=call, area=area)
    by_area = kpis.compute("area", call_code=call, area=area)
    by_project = kpis.compute("project", call_code=call, area=area)[:PROJECT_ROWS]
    return render(
        request,
        "insights/dashboard.html",
        {
            "overall": overall,
            "by_call": by_call,
            "by_area": by_area,
            "by_project": by_project,
            "exchange": kpis.exchange_outcomes(area=area),
            "project_rows": PROJECT_ROWS,
            "errors": errors,
            "chosen_call": call or "",
            "chosen_area": area or "",
            "calls": Call.objects.filter(published_at__isnull=False).order_by("-opens_at"),
            "areas": list(zip(PRIORITY_AREA_CODES, area_labels(PRIORITY_AREA_CODES), strict=True)),
        },
    )
