from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    """How the organisation exists in law; it decides which identifiers it must give."""

    LEGAL_ENTITY = "legal_entity", _("Legal entity")  # 10-digit INN, 13-digit OGRN, KPP
    INDIVIDUAL_ENTREPRENEUR = (
        "individual_entrepreneur",
        _("Individual entrepreneur"),
    )  # 12-digit INN, 15-digit OGRNIP
    FOREIGN = "foreign", _("Foreign organisation")  # country and national registration number
    INDIVIDUAL = "individual", _("Private person")  # optional 12-digit INN


class OrganisationKind(models.TextChoices):
    """What the organisation is, for the registry's filters and for matching."""

    COMPANY = "company", _("Company")
    STARTUP = "startup", _("Startup")
    CORPORATION = "corporation", _("Corporation")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    DEVELOPMENT_INSTITUTION = "development_institution", _("Development institution")
    INVESTOR = "investor", _("Investor")
    CITY_BODY = "city_body", _("City body")
    OTHER = "other", _("Other")


class SmeCategory(models.TextChoices):
    """Size category under Federal Law 209-FZ (thresholds of Government Decree 265 of 2016)."""

    MICRO = "micro", _("Micro enterprise")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium enterprise")
    LARGE = "large", _("Large enterprise")


class OrgRole(models.TextChoices):
    """A person's role inside one organisation."""

    OWNER = "owner", _("Owner")  # administers the organisation's profile and people
    SIGNATORY = "signatory", _("Signatory")  # signs documents for the organisation
    EDITOR = "editor", _("Editor")  # edits the profile and applications
    VIEWER = "viewer", _("Viewer")  # reads the organisation's private data


class MembershipStatus(models.TextChoices):
    """Where an organisation stands with the cluster."""

    APPLICANT = "applicant", _("Applicant")  # applied, not yet admitted
    MEMBER = "member", _("Member")  # admitted, registered in the home region
    PARTNER = "partner", _("Partner")  # admitted, from another region or abroad
    SUSPENDED = "suspended", _("Suspended")  # admitted, rights paused by the Fund
    WITHDRAWN = "withdrawn", _("Withdrawn")  # left the cluster, or never admitted


ADMITTED_STATUSES = (MembershipStatus.MEMBER, MembershipStatus.PARTNER)
PUBLIC_STATUSES = (MembershipStatus.MEMBER, MembershipStatus.PARTNER, MembershipStatus.SUSPENDED)


class ApplicationStatus(models.TextChoices):
    """A membership application's progress."""

    PENDING_REVIEW = "pending_review", _("Waiting for the Fund's review")  # a check needs a person
    APPROVED = "approved", _("Approved")  # admitted, automatically or by an operator
    REJECTED = "rejected", _("Rejected")  # refused, with a reason
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")  # the applicant took it back
