"""Collisions on the staff request page (issue 16, point 4): who else has it open, a
composer sent over changes its author had not seen, two agents changing the same thing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from portal.tickets.models import Status
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from tests.support.factories import AgentFactory, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(contact_a, catalog):
    return open_ticket(contact_a, subject="Banner")


@pytest.fixture
def carla(db):
    return AgentFactory(name="Carla Agente")


def page(client, ticket):
    return client.get(reverse("workspace:ticket", args=[ticket.number]))


def beat(client, ticket, **data):
    return client.post(reverse("workspace:presence", args=[ticket.number]), data)


def test_each_agent_sees_who_else_has_the_request_open(client, agent, carla, ticket):
    start = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(agent)
        assert "também está vendo" not in page(client, ticket).content.decode()
        client.force_login(carla)
        assert f"{agent.name} também está vendo" in page(client, ticket).content.decode()
        client.force_login(agent)
        answer = beat(client, ticket).json()
        assert answer["others"] == ["Carla Agente"]
        assert answer["text"] == "Carla Agente também está vendo esta solicitação"
        # Carla's page stops beating: after 30 s she is gone.
        clock.shift(31)
        assert beat(client, ticket).json()["others"] == []
        client.force_login(carla)
        beat(client, ticket)
        beat(client, ticket, leave="1")
        client.force_login(agent)
        assert beat(client, ticket).json()["others"] == []


def test_the_heartbeat_tells_of_news_since_the_page_was_drawn(
    client, agent, carla, contact_a, ticket
):
    client.force_login(agent)
    version = page(client, ticket).context["answer_form"]["seen_version"].value()
    assert beat(client, ticket, version=version).json()["news"] == ""
    ticket_answer(ticket=ticket, author=agent, body="Minha própria resposta")
    assert beat(client, ticket, version=version).json()["news"] == ""  # her own
    ticket_answer(ticket=ticket, author=contact_a, body="Segue o logo.")
    assert "recarregue" in beat(client, ticket, version=version).json()["news"]


def test_presence_is_staff_only_and_404_elsewhere(client, contact_a, agent, ticket):
    client.force_login(contact_a)
    assert beat(client, ticket).status_code == 404
    client.force_login(agent)
    assert client.post(reverse("workspace:presence", args=[999])).status_code == 404
    assert client.get(reverse("workspace:presence", args=[ticket.number])).status_code == 405


def test_a_composer_sent_over_unseen_changes_shows_them_and_waits_for_confirmation(
    client, agent, carla, contact_a, ticket
):
    client.force_login(agent)
    form = page(client, ticket).context["answer_form"]
    data = {
        "body": "Vou começar hoje.",
        "status": Status.OPEN,
        "seen": Status.OPEN,
        "assignee": "",
        "seen_assignee": "",
        "seen_version": form["seen_version"].value(),
    }
    # Meanwhile the client wrote and Carla took the request.
    ticket_answer(ticket=ticket, author=contact_a, body="Na verdade, mudou tudo.")
    ticket_assign(ticket=ticket, actor=carla, assignee=carla)
    response = client.post(reverse("workspace:answer", args=[ticket.number]), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Enquanto você escrevia" in body and "Na verdade, mudou tudo." in body
    assert "Carla Agente" in body and "Enviar mesmo assim" in body
    assert "Vou começar hoje.</textarea>" in body  # nothing typed is lost
    assert not ticket.messages.filter(author=agent).exists()
    # Confirming sends it, without undoing Carla's assignment the agent left alone.
    confirmed = response.context["answer_form"]
    again = {
        name: confirmed[name].value() or ""
        for name in ("body", "status", "seen", "assignee", "seen_assignee", "seen_version")
    }
    again["confirmed"] = "on"
    response = client.post(reverse("workspace:answer", args=[ticket.number]), again)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.messages.filter(author=agent, body="Vou começar hoje.").exists()
    assert ticket.assignee == carla


def test_own_changes_and_an_old_form_without_version_need_no_confirmation(client, agent, ticket):
    client.force_login(agent)
    version = page(client, ticket).context["answer_form"]["seen_version"].value()
    ticket_answer(ticket=ticket, author=agent, body="Eu mesma, em outra aba.")
    url = reverse("workspace:answer", args=[ticket.number])
    assert client.post(url, {"body": "De novo", "seen_version": version}).status_code == 302
    assert client.post(url, {"body": "Sem versão"}).status_code == 302


def test_two_agents_choosing_who_attends_at_once_cannot_both_win(client, agent, carla, ticket):
    client.force_login(agent)
    dora = AgentFactory(name="Dora Agente")
    # Both pages showed nobody attending; Carla saved first.
    ticket_assign(ticket=ticket, actor=carla, assignee=carla)
    response = client.post(
        reverse("workspace:answer", args=[ticket.number]),
        {"assignee": dora.pk, "seen_assignee": "", "confirmed": "on"},
    )
    assert response.status_code == 400
    assert "Alguém mudou quem atende neste meio-tempo: agora Carla Agente." in (
        response.content.decode()
    )
    ticket.refresh_from_db()
    assert ticket.assignee == carla
    # "Assumir" over a colleague's assignment the page did not show is refused too.
    response = client.post(
        reverse("workspace:answer", args=[ticket.number]),
        {"take": "1", "seen_assignee": "", "confirmed": "on"},
    )
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.assignee == carla


def test_two_status_changes_at_once_cannot_both_win(client, agent, carla, ticket):
    client.force_login(agent)
    ticket_change_status(ticket=ticket, actor=carla, status=Status.WAITING_CLIENT)
    response = client.post(
        reverse("workspace:answer", args=[ticket.number]),
        {"status": Status.DONE, "seen": Status.OPEN, "confirmed": "on"},
    )
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CLIENT
