"""People's access (portal/accounts/services.py): inviting a contact of a company or a
member of the team, with the e-mail of a one-time link (never a password); asking for a
password link and using it once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.accounts.models import Role, User
from portal.accounts.services import (
    contact_invite,
    password_reset_complete,
    password_reset_request,
    staff_invite,
    user_send_access,
)
from tests.support.factories import legacy_invited_contact
from tests.support.mail import access_link_from

pytestmark = pytest.mark.django_db


def test_it_emails_the_login_and_a_one_time_link_never_a_password(company_a, outbox):
    contact = contact_invite(company=company_a, email="Novo@Acme.test", name="Nova Pessoa")
    assert contact.email == "novo@acme.test"
    assert contact.role == Role.CONTACT and contact.awaits_first_access
    assert not contact.has_usable_password() and not contact.must_change_password
    [message] = outbox
    assert message.to == ["novo@acme.test"]
    assert message.subject == "Seu acesso ao CRM da Zwei Arts"
    link = access_link_from(message)
    html = message.alternatives[0].content
    assert link in html and "Criar sua senha" in html and "novo@acme.test" in html
    assert "https://portal.example/entrar/" in message.body
    assert "senha temporária" not in message.body.lower()


def test_a_new_access_ends_a_temporary_password_sent_by_an_earlier_version(company_a, outbox):
    contact = legacy_invited_contact(company_a, password="Temporaria-K7p2")
    user_send_access(user=contact)
    contact.refresh_from_db()
    assert not contact.check_password("Temporaria-K7p2") and not contact.must_change_password
    assert access_link_from(outbox[0])


def test_it_refuses_an_email_that_already_has_an_account(company_a, contact_a):
    with pytest.raises(ValidationError):
        contact_invite(company=company_a, email="ANA@acme.test", name="Outra Ana")


def test_staff_invite_creates_an_agent_or_an_admin(outbox):
    agent = staff_invite(email="novo.agente@zweiarts.test", name="Novo Agente")
    admin = staff_invite(email="nova.admin@zweiarts.test", name="Nova Admin", is_admin=True)
    assert agent.role == Role.AGENT and agent.company is None and not agent.is_admin
    assert admin.role == Role.ADMIN and admin.is_admin and admin.is_agency_staff
    assert len(outbox) == 2


def test_a_password_link_is_used_once_even_by_a_stale_copy_of_the_user(contact_a):
    seen_by_first = User.objects.get(pk=contact_a.pk)
    seen_by_second = User.objects.get(pk=contact_a.pk)  # both checked the link's token
    assert password_reset_complete(user=seen_by_first, password="Primeira-escolha-81")
    assert not password_reset_complete(user=seen_by_second, password="Segunda-escolha-82")
    contact_a.refresh_from_db()
    assert contact_a.check_password("Primeira-escolha-81")
    assert not contact_a.check_password("Segunda-escolha-82")


def test_it_frees_an_invited_user_from_the_temporary_password(contact_a):
    contact_a.must_change_password = True
    contact_a.save()
    assert password_reset_complete(user=contact_a, password="Nova-senha-77x")
    contact_a.refresh_from_db()
    assert not contact_a.must_change_password and contact_a.temporary_password_expires_at is None


def test_password_links_are_limited_per_email_and_per_source(contact_a, outbox, settings):
    settings.PASSWORD_RESET_EMAILS_PER_ADDRESS = 2
    settings.PASSWORD_RESET_REQUESTS_PER_SOURCE = 5
    for _ in range(4):
        password_reset_request(email="ANA@acme.test", source="203.0.113.1")
    assert len(outbox) == 2
    for n in range(4):  # the same source, other addresses: 6 requests so far, over 5
        password_reset_request(email=f"outra{n}@acme.test", source="203.0.113.1")
    outbox.clear()
    password_reset_request(email="john@acme.test", source="203.0.113.1")
    assert outbox == []
