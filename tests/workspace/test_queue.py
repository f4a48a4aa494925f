from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.tickets.models import Department, Priority, Service, Status
from portal.tickets.services import (
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_classify,
)
from tests.support.factories import AgentFactory, open_ticket

pytestmark = pytest.mark.django_db
QUEUE = reverse("workspace:queue")


def numbers(response) -> list[int]:
    return [r.number for r in response.context["page"].object_list]


@pytest.fixture
def tickets(contact_a, contact_b, agent, catalog):
    """#1 ACME open; #2 Boreal in progress, mine, Financeiro/urgent;
    #3 ACME waiting for the client, assigned to another agent."""
    other = AgentFactory(name="Carla Agente")
    first = open_ticket(contact_a, subject="Post de Natal")
    second = open_ticket(contact_b, subject="Boleto atrasado")
    ticket_assign(ticket=second, actor=agent, assignee=agent)
    ticket_change_status(ticket=second, actor=agent, status=Status.IN_PROGRESS)
    ticket_classify(
        ticket=second,
        actor=agent,
        department=Department.objects.get(name="Financeiro"),
        service=Service.objects.get(name="Financeiro"),
        priority=Priority.objects.get(name="Urgente"),
    )
    third = open_ticket(contact_a, subject="Banner do site")
    ticket_assign(ticket=third, actor=agent, assignee=other)
    ticket_change_status(ticket=third, actor=agent, status=Status.WAITING_CLIENT)
    return first, second, third, other


def test_the_queue_shows_every_client_latest_activity_first(client, agent, tickets):
    client.force_login(agent)
    response = client.get(QUEUE)
    assert numbers(response) == [3, 2, 1]
    body = response.content.decode()
    assert "ACME Alimentos" in body and "Boreal Turismo" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, [1]),
        ({"company": "company_b"}, [2]),
        ({"department": "Financeiro"}, [2]),
        ({"service": "Financeiro"}, [2]),
        ({"priority": "Urgente"}, [2]),
        ({"assignee": "me"}, [2]),
        ({"assignee": "none"}, [1]),
        ({"assignee": "other"}, [3]),
        ({"q": "boleto"}, [2]),
        ({"q": "#3"}, [3]),
        ({"status": "bogus", "company": "999"}, [3, 2, 1]),
    ],
)
def test_each_filter_lives_in_the_url(client, agent, tickets, company_b, params, expected):
    lookups = {
        "company_b": str(company_b.pk),
        "Financeiro": None,
        "Urgente": str(Priority.objects.get(name="Urgente").pk),
        "other": str(tickets[3].pk),
    }
    query = {}
    for key, value in params.items():
        if key == "department" and value == "Financeiro":
            value = str(Department.objects.get(name="Financeiro").pk)
        elif key == "service" and value == "Financeiro":
            value = str(Service.objects.get(name="Financeiro").pk)
        elif lookups.get(value):
            value = lookups[value]
        query[key] = value
    client.force_login(agent)
    assert numbers(client.get(QUEUE, query)) == expected


def test_two_filters_combine_and_the_counts_follow_them(client, agent, tickets, company_a):
    client.force_login(agent)
    response = client.get(QUEUE, {"company": company_a.pk, "status": "waiting_client"})
    assert numbers(response) == [3]
    tabs = {value: count for value, _label, count in response.context["tabs"]}
    assert tabs["open"] == 1 and tabs["waiting_client"] == 1 and tabs["in_progress"] == 0


def test_search_finds_internal_notes_for_staff(client, agent, tickets):
    ticket_answer(ticket=tickets[0], author=agent, body="cliente pediu urgência", internal=True)
    client.force_login(agent)
    assert numbers(client.get(QUEUE, {"q": "urgência"})) == [1]


def test_overdue_shows_late_unfinished_tickets(client, agent, tickets):
    client.force_login(agent)
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        response = client.get(QUEUE, {"overdue": "on"})
        assert numbers(response) == [3, 2, 1]
        assert 'class="overdue"' in response.content.decode()
    assert numbers(client.get(QUEUE, {"overdue": "on"})) == []


def test_sorting_by_priority_and_deadline(client, agent, tickets):
    client.force_login(agent)
    assert numbers(client.get(QUEUE, {"sort": "priority"}))[0] == 2
    assert numbers(client.get(QUEUE, {"sort": "number"})) == [3, 2, 1]


def test_the_queue_is_paginated(client, agent, tickets, settings):
    settings.REQUESTS_PER_PAGE = 2
    client.force_login(agent)
    assert numbers(client.get(QUEUE, {"page": 2})) == [1]


def test_the_queue_runs_a_fixed_number_of_queries(
    client, agent, tickets, contact_a, django_assert_num_queries
):
    client.force_login(agent)
    client.get(QUEUE)
    # session, user, filter choices (departments, services, priorities, companies, staff),
    # counts (which give the page count too), page rows
    with django_assert_num_queries(9):
        client.get(QUEUE, {"assignee": "me"})
    for _ in range(5):
        open_ticket(contact_a)
    with django_assert_num_queries(9):
        client.get(QUEUE, {"assignee": "me"})
