"""Reads of the registry, always scoped to what the user may see."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Q

from innocluster.core.errors import NotFound

from .choices import PUBLIC_STATUSES, MembershipStatus
from .filters import RegistryFilter
from .models import MembershipApplication, Organisation, OrganisationRole, PriorityArea


def registry_list(user, registry_filter: RegistryFilter, *, staff_view: bool = False):
    """Organisations for the registry's list: the public ones (or, for staff in the back office,
    all), filtered and ordered, with what a list row shows fetched in the same query."""
    base = (
        Organisation.objects.visible_to(user)
        if staff_view
        else Organisation.objects.in_public_registry()
    )
    return registry_filter.apply(base).select_related("region", "okved_main")


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
