"""Two agents on one request, in two browsers (issue 16, point 4): each sees the other
there, refreshed without reloading, and an answer sent over the other's unseen change
waits for confirmation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.tickets.models import Message
from tests.e2e.helpers import log_in
from tests.support.factories import AgentFactory, open_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_agents_see_each_other_and_an_unseen_answer_is_confirmed_first(
    new_page, contact_a, agent, catalog
):
    carla = AgentFactory(name="Carla Agente")
    ticket = open_ticket(contact_a, subject="Banner")
    url = f"/equipe/solicitacoes/{ticket.number}/"
    bruno = new_page()
    log_in(bruno, agent.email)
    bruno.goto(url)
    other = new_page()
    log_in(other, carla.email)
    other.goto(url)
    expect(other.locator("[data-presence-text]")).to_have_text(
        f"{agent.name} também está vendo esta solicitação"
    )
    # Bruno's page learns it at its next beat, without reloading.
    bruno.evaluate("window.notReloaded = true")
    expect(bruno.locator("[data-presence-text]")).to_have_text(
        "Carla Agente também está vendo esta solicitação", timeout=15_000
    )

    bruno.get_by_label("Mensagem").fill("Começo hoje.")
    other.get_by_label("Mensagem").fill("Eu já estou fazendo.")
    other.get_by_role("button", name="Enviar", exact=True).click()
    expect(other.locator(".timeline")).to_contain_text("Eu já estou fazendo.")
    expect(bruno.locator("[data-presence-news]")).to_contain_text(
        "Há novidades nesta solicitação", timeout=15_000
    )
    assert bruno.evaluate("window.notReloaded") is True

    bruno.get_by_role("button", name="Enviar", exact=True).click()
    warning = bruno.locator(".meanwhile")
    expect(warning).to_contain_text("Enquanto você escrevia")
    expect(warning).to_contain_text("Eu já estou fazendo.")
    expect(warning).to_be_focused()
    expect(bruno.get_by_label("Mensagem")).to_have_value("Começo hoje.")
    assert not Message.objects.filter(author=agent).exists()
    bruno.get_by_role("button", name="Enviar mesmo assim").click()
    expect(bruno.locator(".timeline")).to_contain_text("Começo hoje.")
    assert Message.objects.filter(author=agent, body="Começo hoje.").exists()
