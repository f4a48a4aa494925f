from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Answers by e-mail: read from IMAP or posted by a provider, added as ticket messages."""

    name = "portal.intake"

    def ready(self) -> None:
        from portal.intake import mailbox  # noqa: F401 - its periodic job registers
