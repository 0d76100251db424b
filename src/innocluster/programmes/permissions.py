"""Who may do what with calls and applications: predicates return (allowed, reason)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from innocluster.registry.choices import OrgRole
from innocluster.registry.models import OrganisationRole

from .choices import ParticipationStatus

EDITING_ROLES = (OrgRole.OWNER, OrgRole.EDITOR, OrgRole.SIGNATORY)


def is_fund_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_fund_staff)


def may_manage_calls(user, *_args) -> tuple[bool, str]:
    """The Fund's staff configure calls and run screening, review and decisions."""
    if is_fund_staff(user):
        return True, ""
    return False, _("Only the Fund's operators may do this.")


def _has_role(user, organisation_id, roles) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and OrganisationRole.objects.filter(
            organisation_id=organisation_id, user=user, role__in=list(roles)
        ).exists()
    )


def may_edit_application(user, application) -> tuple[bool, str]:
    """The lead's owners, editors and signatories edit the application."""
    if _has_role(user, application.lead_id, EDITING_ROLES):
        return True, ""
    return False, _("Only the lead applicant's people may edit the application.")


def may_sign_for_lead(user, application) -> tuple[bool, str]:
    """The lead's signatory submits (signs) the application."""
    if _has_role(user, application.lead_id, (OrgRole.SIGNATORY,)):
        return True, ""
    return False, _("Only the lead applicant's signatory may submit the application.")


def may_see_application(user, application) -> bool:
    """The Fund's staff, and people of any consortium member that has not declined (404 for
    everyone else: a partner that declined is out of the consortium)."""
    if is_fund_staff(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    members = application.members.exclude(status=ParticipationStatus.DECLINED).values_list(
        "organisation_id", flat=True
    )
    return OrganisationRole.objects.filter(user=user, organisation_id__in=members).exists()


def system_only(actor, *_args) -> tuple[bool, str]:
    """Moves the platform makes itself (a document signed, a report accepted)."""
    if actor is None:
        return True, ""
    return False, _("The platform makes this change itself.")
