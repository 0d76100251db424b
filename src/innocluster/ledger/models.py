"""The transparency log's rows: entries in order, and the tree heads the platform recorded."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogEntry(models.Model):
    """One appended entry. ``index`` is its leaf position in the Merkle tree (public by design,
    as in RFC 6962); ``leaf_input`` is the exact bytes hashed, canonical JSON."""

    index = models.BigIntegerField(_("index"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    leaf_input = models.BinaryField(_("leaf input"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    appended_at = models.DateTimeField(_("appended"), auto_now_add=True)

    class Meta:
        ordering = ["index"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return f"#{self.index} {self.kind}"


class TreeHead(models.Model):
    """The root hash of the first ``tree_size`` entries, as recorded at ``recorded_at``. Anyone
    who kept one can later ask for a consistency proof to a newer one."""

    tree_size = models.BigIntegerField(_("tree size"), primary_key=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-tree_size"]
        verbose_name = _("tree head")
        verbose_name_plural = _("tree heads")

    def __str__(self) -> str:
        return f"{self.tree_size}: {bytes(self.root_hash).hex()}"
