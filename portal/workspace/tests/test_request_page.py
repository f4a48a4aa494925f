from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.requests.models import Attachment, Department, Event, Priority, Status
from portal.requests.services import request_answer, request_change_status, request_confirm
from portal.testing.factories import AgentFactory, open_request
from portal.testing.files import pdf_upload

pytestmark = pytest.mark.django_db


def url(name: str, number: int = 1) -> str:
    return reverse(f"workspace:{name}", args=[number])


@pytest.fixture
def req(contact_a, catalog):
    return open_request(contact_a, subject="Banner de verão", body="Trocar o banner")


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


def test_the_page_shows_the_request_and_the_staff_forms(as_agent, req):
    body = as_agent.get(url("request")).content.decode()
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
    assert f'name="deadline" value="{req.deadline.isoformat()}"' in body


def test_an_agent_takes_the_request(as_agent, req, agent):
    as_agent.post(url("assign"), {"take": "1"})
    req.refresh_from_db()
    assert req.assignee == agent
    event = req.events.last()
    assert event.kind == Event.Kind.ASSIGNED and event.actor == agent


def test_an_agent_assigns_it_to_another_and_back_to_nobody(as_agent, req):
    carla = AgentFactory(name="Carla Agente")
    as_agent.post(url("assign"), {"assignee": carla.pk})
    req.refresh_from_db()
    assert req.assignee == carla
    as_agent.post(url("assign"), {"assignee": ""})
    req.refresh_from_db()
    assert req.assignee is None


def test_a_contact_cannot_be_assigned(as_agent, req, contact_a):
    response = as_agent.post(url("assign"), {"assignee": contact_a.pk})
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.assignee is None


def test_the_status_moves_among_the_five(as_agent, req):
    for status in Status.values:
        as_agent.post(url("status"), {"status": status})
        req.refresh_from_db()
        assert req.status == status
    assert as_agent.post(url("status"), {"status": "closed"}).status_code == 400


def test_an_answer_reaches_the_client_and_a_note_does_not(as_agent, client, req, contact_a, agent):
    as_agent.post(url("answer"), {"body": "Resposta para o cliente"})
    as_agent.post(
        url("answer"),
        {"body": "Nota só da equipe", "internal": "on", "attachments": [pdf_upload("x.pdf")]},
    )
    staff_page = as_agent.get(url("request")).content.decode()
    assert "Resposta para o cliente" in staff_page and "Nota só da equipe" in staff_page
    note = req.messages.get(body="Nota só da equipe")
    assert note.is_internal
    client.force_login(contact_a)
    client_page = client.get(reverse("requests:detail", args=[1])).content.decode()
    assert "Resposta para o cliente" in client_page and "Nota só da equipe" not in client_page
    assert "x.pdf" not in client_page
    attachment = Attachment.objects.get()
    download = reverse("requests:attachment", args=[attachment.pk, attachment.original_name])
    assert client.get(download).status_code == 404
    assert (
        client.get(reverse("requests:list"), {"q": "equipe"}).context["page"].paginator.count == 0
    )


def test_an_empty_answer_is_refused_next_to_the_field(as_agent, req):
    response = as_agent.post(url("answer"), {"body": ""})
    assert response.status_code == 400
    assert "Este campo é obrigatório." in response.content.decode()
    assert req.messages.count() == 1


def test_a_deadline_change_needs_a_reason_the_client_sees(as_agent, client, req, contact_a):
    new_date = (timezone.localdate() + timedelta(days=20)).isoformat()
    refused = as_agent.post(url("deadline"), {"deadline": new_date, "reason": ""})
    assert refused.status_code == 400 and "Este campo é obrigatório." in refused.content.decode()
    req.refresh_from_db()
    original = req.deadline
    as_agent.post(url("deadline"), {"deadline": new_date, "reason": "Aguardando fotos do cliente"})
    req.refresh_from_db()
    assert req.deadline.isoformat() == new_date and req.original_deadline == original
    client.force_login(contact_a)
    page = client.get(reverse("requests:detail", args=[1])).content.decode()
    assert "Aguardando fotos do cliente" in page


def test_department_service_and_priority_can_be_corrected(as_agent, req, catalog):
    financeiro = Department.objects.get(name="Financeiro")
    urgente = Priority.objects.get(name="Urgente")
    as_agent.post(
        url("classify"),
        {"department": financeiro.pk, "service": catalog["service"].pk, "priority": urgente.pk},
    )
    req.refresh_from_db()
    assert req.department == financeiro and req.priority == urgente
    event = req.events.last()
    assert event.kind == Event.Kind.CLASSIFIED
    assert event.data["changes"]["department"] == {"from": "Atendimento", "to": "Financeiro"}
    assert "service" not in event.data["changes"]


def test_a_closed_request_accepts_no_more_changes(as_agent, req, agent, contact_a):
    request_change_status(request=req, actor=agent, status=Status.DONE)
    request_confirm(request=req, actor=contact_a)
    page = as_agent.get(url("request")).content.decode()
    assert "Alterar prazo" not in page
    assert as_agent.post(url("status"), {"status": "open"}).status_code == 400
    assert as_agent.post(url("answer"), {"body": "Mais algo"}).status_code == 400
    req.refresh_from_db()
    assert req.status == Status.DONE and req.messages.count() == 1


def test_the_page_shows_what_changed_since_the_last_visit(as_agent, req, contact_a):
    as_agent.get(url("request"))
    assert "Desde a sua última visita" not in as_agent.get(url("request")).content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        request_answer(request=req, author=contact_a, body="Novidade do cliente")
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        body = as_agent.get(url("request")).content.decode()
        assert "Desde a sua última visita" in body and "1 nova mensagem" in body
        assert 'class="is-new"' in body
        assert "Desde a sua última visita" not in as_agent.get(url("request")).content.decode()


def test_the_page_runs_a_fixed_number_of_queries(as_agent, req, agent, django_assert_num_queries):
    as_agent.get(url("request"))
    # session, user, request, last visit, changes since (2), canned replies, messages,
    # attachments, events, staff for the assign form, departments, services,
    # priorities, the visit upsert
    expected = 15
    with django_assert_num_queries(expected):
        as_agent.get(url("request"))
    for n in range(4):
        request_answer(request=req, author=agent, body=f"Mensagem {n}")
        request_change_status(request=req, actor=agent, status=Status.STAND_BY)
    with django_assert_num_queries(expected):
        as_agent.get(url("request"))


def test_an_unknown_number_is_404(as_agent):
    assert as_agent.get(url("request", 999)).status_code == 404
