"""SQLite's planner statistics (portal/core/planner.py): refreshed after migrate and by a
daily job, so an index added by a migration is known to the planner."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from portal.core.periodic import JOBS
from portal.core.planner import refresh_statistics
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL analyses by autovacuum")
def test_migrate_leaves_statistics_for_every_index_of_the_requests(contact_a, catalog):
    open_ticket(contact_a)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'tickets_ticket'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"request_open_next_due_status", "request_company_recent"} <= indexes


def test_the_daily_job_is_registered_and_only_sqlite_is_analysed():
    assert "refresh_planner_statistics" in {job.function.__name__ for job in JOBS.values()}
    assert refresh_statistics() is (connection.vendor == "sqlite")
