"""The accounts commands (portal/accounts/management/commands): invite_contact and
createstaff."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import Role, User

pytestmark = pytest.mark.django_db


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
