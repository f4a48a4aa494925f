"""No e-mail is lost: not while the mail server is down, not when a worker dies mid-task.

These tests use the database task backend and run the real worker, so they
commit for real (transaction=True), as the worker opens its own transactions.
"""

from __future__ import annotations

import datetime
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.core.management.commands.worker import recover_orphaned_tasks
from portal.core.periodic import JOBS, run_due_jobs
from portal.lib.mailconfig import mailers_from_url
from portal.notifications.models import OutboundEmail
from portal.notifications.services import requeue_stuck_emails
from portal.notifications.tasks import claim_lease, deliver_email
from portal.tickets.models import Status
from portal.tickets.services import (
    ticket_answer,
    ticket_assign,
    ticket_change_status,
)
from tests.support.factories import agree_deadline, open_ticket
from tools.smtp_sink import SMTPServer


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = mailers_from_url(server.url, mail_dir=Path("unused"), timeout=5)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Each e-mail on its own, so each Message-ID is expected at the server: combined
    # e-mails have their own tests (tests/notifications/test_coalesce.py, the soak).
    settings.EMAIL_COALESCE_SECONDS = 0
    yield server
    server.stop()


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def arrived(smtp: SMTPServer) -> list[str]:
    return sorted(message["Message-ID"] for message in smtp.handler.messages())


def updates(contact, agent) -> None:
    """A request's life: opened, assigned, answered, moved, re-dated, concluded."""
    ticket = open_ticket(contact, subject="Post de Natal")
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket_answer(ticket=ticket, author=agent, body="Primeira versão.")
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    ticket_answer(ticket=ticket, author=contact, body="Trocar a foto, por favor.")
    agree_deadline(
        ticket,
        agent=agent,
        contact=contact,
        deadline=ticket.deadline + datetime.timedelta(days=2),
        reason="Nova foto",
    )
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)


@pytest.mark.django_db(transaction=True)
def test_every_update_queued_while_the_server_is_down_arrives_exactly_once(smtp, contact_a, agent):
    smtp.stop()
    updates(contact_a, agent)
    emails = OutboundEmail.objects.all()
    # opened: 2 (receipt, team), assigned, answer, status, client answer, status
    # (resumed; nobody else at ACME), deadline proposed, proposal accepted (to the
    # agent), done
    assert emails.count() == 9
    run_worker()
    assert set(emails.values_list("status", "attempts")) == {(OutboundEmail.Status.QUEUED, 1)}
    assert all("Connection refused" in e.last_error for e in emails)

    smtp.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        # Every e-mail has a retry waiting: the safety net leaves them alone.
        assert requeue_stuck_emails() == 0
        run_worker()
        assert requeue_stuck_emails() == 0
        run_worker()
    assert set(emails.values_list("status", "attempts")) == {(OutboundEmail.Status.SENT, 2)}
    assert arrived(smtp) == sorted(emails.values_list("message_id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_emails_of_a_worker_killed_mid_delivery_are_sent_by_the_safety_net(smtp, contact_a, agent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        open_ticket(contact_a)
        ticket = open_ticket(contact_a, subject="Banner")
        ticket_answer(ticket=ticket, author=agent, body="Feito.")
        # A worker claimed the deliveries and was killed before finishing:
        # the tasks stay "running" for ever and nothing else will send them.
        DBTaskResult.objects.filter(task_path=deliver_email.module_path).update(
            status="RUNNING", started_at=start
        )
    run_worker()
    assert smtp.handler.messages() == []
    assert requeue_stuck_emails(now=start + timedelta(minutes=2)) == 0  # may still be running
    with time_machine.travel(start + timedelta(minutes=15)):
        assert requeue_stuck_emails() == 5
        assert requeue_stuck_emails() == 0  # now each has a waiting task
        run_worker()
        assert requeue_stuck_emails() == 0
    emails = OutboundEmail.objects.all()
    assert set(emails.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    assert arrived(smtp) == sorted(emails.values_list("message_id", flat=True))


def kill_mid_delivery(email: OutboundEmail, worker_id: str) -> DBTaskResult:
    """A worker took the e-mail's task, claimed the e-mail and died talking to the mail
    server: the task stays "running" and the e-mail SENDING."""
    task = DBTaskResult.objects.get(
        task_path=deliver_email.module_path, args_kwargs__args=[email.pk]
    )
    task.claim(worker_id)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING,
        claimed_at=timezone.now(),
        claimed_by=task.task_result.id,
        attempts=1,
    )
    return task


@pytest.mark.django_db(transaction=True)
def test_a_restarted_worker_finishes_the_email_it_was_sending_when_killed(smtp, contact_a):
    open_ticket(contact_a)
    email = OutboundEmail.objects.get(to_address=contact_a.email)
    kill_mid_delivery(email, "host-worker")
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENDING and arrived(smtp) == []

    recover_orphaned_tasks("host-worker")  # what `manage.py worker` does first
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert arrived(smtp) == [email.message_id]


@pytest.mark.django_db(transaction=True)
def test_an_email_claimed_by_a_worker_that_never_returns_is_sent_after_the_lease(smtp, contact_a):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        open_ticket(contact_a)
        email = OutboundEmail.objects.get(to_address=contact_a.email)
        kill_mid_delivery(email, "gone-worker")
    run_worker()
    # The claim may still be a slow delivery: the e-mail is left alone.
    assert requeue_stuck_emails(now=start + timedelta(minutes=9)) == 0
    with time_machine.travel(start + claim_lease() + timedelta(minutes=1)):
        assert requeue_stuck_emails() == 1
        assert requeue_stuck_emails() == 0
        run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert arrived(smtp) == [email.message_id]


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_safety_net_and_the_mailbox_job(settings):
    settings.INBOUND_IMAP_URL = ""
    names = set(JOBS)
    assert {"requeue_stuck_emails", "fetch_mail"} <= names
    ran = run_due_jobs()
    assert "requeue_stuck_emails" in ran and "fetch_mail" in ran
