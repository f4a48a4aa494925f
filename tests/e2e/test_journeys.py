"""The guide's journeys, in a real browser against the live server: what a client and an
agent click, type and read."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from portal.accounts.services import contact_invite
from portal.tickets.models import Status, Ticket
from tests.e2e.helpers import log_in
from tests.support.factories import open_ticket
from tests.support.mail import access_link_from
from tools import demo_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Girassol-azul-42"


# A Prazo within the few years the portal accepts.
NEXT_YEAR = datetime.date.today().year + 1


def section(page: Page, heading: str):
    """The card of the staff request page under this heading."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def test_it_takes_an_invited_contact_from_the_first_access_to_a_new_ticket(
    page, company_a, catalog
):
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")

    # The e-mail's one-time link, not a password: "Criar sua senha", then signed in.
    page.goto(access_link_from(mail.outbox[-1]))
    expect(page.get_by_role("heading", name="Criar sua senha")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/criar-senha/[^/]+/set-password/$"))  # token hidden
    page.get_by_label(re.compile(r"^Nova senha")).fill(NEW_PASSWORD)
    page.get_by_label("Confirmação da nova senha").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Salvar senha e entrar").click()
    expect(page.get_by_text("Sua senha foi salva. Boas-vindas!")).to_be_visible()
    expect(page.get_by_role("heading", name="ATENDIMENTO", level=1)).to_be_visible()

    page.get_by_role("link", name="NOVA SOLICITAÇÃO").click()
    page.get_by_label("Assunto").fill("Banner para a Black Friday")
    page.get_by_label("Departamento").select_option(label="Atendimento")
    page.get_by_label("Serviços").select_option(label="Design Gráfico")
    page.get_by_label("Prioridade").select_option(label="Alta")
    page.get_by_label("Prazo").fill(f"{NEXT_YEAR}-11-20")
    page.get_by_label("Mensagem").fill("Banner de 1200x628 com a oferta da semana.")
    page.get_by_label("Anexar Arquivo").set_input_files(
        [
            {"name": "logo.png", "mimeType": "image/png", "buffer": demo_files.png()},
            {
                "name": "briefing.pdf",
                "mimeType": "application/pdf",
                "buffer": demo_files.pdf("briefing.pdf"),
            },
        ]
    )
    page.get_by_role("button", name="Salvar").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Banner para a Black Friday")
    created = Ticket.objects.get()
    expect(page.get_by_text(f"Sua solicitação #{created.number} foi aberta")).to_be_visible()
    for name in ("logo.png", "briefing.pdf"):
        expect(page.locator(".attachment-link", has_text=name)).to_be_visible()
    assert created.opened_by.email == "nova@acme.test" and created.status == Status.OPEN
    assert (created.department.name, created.service.name, created.priority.name) == (
        "Atendimento",
        "Design Gráfico",
        "Alta",
    )
    assert created.deadline.isoformat() == f"{NEXT_YEAR}-11-20"
    [message] = created.messages.all()
    assert sorted(a.original_name for a in message.attachments.all()) == [
        "briefing.pdf",
        "logo.png",
    ]

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="ATENDIMENTO"
    ).click()
    row = page.get_by_role("row").filter(has_text="Banner para a Black Friday")
    expect(row).to_contain_text("ABERTA")
    tabs = page.get_by_role("navigation", name="Filtrar por status")
    tabs.get_by_role("link", name="EM ANDAMENTO").click()
    expect(page).to_have_url(re.compile(r"status=in_progress"))
    expect(page.get_by_text("Nenhuma solicitação corresponde a este filtro.")).to_be_visible()
    tabs.get_by_role("link", name="ABERTA").click()
    expect(page).to_have_url(re.compile(r"status=open"))
    expect(tabs.get_by_role("link", name="ABERTA")).to_have_attribute("aria-current", "page")
    expect(row).to_be_visible()
    row.get_by_role("link", name="Banner para a Black Friday").click()
    expect(page).to_have_url(re.compile(rf"/atendimento/{created.number}/$"))


