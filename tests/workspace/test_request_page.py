from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.tickets.models import Attachment, Department, Event, Priority, Status
from portal.tickets.services import ticket_answer, ticket_change_status, ticket_confirm
from tests.support.factories import AgentFactory, open_ticket
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db


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
        "Alterar prazo",
        "Nota interna",
    ]:
        assert text in body, text
    # Browsers only fill a date input from an ISO value, whatever the page's language.
    assert f'name="deadline" value="{ticket.deadline.isoformat()}"' in body


def test_an_agent_takes_the_ticket(as_agent, ticket, agent):
    as_agent.post(url("assign"), {"take": "1"})
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    event = ticket.events.last()
    assert event.kind == Event.Kind.ASSIGNED and event.actor == agent


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


def test_the_status_moves_among_the_five(as_agent, ticket):
    for status in Status.values:
        as_agent.post(url("status"), {"status": status})
        ticket.refresh_from_db()
        assert ticket.status == status
    assert as_agent.post(url("status"), {"status": "closed"}).status_code == 400


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
    assert "Este campo é obrigatório." in response.content.decode()
    assert ticket.messages.count() == 1


def test_a_deadline_change_needs_a_reason_the_client_sees(as_agent, client, ticket, contact_a):
    new_date = (timezone.localdate() + timedelta(days=20)).isoformat()
    refused = as_agent.post(url("deadline"), {"deadline": new_date, "reason": ""})
    assert refused.status_code == 400 and "Este campo é obrigatório." in refused.content.decode()
    ticket.refresh_from_db()
    original = ticket.deadline
    as_agent.post(url("deadline"), {"deadline": new_date, "reason": "Aguardando fotos do cliente"})
    ticket.refresh_from_db()
    assert ticket.deadline.isoformat() == new_date and ticket.original_deadline == original
    client.force_login(contact_a)
    page = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert "Aguardando fotos do cliente" in page


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
    # session, user, ticket, last visit, changes since (2), canned replies, messages,
    # attachments, events, staff for the assign form, departments, services,
    # priorities, the visit upsert
    expected = 15
    with django_assert_num_queries(expected):
        as_agent.get(url("ticket"))
    for n in range(4):
        ticket_answer(ticket=ticket, author=agent, body=f"Mensagem {n}")
        ticket_change_status(ticket=ticket, actor=agent, status=Status.STAND_BY)
    with django_assert_num_queries(expected):
        as_agent.get(url("ticket"))


def test_an_unknown_number_is_404(as_agent):
    assert as_agent.get(url("ticket", 999)).status_code == 404
