"""E-mail delivery on /healthz (portal/notifications/health.py): stalled when an e-mail has
waited too long, or when the latest attempts all timed out (the mail server hangs)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.notifications.health import TIMEOUTS_IN_A_ROW
from portal.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def email(status=OutboundEmail.Status.QUEUED, *, age=timedelta(0), **fields) -> OutboundEmail:
    email = OutboundEmail.objects.create(
        kind="test",
        to_address="ana@acme.test",
        subject="Teste",
        body_text="Teste",
        message_id=f"<{OutboundEmail.objects.count()}@portal.test>",
        status=status,
        **fields,
    )
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - age)
    email.refresh_from_db()
    return email


def tried(*, timed_out: bool, ago: timedelta, status=OutboundEmail.Status.QUEUED) -> None:
    email(status, claimed_at=timezone.now() - ago, last_attempt_timed_out=timed_out)


def email_state(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.json()["email"]


def test_it_is_ok_with_nothing_waiting(client):
    email(OutboundEmail.Status.SENT, age=timedelta(days=3))
    assert email_state(client) == (
        200,
        {"status": "ok", "waiting": 0, "oldest_wait_seconds": 0, "latest_attempts_timed_out": 0},
    )


def test_it_is_stalled_once_an_email_waits_past_the_limit(client, settings):
    settings.HEALTHZ_EMAIL_MAX_AGE_SECONDS = 900
    queued = email(age=timedelta(seconds=890))
    status, state = email_state(client)
    assert status == 200 and state["status"] == "ok" and state["waiting"] == 1
    with time_machine.travel(queued.created_at + timedelta(seconds=901)):
        status, state = email_state(client)
    assert status == 503
    assert state["status"] == "stalled" and state["oldest_wait_seconds"] == 901


def test_an_email_being_sent_counts_as_waiting(client):
    email(OutboundEmail.Status.SENDING, age=timedelta(hours=1), claimed_at=timezone.now())
    assert email_state(client)[1]["status"] == "stalled"


def test_it_is_stalled_when_the_latest_attempts_all_timed_out(client):
    tried(timed_out=False, ago=timedelta(minutes=10), status=OutboundEmail.Status.SENT)
    for minutes in range(TIMEOUTS_IN_A_ROW):
        tried(timed_out=True, ago=timedelta(minutes=minutes))
    status, state = email_state(client)
    assert status == 503
    assert state["status"] == "stalled"
    assert state["latest_attempts_timed_out"] == TIMEOUTS_IN_A_ROW


def test_one_answer_among_the_latest_attempts_is_enough(client):
    for minutes in range(1, TIMEOUTS_IN_A_ROW):
        tried(timed_out=True, ago=timedelta(minutes=minutes))
    tried(timed_out=False, ago=timedelta(0), status=OutboundEmail.Status.SENT)
    status, state = email_state(client)
    assert status == 200 and state["latest_attempts_timed_out"] == TIMEOUTS_IN_A_ROW - 1


def test_attempts_still_running_have_no_say_yet(client):
    for minutes in range(1, TIMEOUTS_IN_A_ROW):
        tried(timed_out=True, ago=timedelta(minutes=minutes))
    tried(timed_out=False, ago=timedelta(0), status=OutboundEmail.Status.SENDING)
    assert email_state(client)[1]["status"] == "ok"
