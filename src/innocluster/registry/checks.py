"""The formal checks of a membership application, as data: a stable code and outcome, with the
text rendered in the reader's language when shown (the stored ``message`` is the record in the
platform's default language, and the fallback for rows written before an outcome existed)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# (code, outcome) -> (what the check found, why a person must decide or None)
OUTCOMES = {
    ("identifiers_valid", "ok"): (_("Identifiers are valid."), None),
    ("not_already_member", "ok"): (_("Not yet a member."), None),
    ("not_already_member", "claim_access"): (_("Already admitted; the claim gives access."), None),
    ("not_already_member", "ended_by_fund"): (
        _("The Fund refused or ended this organisation's membership before."),
        _(
            "The Fund refused or ended this organisation's membership before; a person decides anew."
        ),
    ),
    ("not_already_member", "suspended"): (
        _("Membership is suspended."),
        _("The organisation's membership is suspended."),
    ),
    ("contact_confirmed", "ok"): (_("The contact e-mail is confirmed."), None),
    ("contact_confirmed", "by_partner"): (
        _("The contact e-mail was confirmed by the partner platform %(name)s."),
        None,
    ),
    ("contact_confirmed", "unconfirmed"): (
        _("The applicant's e-mail is not confirmed yet."),
        _("The applicant has not confirmed the e-mail address."),
    ),
    ("agreement_accepted", "ok"): (_("The accession agreement is accepted."), None),
    ("no_other_administrator", "administered"): (
        _("Already administered by other users (%(count)s)."),
        _("Claim on an organisation that other users already administer (%(count)s)."),
    ),
}
# What rows without an ``outcome`` (demo data, older rows) meant, by code and result.
_IMPLIED_OUTCOME = {
    ("identifiers_valid", True): "ok",
    ("not_already_member", True): "ok",
    ("not_already_member", None): "suspended",
    ("contact_confirmed", True): "ok",
    ("contact_confirmed", None): "unconfirmed",
    ("agreement_accepted", True): "ok",
    ("no_other_administrator", None): "administered",
}


def make_check(code: str, outcome: str, passed: bool | None, **params) -> dict:
    """One check's result, ready to store; ``passed`` None means a person must decide."""
    with translation.override(settings.LANGUAGE_CODE):
        message = (
            str(OUTCOMES[(code, outcome)][0]) % params
            if params
            else str(OUTCOMES[(code, outcome)][0])
        )
    return {
        "code": code,
        "outcome": outcome,
        "passed": passed,
        "params": params,
        "message": message,
    }


def _texts(check: dict):
    outcome = check.get("outcome") or _IMPLIED_OUTCOME.get((check.get("code"), check.get("passed")))
    return OUTCOMES.get((check.get("code"), outcome))


def _render(text, check: dict) -> str | None:
    params = check.get("params") or {}
    try:
        return str(text) % params if params else (None if "%(" in str(text) else str(text))
    except (KeyError, TypeError, ValueError):
        return None


def describe(check: dict) -> str:
    """What the check found, in the active language."""
    texts = _texts(check)
    rendered = _render(texts[0], check) if texts else None
    return rendered or str(check.get("message", ""))


def review_reason(check: dict) -> str | None:
    """Why this check needs a person, in the active language; None when it doesn't."""
    texts = _texts(check)
    if not texts or texts[1] is None:
        return None
    return _render(texts[1], check)


def review_reasons(checks: list[dict]) -> list[str]:
    """The reasons a person must decide, in the active language."""
    return [reason for reason in map(review_reason, checks) if reason]
