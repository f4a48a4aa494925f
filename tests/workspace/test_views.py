"""The staff workspace (portal/workspace/views.py): the queue, a ticket's page and its
actions (answer, assign, status, deadline, classification), and the canned replies.

The client companies are in test_clients_views.py, the admin settings in
test_settings_views.py.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.tickets.models import Attachment, Department, Event, Priority, Service, Status, Ticket
from portal.tickets.services import (
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_classify,
    ticket_confirm,
)
from portal.workspace.models import CannedReply
from tests.support.factories import AgentFactory, open_ticket, propose_meeting
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db
QUEUE = reverse("workspace:queue")
LIST = reverse("workspace:canned_replies")


# --- Every staff URL (listed in conftest.py): a contact gets 404 (GET and POST), a visitor
# goes to login


def test_a_contact_gets_404_on_every_staff_url(client, contact_a, staff_urls, admin_urls):
    client.force_login(contact_a)
    for url in staff_urls + admin_urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"status": "done", "body": "x", "active": "0"}).status_code == 404
    assert Ticket.objects.get().status == "open"
    contact_a.refresh_from_db()
    assert contact_a.is_active


def test_a_visitor_is_sent_to_login(client, staff_urls, admin_urls):
    for url in staff_urls + admin_urls:
        response = client.get(url)
        assert response.status_code == 302 and "/entrar/" in response["Location"], url


# --- The queue


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


def test_the_queue_opens_on_unfinished_work_the_next_promise_due_first(client, agent, tickets):
    client.force_login(agent)
    # #1 and #2 wait for a first answer (#1 opened first, so due first); #3 waits for
    # the client, its clock paused: last.
    response = client.get(QUEUE)
    assert numbers(response) == [1, 2, 3]
    assert response.context["status"] == "unfinished"
    body = response.content.decode()
    assert "ACME Alimentos" in body and "Boreal Turismo" in body
    assert numbers(client.get(QUEUE, {"sort": "activity"})) == [3, 2, 1]
    ticket_change_status(ticket=tickets[1], actor=agent, status=Status.DONE)
    assert numbers(client.get(QUEUE)) == [1, 3]
    assert numbers(client.get(QUEUE, {"status": "", "sort": "activity"})) == [2, 3, 1]
    assert numbers(client.get(QUEUE, {"status": "done"})) == [2]


def test_quick_views_show_their_counts_and_which_one_is_shown(client, agent, tickets):
    client.force_login(agent)
    ticket_change_status(ticket=tickets[1], actor=agent, status=Status.DONE)
    views = {view.label: view for view in client.get(QUEUE).context["quick_views"]}
    # Unfinished work only: #2 (mine) is concluded.
    assert views["Minhas"].count == 0 and views["Sem responsável"].count == 1
    assert not any(view.active for view in views.values())
    response = client.get(QUEUE, {"assignee": "none", "status": "unfinished", "sort": "due"})
    assert numbers(response) == [1]
    views = {view.label: view for view in response.context["quick_views"]}
    assert views["Sem responsável"].active and not views["Minhas"].active
    assert 'aria-current="page">Sem responsável <span class="count">1</span>' in (
        response.content.decode()
    )


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
    tabs = {tab.value: tab.count for tab in response.context["tabs"]}
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
    assert numbers(client.get(QUEUE, {"page": 2, "sort": "activity"})) == [1]
    # The default view pages too.
    assert numbers(client.get(QUEUE, {"page": 2})) == [3]


def test_the_queue_runs_a_fixed_number_of_queries(
    client, agent, tickets, contact_a, django_assert_num_queries
):
    client.force_login(agent)
    client.get(QUEUE)
    # session, user, filter choices (departments, services, priorities, staff),
    # counts (which give the page count too), page rows, the bell, the four quick views'
    # counts
    with django_assert_num_queries(13):
        client.get(QUEUE, {"assignee": "me"})
    for _ in range(5):
        open_ticket(contact_a)
    with django_assert_num_queries(13):
        client.get(QUEUE, {"assignee": "me"})


# --- A ticket's page and its actions


def url(name: str, number: int = 1) -> str:
    return reverse(f"workspace:{name}", args=[number])


@pytest.fixture
def ticket(contact_a, catalog):
    return open_ticket(contact_a, subject="Banner de verão", body="Trocar o banner")


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


def test_the_page_shows_the_ticket_and_the_staff_forms(as_agent, ticket):
    body = as_agent.get(url("ticket")).content.decode()
    for text in [
        "Banner de verão",
        "Trocar o banner",
        "ACME Alimentos",
        "Atendido por",
        "Assumir",
        "Propor novo prazo",
        "Propor reunião",
        "Nota interna",
    ]:
        assert text in body, text
    # The Prazo is a text field written dd/mm/aaaa, whatever the browser's language.
    assert f'name="deadline" value="{ticket.deadline:%d/%m/%Y}"' in body


def test_an_agent_takes_the_ticket(as_agent, ticket, agent):
    as_agent.post(url("assign"), {"take": "1"})
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    # Taken, it is no longer ABERTA: the client reads that the team is on it.
    assert ticket.status == Status.IN_PROGRESS
    assigned, moved = ticket.events.order_by("pk")[1:]
    assert assigned.kind == Event.Kind.ASSIGNED and assigned.actor == agent
    assert moved.kind == Event.Kind.STATUS_CHANGED and moved.data == {
        "from": "open",
        "to": "in_progress",
    }


def test_an_agent_assigns_it_to_another_and_back_to_nobody(as_agent, ticket):
    carla = AgentFactory(name="Carla Agente")
    as_agent.post(url("assign"), {"assignee": carla.pk})
    ticket.refresh_from_db()
    assert ticket.assignee == carla
    as_agent.post(url("assign"), {"assignee": ""})
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_contact_cannot_be_assigned(as_agent, ticket, contact_a):
    response = as_agent.post(url("assign"), {"assignee": contact_a.pk})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_the_status_follows_the_lifecycle(as_agent, ticket):
    for status in [Status.IN_PROGRESS, Status.WAITING_CLIENT, Status.DONE, Status.IN_PROGRESS]:
        as_agent.post(url("status"), {"status": status})
        ticket.refresh_from_db()
        assert ticket.status == status
    # The form offers only what may follow.
    body = as_agent.get(url("ticket")).content.decode()
    assert 'value="open"' not in body and 'value="stand_by"' not in body
    refused = as_agent.post(url("status"), {"status": Status.OPEN})
    assert refused.status_code == 400
    assert "Uma solicitação em EM ANDAMENTO não pode passar para ABERTA." in (
        refused.content.decode()
    )
    refused = as_agent.post(url("status"), {"status": Status.STAND_BY})
    assert "use “Propor reunião”" in refused.content.decode()
    assert as_agent.post(url("status"), {"status": "closed"}).status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_an_answer_reaches_the_client_and_a_note_does_not(
    as_agent, client, ticket, contact_a, agent
):
    as_agent.post(url("answer"), {"body": "Resposta para o cliente"})
    as_agent.post(
        url("answer"),
        {"body": "Nota só da equipe", "internal": "on", "attachments": [pdf_upload("x.pdf")]},
    )
    staff_page = as_agent.get(url("ticket")).content.decode()
    assert "Resposta para o cliente" in staff_page and "Nota só da equipe" in staff_page
    note = ticket.messages.get(body="Nota só da equipe")
    assert note.is_internal
    client.force_login(contact_a)
    client_page = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert "Resposta para o cliente" in client_page and "Nota só da equipe" not in client_page
    assert "x.pdf" not in client_page
    attachment = Attachment.objects.get()
    download = reverse("tickets:attachment", args=[attachment.pk, attachment.original_name])
    assert client.get(download).status_code == 404
    assert client.get(reverse("tickets:list"), {"q": "equipe"}).context["page"].paginator.count == 0


def test_an_empty_answer_is_refused_next_to_the_field(as_agent, ticket):
    response = as_agent.post(url("answer"), {"body": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_body_error"' in page
    assert "Escreva uma mensagem, ou escolha outro status ou outra pessoa para atendê-la." in page
    assert ticket.messages.count() == 1


def test_a_deadline_proposal_needs_a_reason_and_moves_nothing_until_accepted(
    as_agent, client, ticket, contact_a
):
    new_date = (timezone.localdate() + timedelta(days=20)).isoformat()
    refused = as_agent.post(url("propose_deadline"), {"deadline": new_date, "reason": ""})
    assert refused.status_code == 400 and "Este campo é obrigatório." in refused.content.decode()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = as_agent.post(url("propose_deadline"), {"deadline": past, "reason": "Atraso"})
    assert "O prazo não pode estar no passado." in refused.content.decode()
    original = ticket.deadline
    as_agent.post(
        url("propose_deadline"), {"deadline": new_date, "reason": "Aguardando fotos do cliente"}
    )
    ticket.refresh_from_db()
    assert ticket.deadline == original
    assert "aguardando a resposta do cliente" in as_agent.get(url("ticket")).content.decode()
    client.force_login(contact_a)
    page = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert "Aguardando fotos do cliente" in page and "Aceitar novo prazo" in page


def test_department_service_and_priority_can_be_corrected(as_agent, ticket, catalog):
    financeiro = Department.objects.get(name="Financeiro")
    urgente = Priority.objects.get(name="Urgente")
    as_agent.post(
        url("classify"),
        {"department": financeiro.pk, "service": catalog["service"].pk, "priority": urgente.pk},
    )
    ticket.refresh_from_db()
    assert ticket.department == financeiro and ticket.priority == urgente
    event = ticket.events.last()
    assert event.kind == Event.Kind.CLASSIFIED
    assert event.data["changes"]["department"] == {"from": "Atendimento", "to": "Financeiro"}
    assert "service" not in event.data["changes"]


def test_a_closed_ticket_accepts_no_more_changes(as_agent, ticket, agent, contact_a):
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=ticket, actor=contact_a)
    page = as_agent.get(url("ticket")).content.decode()
    assert "Alterar prazo" not in page
    assert as_agent.post(url("status"), {"status": "open"}).status_code == 400
    assert as_agent.post(url("answer"), {"body": "Mais algo"}).status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == Status.DONE and ticket.messages.count() == 1


def test_the_page_shows_what_changed_since_the_last_visit(as_agent, ticket, contact_a):
    as_agent.get(url("ticket"))
    assert "Desde a sua última visita" not in as_agent.get(url("ticket")).content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        ticket_answer(ticket=ticket, author=contact_a, body="Novidade do cliente")
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        body = as_agent.get(url("ticket")).content.decode()
        assert "Desde a sua última visita" in body and "1 nova mensagem" in body
        assert 'class="is-new"' in body
        assert "Desde a sua última visita" not in as_agent.get(url("ticket")).content.decode()


def test_the_page_runs_a_fixed_number_of_queries(
    as_agent, ticket, agent, django_assert_num_queries
):
    as_agent.get(url("ticket"))
    # session, user, ticket, last visit, changes since (2), canned replies, the pending
    # proposal, the current meeting, the running clocks, messages, attachments, events,
    # staff for the assign form, departments, services, priorities, the followers,
    # people to add, the bell, the answers to the service's fields, the visit upsert,
    # the draft
    expected = 23
    with django_assert_num_queries(expected):
        as_agent.get(url("ticket"))
    for n in range(4):
        ticket_answer(ticket=ticket, author=agent, body=f"Mensagem {n}")
        ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
        propose_meeting(ticket, agent=agent, days=(1, 2))
    # ... and the meeting's proposed times.
    with django_assert_num_queries(expected + 1):
        as_agent.get(url("ticket"))


def test_an_unknown_number_is_404(as_agent):
    assert as_agent.get(url("ticket", 999)).status_code == 404


# --- Canned replies


@pytest.fixture
def carla(db):
    return AgentFactory(name="Carla Agente")


def test_an_agent_keeps_personal_and_shared_replies(client, agent, carla):
    client.force_login(agent)
    client.post(LIST, {"title": "Boas-vindas", "body": "Olá! Recebemos o seu pedido."})
    client.post(LIST, {"title": "Prazo", "body": "Entregamos até sexta.", "is_shared": "on"})
    assert CannedReply.objects.filter(owner=agent).count() == 2
    client.force_login(carla)
    body = client.get(LIST).content.decode()
    assert "Prazo" in body and "Boas-vindas" not in body


def test_a_blank_reply_is_refused_next_to_the_fields(client, agent):
    client.force_login(agent)
    response = client.post(LIST, {"title": "", "body": ""})
    assert response.content.decode().count("<li>Este campo é obrigatório.</li>") == 2
    assert not CannedReply.objects.exists()


def test_a_reply_is_inserted_into_the_answer(client, agent, carla, contact_a, catalog):
    ticket = open_ticket(contact_a)
    mine = CannedReply.objects.create(title="Oi", body="Texto pronto & <b>seguro</b>", owner=agent)
    private = CannedReply.objects.create(title="Dela", body="Particular da Carla", owner=carla)
    client.force_login(agent)
    page = reverse("workspace:ticket", args=[ticket.number])
    body = client.get(page, {"resposta": mine.pk}).content.decode()
    assert "Texto pronto &amp; &lt;b&gt;seguro&lt;/b&gt;</textarea>" in body
    assert "Particular da Carla" not in client.get(page, {"resposta": private.pk}).content.decode()


def test_only_the_owner_edits_a_personal_reply(client, agent, carla, admin_user):
    reply = CannedReply.objects.create(title="Minha", body="...", owner=agent)
    edit = reverse("workspace:canned_reply_edit", args=[reply.pk])
    delete = reverse("workspace:canned_reply_delete", args=[reply.pk])
    for other in (carla, admin_user):
        client.force_login(other)
        assert client.get(edit).status_code == 404
        assert client.post(delete).status_code == 404
    client.force_login(agent)
    client.post(edit, {"title": "Minha editada", "body": "Novo texto"})
    reply.refresh_from_db()
    assert reply.title == "Minha editada"
    client.post(delete)
    assert not CannedReply.objects.exists()


def test_an_admin_may_edit_a_shared_reply_but_an_agent_may_not(client, agent, carla, admin_user):
    reply = CannedReply.objects.create(title="Equipe", body="...", owner=agent, is_shared=True)
    edit = reverse("workspace:canned_reply_edit", args=[reply.pk])
    client.force_login(carla)
    assert client.get(edit).status_code == 404
    client.force_login(admin_user)
    client.post(edit, {"title": "Equipe (revisada)", "body": "...", "is_shared": "on"})
    reply.refresh_from_db()
    assert reply.title == "Equipe (revisada)"


# --- The commitments running on the request, with their time left


def test_the_page_shows_each_running_clock_with_its_time_left_and_colour(
    client, agent, contact_a, catalog
):
    start = datetime.datetime(2026, 11, 24, 13, 0, tzinfo=datetime.UTC)  # Tuesday 10:00
    with time_machine.travel(start, tick=False):
        ticket = open_ticket(contact_a, subject="Relógios")

    def staff_page(hours: int) -> str:
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            client.force_login(agent)
            return client.get(url("ticket", ticket.number)).content.decode()

    body = staff_page(2)
    assert "Compromissos" in body
    assert "clock clock-ok" in body and "restam 22 h 00 min" in body  # first response
    body = staff_page(21)
    assert "clock clock-at_risk" in body and "restam 3 h 00 min" in body
    body = staff_page(26)
    assert "clock clock-late" in body and "estourado há 2 h 00 min" in body
    # The delivery (end of 1 December) is still far.
    assert "clock clock-ok" in body and "vence em 01/12/2026 23:59" in body


def test_after_an_answer_the_page_lands_on_it(as_agent, ticket, client, contact_a):
    response = as_agent.post(url("answer"), {"body": "Segue a versão 2."})
    message = ticket.messages.latest("pk")
    assert response["Location"] == f"{url('ticket')}#m{message.pk}"
    client.force_login(contact_a)
    response = client.post(reverse("tickets:answer", args=[1]), {"body": "Obrigada!"})
    message = ticket.messages.latest("pk")
    assert response["Location"] == f"/atendimento/1/#m{message.pk}"


def test_a_flag_in_the_queue_names_the_commitment(client, agent, contact_a, catalog):
    start = datetime.datetime(2026, 11, 24, 13, 0, tzinfo=datetime.UTC)  # Tuesday 10:00
    with time_machine.travel(start, tick=False):
        open_ticket(contact_a, subject="Sem resposta")
    with time_machine.travel(start + timedelta(hours=21), tick=False):
        client.force_login(agent)
        body = client.get(QUEUE).content.decode()
    assert 'class="flag flag-risk"' in body and "em risco: primeira resposta" in body
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        client.force_login(agent)
        body = client.get(QUEUE).content.decode()
    assert 'class="flag flag-late"' in body and "estourado: primeira resposta" in body
