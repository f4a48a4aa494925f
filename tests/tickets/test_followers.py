"""Seguidores: colleagues and team members copied on a request."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.notifications.models import OutboundEmail
from portal.tickets.followers import ticket_add_followers, ticket_follow
from portal.tickets.models import Follower, Status, Ticket
from portal.tickets.services import ticket_answer, ticket_change_status
from tests.support.factories import AgentFactory, open_ticket

pytestmark = pytest.mark.django_db


def sent_to(kind: str) -> list[str]:
    return sorted(OutboundEmail.objects.filter(kind=kind).values_list("to_address", flat=True))


def test_a_narrowed_colleague_copied_at_opening_sees_it_and_hears_of_it(
    client, contact_a, nara, agent, catalog
):
    form = {
        "subject": "Post com a Nara",
        "department": catalog["department"].pk,
        "service": catalog["service"].pk,
        "priority": catalog["priority"].pk,
        "body": "Nara acompanha.",
        "deadline": "2099-01-01",
        "followers": [nara.pk],
    }
    client.force_login(contact_a)
    page = client.get(reverse("tickets:new")).content.decode()
    assert "Seguidores" in page and "Nara" in page and "Marina" not in page
    form["deadline"] = page.split('name="deadline"')[1].split('min="')[1][:10]
    assert client.post(reverse("tickets:new"), form).status_code == 302
    ticket = Ticket.objects.get()
    assert list(ticket.followers.values_list("user__email", flat=True)) == ["nara@acme.test"]
    assert Ticket.objects.visible_to(nara).filter(pk=ticket.pk).exists()
    ticket_answer(ticket=ticket, author=agent, body="Primeira versão")
    assert "nara@acme.test" in sent_to("request-answer")


def test_another_companys_contact_is_refused_by_the_form_and_the_use_case(
    client, contact_a, contact_b, catalog
):
    client.force_login(contact_a)
    response = client.post(
        reverse("tickets:new"),
        {
            "subject": "X",
            "department": catalog["department"].pk,
            "service": catalog["service"].pk,
            "priority": catalog["priority"].pk,
            "body": "Y",
            "deadline": "2099-01-01",
            "followers": [contact_b.pk],
        },
    )
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert 'id="id_followers_error"' in response.content.decode()
    ticket = open_ticket(contact_a)
    with pytest.raises(ValidationError):
        ticket_add_followers(ticket=ticket, actor=contact_a, people=[contact_b])
    url = reverse("tickets:followers", args=[ticket.number])
    forged = client.post(url, {"action": "add", "followers": [contact_b.pk]})
    assert forged.status_code == 400 and not Follower.objects.exists()


def test_follow_and_unfollow_on_the_page(client, contact_a, nara, agent, catalog):
    ticket = open_ticket(contact_a)
    url = reverse("tickets:followers", args=[ticket.number])
    client.force_login(nara)  # narrowed: she cannot see it, so cannot follow it
    assert client.post(url, {"action": "follow"}).status_code == 404
    client.force_login(contact_a)
    client.post(url, {"action": "add", "followers": [nara.pk]})
    client.force_login(nara)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "Deixar de seguir" in page
    client.post(url, {"action": "unfollow"})
    assert client.get(reverse("tickets:detail", args=[ticket.number])).status_code == 404


def test_staff_follow_and_hear_like_the_assignee(client, contact_a, agent, catalog):
    carla = AgentFactory(email="carla@zweiarts.test", name="Carla")
    ticket = open_ticket(contact_a)
    ticket_follow(ticket=ticket, actor=carla)
    OutboundEmail.objects.all().delete()
    ticket_answer(ticket=ticket, author=contact_a, body="Alguma novidade?")
    assert "carla@zweiarts.test" in sent_to("staff-client-answer")
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    assert sent_to("staff-request-changed") == ["carla@zweiarts.test"]
    client.force_login(agent)
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert "Seguidores" in page and "Carla" in page
    # Staff add the client's contacts too, and themselves.
    client.post(reverse("tickets:followers", args=[ticket.number]), {"action": "follow"})
    assert ticket.followers.filter(user=agent).exists()


def test_another_company_cannot_touch_the_followers(client, contact_a, contact_b, catalog):
    ticket = open_ticket(contact_a)
    client.force_login(contact_b)
    url = reverse("tickets:followers", args=[ticket.number])
    for action in ("follow", "unfollow", "add"):
        assert client.post(url, {"action": action}).status_code == 404
    assert not Follower.objects.exists()
