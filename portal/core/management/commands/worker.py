from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.core.periodic import schedule_next_tick


class Command(BaseCommand):
    help = "Run the task worker (db_worker), with the periodic jobs scheduled."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--worker-id", default=None)

    def handle(self, *args, worker_id: str | None, **options) -> None:
        schedule_next_tick()
        kwargs = {"worker_id": worker_id} if worker_id else {}
        call_command("db_worker", **kwargs)
