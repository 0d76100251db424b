"""The transparency log's rows: entries in order, the hashes of the tree's complete subtrees, the
log's state (size and right edge), the tree heads the platform recorded and signed, and the public
keys it signed them with."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RowidField(models.BigIntegerField):
    """A 64-bit primary key that SQLite stores as the table's rowid ("integer PRIMARY KEY"):
    a lookup is one B-tree descent and an insert writes one B-tree. Declared "bigint", SQLite
    keeps a second index beside the table. Other databases get a plain bigint."""

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class LogEntry(models.Model):
    """One appended entry. ``index`` is its leaf position in the Merkle tree (public by design,
    as in RFC 6962); ``leaf_input`` is the exact bytes hashed, canonical JSON."""

    index = RowidField(_("index"), primary_key=True)
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
    who kept one can later ask for a consistency proof to a newer one.

    A signed head (RFC 6962 §3.5) also carries ``timestamp`` (ms since the epoch, the moment
    signed), the DER ECDSA ``signature`` over the TreeHeadSignature structure and ``key_id``, the
    SHA-256 of the signing key's DER SubjectPublicKeyInfo (hex). Heads recorded before the log
    signed its heads, or by ``innocluster log head`` without ``--sign``, have no signature.
    """

    tree_size = models.BigIntegerField(_("tree size"), primary_key=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    timestamp = models.BigIntegerField(_("signed at (ms since the epoch)"), null=True, blank=True)
    signature = models.BinaryField(_("signature"), null=True, blank=True)
    key_id = models.CharField(_("key id"), max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-tree_size"]
        verbose_name = _("tree head")
        verbose_name_plural = _("tree heads")

    def __str__(self) -> str:
        return f"{self.tree_size}: {bytes(self.root_hash).hex()}"

    @property
    def is_signed(self) -> bool:
        return self.signature is not None


class LogNode(models.Model):
    """The hash of one complete subtree of the log (2**level leaves, aligned), level 1 and up:
    the leaves themselves are the entries' ``leaf_hash``. Written in the append's transaction and
    never changed, so a root or a proof of any size reads O(log n) of them.

    ``key`` (see ``merkle.node_key``) is the index of the subtree's last leaf times 64 plus its
    level: appends only ever add keys at the end of the table.
    """

    key = RowidField(_("key"), primary_key=True)
    hash = models.BinaryField(_("hash"), max_length=32)

    class Meta:
        verbose_name = _("log node")
        verbose_name_plural = _("log nodes")

    def __str__(self) -> str:
        return f"level {self.level}, position {self.position}"

    @property
    def level(self) -> int:
        return self.key & 63

    @property
    def position(self) -> int:
        return ((self.key >> 6) + 1 >> self.level) - 1


class LogState(models.Model):
    """The log's committed size. One row, locked by every append: the lock keeps indexes
    gap-free and single, and lets a batch take many at once. Kept to a number on purpose: it is
    rewritten by every append, and a small row stays cheap to rewrite (PostgreSQL's HOT
    updates); the right edge an append needs is read from the nodes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("log state")
        verbose_name_plural = _("log state")

    def __str__(self) -> str:
        return f"{self.size} entries"


class LogKey(models.Model):
    """A public key the log has signed tree heads with. Kept even after the signer's key is
    replaced, so every head ever signed stays verifiable."""

    key_id = models.CharField(_("key id"), max_length=64, primary_key=True)
    public_key_pem = models.TextField(_("public key"))
    first_used_at = models.DateTimeField(_("first used"), auto_now_add=True)

    class Meta:
        ordering = ["first_used_at"]
        verbose_name = _("log signing key")
        verbose_name_plural = _("log signing keys")

    def __str__(self) -> str:
        return self.key_id
