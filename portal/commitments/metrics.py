"""Commitments on /metrics: running clocks about to run out, and already out, by kind.

The same thresholds as the queue's flags (selectors.commitment_flag): at risk within
COMMITMENT_WARNING_MARGIN_HOURS of its due time, missed once past it. Counted on the
running clocks' partial index on due_at.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from portal.commitments.models import Clock
from portal.core.metrics import gauge


def _running_by_kind(**due: datetime.datetime) -> dict[str, float]:
    counts = {kind: 0.0 for kind in Clock.Kind.values}
    rows = (
        Clock.objects.filter(state=Clock.State.RUNNING, **due)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    counts.update({kind: float(n) for kind, n in rows})
    return counts


@gauge(
    "portal_commitments_at_risk",
    "Running commitment clocks due within the warning margin, by kind.",
    label="kind",
)
def commitments_at_risk() -> dict[str, float]:
    now = timezone.now()
    margin = datetime.timedelta(hours=settings.COMMITMENT_WARNING_MARGIN_HOURS)
    return _running_by_kind(due_at__gt=now, due_at__lte=now + margin)


@gauge("portal_commitments_missed", "Running commitment clocks past due, by kind.", label="kind")
def commitments_missed() -> dict[str, float]:
    return _running_by_kind(due_at__lte=timezone.now())
