from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The outbox: e-mails rendered, queued and delivered, and who turned what off."""

    name = "portal.notifications"

    def ready(self) -> None:
        # Their periodic job and their health check register themselves.
        from portal.notifications import health, services  # noqa: F401
