"""Em lote in the queue (portal/workspace/bulk.py and bulk_view): the rows chosen, or
every row of the filter, changed through the same use cases; the ones that cannot change
reported by number while the rest proceed."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.tickets.models import Event, Follower, Status
from portal.tickets.services import ticket_change_status, ticket_confirm
from tests.support.factories import AgentFactory, open_ticket

pytestmark = pytest.mark.django_db
BULK = reverse("workspace:bulk")


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def three(contact_a, contact_b, catalog):
    return [
        open_ticket(contact_a, subject="Um"),
        open_ticket(contact_b, subject="Dois"),
        open_ticket(contact_a, subject="Três"),
    ]


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_chosen_rows_change_status_and_person_through_the_use_cases(as_agent, three):
    carla = AgentFactory(name="Carla Agente")
    first, second, third = three
    response = as_agent.post(
        BULK,
        {
            "numbers": [first.number, third.number],
            "status": Status.WAITING_CLIENT,
            "assignee": str(carla.pk),
            "query": "assignee=none",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?assignee=none")
    for ticket in (first, third):
        ticket.refresh_from_db()
        assert ticket.status == Status.WAITING_CLIENT and ticket.assignee == carla
        kinds = set(Event.objects.filter(ticket=ticket).values_list("kind", flat=True))
        assert {Event.Kind.ASSIGNED, Event.Kind.STATUS_CHANGED} <= kinds
    second.refresh_from_db()
    assert second.status == Status.OPEN and second.assignee is None
    assert "2 solicitações alteradas." in said(response)


def test_rows_that_cannot_change_are_named_and_the_rest_proceed(as_agent, agent, contact_a, three):
    first, second, third = three
    ticket_change_status(ticket=second, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=second, actor=second.opened_by)  # ENCERRADA: nothing changes it
    response = as_agent.post(
        BULK, {"numbers": [t.number for t in three], "status": Status.IN_PROGRESS}
    )
    messages = said(response)
    assert "2 solicitações alteradas." in messages
    assert any(m.startswith(f"#{second.number} não foi alterada:") for m in messages)
    first.refresh_from_db()
    third.refresh_from_db()
    second.refresh_from_db()
    assert first.status == third.status == Status.IN_PROGRESS
    assert second.status == Status.DONE and second.is_closed


def test_every_row_of_the_filter_and_a_follower_from_the_team(as_agent, three, company_a):
    carla = AgentFactory(name="Carla Agente")
    response = as_agent.post(
        BULK, {"whole_filter": "on", "query": f"company={company_a.pk}", "follower": carla.pk}
    )
    assert response.status_code == 302
    followed = set(Follower.objects.filter(user=carla).values_list("ticket__subject", flat=True))
    assert followed == {"Um", "Três"}


def test_nothing_chosen_or_nothing_to_do_changes_nothing(as_agent, three):
    response = as_agent.post(BULK, {"status": Status.DONE})
    assert "Escolha as solicitações a alterar." in said(response)
    response = as_agent.post(BULK, {"numbers": [three[0].number]})
    assert "Escolha o que alterar: o status, quem atende ou um seguidor." in said(response)
    assert all(t.status == Status.OPEN for t in three)


def test_too_many_at_once_is_refused(as_agent, three, settings):
    settings.BULK_MAX_REQUESTS = 2
    response = as_agent.post(BULK, {"whole_filter": "on", "status": Status.DONE})
    assert any("no máximo 2" in m for m in said(response))
    for ticket in three:
        ticket.refresh_from_db()
        assert ticket.status == Status.OPEN


def test_stand_by_and_abertas_are_not_offered_and_forged_ones_are_refused(as_agent, three):
    page = as_agent.get(reverse("workspace:queue")).content.decode()
    assert (
        'form="bulk"' in page
        and 'value="stand_by"' not in page.split('id="bulk"')[1].split("</form>")[0]
    )
    as_agent.post(BULK, {"numbers": [three[0].number], "status": Status.STAND_BY})
    three[0].refresh_from_db()
    assert three[0].status == Status.OPEN


def test_only_staff_work_in_bulk(client, contact_a, three):
    client.force_login(contact_a)
    assert client.post(BULK, {"numbers": [three[0].number], "status": "done"}).status_code == 404
    client.logout()
    assert client.post(BULK, {"numbers": [three[0].number], "status": "done"}).status_code == 302
    three[0].refresh_from_db()
    assert three[0].status == Status.OPEN
