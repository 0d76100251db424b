"""The operators' calls: every call with its phase and applications, and publishing a draft
(``calls.publish_call``: a call that is not complete is refused with what is missing)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.errors import ValidationFailed
from innocluster.core.views import fund_staff_only

from .. import calls as call_services
from ..choices import CallStatus
from ..models import Call
from ..selectors import call_card
from .common import TEMPLATES


def _rows(now):
    rows = []
    queryset = Call.objects.select_related("programme").annotate(
        applications_count=Count("applications")
    )
    for call in queryset.order_by("-opens_at", "code"):
        card = call_card(call, now)
        card["applications_count"] = call.applications_count
        rows.append(card)
    return rows


def _page(request, *, refusal=None, status=200):
    now = timezone.now()
    rows = _rows(now)
    rows.sort(key=lambda row: row["status"] != CallStatus.DRAFT)
    return render(
        request, TEMPLATES + "calls.html", {"rows": rows, "refusal": refusal}, status=status
    )


@require_safe
@fund_staff_only
def call_list(request):
    """Every call, drafts first, with its phase, dates, budget and applications."""
    return _page(request)


@require_POST
@fund_staff_only
def publish(request, code):
    """Publish a draft call: it becomes public, upcoming or open by its dates. A call that is
    not complete stays a draft, and the page says what is missing."""
    call = get_object_or_404(Call, code=code)
    try:
        call_services.publish_call(call, actor=request.user)
    except ValidationFailed as refused:
        return _page(request, refusal={"call": call, "errors": refused.errors}, status=422)
    messages.success(request, _("The call %(code)s is published.") % {"code": call.code})
    return redirect("manage_applications:calls")
