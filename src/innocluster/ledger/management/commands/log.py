"""``innocluster log verify``: check the whole transparency log; ``log head``: record a tree head,
``log head --sign``: sign one (``--json`` prints the document a member keeps)."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from innocluster.ledger.services import (
    record_tree_head,
    sign_tree_head,
    tree_head_document,
    verify_log,
)
from innocluster.ledger.tree import LogCorrupted


class Command(BaseCommand):
    help = (
        "The transparency log: `verify` recomputes every entry, node and tree head and checks "
        "every signature; `head` records a tree head, `head --sign` signs one."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument(
            "--sign", action="store_true", help="head: sign the log as it stands (RFC 6962 STH)"
        )
        parser.add_argument(
            "--json", action="store_true", help="head --sign: print the signed tree head's JSON"
        )

    def handle(self, *args, action, sign=False, **options):
        if action == "head":
            self._head(sign, options.get("json", False))
            return
        began = time.perf_counter()
        size, problems = verify_log()
        for problem in problems:
            self.stderr.write(f"position {problem.position}: {problem.message}")
        if problems:
            raise CommandError(
                f"The log of {size} entries failed verification ({len(problems)} problems)."
            )
        self.stdout.write(
            f"The log of {size} entries verifies: every leaf hash, stored node, tree head and "
            f"signature ({time.perf_counter() - began:.1f} s)."
        )

    def _head(self, sign: bool, as_json: bool) -> None:
        if not sign:
            head = record_tree_head()
            self.stdout.write(f"tree_size={head.tree_size} root_hash={bytes(head.root_hash).hex()}")
            return
        try:
            head = sign_tree_head()
        except LogCorrupted as error:
            raise CommandError(str(error)) from error
        document = tree_head_document(head)
        if as_json:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"tree_size={head.tree_size} root_hash={document['root_hash']} "
            f"timestamp={document['timestamp_iso']} key_id={head.key_id}"
        )
