"""Who may do what in the navigator: predicates return (allowed, reason)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from innocluster.registry.choices import OrgRole
from innocluster.registry.models import OrganisationRole


def may_edit_catalogue(user) -> tuple[bool, str]:
    """The Fund's staff edit measures and publish eligibility rules."""
    if getattr(user, "is_authenticated", False) and user.is_fund_staff:
        return True, ""
    return False, _("Only the Fund's operators may change the catalogue of support measures.")


def may_subscribe(user, organisation) -> tuple[bool, str]:
    """An organisation's owners, editors and signatories subscribe it to notices."""
    if not getattr(user, "is_authenticated", False):
        return False, _("Sign in first.")
    if OrganisationRole.objects.filter(
        organisation=organisation,
        user=user,
        role__in=[OrgRole.OWNER, OrgRole.EDITOR, OrgRole.SIGNATORY],
    ).exists():
        return True, ""
    return False, _("Only the organisation's owners, editors and signatories may do this.")


def may_read_alerts(user, organisation) -> tuple[bool, str]:
    """Anyone with a role in the organisation reads (and marks read) its alerts."""
    if not getattr(user, "is_authenticated", False):
        return False, _("Sign in first.")
    if OrganisationRole.objects.filter(organisation=organisation, user=user).exists():
        return True, ""
    return False, _("Only the organisation's people may do this.")
