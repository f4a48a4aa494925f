"""What /healthz reports: can we reach the database, and is the task queue moving?"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"status": "down"}
    return {"status": "ok"}


def task_queue_state() -> dict:
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
