"""What is new and one-step staff work, in the browser (issue 15, points 4, 6 and 8):
"Nova resposta" in ATENDIMENTO and the queue, rows of a few lines and one row of status
filters on a phone, Confirmar e encerrar within a phone's first screen, the staff
composer's one submit, the queue's folded filters, a side panel's errors at the top."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.tickets.models import Status, Ticket
from portal.tickets.services import ticket_answer, ticket_change_status
from tests.e2e.helpers import DESKTOP, PHONE, cut_off_controls, horizontal_overflow, log_in
from tests.support.factories import open_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_client_sees_nova_resposta_until_she_reads_it(new_page, contact_a, agent, catalog):
    quiet = open_ticket(contact_a, subject="Cartão de visita")
    answered = open_ticket(contact_a, subject="Banner de Natal")
    for width in (PHONE, DESKTOP):
        page = new_page(width)
        log_in(page, contact_a.email)
        page.goto(f"/atendimento/{answered.number}/")
        ticket_answer(ticket=answered, author=agent, body=f"Segue a versão {width['width']}.")
        page.goto("/atendimento/")
        row = page.locator("tr", has_text="Banner de Natal")
        expect(row.get_by_text("Nova resposta")).to_be_visible()
        expect(
            page.locator("tr", has_text="Cartão de visita").get_by_text("Nova resposta")
        ).to_have_count(0)
        assert horizontal_overflow(page) is None
        row.get_by_role("link", name="Banner de Natal").click()
        expect(page.get_by_text(f"Segue a versão {width['width']}.")).to_be_visible()
        page.goto("/atendimento/")
        expect(page.get_by_text("Nova resposta")).to_have_count(0)
    assert quiet.pk


def test_a_phone_shows_short_rows_and_one_row_of_status_filters(
    phone_page, contact_a, agent, catalog
):
    for n in range(4):
        open_ticket(contact_a, subject=f"Pedido número {n} com um assunto de tamanho normal")
    waiting = open_ticket(contact_a, subject="Aprovar o layout")
    ticket_change_status(ticket=waiting, actor=agent, status=Status.WAITING_CLIENT)
    log_in(phone_page, contact_a.email)
    phone_page.goto("/atendimento/")
    heights = phone_page.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => row.getBoundingClientRect().height)"
    )
    line = phone_page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
    # Two or three lines each (the subject may take two), not a seven-line card.
    assert heights and max(heights) <= 4 * line + 24, (heights, line)
    tops = phone_page.locator(".status-tabs a").evaluate_all(
        "tabs => tabs.map(tab => Math.round(tab.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    expect(
        phone_page.locator("tr.awaits-client", has_text="Aprovar o layout").get_by_text(
            "Aguardando você"
        )
    ).to_be_visible()
    assert horizontal_overflow(phone_page) is None
    assert cut_off_controls(phone_page) == []


def test_confirmar_e_encerrar_is_on_a_phones_first_screen(phone_page, contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Segunda via do boleto")
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    log_in(phone_page, contact_a.email)
    phone_page.goto(f"/atendimento/{ticket.number}/")
    button = phone_page.get_by_role("button", name="Confirmar e encerrar")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    phone_page.get_by_text("4", exact=True).click()
    button.click()
    expect(phone_page.get_by_text("ENCERRADA").first).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.is_closed and ticket.ratings.get().score == 4


def test_the_agent_answers_and_sets_the_status_in_one_submit(page, contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Banner da home")
    log_in(page, agent.email)
    page.goto(f"/equipe/solicitacoes/{ticket.number}/")
    page.get_by_label("Mensagem").fill("Segue a proposta; aguardo sua aprovação.")
    page.get_by_label("Status").select_option(label="AGUARDANDO RETORNO")
    page.get_by_label("Atendido por").select_option(label=agent.name)
    page.get_by_role("button", name="Enviar").click()
    expect(page.locator(".page-header .status")).to_have_text("AGUARDANDO RETORNO")
    message = ticket.messages.get(author=agent)
    assert page.url.endswith(f"#m{message.pk}")
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CLIENT and ticket.assignee == agent
    # The client answers: the queue says so.
    ticket_answer(ticket=ticket, author=contact_a, body="Aprovado!")
    page.goto("/equipe/")
    expect(
        page.locator("tr", has_text="Banner da home").get_by_text("Nova resposta")
    ).to_be_visible()


def test_the_queue_folds_its_filters_on_a_phone_and_shows_quick_view_counts(
    new_page, contact_a, agent, catalog
):
    open_ticket(contact_a, subject="Sem ninguém")
    phone = new_page(PHONE)
    log_in(phone, agent.email)
    phone.goto("/equipe/")
    assert phone.locator("details.filter-fold").evaluate("d => d.open") is False
    expect(phone.get_by_role("link", name=re.compile(r"Sem responsável\s+1"))).to_be_visible()
    phone.get_by_text("Filtros", exact=True).click()
    expect(phone.get_by_label("Departamento")).to_be_visible()
    assert horizontal_overflow(phone) is None
    desktop = new_page(DESKTOP)
    log_in(desktop, agent.email)
    desktop.goto("/equipe/")
    assert desktop.locator("details.filter-fold").evaluate("d => d.open") is True
    desktop.get_by_role("link", name=re.compile(r"Sem responsável")).click()
    expect(desktop.locator('.quick-filters [aria-current="page"]')).to_contain_text(
        "Sem responsável"
    )
    expect(desktop.locator('.status-tabs [aria-current="page"]')).to_contain_text("Não concluídas")


def test_a_side_panels_error_shows_at_the_top_and_takes_the_focus(
    new_page, contact_a, agent, catalog
):
    ticket = open_ticket(contact_a, subject="Pedido")
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        log_in(page, agent.email)
        page.goto(f"/equipe/solicitacoes/{ticket.number}/")
        page.get_by_role("button", name="Propor novo prazo").click()
        summary = page.locator(".page-errors")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()
        assert Ticket.objects.get(pk=ticket.pk).deadline == ticket.deadline
