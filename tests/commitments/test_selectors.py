"""What the pages show of the commitments (portal/commitments/selectors.py): the client's
"we answer by" and expected delivery, and the queue's flags and filters of tickets at risk
and late."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from portal.tickets.models import Status
from portal.tickets.services import ticket_change_status
from tests.support.factories import agree_deadline, open_ticket

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)
T0 = datetime.datetime(2026, 11, 24, 13, 0, tzinfo=datetime.UTC)  # 10:00 in São Paulo


@pytest.fixture
def opened(contact_a, catalog):
    with time_machine.travel(T0, tick=False):
        return open_ticket(contact_a)


def test_the_client_sees_when_we_answer_and_the_expected_delivery(client, contact_a, opened):
    client.force_login(contact_a)
    with time_machine.travel(T0 + H, tick=False):
        body = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert "Responderemos até 25/11/2026 10:00." in body
    assert "Entrega prevista: 1 de dezembro de 2026" in body


def test_a_slipped_deadline_shows_beside_the_original(client, contact_a, agent, opened):
    agree_deadline(
        opened,
        agent=agent,
        contact=contact_a,
        deadline=opened.deadline + datetime.timedelta(days=7),
        reason="Aguardando aprovação do material",
    )
    client.force_login(contact_a)
    body = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert "Entrega prevista: 8 de dezembro de 2026" in body
    assert "prazo original: 1 de dezembro de 2026" in body
    assert "Aguardando aprovação do material" in body


def test_while_waiting_for_the_client_the_page_says_so(client, contact_a, agent, opened):
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    client.force_login(contact_a)
    body = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert "Aguardamos o seu retorno para continuar." in body


def test_the_queue_flags_and_filters_tickets_at_risk_and_missed(client, agent, contact_a, opened):
    with time_machine.travel(T0 + 2 * H, tick=False):
        second = open_ticket(contact_a)
    client.force_login(agent)
    queue = reverse("workspace:queue")
    with time_machine.travel(T0 + 21 * H, tick=False):
        response = client.get(queue, {"commitment": "at_risk"})
        assert [r.number for r in response.context["page"].object_list] == [1]
        assert "em risco" in response.content.decode()
    with time_machine.travel(T0 + 25 * H, tick=False):
        late = client.get(queue, {"commitment": "late"})
        assert [r.number for r in late.context["page"].object_list] == [1]
        assert "estourado" in late.content.decode()
        at_risk = client.get(queue, {"commitment": "at_risk"})
        assert [r.number for r in at_risk.context["page"].object_list] == [second.number]


def test_a_missed_promise_never_reads_as_a_future_one(client, contact_a, opened):
    client.force_login(contact_a)
    url = reverse("tickets:detail", args=[opened.number])
    with time_machine.travel(T0 + 23 * H, tick=False):
        client.force_login(contact_a)
        page = client.get(url).content.decode()
    assert "Responderemos até 25/11/2026 10:00." in page
    with time_machine.travel(T0 + 25 * H, tick=False):
        client.force_login(contact_a)
        page = client.get(url).content.decode()
    assert "Responderemos até" not in page
    assert "Nossa resposta era devida até 25/11/2026 10:00 e está atrasada" in page
    # Past the Prazo, the delivery is not promised any more either: the page says late.
    with time_machine.travel(T0 + 10 * 24 * H, tick=False):
        client.force_login(contact_a)
        page = client.get(url).content.decode()
    assert "Entrega prevista" not in page and "Atrasada" in page
