"""``innocluster serve``: the production server (granian, WSGI), not Django's runserver."""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the portal with granian (collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        # One granian worker is one process, and a process runs Python on one core at a time
        # (the GIL): one worker per CPU, each with threads for the time spent waiting on the
        # database. Each worker keeps its own page cache (core/pagecache.py); what invalidates
        # it is shared (settings.CACHES["shared"]).
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS") or os.cpu_count() or 1),
            help="server processes (default: WEB_WORKERS, else the number of CPUs)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "8")),
            help="threads per server process (default: WEB_THREADS, else 8)",
        )
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="don't start a background-task worker beside the server (run `innocluster worker` elsewhere)",
        )

    def handle(self, *args, **options):
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not options["no_worker"]:
            # The embedded default: one command runs the site and its background tasks.
            worker = subprocess.Popen([sys.executable, "-m", "innocluster.cli", "worker"])
        self.stdout.write(f"InnoCluster at http://{options['host']}:{options['port']}/")
        try:
            self._serve(options)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)

    def _serve(self, options):
        from granian.constants import Interfaces
        from granian.server import Server

        Server(
            "innocluster.wsgi:application",
            address=options["host"],
            port=options["port"],
            interface=Interfaces.WSGI,
            workers=options["workers"],
            blocking_threads=options["threads"],
        ).serve()
