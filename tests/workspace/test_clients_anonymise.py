"""Anonymising a contact from Clientes (portal/workspace/clients_views.py
``contact_anonymise``): admins only, after a confirmation, and what everyone sees next."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.tickets.services import ticket_answer
from tests.support.factories import TEST_PASSWORD, open_ticket

pytestmark = pytest.mark.django_db


def _url(contact) -> str:
    return reverse("companies:contact_anonymise", args=[contact.company_id, contact.pk])


@pytest.fixture
def ticket(contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Post do Dia das Mães", body="Texto da Ana.")
    ticket_answer(ticket=ticket, author=agent, body="Recebido, Ana.")
    return ticket


def test_the_url(contact_a):
    assert _url(contact_a) == (
        f"/equipe/clientes/{contact_a.company_id}/contatos/{contact_a.pk}/anonimizar/"
    )


def test_agents_contacts_and_visitors_cannot(client, contact_a, john, agent):
    for person in (agent, john):
        client.force_login(person)
        assert client.get(_url(contact_a)).status_code == 404
        assert client.post(_url(contact_a)).status_code == 404
    client.logout()
    assert client.post(_url(contact_a))["Location"].startswith(reverse("accounts:login"))
    contact_a.refresh_from_db()
    assert contact_a.anonymised_at is None and contact_a.name == "Ana Souza"


def test_forged_ids_answer_404(client, admin_user, contact_a, contact_b, agent):
    client.force_login(admin_user)
    wrong_company = reverse(
        "companies:contact_anonymise", args=[contact_b.company_id, contact_a.pk]
    )
    staff = reverse("companies:contact_anonymise", args=[contact_a.company_id, agent.pk])
    for url in (wrong_company, staff):
        assert client.post(url).status_code == 404
    assert not User.objects.filter(anonymised_at__isnull=False).exists()


def test_the_admin_confirms_first(client, admin_user, contact_a):
    client.force_login(admin_user)
    page = client.get(_url(contact_a)).content.decode()
    assert "Anonimizar Ana Souza?" in page
    assert "Não é possível desfazer." in page
    assert "ana@acme.test" in page
    contact_a.refresh_from_db()
    assert contact_a.anonymised_at is None


def test_the_admin_anonymises_and_it_is_in_the_audit_log(client, admin_user, contact_a):
    client.force_login(admin_user)
    response = client.post(_url(contact_a), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "companies:detail", args=[contact_a.company_id]
    )
    page = response.content.decode()
    assert "O contato foi anonimizado" in page
    assert "Ex-contato" in page and "Anonimizado em" in page
    assert "ana@acme.test" not in page and "Ana Souza" not in page
    assert _url(contact_a) not in page  # no second anonymisation offered
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONTACT_ANONYMISED)
    assert entry.actor == admin_user and entry.ip_address == "127.0.0.1"


def test_posting_again_changes_nothing(client, admin_user, contact_a):
    client.force_login(admin_user)
    client.post(_url(contact_a))
    response = client.post(_url(contact_a), follow=True)
    assert "Este contato já tinha sido anonimizado." in response.content.decode()
    assert client.get(_url(contact_a)).status_code == 302
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CONTACT_ANONYMISED).count() == 1


def test_nothing_is_left_to_edit_invite_or_reactivate(client, admin_user, agent, contact_a):
    client.force_login(admin_user)
    client.post(_url(contact_a))
    args = [contact_a.company_id, contact_a.pk]
    client.force_login(agent)
    assert client.get(reverse("companies:contact_edit", args=args)).status_code == 404
    assert client.post(reverse("companies:resend_access", args=args)).status_code == 404
    reactivate = reverse("companies:contact_set_active", args=args)
    assert client.post(reactivate, {"active": "1"}).status_code == 404
    contact_a.refresh_from_db()
    assert not contact_a.is_active


def test_only_admins_see_the_action_on_the_company_page(client, admin_user, agent, contact_a):
    detail = reverse("companies:detail", args=[contact_a.company_id])
    client.force_login(agent)
    assert _url(contact_a) not in client.get(detail).content.decode()
    client.force_login(admin_user)
    assert _url(contact_a) in client.get(detail).content.decode()


def test_her_session_ends_and_she_can_no_longer_sign_in(admin_user, contact_a, ticket):
    ana = Client()
    ana.force_login(contact_a)
    assert ana.get(reverse("tickets:list")).status_code == 200
    admin = Client()
    admin.force_login(admin_user)
    admin.post(_url(contact_a))
    assert ana.get(reverse("tickets:list"))["Location"].startswith(reverse("accounts:login"))
    for email in ("ana@acme.test", f"ex-contato-{contact_a.pk}@anonimo.invalid"):
        browser = Client()
        response = browser.post(
            reverse("accounts:login"), {"email": email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 200  # the form again, with its error
        assert "_auth_user_id" not in browser.session


def test_her_messages_show_as_ex_contato_on_the_request_pages(
    client, admin_user, agent, john, contact_a, ticket
):
    client_page = reverse("tickets:detail", args=[ticket.number])
    staff_page = reverse("workspace:ticket", args=[ticket.number])
    client.force_login(john)
    assert "Ana Souza" in client.get(client_page).content.decode()
    client.force_login(admin_user)
    client.post(_url(contact_a))
    client.force_login(john)
    page = client.get(client_page).content.decode()
    assert "Ex-contato" in page and "Texto da Ana." in page
    assert "Ana Souza" not in page
    client.force_login(agent)
    page = client.get(staff_page).content.decode()
    assert "Ex-contato" in page and "Texto da Ana." in page
    assert "Ana Souza" not in page and "ana@acme.test" not in page


def test_no_email_goes_to_her_old_address_any_more(
    client, admin_user, agent, contact_a, ticket, outbox
):
    assert any("ana@acme.test" in m.to for m in outbox)
    client.force_login(admin_user)
    client.post(_url(contact_a))
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Mais uma resposta.")
    client.force_login(agent)
    client.post(reverse("workspace:answer", args=[ticket.number]), {"body": "E outra."})
    assert ticket.messages.filter(body="E outra.").exists()
    assert all(
        "ana@acme.test" not in m.to and not any(a.endswith("@anonimo.invalid") for a in m.to)
        for m in outbox
    )
