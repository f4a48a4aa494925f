from __future__ import annotations

from django.tasks import default_task_backend, task

from portal.webhooks import delivery as sending
from portal.webhooks.models import Delivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Make one attempt at a delivery; after a failure, come back when the next one is
    due (the periodic sweep, services.requeue_webhook_deliveries, also does, for
    backends that cannot defer a task and for tasks lost with a worker)."""
    outcome = sending.attempt(delivery_id)
    if outcome == Delivery.Status.PENDING and default_task_backend.supports_defer:
        due = Delivery.objects.values_list("next_attempt_at", flat=True).get(pk=delivery_id)
        deliver_webhook.using(run_after=due).enqueue(delivery_id)
    return outcome
