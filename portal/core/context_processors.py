from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static


def branding(request: HttpRequest) -> dict:
    """The agency's name, logo and colour, read at call time so tests can override them."""
    return {
        "agency_name": settings.AGENCY_NAME,
        "agency_logo_url": settings.AGENCY_LOGO_URL or static("portal/logo.svg"),
        "agency_color": settings.AGENCY_COLOR,
    }
