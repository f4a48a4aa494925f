"""The benchmark's ceiling and floor: pages of a given size that do no work of their own.

Routed by the benchmark's own settings (bench/settings.py, bench/urls.py), never in
production. The ceiling goes through the same server, middleware and login as the real
pages (session and user lookups, CSRF for a POST, which also parses an upload's body),
so the difference between its requests/s and a page's is that page's own work:
queries, templates, storage. The floor is the same page with no session, no user and
only the security headers: the difference between the floor and the ceiling is what
the stack itself costs every signed-in request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.views.decorators.http import require_http_methods

MAX_BYTES = 1024 * 1024
FLOOR_PATH = "/__bench__/floor"
_FILLER = b"<!-- ceiling -->\n"


@login_required
@require_http_methods(["GET", "POST"])
def ceiling(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request.FILES  # noqa: B018 - read the upload as a real form would
    return HttpResponse(_page(_size(request)), content_type="text/html; charset=utf-8")


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_page(_size(request)), content_type="text/html; charset=utf-8")


class FloorMiddleware:
    """First in bench/settings.py's MIDDLEWARE: sends the floor's path through only the
    essential middleware (security headers) and every other path through the portal's
    whole stack, so both are measured on the same server."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.floor: Callable[[HttpRequest], Any] = SecurityMiddleware(
            XFrameOptionsMiddleware(floor)
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info == FLOOR_PATH:
            return self.floor(request)
        return self.get_response(request)


def _size(request: HttpRequest) -> int:
    size = request.GET.get("bytes", "")
    return min(int(size), MAX_BYTES) if size.isdigit() else 20_000


@lru_cache(maxsize=64)
def _page(size: int) -> bytes:
    body = b"<!doctype html><title>ceiling</title>\n" + _FILLER * (size // len(_FILLER) + 1)
    return body[:size]
