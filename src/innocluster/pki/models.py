"""Stored private keys of the platform's own services (CA, TSA, log signer, Fund's signer)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
