"""The registry's data: reference vocabularies, organisations, people's roles and membership."""

from .membership import AgreementAcceptance, MembershipApplication, MembershipStatusChange
from .organisations import AnnualRevenue, Organisation, OrganisationRole
from .reference import OkvedCode, PriorityArea, Region, TechnologyReadinessLevel

__all__ = [
    "AgreementAcceptance",
    "AnnualRevenue",
    "MembershipApplication",
    "MembershipStatusChange",
    "OkvedCode",
    "Organisation",
    "OrganisationRole",
    "PriorityArea",
    "Region",
    "TechnologyReadinessLevel",
]
