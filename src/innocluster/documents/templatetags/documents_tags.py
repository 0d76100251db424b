"""Template helpers of the documents pages: a signature's verification report as a page shows
it, and deadlines."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

register = template.Library()

TIME_SOURCES = {
    "timestamp": _("proven by a timestamp (RFC 3161)"),
    "claimed": _("as the signer's software claims it"),
    "verification_time": _("no time in the signature: checked as of verification"),
}
REVOCATION_STATES = {
    "good": _("not revoked"),
    "revoked": _("revoked"),
    "unknown": _("unknown"),
}


def _time(value):
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        return parse_datetime(value)
    return None


def _reasons(items) -> list[dict]:
    result = []
    for item in items or []:
        if isinstance(item, dict):
            result.append({"code": item.get("code", ""), "message": item.get("message", "")})
        elif item:
            result.append({"code": "", "message": str(item)})
    return result


@register.filter
def signature_report(signature) -> dict:
    """The stored report of ``signature`` (pki.verify.VerificationReport.to_dict, or the simple
    signature's short record) with times parsed and codes explained."""
    report = signature.report if isinstance(signature.report, dict) else {}
    signer = report.get("signer") if isinstance(report.get("signer"), dict) else {}
    timestamp = report.get("timestamp") if isinstance(report.get("timestamp"), dict) else None
    revocation = report.get("revocation") if isinstance(report.get("revocation"), dict) else {}
    chain = [
        {
            **entry,
            "not_before": _time(entry.get("not_before")),
            "not_after": _time(entry.get("not_after")),
        }
        for entry in report.get("chain") or []
        if isinstance(entry, dict)
    ]
    valid = report.get("valid")
    source = report.get("signing_time_source") or ""
    revocation_status = revocation.get("status") or ""
    return {
        "valid": valid is True,
        "known": valid is not None,
        "reasons": _reasons(report.get("reasons")),
        "warnings": _reasons(report.get("warnings")),
        "signer": signer,
        "chain": chain,
        "signing_time": _time(report.get("signing_time")) or signature.signed_at,
        "signing_time_source": source,
        "signing_time_source_label": TIME_SOURCES.get(source, source),
        "timestamp": ({**timestamp, "time": _time(timestamp.get("time"))} if timestamp else None),
        "revocation": {
            **revocation,
            "status": revocation_status,
            "label": REVOCATION_STATES.get(revocation_status, revocation_status),
            "checked_at": _time(revocation.get("checked_at")),
            "revoked_at": _time(revocation.get("revoked_at")),
        },
        "algorithm": report.get("algorithm") or "",
        "kind": report.get("kind") or signature.kind,
        "is_simple": signature.kind == "simple",
    }


@register.filter
def is_overdue(step, now) -> bool:
    """A step waiting for a signature past its deadline."""
    return bool(step.deadline and step.status == "pending" and step.deadline < now)


@register.filter
def certificate_name(issued) -> str:
    """A certificate's holder as people read it: the common name, and the organisation if any
    (the full subject carries OIDs such as INN and OGRN that nobody reads in a list)."""
    try:
        from cryptography.x509.oid import NameOID

        subject = issued.certificate.subject
        names = [
            attribute.value
            for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)
            for attribute in subject.get_attributes_for_oid(oid)
        ]
    except Exception:  # an unreadable certificate still has its stored subject
        return issued.subject
    return ", ".join(str(name) for name in names) or issued.subject


@register.simple_tag
def may_create_documents(user) -> bool:
    """Whether ``user`` may send documents for some organisation (the Fund's staff: the Fund)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_fund_staff:
        return True
    from ..permissions import MANAGING_ROLES

    return user.organisation_roles.filter(role__in=MANAGING_ROLES).exists()
