"""Error pages in the portal's look, never a stack trace."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may come from it.
    return render(None, "errors/500.html", {"agency_name": settings.AGENCY_NAME}, status=500)
