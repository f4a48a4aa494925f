"""An agent takes a new request from its arrival to CONCLUÍDA entirely inside the workspace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.tickets.models import Event, Status
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_from_arrival_to_concluida(client, agent, contact_a, catalog):
    ticket = open_ticket(contact_a, subject="Landing page de Natal")
    client.force_login(agent)
    queue = client.get(reverse("workspace:queue"), {"assignee": "none", "status": "open"})
    assert [r.number for r in queue.context["page"].object_list] == [ticket.number]
    page = reverse("workspace:ticket", args=[ticket.number])
    steps = [
        ("assign", {"take": "1"}),
        ("status", {"status": Status.IN_PROGRESS}),
        ("answer", {"body": "Precisamos das fotos.", "internal": ""}),
        ("status", {"status": Status.WAITING_CLIENT}),
        ("answer", {"body": "Cliente ligou, fotos chegam amanhã.", "internal": "on"}),
        (
            "propose_deadline",
            {
                "deadline": (timezone.localdate() + timedelta(days=14)).isoformat(),
                "reason": "As fotos chegaram depois do previsto.",
            },
        ),
        ("status", {"status": Status.DONE}),
    ]
    for action, data in steps:
        response = client.post(reverse(f"workspace:{action}", args=[ticket.number]), data)
        assert response.status_code == 302, (action, response.content.decode()[:500])
        # An answer lands on the message just sent.
        assert response["Location"].split("#")[0] == page
    ticket.refresh_from_db()
    assert ticket.status == Status.DONE and ticket.assignee == agent
    kinds = list(ticket.events.values_list("kind", flat=True))
    # Taking it moved it in progress: choosing EM ANDAMENTO after that changes nothing.
    assert kinds == [
        Event.Kind.OPENED,
        Event.Kind.ASSIGNED,
        Event.Kind.STATUS_CHANGED,
        Event.Kind.STATUS_CHANGED,
        Event.Kind.DEADLINE_PROPOSED,
        Event.Kind.STATUS_CHANGED,
    ]
    assert all(e.actor == agent for e in ticket.events.exclude(kind=Event.Kind.OPENED))
    timeline = client.get(page).content.decode()
    assert "Bruno Agente alterou o status de AGUARDANDO RETORNO para CONCLUÍDA" in timeline
