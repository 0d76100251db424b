"""The Fund operators' back office: the applications queue, decisions one by one and in bulk,
member search with its export, status changes and an organisation's history.

Only Fund staff (``user.is_fund_staff``) may enter; anyone else signed in gets 404, so the back
office does not even admit that it exists, and an anonymous visitor is sent to sign in. Views
parse with a form, call one service and render.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from innocluster.core.audit import history_of
from innocluster.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed
from innocluster.core.paging import paginate_by_ids
from innocluster.core.views import fund_staff_only

from . import exports, selectors, services
from .backoffice_forms import (
    ApplicationFilterForm,
    BulkDecisionForm,
    DecisionForm,
    MemberSearchForm,
    StatusChangeForm,
    add_domain_errors,
)
from .choices import ApplicationStatus
from .models import MembershipApplication, Organisation

PAGE_SIZE = 25
HISTORY_LIMIT = 200
TEMPLATES = "registry/backoffice/"


def _page(request, queryset):
    return paginate_by_ids(queryset, request.GET.get("page"), PAGE_SIZE)


# --- Applications ------------------------------------------------------------------------------


def _queue(request, filter_form: ApplicationFilterForm, bulk_form: BulkDecisionForm, status=200):
    if filter_form.is_valid():
        applications = filter_form.applications(request.user)
        filter_params = filter_form.as_params()
        waiting = applications.filter(status=ApplicationStatus.PENDING_REVIEW).count()
    else:
        applications = MembershipApplication.objects.none()
        filter_params, waiting = {}, 0
        status = 400
    page_obj = _page(request, applications)
    for application in page_obj.object_list:
        checks = application.checks_display  # messages in the reader's language
        application.passed_checks = [c for c in checks if c.get("passed") is True]
        application.open_checks = [c for c in checks if c.get("passed") is not True]
    return render(
        request,
        TEMPLATES + "queue.html",
        {
            "filter_form": filter_form,
            "bulk_form": bulk_form,
            "page_obj": page_obj,
            "filter_params": filter_params,
            "filter_query": urlencode(filter_params),
            "waiting": waiting,
        },
        status=status,
    )


@require_safe
@fund_staff_only
def applications_queue(request):
    """The membership applications, by default those waiting for a person's review."""
    return _queue(request, ApplicationFilterForm.from_query(request.GET), BulkDecisionForm())


def _application_page(request, application, form: DecisionForm, status=200):
    return render(
        request,
        TEMPLATES + "application.html",
        {
            "application": application,
            "organisation": application.organisation,
            "form": form,
            "is_waiting": application.status == ApplicationStatus.PENDING_REVIEW,
        },
        status=status,
    )


@require_safe
@fund_staff_only
def application_detail(request, application_id):
    application = selectors.application_for(request.user, application_id)
    return _application_page(request, application, DecisionForm())


