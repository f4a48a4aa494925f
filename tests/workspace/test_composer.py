"""The staff composer (workspace answer_view → tickets.services.ticket_respond): an
answer or a note, the status and who attends, in one submit, all or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.tickets.models import Attachment, Event, Message, Status
from portal.tickets.services import ticket_assign, ticket_change_status
from tests.support.factories import AgentFactory, open_ticket
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db


def compose(client, ticket, **data):
    return client.post(reverse("workspace:answer", args=[ticket.number]), data)


@pytest.fixture
def ticket(contact_a, catalog):
    return open_ticket(contact_a, subject="Banner")


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


def test_one_submit_answers_sets_the_status_and_the_person(as_agent, agent, ticket):
    carla = AgentFactory(name="Carla")
    response = compose(
        as_agent,
        ticket,
        body="Segue a primeira versão.",
        status=Status.WAITING_CLIENT,
        seen=Status.OPEN,
        assignee=carla.pk,
        seen_assignee="",
    )
    ticket.refresh_from_db()
    message = Message.objects.filter(ticket=ticket, author=agent).get()
    assert response.status_code == 302 and response["Location"].endswith(f"#m{message.pk}")
    assert ticket.status == Status.WAITING_CLIENT and ticket.assignee == carla
    kinds = list(Event.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert Event.Kind.ASSIGNED in kinds and Event.Kind.STATUS_CHANGED in kinds


def test_status_or_person_alone_need_no_message(as_agent, agent, ticket):
    compose(as_agent, ticket, body="", status=Status.IN_PROGRESS, seen=Status.OPEN)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.messages.count() == 1
    compose(as_agent, ticket, body="", take="1", status=Status.IN_PROGRESS, seen=Status.IN_PROGRESS)
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_nothing_to_do_is_refused_next_to_the_message(as_agent, ticket):
    response = compose(
        as_agent, ticket, body="  ", status=Status.OPEN, seen=Status.OPEN, seen_assignee=""
    )
    assert response.status_code == 400
    assert 'id="id_body_error"' in response.content.decode()
    assert ticket.messages.count() == 1


def test_an_illegal_status_saves_nothing_not_even_the_answer_or_its_file(
    as_agent, ticket, settings
):
    response = compose(
        as_agent,
        ticket,
        body="Vamos marcar uma reunião.",
        status=Status.STAND_BY,
        seen=Status.OPEN,
        attachments=pdf_upload("briefing.pdf"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "STAND BY" in page and "Vamos marcar uma reunião." in page  # kept to send again
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.messages.count() == 1
    assert not Attachment.objects.exists()
    assert (
        not any((settings.MEDIA_ROOT / "attachments").rglob("*"))
        if (settings.MEDIA_ROOT / "attachments").exists()
        else True
    )


def test_leaving_status_and_person_alone_never_undoes_a_colleagues_change(as_agent, agent, ticket):
    carla = AgentFactory(name="Carla")
    # The page was drawn with ABERTA and nobody attending; meanwhile Carla took it and
    # asked the client for something.
    ticket_assign(ticket=ticket, actor=carla, assignee=carla)
    ticket_change_status(ticket=ticket, actor=carla, status=Status.WAITING_CLIENT)
    response = compose(
        as_agent,
        ticket,
        body="Complementando.",
        status=Status.OPEN,
        seen=Status.OPEN,
        assignee="",
        seen_assignee="",
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == carla and ticket.status == Status.WAITING_CLIENT
    assert ticket.messages.filter(body="Complementando.").exists()


def test_changing_a_status_someone_else_changed_meanwhile_is_refused(as_agent, ticket):
    carla = AgentFactory(name="Carla")
    ticket_change_status(ticket=ticket, actor=carla, status=Status.WAITING_CLIENT)
    response = compose(as_agent, ticket, body="Concluído!", status=Status.DONE, seen=Status.OPEN)
    assert response.status_code == 400
    assert "Alguém alterou o status" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CLIENT and ticket.messages.count() == 1


def test_the_page_offers_the_composer_with_the_allowed_statuses(as_agent, ticket):
    page = as_agent.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert 'name="status"' in page and 'name="assignee"' in page and 'name="take"' in page
    assert '<option value="stand_by"' not in page
    # One form: the old side forms for status and assignment are gone.
    assert reverse("workspace:status", args=[ticket.number]) not in page
    assert reverse("workspace:assign", args=[ticket.number]) not in page


def test_a_failed_side_panel_shows_its_errors_at_the_top(as_agent, ticket):
    response = as_agent.post(
        reverse("workspace:propose_deadline", args=[ticket.number]), {"deadline": "", "reason": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    summary = page.index("page-errors")
    assert summary < page.index('class="timeline"')
    assert 'href="#id_deadline"' in page[summary:]
