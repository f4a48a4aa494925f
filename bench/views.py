"""The benchmark's ceiling: a page of a given size that does no work of its own.

Routed by the benchmark's own settings (bench/settings.py, bench/urls.py). It goes through the same
server, middleware and login as the real pages (session and user lookups, CSRF for
a POST, which also parses an upload's body), so the difference between its
requests/s and a page's is that page's own work: queries, templates, storage.
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

MAX_BYTES = 1024 * 1024
_FILLER = b"<!-- ceiling -->\n"


@login_required
@require_http_methods(["GET", "POST"])
def ceiling(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request.FILES  # noqa: B018 - read the upload as a real form would
    size = request.GET.get("bytes", "")
    size = min(int(size), MAX_BYTES) if size.isdigit() else 20_000
    return HttpResponse(_page(size), content_type="text/html; charset=utf-8")


@lru_cache(maxsize=64)
def _page(size: int) -> bytes:
    body = b"<!doctype html><title>ceiling</title>\n" + _FILLER * (size // len(_FILLER) + 1)
    return body[:size]
