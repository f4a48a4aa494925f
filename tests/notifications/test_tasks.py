"""Delivery (portal/notifications/tasks.py) through a real SMTP server on loopback."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from portal.accounts.services import contact_invite
from portal.lib.mailconfig import mailers_from_url
from portal.notifications.models import OutboundEmail
from portal.notifications.tasks import deliver_email
from portal.tickets.models import Message
from tests.support.factories import TEST_PASSWORD, open_ticket
from tests.support.smtp import SilentSMTPServer
from tools.smtp_sink import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = mailers_from_url(server.url, mail_dir=Path("unused"), timeout=5)
    yield server
    server.stop()


def test_an_invitation_arrives_through_smtp_with_text_and_html(smtp, company_a):
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    [message] = smtp.handler.messages()
    assert message["To"] == "nova@acme.test"
    assert message["Subject"] == "Seu acesso ao CRM da Zwei Arts"
    assert message["Message-ID"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "/criar-senha/" in text and "Criar sua senha" in html
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1


def test_a_temporary_refusal_keeps_the_message_queued(smtp, company_a):
    smtp.handler.reply = "451 Try again later"
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1 and "451" in email.last_error


def test_a_permanent_refusal_marks_the_message_failed(smtp, company_a):
    smtp.handler.reply = "550 No such user"
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.FAILED and "550" in email.last_error


def test_an_email_another_delivery_is_sending_is_not_sent_twice(company_a, outbox):
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    email = OutboundEmail.objects.get()
    email.status, email.claimed_by = OutboundEmail.Status.SENDING, "another-task"
    email.save()
    outbox.clear()
    assert deliver_email.enqueue(email.pk).return_value == "nothing to send"
    assert outbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENDING and email.attempts == 1


# The worker opens and closes its own connections, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_message_queued_while_the_server_is_down_arrives_once_it_is_back(
    smtp, company_a, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    smtp.stop()
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED and email.attempts == 1
    smtp.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert [m["To"] for m in smtp.handler.messages()] == ["nova@acme.test"]


# --- A mail server that accepts the connection and never answers

# Seconds the delivery waits for the silent server: longer than the two pages take.
SILENT_SERVER_TIMEOUT = 2


@pytest.fixture
def silent_smtp(settings):
    server = SilentSMTPServer()
    server.start()
    settings.MAILERS = mailers_from_url(
        server.url, mail_dir=Path("unused"), timeout=SILENT_SERVER_TIMEOUT
    )
    # Pages queue their e-mails in the database, as in production; the test runs one
    # delivery itself, at once, through a second backend (no waiting to combine).
    settings.EMAIL_COALESCE_SECONDS = 0
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        "now": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
    }
    yield server
    server.stop()


# The delivery runs in a thread with its own database connection, so this test commits
# for real (on SQLite, the file database every connection shares).
@pytest.mark.django_db(transaction=True)
def test_pages_keep_working_while_the_mail_server_hangs(silent_smtp, client, contact_a):
    ticket = open_ticket(contact_a)
    email = OutboundEmail.objects.order_by("pk").first()
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            deliver_email.using(backend="now").enqueue(email.pk)
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    delivery = threading.Thread(target=deliver)
    delivery.start()
    assert silent_smtp.connected.wait(5), "the delivery never reached the mail server"

    # The worker is waiting for the server's greeting: people sign in and answer.
    login = client.post(
        reverse("accounts:login"), {"email": contact_a.email, "password": TEST_PASSWORD}
    )
    answer = client.post(
        reverse("tickets:answer", args=[ticket.number]), {"body": "Segue o texto final."}
    )
    delivery_still_waiting = delivery.is_alive()
    delivery.join()

    assert errors == []
    assert login.status_code == 302 and login["Location"] == reverse("core:home")
    assert answer.status_code == 302
    assert Message.objects.filter(ticket=ticket, body="Segue o texto final.").exists()
    assert delivery_still_waiting, "the pages waited for the delivery to give up"

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED and email.attempts == 1
    assert "timed out" in email.last_error and email.last_attempt_timed_out
    [retry] = DBTaskResult.objects.filter(
        task_path=deliver_email.module_path, args_kwargs__args=[email.pk]
    ).exclude(run_after=get_date_max())
    assert retry.status == "READY" and retry.run_after > timezone.now()

    # One timeout is no verdict yet; e-mails left waiting past the limit are.
    assert client.get("/healthz").json()["email"]["status"] == "ok"
    with time_machine.travel(email.created_at + timedelta(seconds=901)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["email"]["status"] == "stalled"
