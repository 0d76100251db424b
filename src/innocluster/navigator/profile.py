"""A member's navigator profile, filled in from the registry: the questionnaire then asks only
for the rest."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from innocluster.registry.choices import ADMITTED_STATUSES


def _roubles(amount: Decimal) -> int:
    """Whole roubles (a JSON number; revenue is reported in roubles, kopecks do not decide)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def profile_for_organisation(organisation) -> dict:
    """The profile fields the registry knows about ``organisation`` (JSON-ready; unknown ones
    are left out, never guessed). Revenue is the latest full year on record, and the last three
    years' sum when all three are there."""
    profile: dict = {
        "org_form": organisation.legal_form,
        "kind": organisation.kind,
        "cluster_member": organisation.status in ADMITTED_STATUSES,
    }
    if organisation.registered_on:
        profile["registered_on"] = organisation.registered_on.isoformat()
    if organisation.region_id:
        profile["region"] = organisation.region_id
    if organisation.okved_main_id:
        profile["okved_main"] = organisation.okved_main_id
    extra = [code.pk for code in organisation.okved_extra.all()]
    if extra:
        profile["okved"] = sorted(extra)
    if organisation.employees is not None:
        profile["employees"] = organisation.employees
    revenues = sorted(organisation.revenues.all(), key=lambda r: r.year, reverse=True)
    if revenues:
        profile["revenue_rub"] = _roubles(revenues[0].revenue_rub)
        years = {r.year for r in revenues[:3]}
        if len(revenues) >= 3 and years == set(range(revenues[0].year - 2, revenues[0].year + 1)):
            profile["revenue_3y_rub"] = _roubles(sum(r.revenue_rub for r in revenues[:3]))
    if organisation.sme_category:
        profile["sme_category"] = organisation.sme_category
    areas = sorted(area.pk for area in organisation.priority_areas.all())
    if areas:
        profile["priority_areas"] = areas
    return profile
