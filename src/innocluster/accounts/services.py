"""Account use cases: registration, e-mail confirmation, API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.audit import record_event
from innocluster.core.errors import Conflict, FieldError, NotPermitted, ValidationFailed

from .choices import TokenScope
from .models import ApiToken, User, hash_token
from .tasks import send_confirmation_email

CONFIRMATION_SALT = "innocluster.accounts.confirm-email"
CONFIRMATION_MAX_AGE = 7 * 24 * 3600


def register_user(email: str, password: str, full_name: str = "", language: str = "ru") -> User:
    """Create an account and send the e-mail confirmation link.

    Raises:
        ValidationFailed: a bad e-mail address or a weak password.
        Conflict: the e-mail address is already registered.
    """
    email = (email or "").strip().lower()
    errors = []
    try:
        validate_email(email)
    except DjangoValidationError:
        errors.append(FieldError("email", _("Enter a valid e-mail address."), "invalid_email"))
    try:
        password_validation.validate_password(
            password or "", User(email=email, full_name=full_name)
        )
    except DjangoValidationError as exc:
        errors.append(FieldError("password", " ".join(exc.messages), "weak_password"))
    if errors:
        raise ValidationFailed(errors)
    if User.objects.filter(email=email).exists():
        raise Conflict(
            _("An account with this e-mail already exists; sign in instead."),
            code="duplicate_email",
            errors=[FieldError("email", _("Already registered."), "duplicate")],
        )
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=(full_name or "").strip()[:200],
            preferred_language=language[:8],
        )
        record_event(actor=user, action="user.registered", obj=user, after={"email": email})
        # Enqueued in the same transaction: with the database queue the task exists exactly
        # when the account does.
        send_confirmation_email.enqueue(str(user.pk))
    return user


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": str(user.pk), "e": user.email}, salt=CONFIRMATION_SALT)


def send_confirmation(user: User) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:confirm_email", args=[confirmation_token(user)]
    )
    send_mail(
        subject=_("Confirm your e-mail for the Innovation Cluster"),
        message=_(
            "To confirm your e-mail address, open this link:\n\n%(link)s\n\nThe link is valid for 7 days."
        )
        % {"link": link},
        from_email=None,
        recipient_list=[user.email],
    )


def confirm_email(token: str) -> User:
    """Mark the e-mail confirmed from a link's token; applications that waited only for it go on."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationFailed(
            [
                FieldError(
                    "token", _("The confirmation link has expired; ask for a new one."), "expired"
                )
            ]
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationFailed(
            [FieldError("token", _("The confirmation link is not valid."), "invalid")]
        ) from exc
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise ValidationFailed(
            [FieldError("token", _("The confirmation link is not valid."), "invalid")]
        )
    if user.email_confirmed_at is None:
        with transaction.atomic():
            user.email_confirmed_at = timezone.now()
            user.save(update_fields=["email_confirmed_at"])
            record_event(actor=user, action="user.email_confirmed", obj=user)
        from innocluster.registry.services import confirm_pending_after_email

        confirm_pending_after_email(user)
    return user


def issue_api_token(actor, organisation, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """Create a token for ``organisation``; the raw key is returned once and never stored.

    Only the organisation's owners and the Fund's staff may issue one; the ``join`` scope (acting
    as a partner platform) is granted by the Fund's staff only.
    """
    from innocluster.registry.permissions import may_administer_organisation

    if not may_administer_organisation(actor, organisation)[0]:
        raise NotPermitted(_("Only the organisation's owners may issue its API tokens."))
    errors = []
    if not (name or "").strip():
        errors.append(FieldError("name", _("Give the token a name."), "required"))
    unknown = sorted(set(scopes) - set(TokenScope.values))
    if unknown or not scopes:
        errors.append(
            FieldError(
                "scopes",
                _("Choose scopes from: %s.") % ", ".join(TokenScope.values),
                "invalid_choice",
            )
        )
    if TokenScope.JOIN in scopes and not actor.is_fund_staff:
        errors.append(
            FieldError(
                "scopes",
                _("Only the Fund grants the 'join' scope to partner platforms."),
                "scope_not_allowed",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    raw = ApiToken.new_raw_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name.strip()[:200],
            organisation=organisation,
            created_by=actor,
            key_hash=hash_token(raw),
            key_prefix=raw[:10],
            scopes=sorted(set(scopes)),
        )
        record_event(
            actor=actor,
            action="api_token.issued",
            obj=token,
            after={
                "name": token.name,
                "scopes": token.scopes,
                "organisation": str(organisation.pk),
            },
        )
    return token, raw


def revoke_api_token(actor, token: ApiToken) -> ApiToken:
    from innocluster.registry.permissions import may_administer_organisation

    if not may_administer_organisation(actor, token.organisation)[0]:
        raise NotPermitted(_("Only the organisation's owners may revoke its API tokens."))
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event(actor=actor, action="api_token.revoked", obj=token)
    return token


def authenticate_token(raw: str) -> ApiToken | None:
    """The active token with this raw key, or None."""
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("organisation")
        .filter(key_hash=hash_token(raw))
        .first()
    )
    if token is not None and (
        token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
