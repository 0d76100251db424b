"""The filtered, paginated application list, its exports and its bulk actions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.audit import record_export
from innocluster.core.errors import DomainError, ValidationFailed
from innocluster.core.paging import paginate_by_ids
from innocluster.portal.forms import add_domain_error

from .. import bulk, exports
from ..choices import ApplicationState, MemberRole
from ..filters import ApplicationFilter, money_subquery, score_subquery
from ..models import Application, ConsortiumMember
from . import common
from .common import TEMPLATES, fund_staff_only
from .forms import ApplicationFilterForm, BulkForm


def parse_filter(params, form) -> ApplicationFilter | None:
    """The request's filter, or None with the errors put on ``form``'s fields."""
    try:
        return ApplicationFilter.from_params(params)
    except ValidationFailed as error:
        add_domain_error(form, error)
        return None


def page_of(application_filter: ApplicationFilter, page_number, per_page: int):
    """One page of the filtered list with what a row shows, in a fixed number of queries: the
    count, the page's ids, its rows (lead, call, requested grant and score in one statement)
    and the partners."""
    filtered = application_filter.apply(Application.objects.all())
    rows = Application.objects.select_related("call", "lead").annotate(
        grant=money_subquery("grant_rub"), score=score_subquery()
    )
    page = paginate_by_ids(filtered, page_number, per_page, rows=rows)
    prefetch_related_objects(
        page.object_list,
        Prefetch(
            "members",
            queryset=ConsortiumMember.objects.filter(role=MemberRole.PARTNER)
            .select_related("organisation")
            .order_by("invited_at"),
            to_attr="partners",
        ),
    )
    return page


def state_counts(application_filter: ApplicationFilter) -> dict[str, int]:
    """How many applications of the filter (its state aside) are in each state: one query."""
    counted = (
        application_filter.apply(Application.objects.all(), with_state=False)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
    )
    return {row["state"]: row["n"] for row in counted}


def _state_links(application_filter: ApplicationFilter, counts: dict) -> list[dict]:
    params = application_filter.as_params()
    params.pop("state", None)
    links = []
    for code, label in ApplicationState.choices:
        query = urlencode({**params, "state": code})
        links.append(
            {
                "code": code,
                "label": label,
                "n": counts.get(code, 0),
                "url": f"?{query}",
                "current": application_filter.state == [code],
            }
        )
    return links


def _list(request, form, application_filter, bulk_form, status=200):
    context = {"form": form, "bulk_form": bulk_form, "filter": application_filter}
    if application_filter is None:
        return render(request, TEMPLATES + "list.html", context, status=400)
    query = urlencode(application_filter.as_params())
    counts = state_counts(application_filter)
    context.update(
        page_obj=page_of(application_filter, request.GET.get("page"), common.PAGE_SIZE),
        states=_state_links(application_filter, counts),
        total=sum(counts.values()),
        filter_query=query,
        filter_pairs=application_filter.as_query_pairs(),
        export_csv=reverse("manage_applications:export", args=["csv"])
        + (f"?{query}" if query else ""),
        export_xlsx=reverse("manage_applications:export", args=["xlsx"])
        + (f"?{query}" if query else ""),
    )
    return render(request, TEMPLATES + "list.html", context, status=status)


@require_safe
@fund_staff_only
def application_list(request):
    """Every application, filtered by the GET form, 25 a page, with counts per state."""
    form = ApplicationFilterForm.from_query(request.GET)
    return _list(request, form, parse_filter(request.GET, form), BulkForm())


@require_safe
@fund_staff_only
def export(request, fmt: str):
    """The filtered list as CSV (streamed) or XLSX (written to a temporary file, streamed)."""
    form = ApplicationFilterForm.from_query(request.GET)
    application_filter = parse_filter(request.GET, form)
    if application_filter is None:
        return _list(request, form, None, BulkForm())
    return export_response(request.user, application_filter, fmt)


def export_response(user, application_filter: ApplicationFilter, fmt: str):
    """The export's response; the download is recorded (who, which filter)."""
    queryset = application_filter.apply(Application.objects.all())
    record_export(actor=user, kind=f"applications.{fmt}", params=application_filter.as_params())
    if fmt == "xlsx":
        return FileResponse(
            exports.xlsx_file(queryset),
            as_attachment=True,
            filename=exports.filename("xlsx"),
            content_type=exports.XLSX_MEDIA_TYPE,
        )
    response = StreamingHttpResponse(
        exports.stream_csv(queryset), content_type=exports.CSV_MEDIA_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


@require_POST
@fund_staff_only
def bulk_action(request):
    """A bulk action on every application of the filter, in two steps: the first shows how many
    applications it will affect, the second (``confirm``, with the same count) runs it."""
    form = ApplicationFilterForm.from_query(request.POST)
    application_filter = parse_filter(request.POST, form)
    bulk_form = BulkForm(request.POST)
    if application_filter is None or not bulk_form.is_valid():
        return _list(request, form, application_filter, bulk_form, status=422)
    action = bulk_form.cleaned_data["action"]
    if action in ("export_csv", "export_xlsx"):
        query = urlencode(application_filter.as_params())
        fmt = action.removeprefix("export_")
        url = reverse("manage_applications:export", args=[fmt])
        return redirect(f"{url}?{query}" if query else url)
    reason = bulk_form.cleaned_data["reason"]
    try:
        reason = bulk.check_bulk(request.user, action, reason)
    except ValidationFailed as error:
        add_domain_error(bulk_form, error)
        return _list(request, form, application_filter, bulk_form, status=422)
    matched = bulk.selection(application_filter).count()
    labels = dict(bulk_form.fields["action"].choices)
    context = {
        "filter": application_filter,
        "filter_pairs": application_filter.as_query_pairs(),
        "filter_query": urlencode(application_filter.as_params()),
        "filter_summary": _summary(form, application_filter),
        "action": action,
        "action_label": labels.get(action, action),
        "reason": reason,
        "matched": matched,
    }
    expected = bulk_form.cleaned_data["expected"]
    if not bulk_form.cleaned_data["confirm"] or expected != matched:
        context["changed_from"] = expected if bulk_form.cleaned_data["confirm"] else None
        return render(request, TEMPLATES + "bulk_confirm.html", context)
    try:
        result = bulk.run_bulk(request.user, application_filter, action, reason)
    except DomainError as error:
        add_domain_error(bulk_form, error)
        return _list(request, form, application_filter, bulk_form, status=error.status)
    context["result"] = result
    messages.success(
        request,
        ngettext(
            "The action is done for %(count)d application.",
            "The action is done for %(count)d applications.",
            result.done,
        )
        % {"count": result.done}
        if action != bulk.ASSIGN
        else _("%(count)d reviewers assigned.") % {"count": result.done},
    )
    return render(request, TEMPLATES + "bulk_result.html", context)


def _summary(form, application_filter: ApplicationFilter) -> list[tuple[str, str]]:
    """The filter as the operator reads it: (label, chosen values) of each field in use."""
    params = application_filter.as_params()
    summary = []
    for name, bound in form.fields.items():
        value = params.get(name)
        if not value or name == "order":
            continue
        choices = dict(getattr(bound, "choices", []) or [])
        if name == "state":
            shown = ", ".join(str(choices.get(s, s)) for s in application_filter.state)
        else:
            shown = str(choices.get(value, value))
        summary.append((str(bound.label), shown))
    return summary
