from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.accounts.services import contact_invite, staff_invite

pytestmark = pytest.mark.django_db


def temporary_password_from(message) -> str:
    for line in message.body.splitlines():
        if line.startswith("Senha temporária:") or line.startswith("Temporary password:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("no temporary password in the e-mail")


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


def test_the_first_access_requires_a_new_password_before_any_other_page(client, company_a, outbox):
    contact_invite(company=company_a, email="novo@acme.test", name="Nova Pessoa")
    password = temporary_password_from(outbox[0])
    response = client.post(
        reverse("accounts:login"), {"email": "novo@acme.test", "password": password}
    )
    assert response.status_code == 302
    required = reverse("accounts:password_change_required")
    for url in (reverse("core:home"), reverse("accounts:account"), "/qualquer/"):
        assert client.get(url)["Location"] == required
    weak = client.post(required, {"new_password1": "123", "new_password2": "123"})
    assert "Esta senha é muito curta" in weak.content.decode()
    response = client.post(
        required, {"new_password1": "Girassol-azul-42", "new_password2": "Girassol-azul-42"}
    )
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home"), follow=True).status_code == 200
    user = User.objects.get(email="novo@acme.test")
    assert not user.must_change_password and user.temporary_password_expires_at is None
    assert user.check_password("Girassol-azul-42")


def test_the_temporary_password_expires_after_72_hours(client, company_a, outbox):
    contact_invite(company=company_a, email="novo@acme.test", name="Nova Pessoa")
    password = temporary_password_from(outbox[0])
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        response = client.post(
            reverse("accounts:login"), {"email": "novo@acme.test", "password": password}
        )
    assert "Sua senha temporária expirou" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_email_that_already_has_an_account(company_a, contact_a):
    with pytest.raises(ValidationError):
        contact_invite(company=company_a, email="ANA@acme.test", name="Outra Ana")


def test_staff_invite_creates_an_agent_or_an_admin(outbox):
    agent = staff_invite(email="novo.agente@zweiarts.test", name="Novo Agente")
    admin = staff_invite(email="nova.admin@zweiarts.test", name="Nova Admin", is_admin=True)
    assert agent.role == Role.AGENT and agent.company is None and not agent.is_admin
    assert admin.role == Role.ADMIN and admin.is_admin and admin.is_agency_staff
    assert len(outbox) == 2


def test_invite_contact_command_creates_the_company_when_new(outbox):
    call_command("invite_contact", company="ACME", email="a@acme.test", name="Ana")
    call_command("invite_contact", company="acme", email="b@acme.test", name="Bia")
    contacts = User.objects.filter(company__name="ACME").order_by("email")
    assert [c.email for c in contacts] == ["a@acme.test", "b@acme.test"]
    assert len(outbox) == 2


def test_invite_contact_command_reports_a_duplicate(contact_a):
    with pytest.raises(CommandError):
        call_command("invite_contact", company="ACME", email=contact_a.email, name="Ana")


def test_createstaff_command(outbox):
    call_command("createstaff", email="chefe@zweiarts.test", name="Chefe", admin=True)
    assert User.objects.get(email="chefe@zweiarts.test").role == Role.ADMIN
    assert outbox[0].to == ["chefe@zweiarts.test"]
