"""The registry's public pages and the join flow. Thin: parse with a form, call one service or
selector, render; services' errors are shown next to the fields they name."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from innocluster.core import pagecache
from innocluster.core.audit import history_of
from innocluster.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from innocluster.portal.forms import add_domain_error, client_ip

from . import agreement, selectors, services
from .choices import MembershipStatus, OrganisationKind, SmeCategory
from .filters import RegistryFilter
from .forms import JoinForm, OrganisationForm, RegistryFilterForm
from .models import OkvedCode
from .permissions import may_edit_organisation

PAGE_SIZE = 25
# What a row of the registry list shows; the rest (descriptions, the search document) stays in
# the database, which halves the cost of sorting a page at 100,000 organisations.
LIST_FIELDS = (
    "id", "name_ru", "name_en", "inn", "kind", "country", "status", "member_number",
    "region__code", "region__name_ru", "region__name_en",
    "okved_main__code", "okved_main__name_ru", "okved_main__name_en",
)  # fmt: skip


FILTER_CHOICES_SECONDS = 600
FILTER_FRAGMENT_SECONDS = 600


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The filter form's choice lists in the active language: reference data (regions, OKVED
    sections, priority areas), the same for every request, kept until the reference version
    moves (signals on the vocabularies, `migrate`) or for ten minutes."""
    key = f"registry:filter-choices:{get_language()}:{pagecache.reference_version()}"
    choices = cache.get(key)
    if choices is None:
        form = RegistryFilterForm()
        choices = {
            name: [(value, str(label)) for value, label in field.widget.choices]
            for name, field in form.fields.items()
            if hasattr(field.widget, "choices")
        }
        cache.set(key, choices, FILTER_CHOICES_SECONDS)
    return choices


