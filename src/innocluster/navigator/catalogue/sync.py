"""Syncing the catalogue with a feed: each valid record added or updated by code in its own
transaction (a changed rule gets a new RuleVersion, every change an audit event, subscribers
re-evaluated after the commit), a provider's measures missing from its feed closed, and the
ImportReport of what was done (or, in a dry run, would be)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.core.audit import record_event

from .. import services
from ..choices import MeasureStatus
from ..models import Institution, Measure
from .checks import check_institution, check_measure
from .reading import FeedError, Record, parse_feed, read_source

REFERENCE_PATH = Path(__file__).parent.parent / "data" / "measures.yaml"


@dataclass
class Problem:
    """One error in one record: where, which field, which rule it broke."""

    kind: str
    index: int
    line: int | None
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.line is not None:
            where = _("line %(line)d") % {"line": self.line}
        elif self.kind == "institution":
            where = _("institution %(n)d") % {"n": self.index}
        else:
            where = _("record %(n)d") % {"n": self.index}
        if self.code:
            where = f"{where} ({self.code})"
        return f"{where}: {self.field}: {self.message}"


@dataclass
class Change:
    """A record that changed, and which of its fields."""

    code: str
    fields: list[str]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    closed: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    institutions_added: list[str] = field(default_factory=list)
    institutions_changed: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        out = [_("Source: %(source)s") % {"source": self.source}]
        if self.institutions_added:
            out.append(
                _("Institutions added (%(n)d): %(codes)s")
                % {"n": len(self.institutions_added), "codes": ", ".join(self.institutions_added)}
            )
        for change in self.institutions_changed:
            out.append(
                _("Institution changed: %(code)s (%(fields)s)")
                % {"code": change.code, "fields": ", ".join(change.fields)}
            )
        out.append(
            _("Added (%(n)d): %(codes)s") % {"n": len(self.added), "codes": ", ".join(self.added)}
        )
        out.append(_("Changed (%(n)d):") % {"n": len(self.changed)})
        out += [f"  {c.code}: {', '.join(c.fields)}" for c in self.changed]
        out.append(
            _("Closed (%(n)d): %(codes)s")
            % {"n": len(self.closed), "codes": ", ".join(c.code for c in self.closed)}
        )
        out.append(_("Unchanged: %(n)d") % {"n": len(self.unchanged)})
        out.append(_("Errors (%(n)d):") % {"n": len(self.errors)})
        out += [f"  {problem}" for problem in self.errors]
        if self.dry_run:
            out.append(_("Dry run: nothing was written."))
        return out


def _same(old, new) -> bool:
    if isinstance(new, Decimal) or isinstance(old, Decimal):
        if old is None or new is None:
            return old is None and new is None
        return Decimal(old) == Decimal(new)
    if isinstance(new, list) or isinstance(old, list):
        return list(old or []) == list(new or [])
    if isinstance(new, dict) or isinstance(old, dict):
        return json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True)
    if isinstance(new, str) and old is None:
        return new == ""
    return old == new


def _problems(report: ImportReport, record: Record, errors) -> None:
    for name, message in errors:
        report.errors.append(
            Problem(
                kind=record.kind,
                index=record.index,
                line=record.line_of(name),
                code=record.code,
                field=name or _("record"),
                message=message,
            )
        )


def import_catalogue(
    source: str | Path,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    close_missing: bool = False,
    provider: str | None = None,
    label: str | None = None,
) -> ImportReport:
    """Import measures (and institutions) from ``source``, a file path or an http(s) URL.

    Args: the source; its format (default: from the Content-Type or the extension); check and
    report only; close the measures of institution ``provider`` that the feed no longer has;
    how to name the source in the report, versions and audit events (default: ``source``).
    Returns: the ImportReport. Raises FeedError when the source cannot be read at all (nothing
    changes). See the package docstring for the format and what is checked."""
    text, fmt = read_source(str(source), fmt)
    return import_text(
        text,
        fmt,
        source=label or str(source),
        dry_run=dry_run,
        close_missing=close_missing,
        provider=provider,
    )


def import_text(
    text: str,
    fmt: str,
    *,
    source: str,
    dry_run: bool = False,
    close_missing: bool = False,
    provider: str | None = None,
) -> ImportReport:
    """Import a feed already read (see :func:`import_catalogue`)."""
    if close_missing and not provider:
        raise FeedError(_("Closing missing measures needs the provider whose feed this is."))
    if provider and not close_missing:
        raise FeedError(_("A provider is only used to close its missing measures."))
    institutions, measures = parse_feed(text, fmt)
    if close_missing and not (
        Institution.objects.filter(code=provider).exists()
        or any(r.code == provider for r in institutions)
    ):
        raise FeedError(_("No institution has the code %(code)s.") % {"code": provider})
    report = ImportReport(source=source, dry_run=dry_run)
    today = timezone.localdate()
    comment = _("import from %(source)s") % {"source": source}

    _duplicates(report, institutions)
    _duplicates(report, measures)
    bad = {(p.kind, p.index) for p in report.errors}

    providers = set(Institution.objects.values_list("code", flat=True))
    for record in institutions:
        if ("institution", record.index) in bad:
            continue
        existing = Institution.objects.filter(code=record.code).first() if record.code else None
        clean, errors = check_institution(record, existing)
        if errors:
            _problems(report, record, errors)
            continue
        providers.add(clean["code"])
        _save_institution(report, existing, clean, dry_run, comment)

    for record in measures:
        if ("measure", record.index) in bad:
            continue
        existing = (
            Measure.objects.select_related("provider").filter(code=record.code).first()
            if record.code
            else None
        )
        clean, errors = check_measure(record, existing, providers, today)
        if errors:
            _problems(report, record, errors)
            continue
        try:
            _save_measure(report, existing, clean, dry_run, comment)
        except DatabaseError as problem:
            _problems(
                report, record, [("", _("could not be saved: %(problem)s") % {"problem": problem})]
            )

    if close_missing:
        seen = {r.code for r in measures if r.code}
        missing = (
            Measure.objects.filter(provider__code=provider)
            .exclude(status=MeasureStatus.CLOSED)
            .exclude(code__in=seen)
            .order_by("code")
        )
        for measure in missing:
            report.closed.append(Change(measure.code, ["status"]))
            if dry_run:
                continue
            with transaction.atomic():
                before = measure.status
                measure.status = MeasureStatus.CLOSED
                measure.save(update_fields=["status", "updated_at"])
                record_event(
                    actor=None,
                    action="navigator.measure_closed",
                    obj=measure,
                    before={"status": before},
                    after={"status": measure.status},
                    summary=_("%(comment)s: no longer in the provider's feed")
                    % {"comment": comment},
                )
                transaction.on_commit(
                    lambda code=measure.code, version=measure.rules_version: (
                        services.measure_changed(code, version)
                    )
                )
    return report


def _duplicates(report: ImportReport, records: list[Record]) -> None:
    """A code given twice is ambiguous: neither record is imported."""
    first: dict[str, Record] = {}
    for record in records:
        code = record.code
        if not code:
            continue
        if code in first:
            for twin, other in ((first[code], record), (record, first[code])):
                where = other.line if other.line is not None else other.index
                _problems(
                    report,
                    twin,
                    [
                        (
                            "code",
                            _("appears more than once in the feed (also at %(where)s)")
                            % {"where": where},
                        )
                    ],
                )
        else:
            first[code] = record


def _save_institution(report, existing, clean, dry_run, comment) -> None:
    if existing is None:
        report.institutions_added.append(clean["code"])
        if not dry_run:
            with transaction.atomic():
                institution = Institution.objects.create(**clean)
                record_event(
                    actor=None,
                    action="navigator.institution_imported",
                    obj=institution,
                    after=clean,
                    summary=comment,
                )
        return
    diff = [k for k, v in clean.items() if not _same(getattr(existing, k), v)]
    if not diff:
        return
    report.institutions_changed.append(Change(existing.code, diff))
    if dry_run:
        return
    with transaction.atomic():
        before = {k: getattr(existing, k) for k in diff}
        for key in diff:
            setattr(existing, key, clean[key])
        existing.save(update_fields=[*diff, "updated_at"])
        record_event(
            actor=None,
            action="navigator.institution_updated",
            obj=existing,
            before=before,
            after={k: clean[k] for k in diff},
            summary=comment,
        )


def _save_measure(report, existing, clean, dry_run, comment) -> None:
    code = clean.get("code") or existing.code
    values = {k: v for k, v in clean.items() if k != "provider"}
    if existing is None:
        report.added.append(code)
        if dry_run:
            return
        with transaction.atomic():
            measure = Measure(**values, provider=Institution.objects.get(code=clean["provider"]))
            measure.save()
            version = 0
            if measure.rules is not None:
                version = services.record_rule_version(measure, None, comment).number
            record_event(
                actor=None,
                action="navigator.measure_imported",
                obj=measure,
                after=clean,
                summary=comment,
            )
            transaction.on_commit(lambda: services.measure_changed(code, version))
        return
    diff = [k for k in values if not _same(getattr(existing, k), values[k])]
    if "provider" in clean and clean["provider"] != existing.provider.code:
        diff.insert(1, "provider")
    if not diff:
        report.unchanged.append(code)
        return
    closing = "status" in diff and values["status"] == MeasureStatus.CLOSED
    (report.closed if closing else report.changed).append(Change(code, diff))
    if dry_run:
        return
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=existing.pk)
        before = {k: getattr(measure, k) for k in diff if k != "provider"}
        if "provider" in diff:
            before["provider"] = existing.provider.code
            measure.provider = Institution.objects.get(code=clean["provider"])
        for key in diff:
            if key != "provider":
                setattr(measure, key, values[key])
        measure.save(update_fields=[*diff, "updated_at"])
        version = measure.rules_version
        if "rules" in diff:
            version = services.record_rule_version(measure, None, comment).number
        record_event(
            actor=None,
            action="navigator.measure_closed" if closing else "navigator.measure_updated",
            obj=measure,
            before=before,
            after={k: clean[k] for k in diff},
            summary=comment,
        )
        # Closed too: the subscribers' lists of eligible measures drop it (nothing is sent).
        transaction.on_commit(lambda: services.measure_changed(code, version))


def load_reference_catalogue(*, dry_run: bool = False) -> ImportReport:
    """Import the reference catalogue shipped with the navigator (data/measures.yaml): the
    measures of ../shared/reference/support-measures.md. Idempotent: a second load changes
    nothing."""
    return import_catalogue(REFERENCE_PATH, dry_run=dry_run, label="reference:measures.yaml")
