from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "portal.core"

    def ready(self) -> None:
        # The request id's hooks into the task queue, and the checks and gauges of core's
        # own, register themselves.
        from portal.core import health, metrics, observability  # noqa: F401
        from portal.core.planner import after_migrate

        # Sent once per app after every migration has run: new indexes get their
        # statistics (SQLite), once.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="portal-planner-statistics")


class PortalAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin``, whose ``admin.site`` signs in through the portal's login
    page (portal/core/adminsite.py)."""

    default = False  # "portal.core" in INSTALLED_APPS means CoreConfig
    default_site = "portal.core.adminsite.PortalAdminSite"
