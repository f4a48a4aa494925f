"""E-mail contents are kept DATA_RETENTION_DAYS days (portal/privacy/retention.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.core.periodic import JOBS, run_due_jobs
from portal.notifications.models import InboundEmail, OutboundEmail
from portal.notifications.services import email_resend
from portal.notifications.tasks import deliver_email
from portal.privacy import retention
from portal.privacy.retention import Purged, email_contents_purge
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
Status = OutboundEmail.Status


def _outbound(status: str, **fields) -> OutboundEmail:
    defaults = {
        "kind": "request-answer",
        "to_address": "ana@acme.test",
        "subject": "[#1] Post — nova resposta",
        "body_text": "Olá Ana, segue a resposta: texto do cliente.",
        "body_html": "<p>Olá Ana</p>",
        "calendar": "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
        "headers": {"Reply-To": "atendimento+r1u2kabc@zweiarts.test"},
        "message_id": f"<{status}-{OutboundEmail.objects.count()}@zweiarts.test>",
        "status": status,
        "sent_at": timezone.now() if status == Status.SENT else None,
    }
    return OutboundEmail.objects.create(**{**defaults, **fields})


def _inbound(**fields) -> InboundEmail:
    defaults = {
        "source": InboundEmail.Source.IMAP,
        "message_id": f"<in-{InboundEmail.objects.count()}@acme.test>",
        "from_address": "ana@acme.test",
        "subject": "Re: [#1] Post",
        "status": InboundEmail.Status.REFUSED,
        "reason": InboundEmail.Reason.INVALID,
        "detail": "O arquivo contrato-secreto.exe foi recusado.",
    }
    return InboundEmail.objects.create(**{**defaults, **fields})


@pytest.fixture
def old_emails(contact_a, agent, catalog):
    """E-mails of every state from T0, and a received answer accepted and one refused."""
    with time_machine.travel(T0, tick=False):
        ticket = open_ticket(contact_a, subject="Post do Dia das Mães")
        emails = {
            "notified": OutboundEmail.objects.get(to_address="ana@acme.test"),
            "sent": _outbound(Status.SENT),
            "failed": _outbound(Status.FAILED, last_error="550 mailbox unavailable"),
            "queued": _outbound(Status.QUEUED),
            "sending": _outbound(Status.SENDING),
            "accepted": _inbound(
                status=InboundEmail.Status.ACCEPTED,
                reason="",
                detail="",
                ticket=ticket,
                answer=ticket.messages.first(),
            ),
            "refused": _inbound(ticket=ticket),
        }
    return emails


def _finished_at_t0() -> int:
    # The opening's own e-mails (the confirmation, the team's notice) and two made here.
    return OutboundEmail.objects.filter(
        created_at=T0, status__in=[Status.SENT, Status.FAILED]
    ).count()


def _reload(emails):
    for email in emails.values():
        email.refresh_from_db()
    return emails


def test_contents_stay_for_the_retention_period(old_emails):
    with time_machine.travel(T0 + timedelta(days=89, hours=23), tick=False):
        assert email_contents_purge() == Purged(outbound=0, inbound=0)
    emails = _reload(old_emails)
    assert emails["sent"].body_text.startswith("Olá Ana")
    assert emails["refused"].from_address == "ana@acme.test"


def test_after_it_sent_and_failed_emails_lose_their_contents_and_keep_the_record(old_emails):
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        recent = _outbound(Status.SENT)
        assert email_contents_purge() == Purged(outbound=_finished_at_t0(), inbound=2)
    emails = _reload(old_emails)
    assert _finished_at_t0() >= 3
    assert not OutboundEmail.objects.filter(created_at=T0, status=Status.SENT).exclude(body_text="")
    for name in ("notified", "sent", "failed"):
        email = emails[name]
        assert (email.body_text, email.body_html, email.calendar, email.headers) == (
            "",
            "",
            "",
            {},
        ), name
        assert email.to_address == "ana@acme.test"
        assert email.created_at == T0
    notified = emails["notified"]
    assert notified.kind == "request-opened" and notified.status == Status.SENT
    assert notified.subject.startswith("[#1]") and notified.sent_at == T0
    assert notified.recipient_id is not None and notified.ticket_id is not None
    assert emails["failed"].last_error == "550 mailbox unavailable"
    # Not delivered yet, or younger than the retention: untouched.
    for email in (emails["queued"], emails["sending"], recent):
        email.refresh_from_db()
        assert email.body_text.startswith("Olá Ana") and email.headers


def test_after_it_received_answers_lose_their_sender_subject_and_detail(old_emails):
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        recent = _inbound()
        email_contents_purge()
    emails = _reload(old_emails)
    for name in ("accepted", "refused"):
        email = emails[name]
        assert (email.from_address, email.subject, email.detail) == ("", "", ""), name
        assert email.message_id.startswith("<in-") and email.received_at == T0
    assert emails["accepted"].status == InboundEmail.Status.ACCEPTED
    assert emails["accepted"].answer_id is not None and emails["accepted"].ticket_id is not None
    assert emails["refused"].reason == InboundEmail.Reason.INVALID
    recent.refresh_from_db()
    assert recent.from_address == "ana@acme.test" and "contrato" in recent.detail


def test_running_again_changes_nothing(old_emails):
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        email_contents_purge()
        assert email_contents_purge() == Purged(outbound=0, inbound=0)


def test_the_retention_is_a_setting(old_emails, settings):
    settings.DATA_RETENTION_DAYS = 10
    with time_machine.travel(T0 + timedelta(days=9), tick=False):
        assert email_contents_purge() == Purged(outbound=0, inbound=0)
    with time_machine.travel(T0 + timedelta(days=11), tick=False):
        assert email_contents_purge() == Purged(outbound=_finished_at_t0(), inbound=2)


def test_a_large_backlog_goes_in_batches_over_several_runs(db, monkeypatch):
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    monkeypatch.setattr(retention, "MAX_BATCHES_PER_RUN", 2)
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            _outbound(Status.SENT)
    with time_machine.travel(T0 + timedelta(days=100), tick=False):
        assert email_contents_purge().outbound == 4
        assert email_contents_purge().outbound == 1
        assert email_contents_purge().outbound == 0
    assert not OutboundEmail.objects.exclude(body_text="").exists()


def test_a_failed_email_without_contents_cannot_be_sent_again(old_emails):
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        email_contents_purge()
    with pytest.raises(ValidationError, match="conteúdo deste e-mail foi apagado"):
        email_resend(email_id=old_emails["failed"].pk)
    old_emails["failed"].refresh_from_db()
    assert old_emails["failed"].status == Status.FAILED


def test_the_worker_runs_it_every_hour(old_emails):
    job = JOBS["purge_email_contents"]
    assert job.every == timedelta(hours=1)
    later = T0 + timedelta(days=91)
    with time_machine.travel(later, tick=False):
        assert "purge_email_contents" in run_due_jobs(now=later)
        assert "purge_email_contents" not in run_due_jobs(now=later + timedelta(minutes=30))
    old_emails["sent"].refresh_from_db()
    assert old_emails["sent"].body_text == ""


def test_an_email_still_queued_past_the_retention_is_delivered_whole(db, outbox):
    with time_machine.travel(T0, tick=False):
        waiting = _outbound(Status.QUEUED, to_address="lia@aurora.test")
    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        email_contents_purge()
        deliver_email.enqueue(waiting.pk)
    assert outbox[0].to == ["lia@aurora.test"]
    assert outbox[0].body.startswith("Olá Ana")
    waiting.refresh_from_db()
    assert waiting.status == Status.SENT and waiting.body_text  # the next run blanks it


def _settings_with(value: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATA_RETENTION_DAYS": value}
    code = "import portal.settings as s; print(s.DATA_RETENTION_DAYS)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_the_setting_is_read_from_the_environment_and_checked():
    assert _settings_with("30").stdout.strip() == "30"
    refused = _settings_with("0")
    assert refused.returncode != 0 and "DATA_RETENTION_DAYS must be at least 1" in refused.stderr
    assert "must be an integer" in _settings_with("noventa").stderr
