"""An answer and a status change reach the client as one e-mail, through the real pages,
the real worker and a real SMTP server; and that e-mail reads on a phone."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from portal.lib.mailconfig import mailers_from_url
from portal.tickets.services import ticket_assign
from tests.e2e.helpers import PHONE, horizontal_overflow, log_in
from tests.support.factories import open_ticket
from tools.smtp_sink import SMTPServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WINDOW = 60
LONG_URL = "https://drive.example.com/compartilhado/" + "pasta-do-cliente-2026/" * 10 + "post.png"


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = mailers_from_url(server.url, mail_dir=Path("unused"), timeout=5)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_COALESCE_SECONDS = WINDOW
    yield server
    server.stop()


def run_worker_at(moment: datetime.datetime) -> None:
    """The worker takes every task due at ``moment`` (the browser is idle meanwhile)."""
    with time_machine.travel(moment, tick=False):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def to_ana(smtp: SMTPServer) -> list:
    return [m for m in smtp.handler.messages() if m["To"] == "ana@acme.test"]


def test_an_answer_and_a_status_change_are_one_email_that_fits_a_phone(
    smtp, new_page, contact_a, agent, catalog
):
    ticket = open_ticket(contact_a, subject="Post para o Instagram")
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    run_worker_at(timezone.now() + datetime.timedelta(seconds=WINDOW + 1))
    smtp.handler.received.clear()

    staff = new_page()
    log_in(staff, agent.email)
    staff.goto(f"/equipe/solicitacoes/{ticket.number}/")
    composer = staff.locator("#answer")
    composer.get_by_label("Mensagem").fill(f"A arte está em {LONG_URL} — pode conferir?")
    composer.get_by_label("Status").select_option(label="AGUARDANDO RETORNO")
    composer.get_by_role("button", name="Enviar", exact=True).click()
    expect(staff.locator(".page-header")).to_contain_text("AGUARDANDO RETORNO")
    expect(staff.locator(".timeline")).to_contain_text("pode conferir?")
    sent_at = timezone.now()

    run_worker_at(sent_at)  # within the window: nothing goes yet
    assert to_ana(smtp) == []
    run_worker_at(sent_at + datetime.timedelta(seconds=WINDOW + 1))
    [message] = to_ana(smtp)
    assert message["Subject"] == (
        f"[#{ticket.number}] Nova resposta e AGUARDANDO RETORNO — Post para o Instagram"
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("## Responda acima desta linha ##")
    assert "Bruno Agente respondeu e marcou como AGUARDANDO RETORNO." in text
    html = message.get_body(preferencelist=("html",)).get_content()

    phone = new_page(PHONE)
    phone.set_content(html)
    assert horizontal_overflow(phone) is None
    link = phone.get_by_role("link", name=LONG_URL)
    expect(link).to_have_attribute("href", LONG_URL)
    expect(phone.get_by_text("Responda acima desta linha")).to_be_visible()
