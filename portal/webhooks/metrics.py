"""Webhooks on /metrics: deliveries that gave up."""

from __future__ import annotations

from portal.core.metrics import gauge
from portal.webhooks.models import Delivery


@gauge(
    "portal_webhook_deliveries_failed",
    "Webhook deliveries that failed every attempt (until sent again).",
)
def deliveries_failed() -> float:
    return Delivery.objects.filter(status=Delivery.Status.FAILED).count()
