"""Periodic jobs, run by the task worker itself: no cron to set up.

Apps register their jobs with ``@periodic_job(every=…)``. A ``periodic_tick`` task runs
the jobs that are due and enqueues the next tick a minute later. ``manage.py worker``
makes sure one tick is waiting when it starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.core.models import PeriodicJob

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[[], object])
TICK_SECONDS = 60


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[[], object]
    every: timedelta


# Filled by the apps that own the jobs (each app's ready() imports its jobs' module).
JOBS: dict[str, Job] = {}


def periodic_job(*, every: timedelta, name: str = "") -> Callable[[F], F]:
    """Run the decorated function (it takes no arguments) by itself every ``every``."""

    def register(function: F) -> F:
        job = Job(name or function.__name__, function, every)
        JOBS[job.name] = job
        return function

    return register


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
    for job in list(JOBS.values()):
        if not _claim(job, now):
            continue
        try:
            job.function()
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
