from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "portal.core"

    def ready(self) -> None:
        # The request id's hooks into the task queue, and the checks and gauges of core's
        # own, register themselves.
        from portal.core import health, metrics, observability  # noqa: F401


class PortalAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin``, whose ``admin.site`` signs in through the portal's login
    page (portal/core/adminsite.py)."""

    default = False  # "portal.core" in INSTALLED_APPS means CoreConfig
    default_site = "portal.core.adminsite.PortalAdminSite"
