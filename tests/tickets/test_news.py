"""What is new for whom (portal/tickets/news.py): "Nova resposta" since a person last
opened a ticket, and the client's list highlighting what waits for them."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.tickets.deadlines import deadline_propose
from portal.tickets.models import Status, TicketVisit
from portal.tickets.services import ticket_answer, ticket_change_status, ticket_confirm
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
LIST = reverse("tickets:list")
QUEUE = reverse("workspace:queue")


def rows(client, url=LIST, **params):
    page = client.get(url, params).context["page"]
    return {ticket.number: ticket for ticket in page.object_list}


@pytest.fixture
def clock():
    start = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as t:
        yield t


def test_the_teams_answer_is_news_for_the_client_until_she_opens_it(
    client, contact_a, john, agent, clock
):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    assert not rows(client)[ticket.number].has_news  # her own opening is no news
    clock.shift(60)
    ticket_answer(ticket=ticket, author=agent, body="Pode mandar o logo?")
    listing = client.get(LIST).content.decode()
    assert rows(client)[ticket.number].has_news
    assert "Nova resposta" in listing
    clock.shift(60)
    client.get(reverse("tickets:detail", args=[ticket.number]))
    assert not rows(client)[ticket.number].has_news
    assert "Nova resposta" not in client.get(LIST).content.decode()
    # Her colleague never opened it: for him it is news too.
    client.force_login(john)
    assert rows(client)[ticket.number].has_news


def test_internal_notes_and_her_own_answers_are_no_news_for_her(client, contact_a, agent, clock):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    client.get(reverse("tickets:detail", args=[ticket.number]))
    clock.shift(60)
    ticket_answer(ticket=ticket, author=agent, body="Só a equipe vê.", internal=True)
    ticket_answer(ticket=ticket, author=contact_a, body="Mais um detalhe.")
    assert not rows(client)[ticket.number].has_news


def test_the_clients_answer_is_news_for_the_team_in_the_queue(client, contact_a, agent, clock):
    ticket = open_ticket(contact_a)
    client.force_login(agent)
    # A new request is not an answer: ABERTA says it is new.
    assert not rows(client, QUEUE)[ticket.number].has_news
    client.get(reverse("workspace:ticket", args=[ticket.number]))
    clock.shift(60)
    ticket_answer(ticket=ticket, author=agent, body="Recebido.")
    assert not rows(client, QUEUE)[ticket.number].has_news  # her own answer
    clock.shift(60)
    ticket_answer(ticket=ticket, author=contact_a, body="Segue o logo.")
    queue = client.get(QUEUE).content.decode()
    assert rows(client, QUEUE)[ticket.number].has_news and "Nova resposta" in queue
    # Sending her answer lands on the page, which counts as seeing it.
    clock.shift(60)
    client.post(reverse("workspace:answer", args=[ticket.number]), {"body": "Obrigada!"})
    assert not rows(client, QUEUE)[ticket.number].has_news
    assert TicketVisit.objects.filter(user=agent, ticket=ticket).exists()


def test_the_list_highlights_what_waits_for_the_client(client, contact_a, agent, clock):
    waiting = open_ticket(contact_a, subject="Aguardando")
    ticket_change_status(ticket=waiting, actor=agent, status=Status.WAITING_CLIENT)
    done = open_ticket(contact_a, subject="Concluída")
    ticket_change_status(ticket=done, actor=agent, status=Status.DONE)
    proposal = open_ticket(contact_a, subject="Proposta")
    ticket_change_status(ticket=proposal, actor=agent, status=Status.IN_PROGRESS)
    deadline_propose(
        ticket=proposal,
        actor=agent,
        deadline=proposal.deadline + datetime.timedelta(days=3),
        reason="Mais tempo",
    )
    closed = open_ticket(contact_a, subject="Encerrada")
    ticket_change_status(ticket=closed, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=closed, actor=contact_a)
    working = open_ticket(contact_a, subject="Em andamento")
    client.force_login(contact_a)
    found = rows(client)
    assert found[waiting.number].awaits_client
    assert found[done.number].awaits_client
    assert found[proposal.number].awaits_client
    assert not found[closed.number].awaits_client
    assert not found[working.number].awaits_client
    assert client.get(LIST).content.decode().count("Aguardando você") == 3


def test_the_marks_cost_no_query_of_their_own(client, contact_a, agent, django_assert_num_queries):
    client.force_login(contact_a)
    open_ticket(contact_a)
    client.get(LIST)
    with django_assert_num_queries(5):
        client.get(LIST)
    for n in range(4):
        ticket = open_ticket(contact_a, subject=f"Pedido {n}")
        ticket_answer(ticket=ticket, author=agent, body="Resposta")
    with django_assert_num_queries(5):
        client.get(LIST)


def test_a_visit_is_one_row_per_person_and_ticket(client, contact_a, clock):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    page = reverse("tickets:detail", args=[ticket.number])
    client.get(page)
    clock.shift(3600)
    client.get(page)
    visit = TicketVisit.objects.get()
    assert visit.seen_at == timezone.now()
