"""Login throttling: too many failures for one e-mail or one address block it for a while.

Attempts are rows in the database, so every app server sees the same count.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from portal.accounts.models import LoginAttempt, normalize_email


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def is_blocked(*, email: str, ip_address: str | None) -> bool:
    failures = LoginAttempt.objects.filter(succeeded=False, created_at__gte=_window_start())
    if failures.filter(email=normalize_email(email)).count() >= settings.LOGIN_FAILURES_PER_EMAIL:
        return True
    return bool(
        ip_address
        and failures.filter(ip_address=ip_address).count() >= settings.LOGIN_FAILURES_PER_ADDRESS
    )


def record_attempt(*, email: str, ip_address: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(
        email=normalize_email(email)[:254], ip_address=ip_address, succeeded=succeeded
    )


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
