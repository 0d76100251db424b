"""The filtered, paginated application list, its exports and its bulk actions."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from innocluster.core import pagecache
from innocluster.core.audit import record_export
from innocluster.core.errors import DomainError, ValidationFailed
from innocluster.core.views import fund_staff_only
from innocluster.portal.forms import add_domain_error

from .. import bulk, exports
from ..choices import ApplicationState, MemberRole
from ..filters import ApplicationFilter, money_subquery, score_subquery
from ..models import Application, ConsortiumMember
from . import common
from .common import TEMPLATES
from .forms import ApplicationFilterForm, BulkForm

# What a row shows; the rest (answers, summaries, the organisations' search documents) stays in
# the database: reading whole rows of three tables doubled the page's time.
ROW_FIELDS = (
    "id", "number", "title", "state", "submitted_at",
    "call__code", "lead__name_ru", "lead__name_en", "lead__inn",
)  # fmt: skip


def parse_filter(params, form) -> ApplicationFilter | None:
    """The request's filter, or None with the errors put on ``form``'s fields."""
    try:
        return ApplicationFilter.from_params(params)
    except ValidationFailed as error:
        add_domain_error(form, error)
        return None


def page_of(
    application_filter: ApplicationFilter, page_number, per_page: int, count: int | None = None
):
    """One page of the filtered list, its rows ready to print, in a fixed number of queries: the
    count (none when ``count`` is known, e.g. from the counts per state), the page's ids, its
    rows (lead, call, requested grant and score in one statement) and the partners' names. As
    ``core.paging.paginate_by_ids``: the narrow ids are sorted and sliced first, then only the
    page's rows are read, as plain values (building model instances cost more than the query)."""
    filtered = application_filter.apply(Application.objects.all())
    paginator = Paginator(filtered.values_list("pk", flat=True), per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not queried again
    page = paginator.get_page(page_number)
    wanted = list(page.object_list)
    found = {}
    if wanted:
        rows = (
            Application.objects.filter(pk__in=wanted)
            .annotate(grant=money_subquery("grant_rub"), score=score_subquery())
            .values(*ROW_FIELDS, "grant", "score")
        )
        found = {row["id"]: row for row in rows}
    page.object_list = _display([found[pk] for pk in wanted if pk in found])
    return page


def _partner_names(ids, english: bool) -> dict:
    """Each application's partners' names, in one narrow query."""
    names: dict = {pk: [] for pk in ids}
    partners = (
        ConsortiumMember.objects.filter(application_id__in=list(names), role=MemberRole.PARTNER)
        .order_by("invited_at")
        .values_list("application_id", "organisation__name_ru", "organisation__name_en")
    )
    for application_id, name_ru, name_en in partners:
        names[application_id].append(name_en if english and name_en else name_ru)
    return names


_ANY_ID = "00000000-0000-0000-0000-000000000000"


def _display(rows: list[dict]) -> list[dict]:
    """What each row prints, prepared here: template filters and a reversed URL per cell cost
    more than the page's queries."""
    before, after = reverse("manage_applications:detail", args=[_ANY_ID]).split(_ANY_ID)
    english = (get_language() or "ru").startswith("en")
    labels = dict(ApplicationState.choices)
    partners = _partner_names([row["id"] for row in rows], english)
    for row in rows:
        submitted = row["submitted_at"]
        row.update(
            url=f"{before}{row['id']}{after}",
            state_label=labels.get(row["state"], row["state"]),
            lead_name=(row["lead__name_en"] if english and row["lead__name_en"] else None)
            or row["lead__name_ru"],
            grant_text=_amount(row["grant"], english),
            submitted_text=timezone.localtime(submitted).strftime(
                "%Y-%m-%d %H:%M" if english else "%d.%m.%Y %H:%M"
            )
            if submitted
            else "—",
            score_text=_amount(row["score"], english, places=1)
            if row["score"] is not None
            else "—",
            partner_names="; ".join(partners[row["id"]]),
        )
    return rows


def _amount(value, english: bool, places: int = 2) -> str:
    text = f"{value or 0:,.{places}f}"
    return text if english else text.replace(",", "\u00a0").replace(".", ",")


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


FILTER_FORM_SECONDS = 600


def filter_form_html(form) -> str:
    """The filter form's HTML: the same for every request with the same values, language and
    calls, so it is kept (rendering its selects and checkboxes costs more than the list's
    queries); a form with errors is always rendered afresh."""
    if form.errors:
        return render_to_string(TEMPLATES + "_filter_form.html", {"form": form})
    data = form.data
    values = [
        (name, data.getlist(name) if hasattr(data, "getlist") else data.get(name))
        for name in form.fields
    ]
    digest = hashlib.sha256(repr(values).encode()).hexdigest()
    key = f"programmes:manage:filter-form:{get_language()}:{form.calls_version}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(TEMPLATES + "_filter_form.html", {"form": form})
        cache.set(key, html, FILTER_FORM_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own template's output)


def bulk_fields_html(bulk_form) -> str:
    """The bulk form's fields: the same for every request until it is submitted with errors."""
    if bulk_form.is_bound:
        return render_to_string(TEMPLATES + "_bulk_fields.html", {"bulk_form": bulk_form})
    key = f"programmes:manage:bulk-fields:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(TEMPLATES + "_bulk_fields.html", {"bulk_form": bulk_form})
        cache.set(key, html, FILTER_FORM_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own template's output)


def _list(request, form, application_filter, bulk_form, status=200):
    context = {
        "bulk_fields_html": bulk_fields_html(bulk_form),
        "form": form,
        "bulk_form": bulk_form,
        "filter": application_filter,
        "filter_form_html": filter_form_html(form),
    }
    if application_filter is None:
        return render(request, TEMPLATES + "list.html", context, status=400)
    query = urlencode(application_filter.as_params())
    counts = state_counts(application_filter)
    chosen = application_filter.state or list(counts)
    matched = sum(counts.get(state, 0) for state in chosen)
    page_obj = page_of(application_filter, request.GET.get("page"), common.PAGE_SIZE, matched)
    context.update(
        page_obj=page_obj,
        matched_text=ngettext(
            "%(count)d application matches the filter.",
            "%(count)d applications match the filter.",
            matched,
        )
        % {"count": matched},
        bulk_text=ngettext(
            "The action applies to every application matching the filter above, on every "
            "page: %(count)d application now.",
            "The action applies to every application matching the filter above, on every "
            "page: %(count)d applications now.",
            matched,
        )
        % {"count": matched},
        caption=_("Applications, page %(number)d of %(count)d")
        % {"number": page_obj.number, "count": page_obj.paginator.num_pages},
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
@pagecache.personal_page(pagecache.programmes_version, pagecache.registry_version)
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
    return exports.download(queryset, fmt)


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
