"""Membership applications, their automatic checks, the accession agreement and status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innocluster.core.models import BaseModel

from ..choices import ApplicationStatus, MembershipStatus


class MembershipApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applicants see their own applications and their organisations'; Fund staff see all."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_fund_staff:
            return self.all()
        return self.filter(Q(applicant=user) | Q(organisation__roles__user=user)).distinct()

    def pending(self):
        return self.filter(status=ApplicationStatus.PENDING_REVIEW)


class MembershipApplication(BaseModel):
    """One request to join the cluster, with the result of every formal check.

    When every check passes the organisation is admitted at once ("no barriers"); a check that
    can't be decided automatically sends the application to the Fund's operators with the reason.
    """

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership_applications",
    )
    # Set when a partner platform submitted the application through the API on someone's behalf.
    submitted_via = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, db_index=True
    )
    # [{"code": "identifiers_valid", "passed": true|false|null, "message": "..."}]; null = needs a person
    checks = models.JSONField(_("checks"), default=list)
    review_reason = models.TextField(_("why a person must decide"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)

    objects = MembershipApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]  # the operators' queue
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_status_display()}"

    @property
    def checks_display(self) -> list[dict]:
        """The checks with their messages in the active language."""
        from ..checks import describe

        return [{**check, "message": describe(check)} for check in self.checks or []]

    @property
    def review_reason_display(self) -> str:
        """Why a person must decide, in the active language."""
        from ..checks import review_reasons

        if self.status != "pending_review" and not self.review_reason:
            return ""
        return "\n".join(review_reasons(self.checks or [])) or self.review_reason


class AgreementAcceptance(models.Model):
    """Acceptance of the accession agreement as a simple electronic signature (63-FZ art. 9):
    the authenticated person, the time, and the SHA-256 of the exact text they accepted."""

    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_label = models.CharField(max_length=255)
    agreement_version = models.CharField(max_length=32)
    text_sha256 = models.CharField(max_length=64)
    accepted_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("accession agreement acceptance")
        verbose_name_plural = _("accession agreement acceptances")

    def __str__(self) -> str:
        return (
            f"{self.organisation} accepted {self.agreement_version} at {self.accepted_at:%Y-%m-%d}"
        )


class MembershipStatusChange(models.Model):
    """One step in an organisation's membership history."""

    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="status_history"
    )
    from_status = models.CharField(max_length=16, choices=MembershipStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=MembershipStatus.choices)
    changed_at = models.DateTimeField(db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("membership status change")
        verbose_name_plural = _("membership status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
