"""Each event of a request reaches the webhooks from the real use cases, in the
transaction of the change: a change that rolls back sends nothing."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone

from portal.tickets.deadlines import deadline_proposal_answer, deadline_propose
from portal.tickets.models import Status
from portal.tickets.services import (
    close_unconfirmed_tickets,
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_confirm,
)
from portal.webhooks.models import Delivery, WebhookEvent
from portal.webhooks.services import endpoint_save
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


def _payloads(receiver) -> list[dict]:
    return [json.loads(request.body) for request in receiver.requests]


def test_every_event_of_a_request_is_delivered(
    receiver, endpoint, contact_a, agent, committed, settings
):
    in_ten_days = timezone.localdate() + datetime.timedelta(days=10)
    with committed():
        ticket = open_ticket(contact_a, subject="Post de Natal")
    with committed():
        ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    with committed():
        ticket_answer(ticket=ticket, author=agent, body="Começamos hoje.")
    with committed():
        refused = deadline_propose(ticket=ticket, actor=agent, deadline=in_ten_days, reason="Fotos")
    with committed():
        deadline_proposal_answer(proposal=refused, actor=contact_a, accept=False, comment="Não")
    with committed():
        accepted = deadline_propose(ticket=ticket, actor=agent, deadline=in_ten_days, reason="Ok")
    with committed():
        deadline_proposal_answer(proposal=accepted, actor=contact_a, accept=True)
    with committed():
        ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    with committed():
        ticket_confirm(ticket=ticket, actor=contact_a, score=5)

    assert receiver.events() == [
        "request.opened",
        "request.assigned",
        "request.status_changed",  # being assigned starts the work
        "request.message_added",
        "request.deadline_proposed",
        "request.deadline_refused",
        "request.deadline_proposed",
        "request.deadline_accepted",
        "request.status_changed",
        "request.concluded",
        "request.closed",
    ]
    payloads = _payloads(receiver)
    opened = payloads[0]
    assert opened["request"]["number"] == ticket.number
    assert opened["request"]["subject"] == "Post de Natal"
    assert opened["request"]["status"] == "open"
    assert opened["request"]["company"] == {"id": contact_a.company_id, "name": "ACME Alimentos"}
    assert opened["request"]["assignee"] is None
    assert (
        opened["request"]["url"] == f"https://portal.example/equipe/solicitacoes/{ticket.number}/"
    )
    assert opened["actor"]["email"] == "ana@acme.test"
    assigned = payloads[1]
    assert assigned["request"]["assignee"]["email"] == agent.email
    assert assigned["detail"] == {"from": None, "to": agent.name}
    assert payloads[2]["detail"] == {"from": "open", "to": "in_progress"}
    message = payloads[3]["message"]
    assert message["body"] == "Começamos hoje." and message["internal"] is False
    assert message["author"]["staff"] is True
    assert payloads[5]["detail"]["comment"] == "Não"
    # The Prazo accepted: the request already carries the new date.
    assert payloads[7]["request"]["deadline"] == in_ten_days.isoformat()
    assert payloads[7]["detail"]["to"] == in_ten_days.isoformat()
    assert payloads[9]["request"]["status"] == "done"
    assert payloads[10]["detail"]["score"] == 5
    assert all(
        p["delivery_id"] == r.headers["X-Portal-Delivery"]
        for p, r in zip(payloads, receiver.requests, strict=True)
    )
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 11


def test_a_request_that_closes_by_itself_is_delivered_as_closed(
    receiver, endpoint, contact_a, agent, committed, settings
):
    ticket = open_ticket(contact_a)
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    # Not committed (no on-commit callbacks ran): their deliveries wait, unsent.
    assert receiver.requests == []
    later = timezone.now() + datetime.timedelta(days=settings.REQUEST_AUTO_CLOSE_DAYS + 1)
    with committed():
        assert close_unconfirmed_tickets(now=later) == 1
    assert receiver.events() == ["request.closed"]
    assert _payloads(receiver)[0]["actor"] is None


def test_an_endpoint_gets_only_the_events_it_subscribes_to(
    receiver, admin_user, contact_a, agent, committed
):
    endpoint_save(
        endpoint=None, actor=admin_user, url=receiver.url, events=[WebhookEvent.CONCLUDED]
    )
    with committed():
        ticket = open_ticket(contact_a)
        ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    assert receiver.events() == ["request.concluded"]


def test_an_inactive_endpoint_gets_nothing(receiver, endpoint, admin_user, contact_a, committed):
    endpoint_save(
        endpoint=endpoint,
        actor=admin_user,
        url=endpoint.url,
        events=endpoint.events,
        is_active=False,
    )
    with committed():
        open_ticket(contact_a)
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_internal_notes_go_only_to_endpoints_that_ask_for_them(
    receiver, endpoint, admin_user, contact_a, agent, committed
):
    ticket = open_ticket(contact_a)
    with committed():
        ticket_answer(ticket=ticket, author=agent, body="Cliente difícil.", internal=True)
    assert receiver.requests == []
    endpoint_save(
        endpoint=endpoint,
        actor=admin_user,
        url=endpoint.url,
        events=endpoint.events,
        include_internal_notes=True,
    )
    with committed():
        ticket_answer(ticket=ticket, author=agent, body="Cliente difícil.", internal=True)
    [payload] = _payloads(receiver)
    assert payload["message"]["internal"] is True
    assert payload["message"]["body"] == "Cliente difícil."


def test_a_change_that_rolls_back_sends_nothing(receiver, endpoint, contact_a, agent, committed):
    ticket = open_ticket(contact_a)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        # The deliveries were written in the change's transaction...
        assert Delivery.objects.filter(event="request.assigned").exists()
        raise RuntimeError("something after the change failed")
    # ...and went with it.
    assert not Delivery.objects.filter(event="request.assigned").exists()
    assert receiver.requests == []


def test_with_no_endpoint_nothing_is_recorded(contact_a, agent, committed):
    with committed():
        ticket = open_ticket(contact_a)
        ticket_answer(ticket=ticket, author=agent, body="Olá")
    assert not Delivery.objects.exists()
