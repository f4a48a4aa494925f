"""Delivery (portal/notifications/tasks.py) through a real SMTP server on loopback."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from portal.accounts.services import contact_invite
from portal.lib.mailconfig import mailers_from_url
from portal.notifications.models import OutboundEmail
from portal.notifications.tasks import deliver_email
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
    assert "Senha temporária:" in text and "Senha temporária" in html
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
