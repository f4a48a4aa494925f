from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from portal.core.periodic import periodic_tick, schedule_next_tick

pytestmark = pytest.mark.django_db


def test_one_tick_waits_however_often_workers_start(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert schedule_next_tick() is True
    assert schedule_next_tick() is False
    waiting = DBTaskResult.objects.filter(task_path=periodic_tick.module_path)
    assert waiting.count() == 1 and waiting.get().status == "READY"


def test_no_tick_without_a_backend_that_can_wait():
    assert schedule_next_tick() is False
