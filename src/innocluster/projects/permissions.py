"""Who may do what with projects: predicates return (allowed, reason), so a page can say why a
button is not there."""

from __future__ import annotations

from django.utils.translation import gettext as _

from innocluster.programmes.choices import ParticipationStatus
from innocluster.programmes.permissions import EDITING_ROLES, is_fund_staff, may_manage_calls
from innocluster.registry.models import OrganisationRole

__all__ = ["may_manage_calls", "may_operate", "may_report", "may_see_project"]


def may_operate(user, *_args) -> tuple[bool, str]:
    """The Fund's operators prepare agreements, accept or return reports, record payments."""
    return may_manage_calls(user)


def may_report(user, project) -> tuple[bool, str]:
    """The lead's owners, editors and signatories write and submit milestone reports."""
    if getattr(user, "is_authenticated", False) and (
        OrganisationRole.objects.filter(
            organisation_id=project.application.lead_id, user=user, role__in=list(EDITING_ROLES)
        ).exists()
    ):
        return True, ""
    return False, _("Only the lead applicant's people may report on the project.")


def may_see_project(user, project) -> bool:
    """The Fund's staff, and people of any consortium member (404 for everyone else)."""
    if is_fund_staff(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    members = project.application.members.exclude(status=ParticipationStatus.DECLINED).values_list(
        "organisation_id", flat=True
    )
    return OrganisationRole.objects.filter(user=user, organisation_id__in=members).exists()
