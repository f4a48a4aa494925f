"""The notification centre: the news of every e-mail, in the portal too, with the bell."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.notifications.centre import unread_count
from portal.notifications.models import CompanyWideNews, Notification, OutboundEmail
from portal.notifications.preferences import CLIENT_KINDS, preferences_save
from portal.tickets.models import Status
from portal.tickets.services import ticket_answer, ticket_change_status
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
CENTRE = reverse("notifications:centre")


def test_every_e_mailed_event_is_also_a_notification_in_the_recipients_language(
    contact_a, john, agent, catalog
):
    CompanyWideNews.objects.create(user=john)  # he hears about all of ACME's requests
    ticket = open_ticket(contact_a, subject="Post <de> Natal")
    ticket_answer(ticket=ticket, author=agent, body="Versão 1")
    mine = Notification.objects.filter(user=contact_a).order_by("pk")
    assert [n.kind for n in mine] == ["request-opened", "request-answer"]
    assert mine[1].text == "[#1] Nova resposta — Post <de> Natal"
    assert mine[1].url == "/atendimento/1/" and mine[1].ticket == ticket
    johns = Notification.objects.filter(user=john).latest("pk")
    assert johns.text == "[#1] New answer — Post <de> Natal"  # John reads English
    # Each notification has its e-mail, and the actor gets neither.
    assert not Notification.objects.filter(user=agent, kind="request-answer").exists()
    pairs = set(OutboundEmail.objects.values_list("kind", "to_address"))
    for notification in Notification.objects.select_related("user"):
        assert (notification.kind, notification.user.email) in pairs


def test_each_channel_is_turned_off_on_its_own(contact_a, agent, catalog):
    every = {kind.key for kind in CLIENT_KINDS}
    preferences_save(user=contact_a, enabled=every, enabled_portal=every - {"request-answer"})
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Por e-mail só")
    assert OutboundEmail.objects.filter(kind="request-answer", to_address=contact_a.email).exists()
    assert not Notification.objects.filter(user=contact_a, kind="request-answer").exists()
    preferences_save(user=contact_a, enabled=every - {"request-status"}, enabled_portal=every)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    assert Notification.objects.filter(user=contact_a, kind="request-status").exists()
    assert not OutboundEmail.objects.filter(
        kind="request-status", to_address=contact_a.email
    ).exists()


def test_the_bell_counts_unread_and_the_page_lists_newest_first(client, contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Banner")
    for n in range(3):
        ticket_answer(ticket=ticket, author=agent, body=f"Resposta {n}")
    client.force_login(contact_a)
    page = client.get(reverse("tickets:list")).content.decode()
    assert 'class="bell has-unread"' in page and '<span class="bell-count">4' in page
    body = client.get(CENTRE).content.decode()
    assert body.index("Nova resposta") < body.index("Solicitação recebida")
    assert body.count('class="notification is-unread"') == 4
    assert "Marcar todas como lidas" in body


def test_opening_one_marks_it_read_and_leads_to_the_request(client, contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Olá")
    notification = Notification.objects.filter(user=contact_a).latest("pk")
    client.force_login(contact_a)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/atendimento/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert unread_count(contact_a) == 1


def test_another_persons_notification_is_a_404_and_stays_unread(
    client, contact_a, john, agent, catalog
):
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Olá")
    hers = Notification.objects.filter(user=contact_a).latest("pk")
    client.force_login(john)
    assert client.get(reverse("notifications:open", args=[hers.pk])).status_code == 404
    hers.refresh_from_db()
    assert hers.read_at is None


def test_mark_all_as_read_is_a_post_and_touches_only_ones_own(
    client, contact_a, john, agent, catalog
):
    CompanyWideNews.objects.create(user=john)
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Olá")
    client.force_login(contact_a)
    url = reverse("notifications:read_all")
    assert client.get(url).status_code == 405
    client.post(url)
    assert unread_count(contact_a) == 0 and unread_count(john) == 2
    page = client.get(CENTRE).content.decode()
    assert "bell-count" not in page and "is-unread" not in page


def test_the_list_pages_and_costs_the_same_queries(
    client, contact_a, agent, catalog, django_assert_num_queries
):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    client.get(CENTRE)
    # session, user, the bell, count for the pages, the page's rows
    with django_assert_num_queries(5):
        client.get(CENTRE)
    for n in range(30):
        ticket_answer(ticket=ticket, author=agent, body=f"{n}")
    with django_assert_num_queries(5):
        body = client.get(CENTRE).content.decode()
    assert body.count('<li class="notification') == 25 and "Página 1 de 2" in body


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(CENTRE)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
