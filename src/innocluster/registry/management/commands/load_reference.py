from django.core.management.base import BaseCommand

from innocluster.registry.reference import load_all


class Command(BaseCommand):
    help = "Load the reference vocabularies: priority areas, Russian regions, OKVED 2, TRL."

    def handle(self, *args, **options):
        counts = load_all()
        self.stdout.write("Reference data: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
