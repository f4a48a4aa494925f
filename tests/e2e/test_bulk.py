"""Em lote in the browser (issue 16, point 6): tick rows of the queue, choose a status,
apply; the refused one is named and the others change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.tickets.models import Status, Ticket
from portal.tickets.services import ticket_change_status, ticket_confirm
from tests.e2e.helpers import PHONE, horizontal_overflow, log_in
from tests.support.factories import open_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_agent_changes_chosen_rows_at_once(new_page, contact_a, agent, catalog):
    one = open_ticket(contact_a, subject="Post um")
    two = open_ticket(contact_a, subject="Post dois")
    closed = open_ticket(contact_a, subject="Post encerrado")
    ticket_change_status(ticket=closed, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=closed, actor=contact_a)
    page = new_page()
    log_in(page, agent.email)
    page.goto("/equipe/?status=")
    fold = page.locator("[data-bulk-fold]")
    assert fold.evaluate("d => d.open") is False
    for ticket in (one, two, closed):
        page.get_by_label(f"Selecionar #{ticket.number}").check()
    assert fold.evaluate("d => d.open") is True
    fold.get_by_label("Status").select_option(label="AGUARDANDO RETORNO")
    fold.get_by_role("button", name="Aplicar").click()
    expect(page.get_by_text("2 solicitações alteradas.")).to_be_visible()
    expect(page.get_by_text(f"#{closed.number} não foi alterada:")).to_be_visible()
    assert set(
        Ticket.objects.filter(status=Status.WAITING_CLIENT).values_list("pk", flat=True)
    ) == {
        one.pk,
        two.pk,
    }
    phone = new_page(PHONE)
    log_in(phone, agent.email)
    phone.goto("/equipe/")
    assert horizontal_overflow(phone) is None
