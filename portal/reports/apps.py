from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The commitments report for admins (Configurações → Relatório)."""

    name = "portal.reports"
