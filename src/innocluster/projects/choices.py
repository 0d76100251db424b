"""Stable codes of projects: agreements, tranches and milestone reports (never translated; the
labels are)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgreementKind(models.TextChoices):
    """The grant agreement itself, or a later change to it."""

    MAIN = "main", _("Grant agreement")  # the agreement the project starts with
    SUPPLEMENTARY = "supplementary", _("Supplementary agreement")  # changes dates or tranches


class AgreementState(models.TextChoices):
    """Where an agreement's document stands."""

    SIGNING = "signing", _("Being signed")  # on its route: the lead, then the Fund
    IN_FORCE = "in_force", _("In force")  # every party signed
    REFUSED = "refused", pgettext_lazy("agreement", "Refused")  # a signer refused; nothing applies
    WITHDRAWN = "withdrawn", pgettext_lazy("agreement", "Withdrawn")  # the project was terminated


class TrancheState(models.TextChoices):
    """A grant tranche, tied to one milestone."""

    PLANNED = "planned", pgettext_lazy("tranche", "Planned")  # its milestone is not accepted yet
    PAYABLE = "payable", _("Payable")  # its milestone's report is accepted: the Fund pays
    PAID = "paid", pgettext_lazy("tranche", "Paid")  # the Fund recorded the payment


class ReportState(models.TextChoices):
    """A milestone report's progress."""

    DRAFT = "draft", pgettext_lazy("report", "Draft")  # the lead prepares it
    SUBMITTED = "submitted", pgettext_lazy("report", "Submitted")  # with the Fund for acceptance
    RETURNED = "returned", pgettext_lazy("report", "Returned")  # back to the lead, with reasons
    ACCEPTED = "accepted", pgettext_lazy("report", "Accepted")  # the act of acceptance is signed


# Reports the lead may still change.
EDITABLE_REPORT_STATES = (ReportState.DRAFT, ReportState.RETURNED)


# What each audit action of a project reads as on its page (the codes stay in the API).
HISTORY_LABELS = {
    "project.agreement_prepared": _("The grant agreement was prepared and sent for signature"),
    "project.agreement_reissued": _("The grant agreement was issued again"),
    "project.agreement_in_force": _("The grant agreement came into force"),
    "project.agreement_refused": _("An agreement was refused"),
    "project.supplementary_proposed": _("A supplementary agreement was proposed"),
    "project.supplementary_in_force": _("A supplementary agreement came into force"),
    "project.report_saved": _("A milestone report was saved"),
    "project.report_submitted": _("A milestone report was submitted"),
    "project.evidence_added": _("An evidence file was attached"),
    "project.report_accepting": _("The act of acceptance was sent for the Fund's signature"),
    "project.report_accepted": _("A milestone report was accepted"),
    "project.act_refused": _("An act of acceptance was refused"),
    "project.report_returned": _("A milestone report was returned for revision"),
    "project.tranche_paid": _("A tranche was paid"),
    "project.completed": _("The project is implemented"),
    "project.terminated": _("The project was terminated"),
}
