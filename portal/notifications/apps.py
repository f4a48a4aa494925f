from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The outbox: e-mails rendered, queued and delivered, and who turned what off."""

    name = "portal.notifications"

    def ready(self) -> None:
        # Their periodic job, their health check and their gauges register themselves.
        from portal.notifications import health, metrics, services  # noqa: F401
