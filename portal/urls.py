from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal.accounts.views import set_language
from portal.api.api import api

urlpatterns = [
    path("", include("portal.core.urls")),
    path("", include("portal.accounts.urls")),
    path("", include("portal.privacy.urls")),
    path("atendimento/", include("portal.tickets.urls")),
    path("empresa/", include("portal.accounts.company_urls")),
    path("notificacoes/", include("portal.intake.urls")),
    path("notificacoes/", include("portal.notifications.urls")),
    path("equipe/clientes/", include("portal.workspace.clients_urls")),
    path("equipe/configuracoes/auditoria/", include("portal.audit.urls")),
    path("equipe/configuracoes/webhooks/", include("portal.webhooks.urls")),
    path("", include("portal.reports.urls")),
    path("equipe/configuracoes/", include("portal.workspace.settings_urls")),
    path("equipe/", include("portal.workspace.urls")),
    path("idioma/", set_language, name="set_language"),
    path("", include("portal.api.urls")),
    path("api/v1/", api.urls),
]

if settings.DJANGO_ADMIN:
    # Superusers only; its login page leads to the portal's (portal/core/adminsite.py).
    urlpatterns.append(path("django-admin/", admin.site.urls))

handler404 = "portal.core.errors.not_found"
handler500 = "portal.core.errors.server_error"
