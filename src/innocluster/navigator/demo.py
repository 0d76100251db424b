"""Navigator demo data: the demo member's organisation subscribes to notices (with a few
answers beyond the registry), and a saved, shareable result of a typical startup."""

from __future__ import annotations

from .models import SavedResult, Subscription
from .services import save_result, subscribe

# What the demo startup would answer beyond its registry profile.
MEMBER_ANSWERS = {"sme_register": True, "trl": 5, "holds_russian_patent": False}
STARTUP_PROFILE = {
    "org_form": "legal_entity",
    "kind": "startup",
    "registered_on": "2025-02-03",
    "region": "RU-MOW",
    "okved_main": "62.01",
    "employees": 6,
    "revenue_rub": 8_000_000,
    "cluster_member": True,
    "priority_areas": ["ict"],
    "trl": 4,
}
STARTUP_NEED = {"purposes": ["rnd"], "forms": ["grant"], "amount_rub": 5_000_000}


def run(member_user, member_org) -> dict:
    """Idempotent: an existing subscription or saved result is kept."""
    if not Subscription.objects.filter(organisation=member_org).exists():
        subscribe(member_org, actor=member_user, answers=MEMBER_ANSWERS)
    saved = SavedResult.objects.filter(owner=member_user).first()
    if saved is None:
        saved = save_result(STARTUP_PROFILE, STARTUP_NEED, owner=member_user)
    return {"saved_result": f"/navigator/results/{saved.pk}/"}
