"""Writing comfort in the browser (issue 16, point 7): a canned reply goes in at the
cursor without reloading, its placeholders filled; a draft comes back after a reload and
on another device, and sending clears it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.tickets.models import Draft
from portal.workspace.models import CannedReply
from tests.e2e.helpers import DESKTOP, PHONE, log_in
from tests.support.factories import open_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_canned_reply_goes_in_at_the_cursor_without_reloading(page, contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Banner")
    CannedReply.objects.create(
        title="Prazo", body="Sua solicitação #{{ solicitacao.numero }} sai hoje.", owner=agent
    )
    log_in(page, agent.email)
    page.goto(f"/equipe/solicitacoes/{ticket.number}/")
    body = page.get_by_label("Mensagem")
    body.fill("Olá! Assinado, Bruno")
    body.evaluate("el => el.setSelectionRange(5, 5)")  # right after "Olá! "
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Resposta pronta").select_option(label="Prazo")
    page.get_by_role("button", name="Inserir").click()
    expect(body).to_have_value(f"Olá! Sua solicitação #{ticket.number} sai hoje.Assinado, Bruno")
    assert page.evaluate("window.notReloaded") is True


def test_a_draft_comes_back_after_a_reload_and_on_another_device(new_page, contact_a, catalog):
    ticket = open_ticket(contact_a, subject="Banner")
    laptop = new_page(DESKTOP)
    log_in(laptop, contact_a.email)
    laptop.goto(f"/atendimento/{ticket.number}/")
    laptop.get_by_label("Sua resposta").fill("O logo precisa ser maior e")
    expect(laptop.locator("[data-draft-status]")).to_contain_text("Rascunho salvo às")
    laptop.reload()
    expect(laptop.get_by_label("Sua resposta")).to_have_value("O logo precisa ser maior e")

    phone = new_page(PHONE)
    log_in(phone, contact_a.email)
    phone.goto(f"/atendimento/{ticket.number}/")
    answer = phone.get_by_label("Sua resposta")
    expect(answer).to_have_value("O logo precisa ser maior e")
    answer.fill("O logo precisa ser maior e centralizado.")
    phone.get_by_role("button", name="Enviar resposta").click()
    expect(phone.get_by_text("Sua resposta foi adicionada.")).to_be_visible()
    assert not Draft.objects.exists()
    laptop.reload()
    expect(laptop.get_by_label("Sua resposta")).to_have_value("")
