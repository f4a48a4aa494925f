"""Criar sua senha (portal/accounts/access_links.py): invitations and new accesses carry a
one-time link, never a password; the outbox keeps no link once it is sent; a right code
forgets the account's failures."""

from __future__ import annotations

import logging
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Throttle, User
from portal.accounts.services import contact_invite, user_send_access
from portal.audit.models import AuditEntry
from portal.notifications.models import OutboundEmail
from portal.notifications.tasks import LINK_REMOVED
from tests.support.factories import TEST_PASSWORD
from tests.support.mail import access_link_from

pytestmark = pytest.mark.django_db

CHOSEN = "Girassol-azul-42"


def create_password(client, link: str, password: str = CHOSEN):
    form_url = client.get(link)["Location"]  # the token moves into the session
    assert form_url.endswith("/criar-senha/" + link.split("/")[2] + "/set-password/")
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_the_invitation_link_creates_the_password_and_signs_in_once(client, company_a, outbox):
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    link = access_link_from(outbox[0])
    page = client.get(client.get(link)["Location"]).content.decode()
    assert "Criar sua senha" in page and "nova@acme.test" in page

    response = create_password(client, link)
    assert response["Location"] == reverse("core:home")
    assert "_auth_user_id" in client.session
    user = User.objects.get(email="nova@acme.test")
    assert user.check_password(CHOSEN) and not user.awaits_first_access
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_CHANGED).count() == 1

    client.post(reverse("accounts:logout"))
    again = client.get(link)
    assert again.status_code == 200
    assert "Este link não funciona mais" in again.content.decode()


def test_an_expired_link_is_refused_with_a_clear_message(client, company_a, outbox, settings):
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    link = access_link_from(outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        page = client.get(link).content.decode()
    assert "Este link expirou" in page
    assert "O link para criar sua senha funciona por 7 dias" in page
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=12)):
        assert client.get(link).status_code == 302  # still within its days


def test_a_new_access_link_replaces_nothing_until_used(client, contact_a, outbox):
    user_send_access(user=contact_a)
    link = access_link_from(outbox[0])
    contact_a.refresh_from_db()
    assert contact_a.check_password(TEST_PASSWORD)  # her password works meanwhile
    create_password(client, link)
    contact_a.refresh_from_db()
    assert contact_a.check_password(CHOSEN)


def test_a_deactivated_person_gets_nothing_from_an_old_link(client, company_a, outbox):
    contact = contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    link = access_link_from(outbox[0])
    contact.is_active = False
    contact.save()
    assert "Este link não funciona mais" in client.get(link).content.decode()


def test_with_two_step_verification_the_link_leads_to_sign_in(client, contact_a, outbox):
    from portal.accounts.two_factor import secret_of, two_factor_begin, two_factor_confirm

    device = two_factor_begin(user=contact_a)
    two_factor_confirm(user=contact_a, code=pyotp.TOTP(secret_of(device)).now())
    user_send_access(user=contact_a)
    response = create_password(client, access_link_from(outbox[-1]))
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_no_password_is_kept_in_the_outbox_or_the_logs(client, company_a, outbox, caplog):
    caplog.set_level(logging.DEBUG)
    call_command("invite_contact", company="ACME Alimentos", email="b@acme.test", name="Bia")
    call_command("createstaff", email="novo@zweiarts.test", name="Novo")
    for message in outbox:
        create_password(client, access_link_from(message))
        client.post(reverse("accounts:logout"))
    stored = list(OutboundEmail.objects.values_list("body_text", "body_html"))
    assert len(stored) == 2
    for text, html in stored:
        assert CHOSEN not in text + html and "senha temporária" not in text.lower()
    assert CHOSEN not in caplog.text


def test_the_outbox_forgets_the_link_once_the_email_is_sent(company_a, outbox):
    contact_invite(company=company_a, email="nova@acme.test", name="Nova Pessoa")
    link = access_link_from(outbox[0])  # what went out carried it
    email = OutboundEmail.objects.get(kind="access")
    assert email.status == OutboundEmail.Status.SENT  # the real delivery task ran
    assert email.body_text == LINK_REMOVED and email.body_html == ""
    assert link not in email.body_text
    # Other e-mails keep their contents until the retention period.
    assert (
        OutboundEmail.objects.exclude(kind__in=["access", "password-reset"])
        .filter(body_text=LINK_REMOVED)
        .count()
        == 0
    )


def test_the_outbox_forgets_a_password_reset_link_once_sent(client, contact_a, outbox):
    client.post(reverse("accounts:password_reset"), {"email": contact_a.email})
    assert "/redefinir-senha/" in outbox[0].body
    email = OutboundEmail.objects.get(kind="password-reset")
    assert email.status == OutboundEmail.Status.SENT
    assert email.body_text == LINK_REMOVED and "/redefinir-senha/" not in email.body_html


def test_a_right_code_forgets_the_accounts_failures_but_not_the_addresses(client, contact_a):
    from portal.accounts.two_factor import secret_of, two_factor_begin, two_factor_confirm

    device = two_factor_begin(user=contact_a)
    totp = pyotp.TOTP(secret_of(device))
    two_factor_confirm(user=contact_a, code=totp.now())
    login, second = reverse("accounts:login"), reverse("accounts:second_step")
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        client.post(login, {"email": contact_a.email, "password": TEST_PASSWORD})
        for guess in ("000000", "111111"):
            client.post(second, {"code": guess})
        account = Throttle.objects.get(
            scope=Throttle.Scope.SECOND_STEP_ACCOUNT, key=str(contact_a.pk)
        )
        assert account.count == 2
        assert client.post(second, {"code": totp.now()}).status_code == 302
    account.refresh_from_db()
    assert account.count == 0
    source = Throttle.objects.get(scope=Throttle.Scope.LOGIN_SOURCE, key="127.0.0.1")
    assert source.count == 2
