"""Stable codes of the navigator's vocabularies (never translated; the labels are)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeasureForm(models.TextChoices):
    """What kind of help a measure gives."""

    GRANT = "grant", _("Grant")
    LOAN = "loan", _("Loan")
    GUARANTEE = "guarantee", _("Guarantee")
    COMPENSATION = "compensation", _("Compensation of costs")
    SUBSIDY = "subsidy", _("Subsidy")
    EQUITY = "equity", _("Equity investment")
    TAX_BENEFIT = "tax_benefit", _("Tax benefit")
    SERVICE = "service", pgettext_lazy("support form", "Service")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    PILOT_TESTING = "pilot_testing", pgettext_lazy("support form", "Pilot testing")


class Purpose(models.TextChoices):
    """What the money or help is for."""

    RND = "rnd", _("Research and development")
    EQUIPMENT = "equipment", _("Equipment")
    PRODUCTION_EXPANSION = "production_expansion", _("Expanding production")
    PATENTING = "patenting", _("Patenting")
    PATENTING_ABROAD = "patenting_abroad", _("Patenting abroad")
    PILOT_TESTING = "pilot_testing", pgettext_lazy("support purpose", "Pilot testing")
    COMMERCIALISATION = "commercialisation", _("Commercialisation")
    DIGITALISATION = "digitalisation", _("Digitalisation")
    EXPORT = "export", _("Export")
    WORKING_CAPITAL = "working_capital", _("Working capital")
    TRAINING = "training", _("Training")


class MeasureStatus(models.TextChoices):
    """Whether a measure takes applications."""

    OPEN = (
        "open",
        pgettext_lazy("measure status", "Open"),
    )  # takes applications now, until closes_on
    PERMANENT = "permanent", _("Permanent")  # takes applications all year round
    UPCOMING = "upcoming", _("Upcoming")  # announced; opens on opens_on
    CLOSED = "closed", pgettext_lazy("measure status", "Closed")  # no longer available


class Stage(models.TextChoices):
    """The stage of the project or business a measure supports (TRL bands in brackets)."""

    IDEA = "idea", _("Idea")  # TRL 1-2
    RESEARCH = "research", _("Research and prototype")  # TRL 3-4
    DEVELOPMENT = "development", _("Development and testing")  # TRL 5-7
    MARKET = "market", _("Market launch")  # TRL 8-9
    GROWTH = "growth", _("Growth and scaling")  # TRL 9, selling


STAGE_TRL = {
    Stage.IDEA: (1, 2),
    Stage.RESEARCH: (3, 4),
    Stage.DEVELOPMENT: (5, 7),
    Stage.MARKET: (8, 9),
    Stage.GROWTH: (9, 9),
}


class InstitutionLevel(models.TextChoices):
    """Whose institution it is."""

    CITY = "city", _("City")
    REGIONAL = "regional", _("Regional")
    FEDERAL = "federal", _("Federal")
    OTHER = "other", pgettext_lazy("institution level", "Other")


class Verdict(models.TextChoices):
    """The answer of an evaluation for one measure (three-valued)."""

    ELIGIBLE = "eligible", _("Eligible")  # every checkable criterion is met
    UNKNOWN = "unknown", pgettext_lazy("eligibility", "Maybe")  # no criterion fails, some undecided
    INELIGIBLE = "ineligible", _("Not eligible")  # at least one criterion fails
