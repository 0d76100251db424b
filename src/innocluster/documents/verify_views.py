"""The public verification page: anyone uploads a document with its signature, a signed PDF, or
an evidence package and reads the report (the same one ``POST /api/v1/verify`` returns)."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from innocluster.core.errors import ValidationFailed

from .choices import SignatureKind
from .verification import FIELDS, verify_files

# Keys of the report whose values are ISO 8601 times, shown as dates in Moscow time.
TIME_KEYS = {
    "signing_time",
    "time",
    "not_before",
    "not_after",
    "checked_at",
    "revoked_at",
    "signed_at",
    "timestamp",
}
TIME_SOURCES = {
    "timestamp": _("proven by an RFC 3161 timestamp"),
    "claimed": _("claimed by the signer (not proven)"),
    "verification_time": _("no signing time: checked as of now"),
}
REVOCATION = {
    "good": _("not revoked"),
    "revoked": _("revoked"),
    "unknown": _("unknown"),
}
MODES = {
    "detached": _("a document and its detached signature"),
    "pdf": _("the signatures inside a PDF"),
    "package": _("an evidence package"),
}


class VerifyForm(forms.Form):
    """Either a document (with a detached signature, or a signed PDF alone) or a package."""

    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("The signed file (PDF or JSON). A signed PDF can be checked on its own."),
    )
    signature = forms.FileField(
        label=_("Detached signature"),
        required=False,
        help_text=_("The .p7s or .sig file (CMS, DER or PEM). Leave empty for a signed PDF."),
    )
    evidence = forms.FileField(
        label=_("Evidence package"),
        required=False,
        help_text=_("The zip downloaded from the document's page: everything is checked at once."),
    )


def _times(value):
    """The report with its ISO times turned into datetimes for the template's date filter."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in TIME_KEYS and isinstance(item, str):
                try:
                    out[key] = datetime.fromisoformat(item)
                    continue
                except ValueError:
                    pass
            out[key] = _times(item)
        return out
    if isinstance(value, list):
        return [_times(item) for item in value]
    return value


def present(result: dict | None) -> dict | None:
    """The verification result as the page shows it: times as datetimes, codes as words."""
    if result is None:
        return None
    shown = _times(result)
    shown["mode_label"] = MODES.get(result.get("mode"), "")
    for signature in shown.get("signatures", []):
        kind = signature.get("kind")
        signature["kind_label"] = (
            SignatureKind(kind).label if kind in SignatureKind.values else kind
        )
        report = signature.get("report") or {}
        signature["time_source_label"] = TIME_SOURCES.get(report.get("signing_time_source"), "")
        revocation = report.get("revocation") or {}
        signature["revocation_label"] = REVOCATION.get(revocation.get("status"), "")
    return shown


@csrf_exempt  # stores nothing and changes no session: like POST /api/v1/verify, open to all
@require_http_methods(["GET", "POST"])
def verify_page(request):
    result = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = verify_files({name: form.cleaned_data.get(name) for name in FIELDS})
            except ValidationFailed as exc:
                for error in exc.errors:
                    field = error.field if error.field in form.fields else None
                    form.add_error(field, str(error.message))
    else:
        form = VerifyForm()
    status = 422 if form.errors else 200
    return render(
        request,
        "documents/verify/page.html",
        {"form": form, "result": present(result)},
        status=status,
    )
