"""Inviting people (portal/accounts/services.py): a contact of a company, a member of the
team; the e-mail with the temporary password."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.accounts.models import Role
from portal.accounts.services import contact_invite, staff_invite
from tests.support.mail import temporary_password_from

pytestmark = pytest.mark.django_db


def test_it_emails_the_login_and_a_temporary_password(company_a, outbox):
    contact = contact_invite(company=company_a, email="Novo@Acme.test", name="Nova Pessoa")
    assert contact.email == "novo@acme.test"
    assert contact.role == Role.CONTACT and contact.must_change_password
    [message] = outbox
    assert message.to == ["novo@acme.test"]
    assert message.subject == "Seu acesso ao CRM da Zwei Arts"
    password = temporary_password_from(message)
    assert contact.check_password(password)
    html = message.alternatives[0].content
    assert password in html and "novo@acme.test" in html
    assert "https://portal.example/entrar/" in message.body


def test_it_refuses_an_email_that_already_has_an_account(company_a, contact_a):
    with pytest.raises(ValidationError):
        contact_invite(company=company_a, email="ANA@acme.test", name="Outra Ana")


def test_staff_invite_creates_an_agent_or_an_admin(outbox):
    agent = staff_invite(email="novo.agente@zweiarts.test", name="Novo Agente")
    admin = staff_invite(email="nova.admin@zweiarts.test", name="Nova Admin", is_admin=True)
    assert agent.role == Role.AGENT and agent.company is None and not agent.is_admin
    assert admin.role == Role.ADMIN and admin.is_admin and admin.is_agency_staff
    assert len(outbox) == 2
