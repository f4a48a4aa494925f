"""SQLite's query planner statistics, kept current by the portal itself.

SQLite chooses an index from ``sqlite_stat1``, which only ``ANALYZE`` writes. A database
analysed before a migration added an index knows the old indexes but not the new one,
and may then read a whole table the new index would have answered in order (the staff
queue at 100,000 requests: 47 ms instead of 0.3). So statistics are refreshed after
every ``migrate`` and once a day, sampled (``analysis_limit``: a fraction of a second
on the benchmark's million messages). PostgreSQL keeps its own by autovacuum.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connections

from portal.core.periodic import periodic_job

# Rows sampled per index: enough for the planner, quick at any size (SQLite's advice).
ANALYSIS_LIMIT = 1000


def refresh_statistics(using: str = "default") -> bool:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True


def after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    refresh_statistics(using)


@periodic_job(every=timedelta(days=1))
def refresh_planner_statistics() -> bool:
    """SQLite's statistics follow the data as it grows."""
    return refresh_statistics()
