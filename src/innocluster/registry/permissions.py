"""Who may do what to an organisation: predicates return (allowed, reason) so a page can say why."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import OrgRole
from .models import OrganisationRole


def may_edit_organisation(user, org) -> tuple[bool, str]:
    """Owners and editors of the organisation, and the Fund's staff, edit its profile."""
    if not getattr(user, "is_authenticated", False):
        return False, _("Sign in to edit an organisation.")
    if user.is_fund_staff:
        return True, ""
    if OrganisationRole.objects.filter(
        organisation=org, user=user, role__in=[OrgRole.OWNER, OrgRole.EDITOR]
    ).exists():
        return True, ""
    return False, _("Only the organisation's owners and editors may edit its profile.")


def may_administer_organisation(user, org) -> tuple[bool, str]:
    """Owners, and the Fund's staff, manage the organisation's people and API tokens."""
    if not getattr(user, "is_authenticated", False):
        return False, _("Sign in first.")
    if (
        user.is_fund_staff
        or OrganisationRole.objects.filter(organisation=org, user=user, role=OrgRole.OWNER).exists()
    ):
        return True, ""
    return False, _("Only the organisation's owners may do this.")
