"""``innocluster matching_reindex``: rebuild the search and matching index from the sources."""

from django.core.management.base import BaseCommand, CommandError

from innocluster.matching import index_store, indexing


def reindex(stdout, batch: int = indexing.DEFAULT_BATCH) -> indexing.ReindexResult:
    """Rebuild every document, then the matcher's index and its snapshot; report both on
    ``stdout`` (used by this command and by ``innocluster demo``)."""
    result = indexing.reindex_all(batch=batch)
    parts = ", ".join(
        f"{kind} {result.live[kind]} ({result.written[kind]} written, "
        f"{result.removed[kind]} removed)"
        for kind in result.live
    )
    stdout.write(f"Search index: {result.total} documents in {result.seconds:.1f} s: {parts}.")
    if result.deleted:
        stdout.write(f"Search index: {result.deleted} long-removed documents deleted.")
    index = index_store.rebuild_index()
    stdout.write(f"Matching index: rebuilt with {len(index)} items.")
    return result


class Command(BaseCommand):
    help = (
        "Rebuild the search and matching index (MatchDocument) from the registry and the "
        "exchange; unchanged documents are left alone. Then rebuild the matcher's snapshot."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=indexing.DEFAULT_BATCH, help="items read at a time"
        )

    def handle(self, *args, **options):
        if not 1 <= options["batch"] <= 100_000:
            raise CommandError("--batch must be between 1 and 100,000")
        reindex(self.stdout, options["batch"])
