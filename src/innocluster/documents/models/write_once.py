"""Rows that are evidence: written once, never rewritten through the ORM."""

from django.db import models


class WriteOnceModel(models.Model):
    """A row written once; afterwards only its transparency-log index may be filled in (the
    entry is appended in the same transaction, after the row exists)."""

    FILLED_IN_LATER = {"ledger_index"}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        changed = set(kwargs.get("update_fields") or ["*"])
        if not self._state.adding and changed - self.FILLED_IN_LATER:
            raise ValueError(f"a {self._meta.verbose_name} is written once and never changed")
        super().save(*args, **kwargs)
