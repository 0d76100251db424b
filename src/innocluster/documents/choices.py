"""Stable codes of the documents app: document types, statuses, roles, signature kinds.

Codes are identifiers stored in rows and sent through the API; never rename one in place.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocumentType(models.TextChoices):
    """What a document is; each type has its own registration prefix and number sequence."""

    ACCESSION_AGREEMENT = "accession_agreement", _("Accession agreement")
    APPLICATION = "application", _("Application")
    CONSENT = "consent", _("Consent")
    GRANT_AGREEMENT = "grant_agreement", _("Grant agreement")
    SUPPLEMENTARY_AGREEMENT = "supplementary_agreement", _("Supplementary agreement")
    DECISION = "decision", _("Decision")
    BOARD_MINUTES = "board_minutes", _("Board minutes")
    MILESTONE_REPORT = "milestone_report", _("Milestone report")
    ACCEPTANCE_ACT = "acceptance_act", _("Acceptance act")
    LETTER = "letter", _("Letter")
    NOTICE = "notice", _("Notice")
    OTHER = "other", _("Other document")


# Two letters before a registration number: AG-2026-000001 is the first grant agreement of 2026.
REGISTRATION_PREFIXES: dict[str, str] = {
    DocumentType.ACCESSION_AGREEMENT: "AC",
    DocumentType.APPLICATION: "AP",
    DocumentType.CONSENT: "CS",
    DocumentType.GRANT_AGREEMENT: "AG",
    DocumentType.SUPPLEMENTARY_AGREEMENT: "SA",
    DocumentType.DECISION: "DC",
    DocumentType.BOARD_MINUTES: "BM",
    DocumentType.MILESTONE_REPORT: "MR",
    DocumentType.ACCEPTANCE_ACT: "AA",
    DocumentType.LETTER: "LT",
    DocumentType.NOTICE: "NT",
    DocumentType.OTHER: "OT",
}


class DocumentStatus(models.TextChoices):
    """Where a document stands in its life."""

    DRAFT = "draft", _("Draft")  # being prepared by the sender; versions may still be added
    SENT = "sent", _("Sent for signature")  # delivered to the parties, no signature yet
    PARTLY_SIGNED = "partly_signed", _("Partly signed")  # some steps of the route are signed
    SIGNED = "signed", _("Signed")  # every step signed: the document is in force
    REJECTED = (
        "rejected",
        pgettext_lazy("document", "Rejected"),
    )  # a signer refused, with a reason; the route stopped
    REVOKED = (
        "revoked",
        pgettext_lazy("document", "Revoked"),
    )  # withdrawn by the sender or the Fund, with a reason


# Statuses in which the signing route is running.
IN_FLIGHT_STATUSES = (DocumentStatus.SENT, DocumentStatus.PARTLY_SIGNED)


class PartyRole(models.TextChoices):
    """Why an organisation or person is a party to a document."""

    SENDER = "sender", _("Sender")  # prepared and sent the document
    RECIPIENT = "recipient", _("Recipient")  # receives it
    SIGNER = "signer", _("Signer")  # signs it on a route step
    COPY = "copy", _("Copy")  # receives a copy for information


class MediaType(models.TextChoices):
    """Content a version may hold."""

    PDF = "application/pdf", "PDF"
    JSON = "application/json", "JSON"


class VersionOrigin(models.TextChoices):
    """How a version came to be."""

    UPLOAD = "upload", _("Uploaded")  # content given by a person or system
    FUND_PADES = (
        "fund_pades",
        _("Fund's PAdES signature"),
    )  # the previous PDF plus the Fund's signature


class StepRole(models.TextChoices):
    """Who signs a route step for its organisation."""

    SIGNATORY = "signatory", _("Any signatory of the organisation")  # registry OrgRole.SIGNATORY
    USER = "user", _("A named person")  # exactly the step's user


class StepStatus(models.TextChoices):
    """A route step's progress."""

    WAITING = "waiting", _("Waiting for earlier steps")  # a lower order is not yet signed
    PENDING = "pending", _("Waiting for signature")  # may be signed now
    SIGNED = "signed", _("Signed")  # signed once; never signed again
    REJECTED = "rejected", pgettext_lazy("signing step", "Rejected")  # the signer refused


class SignatureKind(models.TextChoices):
    """Which kind of electronic signature (63-FZ)."""

    SIMPLE = "simple", _("Simple electronic signature")  # authenticated person + second factor
    ENHANCED = "enhanced", _("Enhanced electronic signature (CAdES)")  # detached CMS over the bytes
    PADES = "pades", _("Enhanced electronic signature in the PDF (PAdES)")  # embedded in a version


class SecondFactor(models.TextChoices):
    """How a simple signature was confirmed."""

    PASSWORD = "password", _("Password re-entered")
    TOTP = "totp", _("One-time code (TOTP)")


class ReceiptKind(models.TextChoices):
    """Delivery and read notices, as in Russian EDO practice."""

    DELIVERED = "delivered", _("Delivered")  # the version was made available to the party
    READ = "read", _("Read")  # a person of the party opened or downloaded it for the first time
