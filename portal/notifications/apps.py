from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The outbox: e-mails rendered, queued and delivered, and who turned what off."""

    name = "portal.notifications"

    def ready(self) -> None:
        from portal.notifications import services  # noqa: F401 - its periodic job registers