@require_POST
@fund_staff_only
def application_decide(request, application_id):
    """Approve or reject one application (services.approve_application / reject_application)."""
    application = selectors.application_for(request.user, application_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decide = (
            services.approve_application
            if form.cleaned_data["decision"] == "approve"
            else services.reject_application
        )
        try:
            decide(request.user, application, form.cleaned_data["reason"])
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("backoffice:application", application_id=application.pk)
        except ValidationFailed as error:
            add_domain_errors(form, error)
        else:
            name = application.organisation.name
            messages.success(
                request,
                _("The application of %(name)s is approved.") % {"name": name}
                if form.cleaned_data["decision"] == "approve"
                else _("The application of %(name)s is rejected.") % {"name": name},
            )
            return redirect("backoffice:queue")
    return _application_page(request, application, form, status=422)


@require_POST
@fund_staff_only
def applications_bulk(request):
    """Decide every waiting application of a filter, in two steps: the first shows how many
    applications the decision will affect, the second (``confirm``) calls services.bulk_decide
    with the queryset rebuilt from the same filter parameters."""
    filter_form = ApplicationFilterForm.from_query(request.POST)
    bulk_form = BulkDecisionForm(request.POST)
    if not filter_form.is_valid() or not bulk_form.is_valid():
        return _queue(request, filter_form, bulk_form, status=422)
    applications = filter_form.applications(request.user)
    waiting = applications.filter(status=ApplicationStatus.PENDING_REVIEW).count()
    decision, reason = bulk_form.cleaned_data["decision"], bulk_form.cleaned_data["reason"]
    context = {
        "filter_form": filter_form,
        "filter_params": filter_form.as_params(),
        "filter_query": urlencode(filter_form.as_params()),
        "decision": decision,
        "reason": reason,
        "waiting": waiting,
    }
    expected = bulk_form.cleaned_data["expected"]
    if not bulk_form.cleaned_data["confirm"] or expected != waiting:
        context["changed_from"] = expected if bulk_form.cleaned_data["confirm"] else None
        return render(request, TEMPLATES + "bulk_confirm.html", context)
    try:
        result = services.bulk_decide(request.user, applications, decision, reason)
    except ValidationFailed as error:
        add_domain_errors(bulk_form, error)
        return _queue(request, filter_form, bulk_form, status=422)
    skipped_ids = [application_id for application_id, _why in result.skipped]
    names = {
        str(a.pk): a.organisation.name
        for a in MembershipApplication.objects.filter(pk__in=skipped_ids).select_related(
            "organisation"
        )
    }
    context.update(
        result=result,
        skipped=[
            {"id": application_id, "name": names.get(application_id, ""), "why": why}
            for application_id, why in result.skipped
        ],
    )
    messages.success(
        request,
        ngettext(
            "%(count)d application decided.", "%(count)d applications decided.", result.decided
        )
        % {"count": result.decided},
    )
    return render(request, TEMPLATES + "bulk_result.html", context)


# --- Members -----------------------------------------------------------------------------------


def _member_search(request):
    form = MemberSearchForm(request.GET)
    registry_filter = form.registry_filter()
    return form, registry_filter


@require_safe
@fund_staff_only
def member_search(request):
    """Every organisation, whatever its status, with the registry's filters."""
    form, registry_filter = _member_search(request)
    if registry_filter is None:
        page_obj, status = _page(request, Organisation.objects.none()), 400
    else:
        page_obj = selectors.registry_page(
            request.user,
            registry_filter,
            request.GET.get("page"),
            per_page=PAGE_SIZE,
            staff_view=True,
        )
        status = 200
    query = urlencode(registry_filter.as_params()) if registry_filter else ""
    return render(
        request,
        TEMPLATES + "members.html",
        {"form": form, "page_obj": page_obj, "filter_query": query},
        status=status,
    )


@require_safe
@fund_staff_only
def member_export(request):
    """The member search's result as CSV, contacts included (staff only), streamed."""
    form, registry_filter = _member_search(request)
    if registry_filter is None:
        return member_search(request)
    organisations = services.export_members_with_contacts(request.user, registry_filter)
    response = StreamingHttpResponse(
        exports.stream_csv(organisations, private=True, spreadsheet_safe=True),
        content_type="text/csv; charset=utf-8; header=present",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="innocluster-members-{stamp}.csv"'
    return response


def _diff(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """The fields an audit event changed: (field, before, after)."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("", before, after)]
    return [
        (key, before.get(key), after.get(key))
        for key in sorted(set(before) | set(after), key=lambda k: (k not in before, k))
        if before.get(key) != after.get(key)
    ]


def _organisation_page(request, organisation, form: StatusChangeForm, status=200):
    events = list(history_of(organisation)[:HISTORY_LIMIT])
    return render(
        request,
        TEMPLATES + "organisation.html",
        {
            "organisation": organisation,
            "form": form,
            "events": [(event, _diff(event.before, event.after)) for event in events],
            "history_truncated": len(events) == HISTORY_LIMIT,
            "status_history": organisation.status_history.select_related("changed_by"),
            "applications": organisation.applications.select_related("applicant", "decided_by"),
        },
        status=status,
    )


@require_safe
@fund_staff_only
def organisation_history(request, org_id):
    """An organisation's status, its status history and its audit trail, with the status form."""
    organisation = selectors.organisation_for(request.user, org_id)
    return _organisation_page(
        request, organisation, StatusChangeForm(current_status=organisation.status)
    )


@require_POST
@fund_staff_only
def organisation_change_status(request, org_id):
    """Suspend, reinstate or withdraw (services.change_membership_status)."""
    organisation = selectors.organisation_for(request.user, org_id)
    form = StatusChangeForm(request.POST, current_status=organisation.status)
    if form.is_valid():
        try:
            organisation = services.change_membership_status(
                request.user, organisation, form.to_status, form.cleaned_data["reason"]
            )
        except DomainError as error:
            if isinstance(error, NotPermitted):
                raise
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("The membership status of %(name)s is now: %(status)s.")
                % {"name": organisation.name, "status": organisation.get_status_display()},
            )
            return redirect("backoffice:organisation", org_id=organisation.pk)
    return _organisation_page(request, organisation, form, status=422)
