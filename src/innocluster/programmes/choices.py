"""Stable codes of calls and applications (never translated; the labels are)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApplicationState(models.TextChoices):
    """Where an application stands, from the draft to the implemented project."""

    DRAFT = "draft", pgettext_lazy("application", "Draft")  # the lead prepares it
    SUBMITTED = "submitted", pgettext_lazy("application", "Submitted")  # signed, before screening
    SCREENING = "screening", _("Screening")  # the Fund checks the formal requirements
    REVISION_REQUESTED = "revision_requested", _("Revision requested")  # back to the lead
    IN_REVIEW = "in_review", _("In expert review")  # experts score it
    BOARD = "board", _("Before the board")  # on a board session's agenda
    APPROVED = "approved", pgettext_lazy("application", "Approved")  # the board supports it
    REJECTED = "rejected", pgettext_lazy("application", "Rejected")  # not supported (final)
    WAITLISTED = "waitlisted", _("Waitlisted")  # supported if money frees up
    AGREEMENT = "agreement", _("Agreement being signed")  # the grant agreement is on its route
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")  # agreement in force
    COMPLETED = "completed", _("Implemented")  # final report accepted: the headline KPI
    TERMINATED = "terminated", _("Terminated")  # stopped before completion, with reasons


FINAL_STATES = (ApplicationState.REJECTED, ApplicationState.COMPLETED, ApplicationState.TERMINATED)


class CallStatus(models.TextChoices):
    """A call's phase, worked out from its dates and decisions (never stored as such)."""

    DRAFT = "draft", pgettext_lazy("call", "Draft")  # being configured, not public
    UPCOMING = "upcoming", pgettext_lazy("call", "Upcoming")  # published, opens later
    OPEN = "open", pgettext_lazy("call", "Open")  # takes applications until the deadline
    CLOSED = "closed", pgettext_lazy("call", "Closed")  # past the deadline: review and decisions


class MemberRole(models.TextChoices):
    """An organisation's part in a consortium."""

    LEAD = "lead", _("Lead applicant")
    PARTNER = "partner", _("Partner")


class ParticipationStatus(models.TextChoices):
    """A consortium member's answer to the lead's invitation."""

    INVITED = "invited", _("Invited")  # the lead named it by INN
    CONSENT_SENT = "consent_sent", _("Consent sent for signature")  # its signatory signs
    CONFIRMED = "confirmed", pgettext_lazy("participation", "Confirmed")  # consent signed
    DECLINED = "declined", pgettext_lazy("participation", "Declined")  # refused to take part


class CostCategory(models.TextChoices):
    """Budget lines of an application."""

    SALARIES = "salaries", _("Salaries")
    EQUIPMENT = "equipment", pgettext_lazy("cost", "Equipment")
    MATERIALS = "materials", _("Materials and components")
    SUBCONTRACTS = "subcontracts", _("Subcontracted work")
    INTELLECTUAL_PROPERTY = "ip", _("Intellectual property")
    TESTING = "testing", _("Testing and certification")
    OTHER = "other", pgettext_lazy("cost", "Other")


class KpiCode(models.TextChoices):
    """The project results the cluster counts."""

    JOBS = "jobs", _("Jobs created")
    REVENUE = "revenue_rub", _("Revenue, RUB")
    TAXES = "taxes_rub", _("Taxes paid, RUB")
    PATENTS = "patents", _("Patents")
    PRODUCTS = "products", _("Products launched")


class InnovationType(models.TextChoices):
    """A project's kind of innovation (besides its priority area)."""

    TECHNOLOGICAL = "technological", _("Technological")
    ORGANISATIONAL = "organisational", _("Organisational")
    MARKETING = "marketing", _("Marketing")
    USER = "user", _("User")
    SOCIAL = "social", _("Social")
    SERVICE = "service", _("Service")
    BUSINESS_MODEL = "business_model", _("Business model")
