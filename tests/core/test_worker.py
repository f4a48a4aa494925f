from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from portal.core.management.commands.worker import recover_orphaned_tasks

pytestmark = pytest.mark.django_db


def task(status: str, worker_ids: list[str]) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="portal.notifications.tasks.deliver_email",
        backend_name="default",
        run_after=get_date_max(),
        status=status,
        worker_ids=worker_ids,
        started_at=timezone.now() if status == "RUNNING" else None,
    )


def test_a_restarted_worker_puts_back_only_its_own_interrupted_tasks():
    mine = task("RUNNING", ["host-worker"])
    retried_by_me = task("RUNNING", ["other-worker", "host-worker"])
    others = task("RUNNING", ["other-worker"])
    finished = task("SUCCESSFUL", ["host-worker"])
    assert recover_orphaned_tasks("host-worker") == 2
    statuses = {t.pk: t.status for t in DBTaskResult.objects.all()}
    assert statuses[mine.pk] == "READY" and statuses[retried_by_me.pk] == "READY"
    assert statuses[others.pk] == "RUNNING" and statuses[finished.pk] == "SUCCESSFUL"
