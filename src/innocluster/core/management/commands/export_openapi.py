"""``innocluster export_openapi``: write the API's OpenAPI schema, or check the committed one."""

import difflib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def current_schema_text() -> str:
    from innocluster.api.api import api

    # A round trip through JSON turns integer status keys into strings, so the keys sort.
    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = (
        "Write the OpenAPI schema to a file, or with --check fail when the committed file differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the committed schema file (with --check)")
        parser.add_argument("--output", help="write the schema here (default: standard output)")
        parser.add_argument(
            "--check", action="store_true", help="fail if PATH differs from the generated schema"
        )

    def handle(self, *args, **options):
        text = current_schema_text()
        if options["check"]:
            path = Path(options["path"] or "docs/openapi.json")
            committed = path.read_text(encoding="utf-8") if path.exists() else ""
            if committed != text:
                diff = difflib.unified_diff(
                    committed.splitlines(), text.splitlines(), str(path), "generated", lineterm=""
                )
                sys.stderr.write("\n".join(list(diff)[:80]) + "\n")
                raise CommandError(f"{path} is out of date: run `make openapi` and commit it.")
            self.stdout.write(f"{path} matches the generated schema.")
            return
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
