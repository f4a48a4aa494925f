from __future__ import annotations

import logging
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from portal.core.periodic import schedule_next_tick

logger = logging.getLogger(__name__)


def default_worker_id() -> str:
    """Stable across restarts on one machine, so a restarted worker knows its own tasks."""
    return f"{socket.gethostname()}-worker"


def recover_orphaned_tasks(worker_id: str) -> int:
    """Put back in the queue the tasks this worker was running when it died.

    A worker killed mid-task (SIGKILL, power loss) leaves its task RUNNING for
    ever; the same worker starting again knows that task is not running.
    """
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status="RUNNING")
        orphaned = [task.pk for task in running if (task.worker_ids or [None])[-1] == worker_id]
        DBTaskResult.objects.filter(pk__in=orphaned).update(status="READY", started_at=None)
    if orphaned:
        logger.warning("Worker %s put back %s interrupted task(s)", worker_id, len(orphaned))
    return len(orphaned)


class Command(BaseCommand):
    help = "Run the task worker (db_worker), with the periodic jobs scheduled."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--worker-id",
            default=None,
            help="Stable name of this worker (default: <hostname>-worker). "
            "Give each worker on one machine its own.",
        )

    def handle(self, *args, worker_id: str | None, **options) -> None:
        worker_id = worker_id or default_worker_id()
        recover_orphaned_tasks(worker_id)
        schedule_next_tick()
        call_command("db_worker", worker_id=worker_id)
