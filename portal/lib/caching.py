"""Nothing private is kept by browsers or proxies."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every response the portal's views make,
    unless a view chose its own caching: pages, downloads and reports carry a person's
    data (and forms a CSRF token). Static files are served before this, by WhiteNoise,
    with their own long-lived headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        elif "no-store" not in response["Cache-Control"] and _signed_in(request):
            # A view that set its own caching still never lets a person's data be kept.
            patch_cache_control(response, no_store=True, private=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # absent when a middleware answered early
    return bool(user is not None and user.is_authenticated)
