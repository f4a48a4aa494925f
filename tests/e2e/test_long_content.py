"""Long content wraps everywhere: a subject that is one long file name, a message with a
long link and a long unbroken word, a file with a long name. No page scrolls sideways at
375 px or 1280 px (issue 15, point 1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.tickets.services import ticket_answer, ticket_assign
from portal.tickets.uploads import check_file
from tests.e2e.helpers import DESKTOP, PHONE, horizontal_overflow, log_in
from tests.support.factories import open_ticket
from tests.support.files import pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(PHONE, id="375px"), pytest.param(DESKTOP, id="1280px")]
LONG_NAME = "campanha_black_friday_2026_versao_final_aprovada_pelo_diretor_comercial_v12.pdf"
LONG_URL = (
    "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    "?usp=sharing&resourcekey=0-AbCdEfGhIjKlMnOpQrStUvWxYz"
)
LONG_WORD = "Supercalifragilisticexpialidocious" * 4


@pytest.fixture
def long_request(contact_a, agent, catalog):
    ticket = open_ticket(
        contact_a,
        subject=f"Revisar {LONG_NAME}",
        body=f"O arquivo está aqui: {LONG_URL}\n{LONG_WORD}",
        files=[check_file(pdf_upload(LONG_NAME))],
    )
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket_answer(ticket=ticket, author=agent, body=f"Recebido. {LONG_URL}")
    return ticket


@pytest.mark.parametrize("viewport", WIDTHS)
def test_no_client_page_scrolls_sideways_with_long_content(new_page, viewport, long_request):
    page = new_page(viewport)
    log_in(page, long_request.opened_by.email)
    wide = {}
    for path in [
        "/atendimento/",
        "/atendimento/?q=campanha",
        f"/atendimento/{long_request.number}/",
        "/notificacoes/",
    ]:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        if overflow := horizontal_overflow(page):
            wide[path] = overflow
    assert not wide, wide


@pytest.mark.parametrize("viewport", WIDTHS)
def test_no_team_page_scrolls_sideways_with_long_content(new_page, viewport, long_request, agent):
    page = new_page(viewport)
    log_in(page, agent.email)
    wide = {}
    for path in [
        "/equipe/",
        "/equipe/?q=campanha",
        f"/equipe/solicitacoes/{long_request.number}/",
        "/notificacoes/",
    ]:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        if overflow := horizontal_overflow(page):
            wide[path] = overflow
    assert not wide, wide
