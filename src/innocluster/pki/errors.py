"""Errors of the PKI layer, as domain errors every front end knows how to show."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from innocluster.core.errors import FieldError, ValidationFailed


class SignatureRejected(ValidationFailed):
    """A signature did not pass verification; nothing was stored.

    ``report`` is the full :class:`innocluster.pki.verify.VerificationReport`; the field named
    ``field`` (the caller's input field, "signature" by default) carries the first reason, so
    an API client sees which rule failed.
    """

    def __init__(self, report, field: str = "signature", message=None):
        self.report = report
        reasons = list(getattr(report, "reasons", []) or [])
        errors = [FieldError(field, str(r.message), r.code) for r in reasons] or [
            FieldError(field, str(_("The signature is not valid.")), "invalid_signature")
        ]
        super().__init__(errors, message=message or _("The signature was rejected."))
        self.code = "signature_rejected"
        self.extra = {"verification": report.to_dict()} if hasattr(report, "to_dict") else {}
