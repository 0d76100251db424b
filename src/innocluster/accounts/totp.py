"""Time-based one-time codes (RFC 6238) from a person's authenticator app, a second factor for
simple electronic signatures and staff sign-in."""

from __future__ import annotations

import pyotp
from django.conf import settings

ISSUER = "InnoCluster"


def enrol(user) -> str:
    """Give ``user`` a new TOTP secret (replacing any old one) and return the provisioning URI
    the authenticator app reads from a QR code."""
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    return provisioning_uri(user)


def provisioning_uri(user) -> str:
    """The otpauth:// URI of the user's secret."""
    issuer = getattr(settings, "TOTP_ISSUER", ISSUER)
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def current_code(user) -> str:
    """The code the user's app shows now (for tests and demos)."""
    return pyotp.TOTP(user.totp_secret).now()


def verify_code(user, code: str) -> bool:
    """True when ``code`` is the user's current code (one step of clock drift either way)."""
    secret = getattr(user, "totp_secret", None)
    code = (code or "").strip().replace(" ", "")
    if not secret or not code.isdigit() or len(code) != 6:
        return False
    return pyotp.TOTP(secret).verify(code, valid_window=1)
