"""Throttling: failed logins slow down the address they come from; password links are
limited per e-mail and per address.

There is no lockout of an account: failing on purpose for someone else's e-mail only
slows down the one who fails, so nobody can keep a client out from elsewhere.

Counts are ``Throttle`` rows, locked while they are counted: every app server sees the
same count, and parallel requests cannot all slip under a limit. Attempts from one
source are checked one after the other under that lock, so twenty attempts at once get
no more checks than the limit, and right passwords never count.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from portal.accounts.models import LoginAttempt, Throttle, normalize_email
from portal.core.periodic import periodic_job
from portal.lib import addresses

UNKNOWN_SOURCE = "unknown"


def client_address(request: HttpRequest) -> str | None:
    """The address the request comes from, as recorded with each attempt (the client's,
    behind TRUSTED_PROXIES: portal/lib/addresses.py)."""
    return addresses.client_address(request)


def source_of(request: HttpRequest) -> str:
    """Who a request comes from, for counting: an IPv4 address, or the /64 an IPv6
    address belongs to (one subscriber holds a whole /64)."""
    try:
        address = ipaddress.ip_address(addresses.client_address(request) or "")
    except ValueError:
        return UNKNOWN_SOURCE
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _locked(scope: str, key: str) -> Throttle:
    """The counter of ``key``, locked until the transaction ends (created if new)."""
    Throttle.objects.get_or_create(scope=scope, key=key[:254])
    return Throttle.objects.select_for_update().get(scope=scope, key=key[:254])


# --- Logins


def login_delay(failures: int) -> timedelta:
    """How long an address waits after ``failures`` failed logins in a row: not at all
    for the first LOGIN_FAILURES_PER_ADDRESS - 1; then LOGIN_DELAY_BASE_SECONDS, doubling
    with every further failure, up to LOGIN_DELAY_MAX_SECONDS."""
    beyond = failures - settings.LOGIN_FAILURES_PER_ADDRESS
    if beyond < 0:
        return timedelta(0)
    seconds = settings.LOGIN_DELAY_BASE_SECONDS * 2 ** min(beyond, 32)
    return timedelta(seconds=min(seconds, settings.LOGIN_DELAY_MAX_SECONDS))


@dataclass
class LoginGuard:
    """An attempt from one source, while that source's counter is locked."""

    counter: Throttle
    now: datetime
    wait_seconds: int

    def failed(self) -> None:
        """The password was wrong: one more failure for this source."""
        if self.now >= self.counter.last_at + _delay_and_window(self.counter.count):
            self.counter.count = 0  # quiet long enough: start again from zero
        self.counter.count += 1
        self.counter.last_at = self.now
        self.counter.save(update_fields=["count", "last_at"])


def _delay_and_window(failures: int) -> timedelta:
    return login_delay(failures) + timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


@contextmanager
def login_guard(*, source: str, now: datetime | None = None) -> Iterator[LoginGuard]:
    """Hold ``source``'s counter for the length of one password check.

    Attempts from one source are checked one after the other, each seeing the failures
    of those before it, so parallel attempts get no more checks than the limit, and a
    right password never counts against its address (an office signing in together is
    never slowed down). ``wait_seconds`` says how long the source must wait first (then
    check nothing); ``failed()`` counts a wrong password.
    """
    now = now or timezone.now()
    with transaction.atomic():
        counter = _locked(Throttle.Scope.LOGIN_SOURCE, source)
        delay = login_delay(counter.count)
        free_at = counter.last_at + delay
        wait = math.ceil((free_at - now).total_seconds()) if delay and now < free_at else 0
        yield LoginGuard(counter=counter, now=now, wait_seconds=wait)


@dataclass
class SecondStepGuard:
    """A verification code typed at sign-in, while the counters of its source address and
    of the account are locked: whoever passed the password has one factor already, so
    the account counts too (it only slows down the second step, never the password)."""

    counters: list[Throttle]
    now: datetime
    wait_seconds: int

    def failed(self) -> None:
        for counter in self.counters:
            LoginGuard(counter=counter, now=self.now, wait_seconds=0).failed()

    def succeeded(self) -> None:
        """The right code: the account's failures are forgotten, so the owner's earlier
        typos do not shorten their next sign-in's allowance. The source's are not: an
        attacker could otherwise wipe them by signing in to an account of their own
        between guesses."""
        account = self.counters[-1]
        if account.count:
            account.count = 0
            account.save(update_fields=["count"])


@contextmanager
def second_step_guard(
    *, source: str, account: str, now: datetime | None = None
) -> Iterator[SecondStepGuard]:
    """Like ``login_guard``, for the second step: the source's counter is the one wrong
    passwords count on (guessing either counts alike), and the account has its own."""
    now = now or timezone.now()
    with transaction.atomic():
        # Always the source first, then the account: one order, so no deadlock.
        counters = [
            _locked(Throttle.Scope.LOGIN_SOURCE, source),
            _locked(Throttle.Scope.SECOND_STEP_ACCOUNT, account),
        ]
        wait = 0
        for counter in counters:
            delay = login_delay(counter.count)
            free_at = counter.last_at + delay
            if delay and now < free_at:
                wait = max(wait, math.ceil((free_at - now).total_seconds()))
        yield SecondStepGuard(counters=counters, now=now, wait_seconds=wait)


def record_attempt(*, email: str, ip_address: str | None, succeeded: bool) -> None:
    """Keep the attempt for the audit trail (the Django admin lists them)."""
    LoginAttempt.objects.create(
        email=normalize_email(email)[:254], ip_address=ip_address, succeeded=succeeded
    )


# --- Password links


def _take(scope: str, key: str, *, limit: int, now: datetime) -> bool:
    """One more within the hour for ``key``, if fewer than ``limit`` were counted."""
    counter = _locked(scope, key)
    if now >= counter.started_at + timedelta(hours=1):
        counter.count, counter.started_at = 0, now
    if counter.count >= limit:
        return False
    counter.count += 1
    counter.last_at = now
    counter.save(update_fields=["count", "started_at", "last_at"])
    return True


@transaction.atomic
def password_reset_allowed(*, email: str, source: str, now: datetime | None = None) -> bool:
    """Whether a password link may be sent for ``email`` asked from ``source``: at most
    PASSWORD_RESET_REQUESTS_PER_SOURCE an hour from one address, and
    PASSWORD_RESET_EMAILS_PER_ADDRESS an hour for one e-mail, known or not."""
    now = now or timezone.now()
    per_source = settings.PASSWORD_RESET_REQUESTS_PER_SOURCE
    per_email = settings.PASSWORD_RESET_EMAILS_PER_ADDRESS
    return _take(Throttle.Scope.RESET_SOURCE, source, limit=per_source, now=now) and _take(
        Throttle.Scope.RESET_EMAIL, normalize_email(email), limit=per_email, now=now
    )


@periodic_job(every=timedelta(hours=1))
def forget_old_throttle_counts(*, now: datetime | None = None) -> int:
    """Delete the counters nothing touched for a day (LOGIN_DELAY_MAX_SECONDS is less)."""
    now = now or timezone.now()
    deleted, _ = Throttle.objects.filter(last_at__lt=now - timedelta(days=1)).delete()
    return deleted
