"""Signing routes, signatures, browser-signing preparations and receipts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7

from ..choices import ReceiptKind, SecondFactor, SignatureKind, StepRole, StepStatus
from .write_once import WriteOnceModel


class SigningStep(models.Model):
    """One step of a document's signing route: an organisation signs, through any of its
    signatories or one named person, by a deadline.

    Steps with the same ``order`` run in parallel; a step of a higher order becomes pending only
    when every step of the lower orders is signed (sequential).
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="signing_steps",
    )
    role = models.CharField(
        _("who signs"), max_length=16, choices=StepRole.choices, default=StepRole.SIGNATORY
    )
    # The named person of a ``user`` step.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_steps",
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(_("reminders sent"), default=0)
    # The Moscow date of the last reminder: at most one a day per step.
    last_reminded_on = models.DateField(_("last reminded"), null=True, blank=True)

    class Meta:
        ordering = ["document", "order", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        verbose_name = _("signing step")
        verbose_name_plural = _("signing steps")

    def __str__(self) -> str:
        return f"{self.order}: {self.organisation} ({self.get_status_display()})"


class Signature(WriteOnceModel):
    """One signature of one route step over the exact bytes of one version.

    ``simple``: the signer authenticated and confirmed with a second factor; the record is the
    content hash, the person and the time. ``enhanced``: a detached CMS (CAdES-T after the
    platform adds a timestamp) over the version's bytes. ``pades``: the Fund's signature
    embedded in ``version`` (a ``fund_pades`` version). ``report`` is the verification report
    made when the signature was accepted.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="signatures"
    )
    version = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.PROTECT, related_name="signatures"
    )
    step = models.ForeignKey(
        SigningStep, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_signatures",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="document_signatures",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SignatureKind.choices)
    second_factor = models.CharField(
        _("second factor"), max_length=16, choices=SecondFactor.choices, blank=True
    )
    # The stored CMS (with the platform's signature timestamp for enhanced signatures).
    cms_der = models.BinaryField(_("CMS"), null=True, blank=True)
    # SHA-256 of the CMS exactly as the signer submitted it: a retried upload is recognised by it.
    submitted_sha256 = models.CharField(max_length=64, null=True, blank=True)
    certificate_der = models.BinaryField(_("signer certificate"), null=True, blank=True)
    certificate_serial = models.CharField(_("certificate serial"), max_length=64, blank=True)
    certificate_issuer = models.CharField(_("certificate issuer"), max_length=500, blank=True)
    report = models.JSONField(_("verification report"), default=dict, blank=True)
    # The SHA-256 of the version's bytes the signature covers.
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64)
    signed_at = models.DateTimeField(_("signed"))
    ledger_index = models.BigIntegerField(_("log entry"), null=True, blank=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["step"], condition=Q(step__isnull=False), name="one_signature_per_step"
            ),
            models.UniqueConstraint(
                fields=["submitted_sha256"],
                condition=Q(submitted_sha256__isnull=False),
                name="signature_bytes_once",
            ),
        ]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.signer or self.organisation}"


class PreparedSignature(models.Model):
    """The signed attributes the server built for a browser (WebCrypto) signature, kept until
    the browser returns its signature or the preparation expires."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    certificate_serial = models.CharField(max_length=64)
    certificate_der = models.BinaryField()
    signed_attributes = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("prepared browser signature")
        verbose_name_plural = _("prepared browser signatures")

    def __str__(self) -> str:
        return f"prepared {self.id}"


class Receipt(models.Model):
    """A delivery or read notice: a version reached a party, or a person of it first opened it."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="receipts"
    )
    version = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.PROTECT, related_name="receipts"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="document_receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReceiptKind.choices)
    at = models.DateTimeField(_("time"))
    ledger_index = models.BigIntegerField(_("log entry"), null=True, blank=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation", "kind"], name="one_receipt_per_party"
            )
        ]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organisation}"
