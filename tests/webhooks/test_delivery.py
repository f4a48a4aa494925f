"""Delivering to a real HTTP receiver on 127.0.0.1: the signed POST, retries with
backoff on a controlled clock, the claim that keeps two workers from sending one
delivery twice, and Reenviar."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import socket
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from portal.webhooks import delivery as sending
from portal.webhooks.models import Delivery
from portal.webhooks.services import (
    delivery_resend,
    endpoint_ping,
    endpoint_rotate_secret,
    requeue_webhook_deliveries,
)

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 30, 14, 0, tzinfo=datetime.UTC)


def test_a_delivery_is_a_signed_json_post(receiver, endpoint, admin_user, committed):
    with time_machine.travel(T0, tick=False), committed():
        delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    [received] = receiver.requests
    assert received.path == "/hooks/portal?source=zwei"
    headers = received.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Portal-Event"] == "ping"
    assert headers["X-Portal-Delivery"] == str(delivery.delivery_id)
    assert headers["X-Portal-Timestamp"] == str(int(T0.timestamp()))
    expected = hmac.new(endpoint.secret.encode(), received.body, hashlib.sha256).hexdigest()
    assert headers["X-Portal-Signature"] == f"sha256={expected}"
    payload = json.loads(received.body)
    assert payload["event"] == "ping"
    assert payload["delivery_id"] == str(delivery.delivery_id)
    assert payload["occurred_at"] == T0.isoformat()
    assert payload["webhook"] == {"url": endpoint.url}
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1 and delivery.response_code == 200


def test_a_signature_made_with_another_secret_does_not_match(receiver, endpoint, admin_user):
    old_secret = endpoint.secret
    endpoint_rotate_secret(endpoint=endpoint, actor=admin_user)
    assert endpoint.secret != old_secret
    delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    assert sending.attempt(delivery.pk) == "sent"
    [received] = receiver.requests
    signed = received.headers["X-Portal-Signature"].removeprefix("sha256=")
    with_old = hmac.new(old_secret.encode(), received.body, hashlib.sha256).hexdigest()
    with_new = hmac.new(endpoint.secret.encode(), received.body, hashlib.sha256).hexdigest()
    assert signed == with_new != with_old


def test_a_failing_receiver_is_tried_again_with_growing_waits(
    receiver, endpoint, admin_user, committed, settings
):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    receiver.codes = [500, 503]
    with time_machine.travel(T0, tick=False) as clock:
        with committed():
            delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
        assert delivery.last_error.startswith("HTTP 500")
        assert delivery.next_attempt_at == T0 + datetime.timedelta(seconds=30)
        assert delivery.leased_until is None

        clock.shift(29)  # not due yet
        assert requeue_webhook_deliveries() == 0
        assert len(receiver.requests) == 1

        clock.shift(1)
        assert requeue_webhook_deliveries() == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 2, 503)
        # The wait doubles.
        assert delivery.next_attempt_at == T0 + datetime.timedelta(seconds=30 + 60)

        clock.shift(59)
        assert requeue_webhook_deliveries() == 0
        clock.shift(1)
        assert requeue_webhook_deliveries() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 3, 200)
    assert delivery.last_error == ""
    # Every attempt is the same delivery: same id, same bytes, same signature.
    assert len({r.headers["X-Portal-Delivery"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    assert len({r.headers["X-Portal-Signature"] for r in receiver.requests}) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_receiver_that_is_down_fails_for_good_after_the_last_attempt(
    admin_user, committed, settings
):
    from portal.webhooks.models import WebhookEvent
    from portal.webhooks.services import endpoint_save

    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 10
    down = endpoint_save(
        endpoint=None,
        actor=admin_user,
        url=f"http://127.0.0.1:{_closed_port()}/",
        events=[WebhookEvent.OPENED],
    )
    with time_machine.travel(T0, tick=False) as clock:
        with committed():
            delivery = endpoint_ping(endpoint=down, actor=admin_user)
        for _ in range(2):
            clock.shift(3600)
            requeue_webhook_deliveries()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("failed", 3)
        assert "ConnectionRefusedError" in delivery.last_error
        assert delivery.response_code is None
        clock.shift(3600)
        assert requeue_webhook_deliveries() == 0  # failed ones are not tried again


def test_send_again_gives_a_failed_delivery_new_attempts_under_the_same_id(
    receiver, endpoint, admin_user, committed, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.codes = [500]
    with committed():
        delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    with committed():
        delivery_resend(delivery=delivery, actor=admin_user)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 1, 200)
    first, second = receiver.requests
    assert first.headers["X-Portal-Delivery"] == second.headers["X-Portal-Delivery"]
    assert first.body == second.body


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_one_delivery_twice(receiver, endpoint, admin_user, settings):
    # Nothing runs by itself: the two "workers" below are the only ones delivering.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    receiver.hold = threading.Event()
    outcomes: list[str] = []

    def first_worker() -> None:
        try:
            outcomes.append(sending.attempt(delivery.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    try:
        assert receiver.arrived.wait(10)
        # The first worker's claim is committed and its POST is in flight.
        assert sending.attempt(delivery.pk) == "nothing to send"
        assert requeue_webhook_deliveries() == 0
    finally:
        receiver.hold.set()
        worker.join(10)
    assert outcomes == ["sent"]
    assert sending.attempt(delivery.pk) == "nothing to send"
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_a_claim_left_by_a_worker_that_died_is_taken_over_after_its_lease(
    receiver, endpoint, admin_user, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    now = timezone.now()
    assert sending.claim(delivery.pk, now=now) is not None  # its worker is killed here
    assert sending.attempt(delivery.pk, now=now + datetime.timedelta(minutes=1)) == (
        "nothing to send"
    )
    later = now + sending.lease() + datetime.timedelta(seconds=1)
    assert sending.attempt(delivery.pk, now=later) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("sent", 2, 1)


def test_redirects_are_not_followed(receiver, endpoint, admin_user, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.codes = [302]
    delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    assert sending.attempt(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.response_code == 302 and len(receiver.requests) == 1
