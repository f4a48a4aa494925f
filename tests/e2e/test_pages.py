"""Every main page at a phone's width and a desktop's: no sideways scrolling, every control
named, and no serious or critical finding of axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from portal.accounts.services import staff_invite
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.tickets.models import Ticket
from portal.tickets.services import ticket_answer, ticket_assign
from portal.tickets.uploads import check_file
from portal.workspace.services import canned_reply_save
from tests.e2e.helpers import DESKTOP, PHONE, log_in, page_problems
from tests.support.factories import open_ticket
from tests.support.files import pdf_upload, png_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(PHONE, id="375px"), pytest.param(DESKTOP, id="1280px")]


@pytest.fixture
def conversation(contact_a, agent, admin_user, catalog):
    """A request with files, an answer from the team and a long link: a page with everything."""
    ticket = open_ticket(
        contact_a,
        subject="Campanha de Páscoa para as redes sociais da ACME Alimentos",
        body="Segue o briefing: https://drive.example/pasta/campanha-de-pascoa-2026-versao-final",
        files=[check_file(png_upload("referencia.png")), check_file(pdf_upload("briefing.pdf"))],
    )
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket_answer(ticket=ticket, author=agent, body="Recebido! Começamos hoje.")
    ticket_answer(ticket=ticket, author=agent, body="Fotos no Drive.", internal=True)
    # Rows flagged in the queue: a commitment running out soon, one missed, a late deadline.
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=22), tick=False):
        open_ticket(contact_a, subject="Cardápio de verão")
    with time_machine.travel(now - timedelta(days=3), tick=False):
        late = open_ticket(contact_a, subject="Relatório mensal")
    Ticket.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    staff_invite(email="carla@zweiarts.test", name="Carla Agente")
    audit.record(AuditEntry.Action.LOGIN, actor=agent)
    return ticket


@pytest.fixture
def canned_reply(agent):
    return canned_reply_save(
        author=agent, title="Recebemos", body="Recebemos sua solicitação.", is_shared=True
    )


def visit_all(page: Page, paths: list[str]) -> dict[str, list[str]]:
    problems = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        expect(page.locator("h1")).to_be_visible()
        found = page_problems(page)
        if found:
            problems[path] = found
    return problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{path}\n" + "\n".join(f"  - {problem}" for problem in found)
        for path, found in problems.items()
    )


@pytest.mark.parametrize("viewport", WIDTHS)
def test_it_fits_and_is_accessible_on_the_sign_in_pages(new_page, viewport):
    page = new_page(viewport)
    problems = visit_all(page, ["/entrar/", "/esqueceu-a-senha/", "/esqueceu-a-senha/enviado/"])
    assert not problems, report(problems)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_it_fits_and_is_accessible_on_the_client_pages(new_page, viewport, conversation):
    page = new_page(viewport)
    log_in(page, conversation.opened_by.email)
    problems = visit_all(
        page,
        [
            "/atendimento/",
            "/atendimento/?status=open",
            "/atendimento/nova/",
            f"/atendimento/{conversation.number}/",
            "/conta/",
            "/notificacoes/preferencias/",
        ],
    )
    page.goto("/atendimento/nova/")
    page.get_by_role("button", name="Salvar").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    if found := page_problems(page):
        problems["/atendimento/nova/ with errors"] = found
    assert not problems, report(problems)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_it_fits_and_is_accessible_on_the_team_pages(
    new_page, viewport, conversation, canned_reply, admin_user
):
    page = new_page(viewport)
    log_in(page, admin_user.email)
    company = conversation.company_id
    problems = visit_all(
        page,
        [
            "/equipe/",
            f"/equipe/solicitacoes/{conversation.number}/",
            "/equipe/clientes/",
            f"/equipe/clientes/{company}/",
            f"/equipe/clientes/{company}/editar/",
            f"/equipe/clientes/{company}/contatos/{conversation.opened_by_id}/",
            f"/equipe/clientes/{company}/contatos/{conversation.opened_by_id}/anonimizar/",
            "/equipe/respostas-prontas/",
            f"/equipe/respostas-prontas/{canned_reply.pk}/",
            "/equipe/configuracoes/departamentos/",
            f"/equipe/configuracoes/departamentos/{conversation.department_id}/",
            "/equipe/configuracoes/servicos/",
            "/equipe/configuracoes/prioridades/",
            "/equipe/configuracoes/equipe/",
            "/equipe/configuracoes/relatorio/",
            "/equipe/configuracoes/auditoria/",
            "/conta/",
            "/notificacoes/preferencias/",
            "/notificacoes/emails/",
            "/notificacoes/recebidos/",
        ],
    )
    assert not problems, report(problems)
