from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Webhooks: endpoints the agency registers, and the deliveries of the requests'
    events to them (signed, retried, logged)."""

    name = "portal.webhooks"

    def ready(self) -> None:
        # The periodic job that re-queues deliveries no task will send, and the gauge of
        # failed deliveries, register themselves.
        from portal.webhooks import metrics, services  # noqa: F401
