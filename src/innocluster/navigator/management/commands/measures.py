"""``innocluster measures``: the catalogue of support measures from the command line.

    innocluster measures import SOURCE [--format F] [--dry-run] [--close-missing --provider CODE]
    innocluster measures import --reference [--dry-run]
    innocluster measures export [--format json|yaml] [--output FILE]

SOURCE is a JSON, YAML or CSV file, or a partner institution's feed at an http(s) URL; the
format is docs/navigator-import.md. ``import`` prints what was added, changed, closed and
unchanged, and each record's errors; it exits with status 1 when any record had errors (the
others are imported). ``export`` writes the catalogue in the import format.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from innocluster.core.errors import DomainError
from innocluster.navigator import catalogue


class Command(BaseCommand):
    help = "The catalogue of support measures: import (a file or a feed URL) and export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help="add and update measures from a file or URL")
        importing.add_argument("source", nargs="?", help="a .json, .yaml or .csv file, or a URL")
        importing.add_argument(
            "--reference", action="store_true", help="the reference catalogue shipped with it"
        )
        importing.add_argument("--format", choices=catalogue.FORMATS, dest="fmt")
        importing.add_argument("--dry-run", action="store_true", help="check and report only")
        importing.add_argument(
            "--close-missing",
            action="store_true",
            help="close the provider's measures that the source no longer has",
        )
        importing.add_argument("--provider", help="the institution whose feed this is")
        exporting = sub.add_parser("export", help="write the catalogue in the import format")
        exporting.add_argument("--format", choices=("json", "yaml"), default="json", dest="fmt")
        exporting.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def do_import(self, options):
        source, reference = options["source"], options["reference"]
        if bool(source) == bool(reference):
            raise CommandError(_("Give either a SOURCE or --reference."))
        if options["close_missing"] != bool(options["provider"]):
            raise CommandError(_("--close-missing and --provider go together."))
        if reference:
            if options["close_missing"]:
                raise CommandError(_("--close-missing is for a provider's own feed."))
            report = catalogue.load_reference_catalogue(dry_run=options["dry_run"])
        else:
            report = catalogue.import_catalogue(
                source,
                fmt=options["fmt"],
                dry_run=options["dry_run"],
                close_missing=options["close_missing"],
                provider=options["provider"],
            )
        for line in report.lines():
            self.stdout.write(line)
        if report.errors:
            raise CommandError(
                ngettext(
                    "%(n)d error: those records were not imported.",
                    "%(n)d errors: those records were not imported.",
                    len(report.errors),
                )
                % {"n": len(report.errors)}
            )

    def do_export(self, options):
        text = catalogue.dump_catalogue(options["fmt"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(_("Catalogue written to %(path)s") % {"path": options["output"]})
        else:
            self.stdout.write(text, ending="")
