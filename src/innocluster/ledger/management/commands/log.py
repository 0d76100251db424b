"""``innocluster log verify``: check the whole transparency log; ``log head``: record a tree head."""

from django.core.management.base import BaseCommand, CommandError

from innocluster.ledger.services import record_tree_head, verify_log


class Command(BaseCommand):
    help = "The transparency log: `verify` checks every entry and tree head; `head` records a tree head."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args, action, **options):
        if action == "head":
            head = record_tree_head()
            self.stdout.write(f"tree_size={head.tree_size} root_hash={bytes(head.root_hash).hex()}")
            return
        size, problems = verify_log()
        for problem in problems:
            self.stderr.write(f"position {problem.position}: {problem.message}")
        if problems:
            raise CommandError(
                f"The log of {size} entries failed verification ({len(problems)} problems)."
            )
        self.stdout.write(f"The log of {size} entries verifies: every leaf hash and tree head.")
