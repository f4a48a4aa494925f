"""Who calls the API: a personal access token (``Authorization: Bearer <token>``), never a
session, so no page can be tricked into writing through it (no CSRF to defend).

The token's user becomes ``request.user`` for the rest of the call: the use cases, the
visibility rule and the audit log see the same person as on the web.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from portal.api.errors import NotAuthenticated, ReadOnlyToken, Throttled
from portal.api.models import AccessToken
from portal.api.services import token_for_key

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" → (120, 60): that many calls per that many seconds."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


def check_throttle(token: AccessToken, *, now: float | None = None) -> None:
    """At most API_THROTTLE_RATE calls per token and window (cache-based: shared by the
    app servers when the cache is Redis, per process with the local memory cache)."""
    allowed, period = parse_rate(settings.API_THROTTLE_RATE)
    now = time.time() if now is None else now
    window = int(now // period)
    # The hash, not the id: ids are reused (tests, restored backups), hashes never.
    key = f"api-throttle:{token.key_hash[:24]}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        calls = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        calls = 1
    if calls > allowed:
        raise Throttled(wait=(window + 1) * period - now)


def speak_their_language(request: HttpRequest, token: AccessToken) -> None:
    """Accept-Language when the program sends one, else the language of the key's user."""
    available = {code for code, _ in settings.LANGUAGES}
    language = ""
    if request.headers.get("Accept-Language"):
        language = translation.get_language_from_request(request)
    if language not in available:
        language = token.user.language if token.user.language in available else ""
    language = language or settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> AccessToken | None:
        # Errors are raised (not None returned) so each gets its own JSON answer.
        token = super().__call__(request)
        if token is None:
            raise NotAuthenticated
        return token

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken:
        found = token_for_key(token.strip())
        if found is None:
            raise NotAuthenticated
        request.user = found.user
        speak_their_language(request, found)
        check_throttle(found)
        if request.method not in SAFE_METHODS and not found.writes:
            raise ReadOnlyToken
        return found
