"""Sending one delivery: claim it, POST it signed to its endpoint, record the outcome.

Like the e-mails (portal/notifications/tasks.py), the claim is a conditional UPDATE
that commits before the endpoint is contacted, so no transaction stays open while a
slow receiver answers, and two workers never send one delivery at once.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from portal.webhooks.addresses import UnsafeAddress, resolve, split_url
from portal.webhooks.models import Delivery

logger = logging.getLogger(__name__)

MIN_LEASE = timedelta(minutes=5)
RESPONSE_EXCERPT = 500
USER_AGENT = "ZweiPortal-Webhooks/1"


def lease() -> timedelta:
    """How long an attempt keeps its claim: connecting, sending and reading, each
    bounded by WEBHOOKS_TIMEOUT, fit well within it. A claim older than this belonged
    to a worker that died; the delivery is then free again."""
    return max(MIN_LEASE, timedelta(seconds=settings.WEBHOOKS_TIMEOUT * 10))


def body_of(delivery: Delivery) -> bytes:
    """The exact bytes sent and signed (the same at every attempt)."""
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    """The X-Portal-Signature header: the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP connection to addresses checked beforehand, not to whatever the host
    name resolves to when the socket opens."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def _open_socket(self) -> socket.socket:
        error: OSError | None = None
        for address in self.addresses:
            try:
                return socket.create_connection((address, self.port), self.timeout)
            except OSError as failed:
                error = failed
        raise error or OSError("no address to connect to")

    def connect(self) -> None:
        self.sock = self._open_socket()


class _PinnedTLSConnection(_PinnedConnection):
    """The same over TLS: the certificate is checked against the host name (SNI too)."""

    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self._open_socket(), server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to ``url``; the status and the start of the answer. Redirects are
    not followed: a 3xx is an answer like any other that is not 2xx."""
    parts, host, port = split_url(url)
    addresses = resolve(host, port)  # again now: the answer may have changed since
    kind = _PinnedTLSConnection if parts.scheme == "https" else _PinnedConnection
    connection = kind(host, port, addresses=addresses, timeout=settings.WEBHOOKS_TIMEOUT)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
        return response.status, excerpt
    finally:
        connection.close()


def claim(delivery_id: int, *, now: datetime) -> Delivery | None:
    """Take a due delivery for one attempt and commit at once (one UPDATE). A delivery
    sent, failed, not due yet or claimed by a live attempt is not taken."""
    claimed = (
        Delivery.objects.filter(
            pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .update(leased_until=now + lease(), attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("endpoint").get(pk=delivery_id)


def _headers(delivery: Delivery, body: bytes, now: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Portal-Event": delivery.event,
        "X-Portal-Delivery": str(delivery.delivery_id),
        "X-Portal-Timestamp": str(int(now.timestamp())),
        "X-Portal-Signature": signature(delivery.endpoint.secret, body),
    }


def _record(delivery: Delivery, fields: dict[str, Any]) -> bool:
    """Save the attempt's outcome while the claim is still this attempt's (a later
    attempt, after the lease ran out, counts ``attempts`` on)."""
    mine = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    )
    return bool(mine.update(leased_until=None, **fields))


def _failed(delivery: Delivery, *, now: datetime, code: int | None, error: str) -> str:
    fields: dict[str, Any] = {"response_code": code, "last_error": error[:2000]}
    if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        fields["status"] = Delivery.Status.FAILED
        outcome = Delivery.Status.FAILED
    else:
        delay = min(
            settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1),
            settings.WEBHOOKS_RETRY_MAX_SECONDS,
        )
        fields["next_attempt_at"] = now + timedelta(seconds=delay)
        outcome = Delivery.Status.PENDING
    if not _record(delivery, fields):
        return "claim lost"
    logger.warning(
        "Webhook delivery %s to %s failed (attempt %s): %s",
        delivery.delivery_id,
        delivery.endpoint.url,
        delivery.attempts,
        error,
    )
    return outcome


def attempt(delivery_id: int, *, now: datetime | None = None) -> str:
    """One attempt at a delivery: "sent", "pending" (to be retried), "failed" (no more
    attempts), or "nothing to send" when it is not due or someone else has it."""
    now = now or timezone.now()
    delivery = claim(delivery_id, now=now)
    if delivery is None:
        return "nothing to send"
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        _record(delivery, {"status": Delivery.Status.FAILED, "last_error": "endpoint inactive"})
        return Delivery.Status.FAILED
    body = body_of(delivery)
    try:
        code, excerpt = _post(endpoint.url, body, _headers(delivery, body, now))
    except UnsafeAddress as error:
        return _failed(delivery, now=now, code=None, error=str(error))
    except (OSError, http.client.HTTPException) as error:
        return _failed(delivery, now=now, code=None, error=f"{type(error).__name__}: {error}")
    if not 200 <= code < 300:
        return _failed(delivery, now=now, code=code, error=f"HTTP {code}: {excerpt}")
    # Whatever happened to the claim meanwhile, the endpoint has it: marked sent, no
    # other attempt sends it again.
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENT,
        leased_until=None,
        response_code=code,
        last_error="",
        sent_at=timezone.now(),
    )
    return Delivery.Status.SENT
