"""Periodic jobs, run by the task worker itself: no cron to set up.

A ``periodic_tick`` task runs the jobs that are due and enqueues the next tick
a minute later. ``manage.py worker`` makes sure one tick is waiting when it starts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from portal.core.models import PeriodicJob

logger = logging.getLogger(__name__)
TICK_SECONDS = 60


@dataclass(frozen=True)
class Job:
    name: str
    function: str  # dotted path of a function taking no arguments
    every: timedelta


JOBS = [
    Job(
        "check_commitments",
        "portal.commitments.warnings.check_commitments",
        timedelta(minutes=5),
    ),
    Job(
        "close_unconfirmed_requests",
        "portal.requests.services.close_unconfirmed_requests",
        timedelta(hours=1),
    ),
    Job(
        "requeue_stuck_emails",
        "portal.notifications.services.requeue_stuck_emails",
        timedelta(minutes=5),
    ),
    Job(
        "fetch_mail",
        "portal.notifications.mailbox.fetch_mail_if_configured",
        timedelta(minutes=1),
    ),
]


def _claim(job: Job, now: datetime) -> bool:
    PeriodicJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    claimed = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.every, last_run_at=now
    )
    return claimed == 1


def run_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Run every job whose time has come; return the names of those that ran."""
    now = now or timezone.now()
    ran = []
    for job in JOBS:
        if not _claim(job, now):
            continue
        try:
            import_string(job.function)()
        except Exception:
            logger.exception("Periodic job %s failed", job.name)
            continue
        ran.append(job.name)
    return ran


def schedule_next_tick() -> bool:
    """Enqueue a tick unless one is already waiting. Needs a backend that can defer."""
    if not default_task_backend.supports_defer:
        return False
    with transaction.atomic():
        waiting = DBTaskResult.objects.filter(
            task_path=periodic_tick.module_path, status="READY"
        ).exists()
        if waiting:
            return False
        run_after = timezone.now() + timedelta(seconds=TICK_SECONDS)
        periodic_tick.using(run_after=run_after).enqueue()
    return True


@task()
def periodic_tick() -> list[str]:
    ran = run_due_jobs()
    schedule_next_tick()
    return ran
