"""``innocluster worker``: runs background tasks from the database queue (django-tasks-db), and
enqueues the periodic ones: the transparency log's tree-head signing every
``LOG_TREE_HEAD_INTERVAL`` seconds (default 300; 0 turns it off), and once a day the rebuild of
the navigator subscribers' profiles from the registry, the overdue-report reminders and the
rebuild of the search documents and the matching index's snapshot."""

from __future__ import annotations

import logging
import os
import threading
import zoneinfo

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger(__name__)


def enqueue_periodic_tasks() -> None:
    """Enqueue one round of the periodic tasks. Several workers each enqueueing is harmless:
    signing a log that has not grown since its last signed head signs nothing."""
    from innocluster.ledger.tasks import sign_log_tree_head

    sign_log_tree_head.enqueue()
    _once_a_day("navigator-profiles", _refresh_navigator_profiles)
    _once_a_day("overdue-reports", _remind_overdue_reports)
    _once_a_day("search-and-matching-indexes", _rebuild_matching_indexes)


def _refresh_navigator_profiles() -> None:
    """Bulk registry writes (imports, the demo) fire no signals: rebuild every subscriber's
    navigator profile from the registry once a day."""
    from innocluster.navigator.tasks import refresh_subscription_profiles

    refresh_subscription_profiles.enqueue()


def _remind_overdue_reports() -> None:
    """Milestone reports past their due date: the leads are reminded (at most weekly each)."""
    from innocluster.projects.tasks import remind_overdue_reports

    remind_overdue_reports.enqueue()


def _rebuild_matching_indexes() -> None:
    """The search documents caught up with bulk writes, and a fresh matching snapshot."""
    from innocluster.matching.tasks import rebuild_indexes

    rebuild_indexes.enqueue()


def _once_a_day(name: str, enqueue) -> None:
    """Call ``enqueue`` once per Moscow day per worker process (a second worker doing it too
    costs one more run of an idempotent task)."""
    day = timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Moscow"))
    if _last_run.get(name) != day:
        enqueue()
        _last_run[name] = day


_last_run: dict[str, object] = {}


class PeriodicTasks(threading.Thread):
    """Every ``interval`` seconds, ``enqueue_periodic_tasks`` (the first round at start)."""

    def __init__(self, interval: float):
        super().__init__(name="periodic-tasks", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                enqueue_periodic_tasks()
            except Exception:  # a database hiccup must not end the schedule
                logger.exception("Could not enqueue the periodic tasks")
            finally:
                connection.close()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()


class Command(DbWorkerCommand):
    help = (
        "Run background tasks (django-tasks, database backend); every LOG_TREE_HEAD_INTERVAL "
        "seconds also sign the transparency log's tree head."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not enqueue periodic tasks (tree-head signing) from this worker.",
        )

    def handle(self, *args, **options) -> None:
        interval = float(getattr(settings, "LOG_TREE_HEAD_INTERVAL", 300) or 0)
        # Not in --batch runs (they end when the queue is empty), and with --reload only in the
        # child process that runs the tasks, not in the parent that watches the files.
        reloading_parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        periodic = None
        if interval > 0 and not (options["batch"] or options["no_periodic"] or reloading_parent):
            periodic = PeriodicTasks(interval)
            periodic.start()
        try:
            super().handle(*args, **options)
        finally:
            if periodic is not None:
                periodic.stop()
