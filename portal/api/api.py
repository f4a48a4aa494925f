"""The REST API under /api/v1/: its schema at /api/v1/openapi.json, its documentation at
/api/v1/docs (Swagger UI from django-ninja's own static files: nothing is downloaded)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from portal.api import errors
from portal.api.auth import TokenAuth
from portal.api.client_routes import router as client_router
from portal.api.ticket_routes import router as ticket_router


class OfflineSwagger(DocsBase):
    """Swagger UI served by the portal, under its Content-Security-Policy as it is: the
    settings travel as JSON data (not script), read by a static script."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,  # the default badge would call a server elsewhere
        }
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})


api = NinjaAPI(
    title="Zwei Arts portal API",
    version="1",
    description=(
        "Requests, messages, deadlines and followers, as the key's user sees them on the "
        "portal. Authenticate with `Authorization: Bearer <key>` (Minha conta → Chaves de "
        'API). Errors: `{"detail": ..., "errors": {"field": [...]}}`.'
    ),
    auth=TokenAuth(),
    urls_namespace="api_v1",
    docs=OfflineSwagger(),
    docs_url="/docs",
)
errors.install(api)
api.add_router("", ticket_router)
api.add_router("", client_router)
