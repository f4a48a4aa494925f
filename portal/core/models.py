from __future__ import annotations

from django.db import models


class PeriodicJob(models.Model):
    """When a periodic job may run next. Workers claim a run by moving ``next_run_at``
    forward with a conditional UPDATE, so one run happens however many workers there are."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
