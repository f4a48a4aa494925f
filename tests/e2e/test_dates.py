"""Issue 15, point 7 in a real browser: the Prazo typed as dd/mm/aaaa in an English
browser (it gave the year 122026 when the field followed the browser's locale)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.tickets.models import Ticket
from tests.e2e.helpers import DESKTOP, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEXT_YEAR = timezone.localdate().year + 1


@pytest.mark.parametrize("typed", [f"10/12/{NEXT_YEAR}", f"1012{NEXT_YEAR}"])
def test_an_english_browser_types_the_deadline_day_first(browser, site, contact_a, catalog, typed):
    context = browser.new_context(
        base_url=site, viewport=DESKTOP, locale="en-US", timezone_id="America/Sao_Paulo"
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, contact_a.email)
        page.goto("/atendimento/nova/")
        page.get_by_label("Assunto").fill("Post de Natal")
        page.get_by_label("Departamento").select_option(label="Atendimento")
        page.get_by_label("Serviços").select_option(label="Redes Sociais")
        page.get_by_label("Prioridade").select_option(label="Alta")
        prazo = page.get_by_label("Prazo")
        expect(prazo).to_have_attribute("placeholder", "dd/mm/aaaa")
        prazo.press_sequentially(typed)
        expect(prazo).to_have_value(f"10/12/{NEXT_YEAR}")  # slashes inserted as one types
        page.get_by_label("Mensagem").fill("Um post para o Natal.")
        page.get_by_role("button", name="Salvar").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Post de Natal")
        assert Ticket.objects.get().deadline == datetime.date(NEXT_YEAR, 12, 10)
        expect(page.get_by_text(f"10 de dezembro de {NEXT_YEAR}").first).to_be_visible()
    finally:
        context.close()
