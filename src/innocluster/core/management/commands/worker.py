"""``innocluster worker``: runs background tasks from the database queue (django-tasks-db)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Run background tasks (django-tasks, database backend)."
