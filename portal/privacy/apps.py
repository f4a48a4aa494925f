from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """LGPD: a contact's copy of their data, anonymising a contact who leaves, and how
    long e-mail contents are kept."""

    name = "portal.privacy"

    def ready(self) -> None:
        from portal.privacy import retention  # noqa: F401 - its periodic job registers
