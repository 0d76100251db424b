"""The platform's PKI data: stored private keys of its own services, the certificates its CA has
issued, and the certificate revocation lists it has published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innocluster.core.ids import uuid7


class StoredKey(models.Model):
    """A private key of one platform service, as encrypted PKCS#8 PEM.

    The passphrase comes from the environment (``KEYSTORE_PASSPHRASE``), never from the database,
    so a copy of the database alone does not give the keys away. Keys are never logged or served;
    only ``public_key_pem`` leaves the process.
    """

    name = models.SlugField(_("name"), max_length=64, primary_key=True)
    algorithm = models.CharField(_("algorithm"), max_length=32)
    encrypted_private_key = models.TextField(_("encrypted private key"))
    public_key_pem = models.TextField(_("public key"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored key")
        verbose_name_plural = _("stored keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.algorithm})"

    def __repr__(self) -> str:
        # Never let the encrypted blob into a log line or a traceback's locals dump.
        return f"<StoredKey {self.name} {self.algorithm}>"


class CertificateProfile(models.TextChoices):
    """What a certificate is for; decides its key usage and extended key usage."""

    CA = "ca", _("Certification authority")  # the platform's self-signed root
    SIGNING = "signing", _("Personal signing")  # a person signing for themselves or an organisation
    TSA = "tsa", _("Timestamp authority")  # the built-in RFC 3161 TSA
    FUND = "fund", _("Fund's document signer")  # the Fund's PAdES signature on PDFs


class IssuedCertificateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees their own certificates; the Fund's staff see all."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_fund_staff", False):
            return self
        return self.filter(user=user)


class IssuedCertificate(models.Model):
    """A certificate the platform's CA has issued (its own root included, profile ``ca``).

    The DER is kept verbatim: it is what signatures embed and what the CRL refers to by serial.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    serial_hex = models.CharField(_("serial number"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=1000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    profile = models.CharField(
        _("profile"), max_length=16, choices=CertificateProfile.choices, db_index=True
    )
    certificate_der = models.BinaryField(_("certificate (DER)"))
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IssuedCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("issued certificate")
        verbose_name_plural = _("issued certificates")
        indexes = [models.Index(fields=["profile", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial_hex})"

    @property
    def certificate(self):
        """The certificate as a ``cryptography`` object."""
        from cryptography import x509

        return x509.load_der_x509_certificate(bytes(self.certificate_der))

    @property
    def pem(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding

        return self.certificate.public_bytes(Encoding.PEM).decode()


class RevocationList(models.Model):
    """One CRL the CA published; the newest is served at /pki/crl.pem until it is near expiry."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    number = models.PositiveBigIntegerField(_("CRL number"))
    issuer_serial_hex = models.CharField(_("issuing CA certificate serial"), max_length=64)
    crl_der = models.BinaryField(_("CRL (DER)"))
    this_update = models.DateTimeField(_("issued"))
    next_update = models.DateTimeField(_("next update"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("certificate revocation list")
        verbose_name_plural = _("certificate revocation lists")

    def __str__(self) -> str:
        return f"CRL #{self.number}"
