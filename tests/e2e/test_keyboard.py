"""A client signs in, opens NOVA SOLICITAÇÃO and saves it with the keyboard alone
(Tab, Enter, Space, arrows and typing), seeing where the focus is at every step."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Locator, Page, expect

from portal.tickets.models import Ticket
from tests.e2e.helpers import focus_problem
from tests.support.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# A Prazo within the few years the portal accepts.
NEXT_YEAR = datetime.date.today().year + 1


def tab_to(page: Page, target: Locator, unseen: list[str], limit: int = 30) -> None:
    """Press Tab until ``target`` has the focus, noting every stop where it cannot be seen."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        problem = focus_problem(page)
        if problem:
            unseen.append(f"{page.url}: {problem}")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{limit} presses of Tab did not reach {target}")


def test_it_signs_in_and_opens_a_ticket_with_the_keyboard_only(page, contact_a, catalog):
    unseen: list[str] = []
    page.goto("/entrar/")
    expect(page.get_by_label("E-mail")).to_be_focused()  # autofocus
    page.keyboard.type(contact_a.email)
    tab_to(page, page.get_by_label("Senha"), unseen)
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="ATENDIMENTO", level=1)).to_be_visible()

    new_ticket = page.get_by_role("link", name="NOVA SOLICITAÇÃO")
    tab_to(page, new_ticket, unseen)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="NOVA SOLICITAÇÃO", level=1)).to_be_visible()

    tab_to(page, page.get_by_label("Assunto"), unseen)
    page.keyboard.type("Vídeo institucional")
    for label in ("Departamento", "Serviços", "Prioridade"):
        field = page.get_by_label(label)
        tab_to(page, field, unseen)
        page.keyboard.press("ArrowDown")  # from "Selecione…" to the first choice
        expect(field).not_to_have_value("")
    tab_to(page, page.get_by_label("Prazo"), unseen)
    page.keyboard.type(f"1212{NEXT_YEAR}")  # 12/12 of next year, whatever the order
    tab_to(page, page.get_by_label("Mensagem"), unseen)
    page.keyboard.type("Um vídeo de um minuto sobre a empresa.")
    tab_to(page, page.get_by_role("button", name="Salvar"), unseen)
    page.keyboard.press("Space")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Vídeo institucional")
    created = Ticket.objects.get()
    assert (created.department.name, created.service.name, created.priority.name) == (
        "Atendimento",
        "Redes Sociais",
        "Baixa",
    )
    assert created.deadline.isoformat() == f"{NEXT_YEAR}-12-12"
    assert created.messages.get().body == "Um vídeo de um minuto sobre a empresa."
    assert not unseen, "\n".join(unseen)
