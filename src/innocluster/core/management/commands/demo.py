"""``innocluster demo``: demo organisations, users for each role and the integration's API token."""

from django.core.management.base import BaseCommand, CommandError

from innocluster.registry import demo


class Command(BaseCommand):
    help = (
        "Create demo data: --orgs organisations with membership history, a user for each role "
        "and a partner platform's API token; writes var/demo-credentials.json. Running it again "
        "keeps what exists and only tops the organisations up to --orgs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=300, help="organisations wanted in total")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--fast-only-orgs",
            action="store_true",
            help="only organisations: no users, token or credentials file (for benchmarks)",
        )
        parser.add_argument(
            "--with-fts-trigger",
            action="store_true",
            help="SQLite: keep the per-row full-text trigger instead of one index rebuild",
        )
        parser.add_argument("--timings", action="store_true", help="print seconds per step")

    def handle(self, *args, **options):
        if options["orgs"] < 0 or options["orgs"] > 5_000_000:
            raise CommandError("--orgs must be between 0 and 5,000,000")
        result = demo.run(
            options["orgs"],
            options["seed"],
            users=not options["fast_only_orgs"],
            use_trigger=options["with_fts_trigger"],
        )
        if result.created_organisations:
            self.stdout.write(
                f"Demo organisations: {result.created_organisations} created in "
                f"{result.seconds:.1f} s ({result.rate:,.0f}/s); "
                f"{result.total_demo_organisations} in total."
            )
        else:
            self.stdout.write(
                f"Demo organisations: {result.total_demo_organisations} already present, kept."
            )
        if result.joint_projects_skipped:
            self.stdout.write(f"Joint projects: none made ({result.joint_projects_skipped}).")
        if result.exchange_skipped:
            self.stdout.write(f"Exchange: none made ({result.exchange_skipped}).")
        if not options["fast_only_orgs"]:
            # The demo's bulk inserts fire no signals: build the search and matching index.
            from innocluster.matching.management.commands.matching_reindex import reindex

            reindex(self.stdout)
        if options["timings"]:
            for step, seconds in result.timings.items():
                self.stdout.write(f"  {step:<16}{seconds:7.2f} s")
        if result.credentials:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS("Demo sign-in (e-mail / password):"))
            for role, cred in result.credentials["users"].items():
                self.stdout.write(f"  {role:<15} {cred['email']:<45} {cred['password']}")
            self.stdout.write(
                self.style.SUCCESS("API token of the demo integration (scopes read, join):")
            )
            self.stdout.write(f"  {result.credentials['api_token']}")
            self.stdout.write(f"Saved to {result.credentials_path}")
