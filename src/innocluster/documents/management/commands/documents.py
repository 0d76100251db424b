"""``innocluster documents check [--document ID]`` and ``innocluster documents remind``."""

from django.core.management.base import BaseCommand, CommandError

from innocluster.documents.check import check_documents
from innocluster.documents.tasks import send_signing_reminders


class Command(BaseCommand):
    help = (
        "Documents: `check` verifies that signatures, statuses, the log and stored content agree "
        "(exit code 1 on problems); `remind` e-mails signers whose deadline is near or passed."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "remind"])
        parser.add_argument("--document", help="one document's id or registration number")
        parser.add_argument("--days", type=int, default=None, help="remind this many days ahead")

    def handle(self, *args, action, document=None, days=None, **options):
        if action == "remind":
            count = send_signing_reminders(days)
            self.stdout.write(f"Reminded the signers of {count} steps.")
            return
        count, problems = check_documents(document)
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} problems in {count} documents.")
        self.stdout.write(
            f"{count} documents checked: signatures, statuses, log and content agree."
        )
