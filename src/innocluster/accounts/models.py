"""People and the credentials systems use to call the API."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7

from .choices import PlatformRole, TokenScope


class UserQuerySet(models.QuerySet):
    def staff_of_fund(self):
        return self.filter(
            platform_role__in=[PlatformRole.FUND_OPERATOR, PlatformRole.ADMINISTRATOR]
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("platform_role", PlatformRole.ADMINISTRATOR)
        fields.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    platform_role = models.CharField(
        _("platform role"), max_length=32, choices=PlatformRole.choices, default=PlatformRole.MEMBER
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="ru")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    date_joined = models.DateTimeField(_("registered"), default=timezone.now)
    # Base32 secret of the person's authenticator app (accounts/totp.py); empty until enrolled.
    totp_secret = models.CharField(_("TOTP secret"), max_length=64, null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_fund_staff(self) -> bool:
        """Fund operators and administrators see and run the back office."""
        return self.is_active and self.platform_role in {
            PlatformRole.FUND_OPERATOR,
            PlatformRole.ADMINISTRATOR,
        }


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A credential for a system acting for one organisation; only its SHA-256 is stored.

    A partner platform's token (a regional portal, a development institution) has the ``join``
    scope and may submit membership applications on behalf of applicants.
    """

    PREFIX = "ic_"

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, shown so a person can tell tokens apart.
    key_prefix = models.CharField(max_length=12, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def new_raw_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def has_scope(self, scope: str | TokenScope) -> bool:
        return str(scope) in self.scopes

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
