"""Write audit entries from anywhere: views, use cases, commands.

The client's address comes from the web request being served (set by
AuditContextMiddleware; behind TRUSTED_PROXIES, from X-Forwarded-For), so use cases
need no HTTP object to record it; commands and the worker record no address.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from portal.audit.models import AuditEntry
from portal.lib.addresses import client_address

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def _signed_in_user():
    request = _current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(action: str, *, actor=None, email: str = "", target: str = "", **detail) -> None:
    """Record ``action``; the actor defaults to whoever is signed in on this request."""
    request = _current_request.get()
    actor = actor if actor is not None else _signed_in_user()
    AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=(email or getattr(actor, "email", "") or "")[:254],
        ip_address=client_address(request) if request is not None else None,
        target=str(target)[:255],
        detail=detail,
    )


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
