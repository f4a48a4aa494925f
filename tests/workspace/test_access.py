"""Every staff URL: a contact gets 404 (GET and POST), a visitor goes to login,
and the admin-only settings are 404 for agents."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.tickets.models import Ticket
from portal.workspace.models import CannedReply
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_urls(contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    reply = CannedReply.objects.create(title="Olá", body="Olá!", owner=agent, is_shared=True)
    company = contact_a.company
    return [
        reverse("workspace:queue"),
        reverse("workspace:ticket", args=[ticket.number]),
        reverse("workspace:answer", args=[ticket.number]),
        reverse("workspace:assign", args=[ticket.number]),
        reverse("workspace:status", args=[ticket.number]),
        reverse("workspace:deadline", args=[ticket.number]),
        reverse("workspace:classify", args=[ticket.number]),
        reverse("workspace:canned_replies"),
        reverse("workspace:canned_reply_edit", args=[reply.pk]),
        reverse("workspace:canned_reply_delete", args=[reply.pk]),
        reverse("companies:list"),
        reverse("companies:detail", args=[company.pk]),
        reverse("companies:edit", args=[company.pk]),
        reverse("companies:contact_edit", args=[company.pk, contact_a.pk]),
        reverse("companies:contact_set_active", args=[company.pk, contact_a.pk]),
        reverse("companies:resend_access", args=[company.pk, contact_a.pk]),
    ]


@pytest.fixture
def admin_urls(agent):
    return [
        reverse("settings:index"),
        reverse("settings:team"),
        reverse("settings:team_deactivate", args=[agent.pk]),
        reverse("settings:team_reactivate", args=[agent.pk]),
        reverse("settings:team_set_admin", args=[agent.pk]),
        reverse("settings:catalog", args=["departamentos"]),
        reverse("settings:catalog", args=["servicos"]),
        reverse("settings:catalog", args=["prioridades"]),
        reverse("settings:catalog_edit", args=["servicos", 1]),
    ]


def test_a_contact_gets_404_on_every_staff_url(client, contact_a, staff_urls, admin_urls):
    client.force_login(contact_a)
    for url in staff_urls + admin_urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"status": "done", "body": "x", "active": "0"}).status_code == 404
    assert Ticket.objects.get().status == "open"
    contact_a.refresh_from_db()
    assert contact_a.is_active


def test_a_visitor_is_sent_to_login(client, staff_urls, admin_urls):
    for url in staff_urls + admin_urls:
        response = client.get(url)
        assert response.status_code == 302 and "/entrar/" in response["Location"], url


def test_an_agent_gets_404_on_admin_settings(client, agent, admin_urls):
    client.force_login(agent)
    for url in admin_urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"is_admin": "1"}).status_code == 404, url
    agent.refresh_from_db()
    assert agent.role == "agent" and agent.is_active


def test_an_admin_opens_the_settings(client, admin_user, catalog):
    client.force_login(admin_user)
    for kind in ["departamentos", "servicos", "prioridades"]:
        assert client.get(reverse("settings:catalog", args=[kind])).status_code == 200
    assert client.get(reverse("settings:team")).status_code == 200
    assert client.get(reverse("settings:catalog", args=["outra-coisa"])).status_code == 404
