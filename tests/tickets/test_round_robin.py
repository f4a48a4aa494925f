"""Rodízio (portal/tickets/rotation.py): a department can give each new request to the
next of its agents in turn, skipping those marked Ausente and deactivated ones; where it
is set (Configurações) and where the agent says they are away (Minha conta, Equipe)."""

from __future__ import annotations

import threading
from collections import Counter
from itertools import pairwise

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse

from portal.tickets.models import Department, Event, Status, Ticket
from tests.support.factories import AgentFactory, DepartmentFactory, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    """Three agents of Atendimento, in the order they joined, the department in turn."""
    agents = [
        AgentFactory(name="Agente A", email="a@zweiarts.test"),
        AgentFactory(name="Agente B", email="b@zweiarts.test"),
        AgentFactory(name="Agente C", email="c@zweiarts.test"),
    ]
    department = DepartmentFactory()
    department.members.set(agents)
    department.round_robin = True
    department.save()
    return agents


def assignees(tickets) -> list[str | None]:
    return [
        ticket.assignee.name if ticket.assignee else None
        for ticket in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("number")
    ]


def test_new_requests_go_to_each_agent_in_turn(contact_a, team):
    tickets = [open_ticket(contact_a) for _ in range(4)]
    assert assignees(tickets) == ["Agente A", "Agente B", "Agente C", "Agente A"]
    first = Ticket.objects.get(pk=tickets[0].pk)
    assert first.status == Status.OPEN  # designated, not yet taken up
    event = first.events.get(kind=Event.Kind.ASSIGNED)
    assert event.actor is None and event.data == {"from": None, "to": "Agente A"}


def test_the_agent_is_told_and_the_rest_of_the_department_is_not(contact_a, team):
    mail.outbox.clear()
    ticket = open_ticket(contact_a)
    to_staff = [message for message in mail.outbox if message.to[0].endswith("@zweiarts.test")]
    assert {message.to[0] for message in to_staff} == {"a@zweiarts.test"}
    told = [message for message in to_staff if "designado" in message.body]
    assert len(told) == 1
    assert (
        f"Você foi designado para #{ticket.number} pelo rodízio entre os agentes de Atendimento."
        in told[0].body
    )
    assert told[0].alternatives  # the HTML part too


def test_agents_away_and_deactivated_are_skipped(contact_a, team):
    _first, second, third = team
    second.is_away = True
    second.save()
    third.is_active = False
    third.save()
    tickets = [open_ticket(contact_a) for _ in range(2)]
    assert assignees(tickets) == ["Agente A", "Agente A"]
    second.is_away = False
    second.save()
    assert assignees([open_ticket(contact_a)]) == ["Agente B"]


def test_a_department_with_nobody_available_leaves_the_request_unassigned(contact_a, team):
    for agent in team:
        agent.is_away = True
        agent.save()
    assert assignees([open_ticket(contact_a)]) == [None]
    Department.objects.get(name="Atendimento").members.clear()
    assert assignees([open_ticket(contact_a)]) == [None]


def test_without_the_option_nothing_is_assigned(contact_a, team):
    Department.objects.update(round_robin=False)
    assert assignees([open_ticket(contact_a)]) == [None]


@pytest.mark.django_db(transaction=True)
def test_requests_opened_at_the_same_moment_go_to_different_agents(contact_a):
    # On PostgreSQL the threads really race (make test-postgres); the department's row,
    # locked while the next agent is chosen, puts them one after the other.
    agents = [AgentFactory(name=f"Agente {n}") for n in range(2)]
    department = DepartmentFactory()
    department.members.set(agents)
    Department.objects.filter(pk=department.pk).update(round_robin=True)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            for _ in range(3):
                open_ticket(contact_a)
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    order = list(Ticket.objects.order_by("number").values_list("assignee__name", flat=True))
    assert len(order) == 12 and None not in order
    assert Counter(order) == {"Agente 0": 6, "Agente 1": 6}
    assert all(one != two for one, two in pairwise(order))


# --- Where it is set


def test_an_admin_turns_it_on_for_a_department(client, admin_user, agent):
    department = DepartmentFactory()
    client.force_login(admin_user)
    url = reverse("settings:catalog_edit", args=["departamentos", department.pk])
    page = client.get(url).content.decode()
    assert "Distribuir novas solicitações em rodízio" in page
    response = client.post(
        url,
        {
            "name": "Atendimento",
            "position": 0,
            "is_active": "on",
            "round_robin": "on",
            "members": [agent.pk],
        },
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.round_robin
    client.post(url, {"name": "Atendimento", "position": 0, "is_active": "on"})
    department.refresh_from_db()
    assert not department.round_robin


def test_an_agent_says_they_are_away_in_minha_conta(client, agent, contact_a):
    client.force_login(agent)
    assert "Ausente" in client.get(reverse("accounts:account")).content.decode()
    data = {"name": agent.name, "language": "pt-br", "is_away": "on"}
    client.post(reverse("accounts:account"), data)
    agent.refresh_from_db()
    assert agent.is_away
    client.force_login(contact_a)
    assert 'name="is_away"' not in client.get(reverse("accounts:account")).content.decode()
    client.post(reverse("accounts:account"), {**data, "name": contact_a.name})
    contact_a.refresh_from_db()
    assert not contact_a.is_away


def test_an_admin_marks_a_colleague_away_and_back(client, admin_user, agent):
    url = reverse("settings:team_set_away", args=[agent.pk])
    client.force_login(agent)
    assert client.post(url, {"is_away": "1"}).status_code == 404
    client.force_login(admin_user)
    assert client.post(url, {"is_away": "1"})["Location"] == reverse("settings:team")
    agent.refresh_from_db()
    assert agent.is_away
    assert "Marcar como presente" in client.get(reverse("settings:team")).content.decode()
    client.post(url, {"is_away": "0"})
    agent.refresh_from_db()
    assert not agent.is_away
