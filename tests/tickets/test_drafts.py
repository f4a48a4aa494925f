"""Drafts (portal/tickets/drafts.py and the two draft views): kept per person and
request, back on the page, cleared by sending, never someone else's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.tickets.models import Draft, Status
from portal.tickets.services import ticket_answer, ticket_change_status, ticket_confirm
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(contact_a, catalog):
    return open_ticket(contact_a, subject="Banner")


def test_the_clients_draft_comes_back_on_the_page_and_sending_clears_it(client, contact_a, ticket):
    client.force_login(contact_a)
    url = reverse("tickets:draft", args=[ticket.number])
    response = client.post(url, {"body": "Quero o logo <maior>"})
    assert response.status_code == 200 and "saved_at" in response.json()
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "Quero o logo &lt;maior&gt;</textarea>" in page
    client.post(reverse("tickets:answer", args=[ticket.number]), {"body": "Quero o logo maior"})
    assert not Draft.objects.exists()


def test_an_empty_draft_is_no_draft_and_clients_never_keep_internal_ones(client, contact_a, ticket):
    client.force_login(contact_a)
    url = reverse("tickets:draft", args=[ticket.number])
    client.post(url, {"body": "Algo", "internal": "on"})
    assert not Draft.objects.get().internal
    client.post(url, {"body": "   "})
    assert not Draft.objects.exists()


def test_drafts_are_per_person(client, contact_a, john, agent, ticket):
    client.force_login(contact_a)
    client.post(reverse("tickets:draft", args=[ticket.number]), {"body": "Da Ana"})
    client.force_login(john)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "Da Ana" not in page
    client.force_login(agent)
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert "Da Ana" not in page


def test_a_draft_on_another_companys_or_a_closed_request_is_404(
    client, contact_a, contact_b, agent, ticket
):
    client.force_login(contact_b)
    assert (
        client.post(reverse("tickets:draft", args=[ticket.number]), {"body": "x"}).status_code
        == 404
    )
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=ticket, actor=contact_a)
    client.force_login(contact_a)
    assert (
        client.post(reverse("tickets:draft", args=[ticket.number]), {"body": "x"}).status_code
        == 404
    )
    assert not Draft.objects.exists()


def test_the_staff_draft_keeps_the_note_flag_and_contacts_cannot_reach_it(
    client, contact_a, agent, ticket
):
    url = reverse("workspace:draft", args=[ticket.number])
    client.force_login(contact_a)
    assert client.post(url, {"body": "x"}).status_code == 404
    client.force_login(agent)
    assert client.post(url, {"body": "Nota em andamento", "internal": "on"}).status_code == 200
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert "Nota em andamento</textarea>" in page
    assert 'name="internal" id="id_internal" checked' in page
    # An answer sent another way (the API, e-mail) clears it too.
    ticket_answer(ticket=ticket, author=agent, body="Enviada", internal=True)
    assert not Draft.objects.exists()
