"""The queue's company filter in the browser: type part of a name, pick the suggestion,
filter (issue 17, point 4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in
from tests.support.factories import open_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_agent_picks_a_company_from_the_suggestions(page, contact_a, contact_b, agent, catalog):
    open_ticket(contact_a, subject="Pedido da ACME")
    open_ticket(contact_b, subject="Pedido da Boreal")
    log_in(page, agent.email)
    page.goto("/equipe/")
    field = page.get_by_role("combobox", name="Empresa")
    field.press_sequentially(contact_b.company.name[:3])
    option = page.get_by_role("option", name=contact_b.company.name)
    expect(option).to_be_visible()
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value(contact_b.company.name)
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("tbody")).to_contain_text("Pedido da Boreal")
    expect(page.locator("tbody")).not_to_contain_text("Pedido da ACME")
    assert f"company={contact_b.company.pk}" in page.url
