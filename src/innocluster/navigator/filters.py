"""Filters of the catalogue and of evaluation results: one class each, for the pages and (it is
written to be shared) the API list.

Purposes and areas are JSON lists, and SQLite's LIKE folds only ASCII case, so the list and text
filters run in Python over the already-narrowed rows: the same result on SQLite and PostgreSQL
(a catalogue holds thousands of measures, not millions).
"""

from __future__ import annotations

from dataclasses import dataclass

from innocluster.core.text import has_control_characters


@dataclass(frozen=True)
class MeasureFilter:
    """``form``, ``provider`` (institution code), ``purpose``, ``status`` and ``q`` (words in
    the code or either name); empty means any."""

    q: str = ""
    form: str = ""
    provider: str = ""
    purpose: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params: dict) -> MeasureFilter:
        # A value with control characters matches nothing a user typed (and PostgreSQL refuses
        # NUL in a query): it filters as if empty.
        return cls(
            **{
                key: "" if has_control_characters(value := params.get(key) or "") else value
                for key in ("q", "form", "provider", "purpose", "status")
            }
        )

    @property
    def active(self) -> bool:
        return any((self.q, self.form, self.provider, self.purpose, self.status))

    def apply(self, queryset) -> list:
        """The matching measures of ``queryset``, in its order."""
        if self.form:
            queryset = queryset.filter(form=self.form)
        if self.provider:
            queryset = queryset.filter(provider__code=self.provider)
        if self.status:
            queryset = queryset.filter(status=self.status)
        found = list(queryset)
        if self.purpose:
            found = [m for m in found if self.purpose in (m.purposes or ())]
        if self.q:
            words = self.q.casefold().split()
            found = [
                m
                for m in found
                if all(w in f"{m.code} {m.name_ru} {m.name_en}".casefold() for w in words)
            ]
        return found


@dataclass(frozen=True)
class ResultFilter:
    """Narrows an evaluation's results by the measure's form, provider and purpose."""

    form: str = ""
    provider: str = ""
    purpose: str = ""

    @property
    def active(self) -> bool:
        return any((self.form, self.provider, self.purpose))

    def keep(self, result) -> bool:
        measure = result.entry.measure
        if self.form and measure.form != self.form:
            return False
        if self.provider and measure.provider.code != self.provider:
            return False
        return not (self.purpose and self.purpose not in (measure.purposes or ()))

    def apply(self, results) -> list:
        return [r for r in results if self.keep(r)]
