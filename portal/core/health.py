"""What /healthz reports: can we reach the database, and is the work moving?

Besides the database, /healthz runs every registered health check. Apps register
their own with ``@health_check("name")`` (each app's ready() imports the module,
as with ``@periodic_job``), so core needs to know nothing about them: the task
queue is registered here, e-mail delivery by the notifications app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

State = dict[str, Any]
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


@health_check("task_queue")
def task_queue_state() -> State:
    """``stalled`` when the oldest ready task has waited too long: no worker is taking work."""
    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.count()
        undeferred = ready.filter(run_after=get_date_max()).order_by("enqueued_at").first()
        deferred = ready.exclude(run_after=get_date_max()).order_by("run_after").first()
    except DatabaseError:
        return {"status": "down"}
    now = timezone.now()
    ages = []
    if undeferred is not None:
        ages.append((now - undeferred.enqueued_at).total_seconds())
    if deferred is not None:
        ages.append((now - deferred.run_after).total_seconds())
    oldest = int(max(ages, default=0))
    status = "stalled" if oldest > settings.HEALTHZ_QUEUE_MAX_AGE_SECONDS else "ok"
    return {"status": status, "waiting": waiting, "oldest_wait_seconds": oldest}
