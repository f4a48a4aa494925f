"""What /healthz reports: can we reach the database, and is the work moving?

Besides the database, /healthz runs every registered health check. Apps register
their own with ``@health_check("name")`` (each app's ready() imports the module,
as with ``@periodic_job``), so core needs to know nothing about them: the task
queue and the storage of attachments are registered here, e-mail delivery by the
notifications app.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

State = dict[str, Any]
# Where the storage check writes its probe (deleted at once), and what it writes.
PROBE_DIRECTORY = "healthz"
PROBE = b"ok"

C = TypeVar("C", bound=Callable[[], State])

# Filled by the apps that own the checks. Each returns a state whose "status" is "ok"
# when healthy; any other status makes /healthz answer 503.
CHECKS: dict[str, Callable[[], State]] = {}


def health_check(name: str) -> Callable[[C], C]:
    """Report the decorated function's state (it takes no arguments) under ``name``."""

    def register(function: C) -> C:
        CHECKS[name] = function
        return function

    return register


def database_state() -> State:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"status": "down"}
    return {"status": "ok"}


def check_states() -> dict[str, State]:
    """The database's state, then every registered check's (all "down" without a database)."""
    states = {"database": database_state()}
    for name, check in CHECKS.items():
        if states["database"]["status"] != "ok":
            states[name] = {"status": "down"}
            continue
        try:
            states[name] = check()
        except DatabaseError:
            states[name] = {"status": "down"}
    return states


def oldest_task_wait_seconds() -> float:
    """How long the oldest task ready to run has waited (0 when none waits); a deferred
    task waits from the moment it became due."""
    ready = DBTaskResult.objects.ready()
    undeferred = (
        ready.filter(run_after=get_date_max())
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    deferred = (
        ready.exclude(run_after=get_date_max())
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first()
    )
    now = timezone.now()
    return max([0.0, *((now - since).total_seconds() for since in (undeferred, deferred) if since)])


@health_check("task_queue")
def task_queue_state() -> State:
    """``stalled`` when the oldest ready task has waited too long: no worker is taking work."""
    try:
        waiting = DBTaskResult.objects.ready().count()
        oldest = int(oldest_task_wait_seconds())
    except DatabaseError:
        return {"status": "down"}
    status = "stalled" if oldest > settings.HEALTHZ_QUEUE_MAX_AGE_SECONDS else "ok"
    return {"status": status, "waiting": waiting, "oldest_wait_seconds": oldest}


@health_check("storage")
def storage_state() -> State:
    """Whether attachments can be stored and read back: a tiny file written, read and
    deleted through the storage the attachments use (a disk, or a bucket)."""
    name = f"{PROBE_DIRECTORY}/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(PROBE))
        try:
            with default_storage.open(saved) as probe:
                readable = probe.read() == PROBE
        finally:
            default_storage.delete(saved)
    except Exception:  # any backend's error (OSError, a bucket's client error) means down
        logger.warning("Storage probe failed", exc_info=True)
        return {"status": "down"}
    return {"status": "ok" if readable else "down"}