class CachedChoicesFilterForm(RegistryFilterForm):
    """RegistryFilterForm with its choices from _filter_choices() instead of three queries."""

    def __init__(self, *args, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        for name, choices in _filter_choices().items():
            self.fields[name].widget.choices = choices


def _filter_fragment_key(form) -> str:
    """The key of the list page's cached select fields: what they show depends only on the
    language (the template adds it), the reference data and the values chosen."""
    chosen = [str(form[name].value() or "") for name in _filter_choices()]
    return "|".join([pagecache.reference_version(), *chosen])


_ANY_ID = "00000000-0000-0000-0000-000000000000"


def _detail_url_parts() -> tuple[str, str]:
    """The profile URL around the id, reversed once per page rather than once per row."""
    before, after = reverse("registry:detail", args=[_ANY_ID]).split(_ANY_ID)
    return before, after


@pagecache.public_page
def registry_list(request):
    """The public member registry: search, filters, a page of 25, links to the open data."""
    form = CachedChoicesFilterForm(request.GET or None)
    form.is_valid()  # plain text fields: this only binds; RegistryFilter checks the values
    try:
        registry_filter = RegistryFilter.from_params(request.GET)
    except ValidationFailed as exc:
        add_domain_error(form, exc)
        # The fields show the errors: not a fragment to keep.
        context = {"form": form, "invalid": True, "filter_fragment": ("invalid", 0)}
        return render(request, "registry/list.html", context, status=400)
    page = selectors.registry_page(
        request.user, registry_filter, request.GET.get("page"), per_page=PAGE_SIZE, only=LIST_FIELDS
    )
    params = registry_filter.as_params()
    query = ("?" + urlencode(params)) if params else ""
    return render(
        request,
        "registry/list.html",
        {
            "form": form,
            "filter_fragment": (_filter_fragment_key(form), FILTER_FRAGMENT_SECONDS),
            "page": page,
            "detail_url": _detail_url_parts(),
            "filtered": not registry_filter.is_empty,
            "export_csv": reverse("registry:export", args=["csv"]) + query,
            "export_json": reverse("registry:export", args=["json"]) + query,
        },
    )


def _label(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


@pagecache.public_page
def registry_statistics(request):
    """Registry statistics as tables (a bar beside each number is decoration only)."""
    stats = selectors.registry_statistics_cached()
    english = (get_language() or "ru").startswith("en")
    total = stats["total"] or 1

    def rows(items):
        items = list(items)
        top = max((n for _label, n in items), default=0) or 1
        return [
            {
                "label": label,
                "n": n,
                "share": round(100 * n / total, 1),
                "width": round(100 * n / top),
            }
            for label, n in items
        ]

    section_names = {
        s.code: s.name for s in OkvedCode.objects.filter(code__in=stats["by_okved_section"])
    }
    tables = [
        (
            "status",
            _("By membership status"),
            _("Status"),
            rows(
                [
                    (_label(MembershipStatus, MembershipStatus.MEMBER), stats["members"]),
                    (_label(MembershipStatus, MembershipStatus.PARTNER), stats["partners"]),
                    (_label(MembershipStatus, MembershipStatus.SUSPENDED), stats["suspended"]),
                ]
            ),
        ),
        (
            "area",
            _("By priority area"),
            _("Priority area"),
            rows(
                (name_en if english and name_en else name_ru, n)
                for _code, name_ru, name_en, n in stats["by_area"]
            ),
        ),
        (
            "kind",
            _("By kind of organisation"),
            _("Kind"),
            rows((_label(OrganisationKind, k), n) for k, n in stats["by_kind"].items()),
        ),
        (
            "region",
            _("By region (top 15)"),
            _("Region"),
            rows(
                ((name_en if english and name_en else name_ru) or code or _("Abroad"), n)
                for code, name_ru, name_en, n in stats["by_region"]
            ),
        ),
        (
            "sme",
            _("By SME category"),
            _("SME category"),
            rows((_label(SmeCategory, k), n) for k, n in stats["by_sme_category"].items()),
        ),
        (
            "okved",
            _("By OKVED 2 section"),
            _("OKVED 2 section"),
            rows(
                (f"{code} — {section_names.get(code, '')}".rstrip(" —"), n)
                for code, n in stats["by_okved_section"].items()
            ),
        ),
    ]
    return render(request, "registry/statistics.html", {"stats": stats, "tables": tables})


def _get_organisation(request, org_id):
    try:
        return selectors.organisation_for(request.user, org_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _may_edit(user, org) -> bool:
    """Shows the edit link; update_organisation itself decides."""
    return may_edit_organisation(user, org)[0]


@pagecache.public_page
def organisation_detail(request, org_id):
    """A member's profile; contacts for signed-in users; history for the Fund's staff."""
    org = _get_organisation(request, org_id)
    is_staff = request.user.is_authenticated and request.user.is_fund_staff
    context = {
        "org": org,
        "show_contacts": request.user.is_authenticated,
        "may_edit": _may_edit(request.user, org),
        "is_staff": is_staff,
    }
    if is_staff:
        context["events"] = list(history_of(org)[:100])
        context["status_history"] = list(org.status_history.select_related("changed_by"))
    return render(request, "registry/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, org_id):
    """The owners' (and editors', and the Fund's) edit page; calls update_organisation."""
    org = _get_organisation(request, org_id)
    if not _may_edit(request.user, org):
        return render(request, "registry/forbidden.html", {"org": org}, status=403)
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                services.update_organisation(
                    request.user,
                    org,
                    form.organisation_input(
                        legal_form=org.legal_form,
                        sme_category=org.sme_category if org.sme_category_declared else "",
                    ),
                )
            except DomainError as exc:
                add_domain_error(form, exc, OrganisationForm.FIELD_MAP)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect("registry:detail", org.id)
    else:
        form = OrganisationForm(initial=OrganisationForm.initial_from(org))
    return render(
        request,
        "registry/edit.html",
        {"org": org, "form": form, "okved_codes": _okved_codes()},
        status=400 if form.errors else 200,
    )


def _okved_codes():
    return [c for c in OkvedCode.objects.all() if not c.is_section]


@login_required
@require_http_methods(["GET", "POST"])
def join(request):
    """Apply to join the cluster for an organisation (new, or claimed by its identifiers)."""
    form = JoinForm(request.POST or None, initial={"country": "RU", "region": "RU-MOW"})
    duplicate = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.apply_for_membership(
                    form.organisation_input(),
                    services.JoinRequest(
                        applicant=request.user,
                        accept_agreement=form.cleaned_data["accept_agreement"],
                        claim=form.cleaned_data["claim"],
                        ip_address=client_ip(request),
                    ),
                )
            except DomainError as exc:
                if isinstance(exc, Conflict) and exc.code == "duplicate_organisation":
                    duplicate = exc
                add_domain_error(form, exc, JoinForm.FIELD_MAP)
                status = exc.status
            else:
                return redirect("registry:application", application.id)
        else:
            status = 400
    language = get_language() or "ru"
    return render(
        request,
        "registry/join.html",
        {
            "form": form,
            "duplicate": duplicate,
            # Shown as plain text: the Markdown heading marks are dropped.
            "agreement_text": re.sub(r"^#+\s*", "", agreement.text(language), flags=re.MULTILINE),
            "agreement_version": agreement.VERSION,
            "okved_codes": _okved_codes(),
        },
        status=status,
    )


@login_required
def application_status(request, application_id):
    """A membership application: its status, each formal check, the reasons."""
    try:
        application = selectors.application_for(request.user, application_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(
        request,
        "registry/application.html",
        {"application": application, "org": application.organisation},
    )
