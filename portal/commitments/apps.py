from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "portal.commitments"

    def ready(self) -> None:
        # The gauges of clocks at risk and missed register themselves.
        from portal.commitments import metrics  # noqa: F401
