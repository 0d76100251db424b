"""Reads of the registry, always scoped to what the user may see."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q

from innocluster.core.errors import NotFound
from innocluster.core.paging import paginate_by_ids

from .choices import PUBLIC_STATUSES, MembershipStatus
from .filters import RegistryFilter
from .models import MembershipApplication, Organisation, OrganisationRole, PriorityArea


def registry_list(user, registry_filter: RegistryFilter, *, staff_view: bool = False):
    """Organisations for the registry's list: the public ones (or, for staff in the back office,
    all), filtered and ordered, with what a list row shows fetched in the same query."""
    return registry_filter.apply(_registry_base(user, staff_view)).select_related(
        "region", "okved_main"
    )


def _registry_base(user, staff_view: bool):
    return (
        Organisation.objects.visible_to(user)
        if staff_view
        else Organisation.objects.in_public_registry()
    )


def registry_page(
    user,
    registry_filter: RegistryFilter,
    page_number,
    *,
    per_page: int = 25,
    staff_view: bool = False,
    only=(),
):
    """One page of the registry's list, as the registry page and the back office show it.

    With words or filters the full-text index finds the page's ids and their count
    (search.SearchResult); the plain list and identifier lookups use ordinary indexes. Either
    way only the page's rows are then read, with what a row shows.
    """
    result = registry_filter.search_result(
        public_only=not (staff_view and user.is_authenticated and user.is_fund_staff)
    )
    # The matching ids come from the filtered query; the rows are then read by primary key
    # alone (with the filters again, SQLite may plan the lookup by a filter's index).
    rows = Organisation.objects.select_related("region", "okved_main")
    rows = rows.only(*only) if only else rows
    if result is None:
        matching = registry_list(user, registry_filter, staff_view=staff_view)
        return paginate_by_ids(matching, page_number, per_page, rows)
    page = Paginator(result, per_page).get_page(page_number)
    found = rows.in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def registry_slice(user, registry_filter: RegistryFilter, offset: int, limit: int):
    """``limit`` organisations from ``offset`` of the public registry's list, and the count."""
    result = registry_filter.search_result(public_only=True)
    if result is None:
        rows = registry_list(user, registry_filter)
        return list(rows[offset : offset + limit]), rows.count()
    ids = result[offset : offset + limit]
    found = Organisation.objects.select_related("region", "okved_main").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found], result.count()


def organisation_for(user, org_id) -> Organisation:
    """One organisation ``user`` may see, or NotFound (no difference between absent and hidden)."""
    try:
        return (
            Organisation.objects.visible_to(user)
            .select_related("region", "okved_main")
            .prefetch_related("priority_areas", "okved_extra", "revenues")
            .get(pk=org_id)
        )
    except (Organisation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def application_for(user, application_id) -> MembershipApplication:
    try:
        return (
            MembershipApplication.objects.visible_to(user)
            .select_related("organisation")
            .get(pk=application_id)
        )
    except (MembershipApplication.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


STATISTICS_CACHE_KEY = "registry:statistics"
STATISTICS_CACHE_SECONDS = 60


def registry_statistics_cached() -> dict:
    """registry_statistics(), recomputed at most once a minute: its aggregates scan the whole
    registry (about a second at 100,000 organisations) and the home page shows them to everyone."""
    stats = cache.get(STATISTICS_CACHE_KEY)
    if stats is None:
        stats = registry_statistics()
        cache.set(STATISTICS_CACHE_KEY, stats, STATISTICS_CACHE_SECONDS)
    return stats


def roles_of(user):
    """The user's roles in organisations, with the organisations, by organisation name."""
    return (
        OrganisationRole.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name_ru", "role")
    )


def applications_of(user):
    """The membership applications the user submitted, newest first."""
    return (
        MembershipApplication.objects.filter(applicant=user)
        .select_related("organisation")
        .order_by("-created_at")
    )


def registry_statistics() -> dict:
    """Counts for the registry's statistics page and API."""
    public = Organisation.objects.filter(status__in=PUBLIC_STATUSES)
    by_status = dict(public.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "total": sum(by_status.values()),
        "members": by_status.get(MembershipStatus.MEMBER, 0),
        "partners": by_status.get(MembershipStatus.PARTNER, 0),
        "suspended": by_status.get(MembershipStatus.SUSPENDED, 0),
        "by_kind": dict(public.values_list("kind").annotate(n=Count("id")).order_by("-n")),
        "by_region": list(
            public.values_list("region_id", "region__name_ru", "region__name_en")
            .annotate(n=Count("id"))
            .order_by("-n")[:15]
        ),
        "by_sme_category": dict(
            public.exclude(sme_category="")
            .values_list("sme_category")
            .annotate(n=Count("id"))
            .order_by()
        ),
        "by_area": list(
            PriorityArea.objects.annotate(
                n=Count("organisations", filter=Q(organisations__status__in=PUBLIC_STATUSES))
            ).values_list("code", "name_ru", "name_en", "n")
        ),
        "by_okved_section": dict(
            public.exclude(okved_section="")
            .values_list("okved_section")
            .annotate(n=Count("id"))
            .order_by("okved_section")
        ),
    }
