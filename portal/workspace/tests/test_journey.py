"""An agent takes a new request from its arrival to CONCLUÍDA entirely inside the workspace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.requests.models import Event, Status
from portal.testing.factories import open_request

pytestmark = pytest.mark.django_db


def test_from_arrival_to_concluida(client, agent, contact_a, catalog):
    request = open_request(contact_a, subject="Landing page de Natal")
    client.force_login(agent)
    queue = client.get(reverse("workspace:queue"), {"assignee": "none", "status": "open"})
    assert [r.number for r in queue.context["page"].object_list] == [request.number]
    page = reverse("workspace:request", args=[request.number])
    steps = [
        ("assign", {"take": "1"}),
        ("status", {"status": Status.IN_PROGRESS}),
        ("answer", {"body": "Precisamos das fotos.", "internal": ""}),
        ("status", {"status": Status.WAITING_CLIENT}),
        ("answer", {"body": "Cliente ligou, fotos chegam amanhã.", "internal": "on"}),
        (
            "deadline",
            {
                "deadline": (timezone.localdate() + timedelta(days=14)).isoformat(),
                "reason": "As fotos chegaram depois do previsto.",
            },
        ),
        ("status", {"status": Status.DONE}),
    ]
    for action, data in steps:
        response = client.post(reverse(f"workspace:{action}", args=[request.number]), data)
        assert response.status_code == 302, (action, response.content.decode()[:500])
        assert response["Location"] == page
    request.refresh_from_db()
    assert request.status == Status.DONE and request.assignee == agent
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds == [
        Event.Kind.OPENED,
        Event.Kind.ASSIGNED,
        Event.Kind.STATUS_CHANGED,
        Event.Kind.STATUS_CHANGED,
        Event.Kind.DEADLINE_CHANGED,
        Event.Kind.STATUS_CHANGED,
    ]
    assert all(e.actor == agent for e in request.events.exclude(kind=Event.Kind.OPENED))
    timeline = client.get(page).content.decode()
    assert "Bruno Agente alterou o status de AGUARDANDO RETORNO para CONCLUÍDA" in timeline
