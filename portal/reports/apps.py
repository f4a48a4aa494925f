from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The commitments report for admins (Configurações → Relatório), and each client
    company's monthly report (its page, and the e-mail to its administrators)."""

    name = "portal.reports"

    def ready(self) -> None:
        from portal.reports import monthly  # noqa: F401 - its periodic job registers
