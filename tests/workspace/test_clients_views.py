"""The client companies and their contacts, as staff see them
(portal/workspace/clients_views.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.companies.models import Company
from portal.tickets.models import Ticket
from portal.tickets.services import ticket_answer
from tests.support.factories import TEST_PASSWORD, open_ticket

pytestmark = pytest.mark.django_db


def staff_urls(company, contact):
    return [
        reverse("companies:list"),
        reverse("companies:detail", args=[company.pk]),
    ]


def test_contacts_get_404_on_every_staff_page(client, contact_a, company_a):
    client.force_login(contact_a)
    for url in staff_urls(company_a, contact_a):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "X", "email": "x@x.test"}).status_code == 404
    resend = reverse("companies:resend_access", args=[company_a.pk, contact_a.pk])
    assert client.post(resend).status_code == 404
    assert Company.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(client, company_a, contact_a):
    for url in staff_urls(company_a, contact_a):
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))


def test_an_agent_creates_a_company_and_invites_a_contact(client, agent, outbox):
    client.force_login(agent)
    response = client.post(reverse("companies:list"), {"name": "Cafeteria Aurora"})
    company = Company.objects.get(name="Cafeteria Aurora")
    assert response["Location"] == reverse("companies:detail", args=[company.pk])
    response = client.post(
        reverse("companies:detail", args=[company.pk]),
        {"name": "Lia Prado", "email": "Lia@Aurora.test", "language": "pt-br"},
        follow=True,
    )
    assert "Acesso de lia@aurora.test enviado por e-mail." in response.content.decode()
    contact = User.objects.get(email="lia@aurora.test")
    assert contact.company == company and contact.awaits_first_access
    assert outbox[0].to == ["lia@aurora.test"]


def test_a_duplicate_company_name_is_refused_next_to_the_field(client, agent, company_a):
    client.force_login(agent)
    response = client.post(reverse("companies:list"), {"name": "acme alimentos"})
    assert response.status_code == 200
    assert "Já existe" in response.content.decode()
    assert Company.objects.count() == 1


def test_a_duplicate_email_is_refused_next_to_the_field(
    client, agent, company_b, contact_a, outbox
):
    client.force_login(agent)
    response = client.post(
        reverse("companies:detail", args=[company_b.pk]),
        {"name": "Ana", "email": "ANA@acme.test", "language": "pt-br"},
    )
    assert "Já existe um acesso com este e-mail." in response.content.decode()
    assert outbox == []


def test_an_agent_sends_a_new_access(client, agent, company_a, contact_a, outbox):
    client.force_login(agent)
    old_hash = contact_a.password
    client.post(reverse("companies:resend_access", args=[company_a.pk, contact_a.pk]))
    contact_a.refresh_from_db()
    # A one-time link, no password: the one she has keeps working until she uses it.
    assert contact_a.password == old_hash
    assert outbox[0].to == [contact_a.email] and "/criar-senha/" in outbox[0].body


def test_resend_access_checks_the_contact_belongs_to_the_company(
    client, agent, company_b, contact_a, outbox
):
    client.force_login(agent)
    url = reverse("companies:resend_access", args=[company_b.pk, contact_a.pk])
    assert client.post(url).status_code == 404
    assert outbox == []


def test_a_deactivated_contact_cannot_sign_in_and_their_history_stays(
    client, agent, contact_a, catalog
):
    from django.test import Client

    ticket = open_ticket(contact_a)
    contact_session = Client()
    contact_session.force_login(contact_a)
    client.force_login(agent)
    url = reverse("companies:contact_set_active", args=[contact_a.company_id, contact_a.pk])
    client.post(url, {"active": "0"})
    contact_a.refresh_from_db()
    assert not contact_a.is_active
    assert contact_session.get(reverse("tickets:list")).status_code == 302
    login = Client().post(
        reverse("accounts:login"), {"email": contact_a.email, "password": TEST_PASSWORD}
    )
    assert "Este acesso foi desativado" in login.content.decode()
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert "Ana Souza" in page


def test_staff_edit_a_company_and_a_contact(client, agent, contact_a):
    client.force_login(agent)
    company = contact_a.company
    client.post(
        reverse("companies:edit", args=[company.pk]), {"name": "ACME S.A.", "is_active": "on"}
    )
    company.refresh_from_db()
    assert company.name == "ACME S.A."
    client.post(
        reverse("companies:contact_edit", args=[company.pk, contact_a.pk]),
        {"name": "Ana Maria", "language": "en", "sees_own_requests_only": "on"},
    )
    contact_a.refresh_from_db()
    assert contact_a.name == "Ana Maria" and contact_a.sees_own_requests_only


def test_a_deactivated_company_closes_every_door_of_its_contacts_until_reactivated(
    client, agent, contact_a, john, contact_b, catalog, outbox
):
    ticket = open_ticket(contact_a)
    other = open_ticket(contact_b)
    company = contact_a.company
    contact_session = Client()
    contact_session.force_login(contact_a)
    client.force_login(agent)
    edit = reverse("companies:edit", args=[company.pk])
    client.post(edit, {"name": company.name})  # "Active client" unticked
    company.refresh_from_db()
    assert not company.is_active
    # Open sessions end, and signing in is refused as for a deactivated contact.
    assert contact_session.get(reverse("tickets:list"))["Location"].startswith("/entrar/")
    credentials = {"email": contact_a.email, "password": TEST_PASSWORD}
    login = Client().post(reverse("accounts:login"), credentials)
    assert "Este acesso foi desativado" in login.content.decode()
    assert "_auth_user_id" not in login.wsgi_request.session
    # Nothing is visible (so answers by e-mail are refused too), and nobody is e-mailed.
    assert not Ticket.objects.visible_to(contact_a).exists()
    assert not Ticket.objects.visible_to(john).exists()
    assert list(Ticket.objects.visible_to(contact_b)) == [other]
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Pronto.")
    assert outbox == []
    # The team still sees the history.
    assert client.get(reverse("workspace:ticket", args=[ticket.number])).status_code == 200

    client.post(edit, {"name": company.name, "is_active": "on"})
    assert list(Ticket.objects.visible_to(contact_a)) == [ticket]
    assert Client().post(reverse("accounts:login"), credentials).status_code == 302
    ticket_answer(ticket=ticket, author=agent, body="Segue a versão final.")
    # Ana, who opened it (her colleague John never touched it).
    assert sorted(m.to[0] for m in outbox) == [contact_a.email]
    changes = AuditEntry.objects.filter(action=AuditEntry.Action.COMPANY_CHANGED)
    assert [(e.actor, e.target, e.detail) for e in changes.order_by("pk")] == [
        (agent, company.name, {"active": False}),
        (agent, company.name, {"active": True}),
    ]


def test_saving_a_company_unchanged_records_nothing(client, agent, company_a):
    client.force_login(agent)
    edit = reverse("companies:edit", args=[company_a.pk])
    client.post(edit, {"name": company_a.name, "is_active": "on"})
    client.post(edit, {"name": "ACME S.A.", "is_active": "on"})
    [entry] = AuditEntry.objects.filter(action=AuditEntry.Action.COMPANY_CHANGED)
    assert entry.target == "ACME S.A." and entry.detail == {"renamed_from": "ACME Alimentos"}
