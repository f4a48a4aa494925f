"""The lists' remembered counts (portal/tickets/counts.py): with a shared cache a count is
read from it until a ticket or message changes, never across scopes, never after a
change, and the counts that move with the clock alone are counted every time."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from portal.tickets.counts import GENERATION
from portal.tickets.models import Status, Ticket
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db(transaction=True)
LIST = reverse("tickets:list")
QUEUE = reverse("workspace:queue")
START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def shared_counts(settings):
    settings.TICKET_COUNTS_CACHE = True
    cache.clear()
    yield
    cache.clear()


def tabs(response) -> dict[str, int]:
    return {tab.value: tab.count for tab in response.context["tabs"]}


def counted(queries) -> int:
    return sum('COUNT(*) AS "n"' in query["sql"] for query in queries)


def test_a_count_is_read_once_and_again_after_every_change(
    client, contact_a, agent, catalog, django_assert_num_queries
):
    first = open_ticket(contact_a)
    client.force_login(contact_a)
    with django_assert_num_queries(5) as fresh:
        assert tabs(client.get(LIST))["open"] == 1
    assert counted(fresh.captured_queries) == 1
    with django_assert_num_queries(4) as again:
        assert tabs(client.get(LIST))["open"] == 1
    assert counted(again.captured_queries) == 0
    ticket_change_status(ticket=first, actor=agent, status=Status.WAITING_CLIENT)
    response = client.get(LIST)
    assert tabs(response)["open"] == 0 and tabs(response)["waiting_client"] == 1
    open_ticket(contact_a, subject="Outro")
    assert tabs(client.get(LIST))["open"] == 1


def test_a_message_starts_the_counts_again_so_a_search_counts_its_new_match(
    client, contact_a, agent, catalog
):
    ticket = open_ticket(contact_a, subject="Post de Natal")
    client.force_login(agent)
    assert client.get(QUEUE, {"q": "orçamento", "status": ""}).context["page"].paginator.count == 0
    ticket_answer(ticket=ticket, author=agent, body="Segue o orçamento", internal=True)
    assert client.get(QUEUE, {"q": "orçamento", "status": ""}).context["page"].paginator.count == 1


def test_each_scope_has_its_own_counts(client, contact_a, contact_b, catalog):
    open_ticket(contact_a)
    open_ticket(contact_a, subject="Dois")
    open_ticket(contact_b)
    client.force_login(contact_a)
    assert tabs(client.get(LIST))["open"] == 2
    client.force_login(contact_b)
    assert tabs(client.get(LIST))["open"] == 1


def test_a_change_rolled_back_keeps_the_counts(contact_a, agent, catalog, client):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    client.get(LIST)
    generation = cache.get(GENERATION)
    with pytest.raises(RuntimeError), transaction.atomic():
        ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
        raise RuntimeError
    assert cache.get(GENERATION) == generation
    ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    assert cache.get(GENERATION) != generation


def test_quick_views_remember_mine_but_count_missed_promises_as_time_passes(
    client, contact_a, agent, catalog
):
    with time_machine.travel(START, tick=False) as traveller:
        ticket = open_ticket(contact_a)
        ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        client.force_login(agent)
        views = {view.label: view.count for view in client.get(QUEUE).context["quick_views"]}
        assert views["Minhas"] == 1 and views["Estourados"] == 0
        # Nobody writes anything; the first answer's 24 hours run out.
        traveller.shift(datetime.timedelta(hours=25))
        views = {view.label: view.count for view in client.get(QUEUE).context["quick_views"]}
        assert views["Minhas"] == 1 and views["Estourados"] == 1


def test_without_a_shared_cache_nothing_is_remembered(client, contact_a, catalog, settings):
    settings.TICKET_COUNTS_CACHE = False
    open_ticket(contact_a)
    client.force_login(contact_a)
    client.get(LIST)
    client.get(LIST)
    assert cache.get(GENERATION) is None


def test_someone_who_sees_no_ticket_counts_nothing(contact_a, catalog):
    assert Ticket.objects.none().count_by_status() == dict.fromkeys(Status.values, 0)