def test_it_carries_a_ticket_from_the_team_to_the_clients_confirmation(
    new_page, contact_a, agent, catalog
):
    ticket = open_ticket(contact_a, subject="Post para o Instagram")
    staff = new_page()
    client = new_page()
    log_in(staff, agent.email)
    log_in(client, contact_a.email)
    staff_url = f"/equipe/solicitacoes/{ticket.number}/"
    client_url = f"/atendimento/{ticket.number}/"

    staff.goto(staff_url)
    composer = section(staff, "Responder")
    composer.get_by_role("button", name="Assumir").click()
    expect(staff.locator(".timeline")).to_contain_text("atribuiu a solicitação a Bruno Agente")
    # One submit: the answer and the status together.
    composer.get_by_label("Mensagem").fill("Qual é o texto do post?")
    composer.get_by_label("Status").select_option(label="AGUARDANDO RETORNO")
    composer.get_by_role("button", name="Enviar", exact=True).click()
    expect(staff.locator(".timeline")).to_contain_text("Qual é o texto do post?")
    expect(staff.locator(".page-header")).to_contain_text("AGUARDANDO RETORNO")

    client.goto(client_url)
    expect(client.locator(".page-header")).to_contain_text("AGUARDANDO RETORNO")
    expect(client.locator(".request-facts")).to_contain_text("Bruno Agente")
    expect(client.locator(".timeline")).to_contain_text("Qual é o texto do post?")
    expect(client.get_by_role("heading", name="Adicionar Resposta")).to_be_visible()
    client.get_by_label("Sua resposta").fill("O texto é: promoção de inverno!")
    client.get_by_role("button", name="Enviar resposta").click()
    expect(client.get_by_text("Sua resposta foi adicionada.")).to_be_visible()
    expect(client.locator(".page-header")).to_contain_text("EM ANDAMENTO")

    staff.reload()
    expect(staff.locator(".timeline")).to_contain_text("promoção de inverno")
    composer = section(staff, "Responder")
    composer.get_by_label("Status").select_option(label="CONCLUÍDA")
    composer.get_by_role("button", name="Enviar", exact=True).click()
    expect(staff.locator(".page-header")).to_contain_text("CONCLUÍDA")

    client.reload()
    expect(client.get_by_role("heading", name="Sua solicitação foi concluída!")).to_be_visible()
    client.get_by_role("button", name="Confirmar e encerrar").click()
    expect(
        client.get_by_text("Obrigado! A solicitação foi confirmada e encerrada.")
    ).to_be_visible()
    expect(client.locator(".page-header")).to_contain_text("Encerrada")
    # Closed, it can still be reopened for a while, with a message.
    expect(client.get_by_role("heading", name="Reabrir solicitação")).to_be_visible()
    expect(client.get_by_label("Sua resposta")).to_have_count(0)
    ticket.refresh_from_db()
    assert ticket.is_closed and ticket.status == Status.DONE


def test_it_resets_a_forgotten_password_from_the_emailed_link(phone_page, contact_a):
    page = phone_page
    page.goto("/entrar/")
    page.get_by_role("link", name="Esqueceu a Senha?").click()
    page.get_by_label("E-mail").fill(contact_a.email)
    page.get_by_role("button", name="Enviar link").click()
    expect(page.get_by_role("heading", name="Confira seu e-mail")).to_be_visible()

    [message] = [m for m in mail.outbox if m.to == [contact_a.email]]
    link = re.search(r"https?://\S+/redefinir-senha/\S+/", message.body)
    assert link, message.body
    page.goto(link.group(0))
    page.get_by_label(re.compile(r"^Nova senha")).fill(NEW_PASSWORD)
    page.get_by_label("Confirmação da nova senha").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.get_by_text("Sua nova senha foi salva.")).to_be_visible()

    log_in(page, contact_a.email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="ATENDIMENTO", level=1)).to_be_visible()
