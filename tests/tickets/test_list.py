from __future__ import annotations

import pytest
from django.urls import reverse

from portal.tickets.models import Status
from portal.tickets.services import ticket_answer, ticket_change_status
from tests.support.factories import ContactFactory, open_ticket

pytestmark = pytest.mark.django_db
LIST = reverse("tickets:list")


def numbers(response) -> list[int]:
    return [r.number for r in response.context["page"].object_list]


def test_a_contact_sees_the_company_tickets_latest_activity_first(
    client, contact_a, contact_b, agent
):
    colleague = ContactFactory(company=contact_a.company)
    first = open_ticket(contact_a, subject="Primeira")
    open_ticket(colleague, subject="Da colega")
    open_ticket(contact_b, subject="De outra empresa")
    ticket_answer(ticket=first, author=agent, body="Novidades")
    client.force_login(contact_a)
    response = client.get(LIST)
    assert numbers(response) == [1, 2]
    body = response.content.decode()
    assert "De outra empresa" not in body
    for header in ["Nº", "Assunto", "Departamento", "Serviços", "Prioridade", "Status", "Prazo"]:
        assert header in body


def test_an_admin_can_narrow_a_contact_to_their_own_tickets(client, contact_a):
    colleague = ContactFactory(company=contact_a.company)
    open_ticket(contact_a)
    colleague_ticket = open_ticket(colleague)
    contact_a.sees_own_requests_only = True
    contact_a.save()
    client.force_login(contact_a)
    assert numbers(client.get(LIST)) == [1]
    detail = reverse("tickets:detail", args=[colleague_ticket.number])
    assert client.get(detail).status_code == 404


def test_the_five_statuses_show_with_counts_and_filter_through_the_url(client, contact_a, agent):
    for _ in range(3):
        open_ticket(contact_a)
    second = open_ticket(contact_a)
    ticket_change_status(ticket=second, actor=agent, status=Status.WAITING_CLIENT)
    client.force_login(contact_a)
    response = client.get(LIST)
    body = response.content.decode()
    for label in ["ABERTA", "EM ANDAMENTO", "AGUARDANDO RETORNO", "STAND BY", "CONCLUÍDA"]:
        assert label in body
    tabs = {value: count for value, _label, count in response.context["tabs"]}
    assert tabs == {
        "open": 3,
        "in_progress": 0,
        "waiting_client": 1,
        "stand_by": 0,
        "done": 0,
    }
    assert 'href="?status=waiting_client"' in body
    filtered = client.get(LIST, {"status": "waiting_client"})
    assert numbers(filtered) == [4]
    assert 'aria-current="page"' in filtered.content.decode()


def test_an_unknown_status_filter_shows_everything(client, contact_a):
    open_ticket(contact_a)
    client.force_login(contact_a)
    assert numbers(client.get(LIST, {"status": "<script>"})) == [1]


def test_search_covers_subjects_and_messages_but_not_internal_notes(client, contact_a, agent):
    by_subject = open_ticket(contact_a, subject="Banner de verão")
    by_message = open_ticket(contact_a, subject="Outro", body="Precisamos do banner novo")
    hidden = open_ticket(contact_a, subject="Terceiro")
    ticket_answer(ticket=hidden, author=agent, body="banner interno", internal=True)
    client.force_login(contact_a)
    found = numbers(client.get(LIST, {"q": "BANNER"}))
    assert sorted(found) == [by_subject.number, by_message.number]


def test_the_list_is_paginated_and_keeps_the_filter(client, contact_a, settings):
    settings.REQUESTS_PER_PAGE = 2
    for _ in range(5):
        open_ticket(contact_a)
    client.force_login(contact_a)
    page_two = client.get(LIST, {"status": "open", "page": 2})
    assert numbers(page_two) == [3, 2]
    assert "?status=open&amp;page=3" in page_two.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(client, contact_a, django_assert_num_queries):
    open_ticket(contact_a)
    client.force_login(contact_a)
    client.get(LIST)
    # session, user, counts (which give the page count too), page rows
    with django_assert_num_queries(4):
        client.get(LIST)
    for _ in range(6):
        open_ticket(contact_a)
    with django_assert_num_queries(4):
        client.get(LIST)


def test_anonymous_visitors_go_to_login(client):
    assert client.get(LIST)["Location"].startswith(reverse("accounts:login"))
