"""Anonymising a contact who leaves (portal/privacy/services.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError

from portal.accounts.models import User
from portal.accounts.services import (
    contact_invite,
    contact_update,
    user_reactivate,
    user_send_access,
)
from portal.audit.models import AuditEntry
from portal.notifications.emails import queue_email, reply_address, reply_claim
from portal.notifications.models import (
    EmailOptOut,
    InboundEmail,
    Notification,
    OutboundEmail,
    ReplyKey,
)
from portal.notifications.preferences import preferences_save
from portal.privacy.services import ANONYMOUS_NAME, anonymous_email, contact_anonymise
from portal.tickets.models import Follower, Message
from portal.tickets.services import ticket_answer
from tests.support.factories import TEST_PASSWORD, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving(contact_a, john, agent, catalog):
    """Ana, a company admin with requests, a followed request, preferences, a reply address,
    e-mails sent to her, one still waiting, and an answer she sent by e-mail."""
    contact_a.is_company_admin = True
    contact_a.save()
    own = open_ticket(contact_a, subject="Post do Dia das Mães", body="Texto da Ana.")
    ticket_answer(ticket=own, author=agent, body="Recebido.")
    johns = open_ticket(john, subject="Banner", body="Do John.")
    Follower.objects.create(ticket=johns, user=contact_a)
    address = reply_address(contact_a, own)
    waiting = queue_email("request-answer", to=contact_a, ticket=own, context={"ticket": own})
    assert waiting is not None
    preferences_save(user=contact_a, enabled=[])
    OutboundEmail.objects.filter(pk=waiting.pk).update(status=OutboundEmail.Status.QUEUED)
    InboundEmail.objects.create(
        source=InboundEmail.Source.IMAP,
        from_address="Ana@Acme.test",
        subject="Re: [#1] Post do Dia das Mães",
        status=InboundEmail.Status.ACCEPTED,
        ticket=own,
    )
    return {"own": own, "johns": johns, "address": address, "waiting": waiting}


def test_name_email_and_access_are_gone_for_good(leaving, contact_a, admin_user):
    assert contact_anonymise(actor=admin_user, contact=contact_a) is True
    person = User.objects.get(pk=contact_a.pk)
    assert person.name == ANONYMOUS_NAME == "Ex-contato"
    assert person.email == anonymous_email(person.pk) == f"ex-contato-{person.pk}@anonimo.invalid"
    assert not person.is_active and not person.has_usable_password()
    assert person.anonymised_at is not None
    assert not person.is_company_admin
    assert contact_a.name == "Ex-contato"  # the caller's instance is up to date
    assert authenticate(email="ana@acme.test", password=TEST_PASSWORD) is None
    assert authenticate(email=person.email, password=TEST_PASSWORD) is None


def test_the_history_stays_attributed_to_ex_contato(leaving, contact_a, admin_user):
    contact_anonymise(actor=admin_user, contact=contact_a)
    message = Message.objects.get(body="Texto da Ana.")
    assert message.author_id == contact_a.pk and message.author.name == "Ex-contato"
    assert leaving["own"].opened_by.name == "Ex-contato"


def test_follows_preferences_notifications_and_reply_addresses_are_removed(
    leaving, contact_a, admin_user
):
    assert EmailOptOut.objects.filter(user=contact_a).exists()
    assert Notification.objects.filter(user=contact_a).exists()
    assert reply_claim(leaving["address"]) is not None
    contact_anonymise(actor=admin_user, contact=contact_a)
    assert not Follower.objects.filter(user=contact_a).exists()
    assert not EmailOptOut.objects.filter(user=contact_a).exists()
    assert not Notification.objects.filter(user=contact_a).exists()
    assert ReplyKey.objects.get(user=contact_a).version == 1
    assert reply_claim(leaving["address"]) is None


def test_emails_to_the_old_address_stop_and_lose_their_contents(
    leaving, contact_a, admin_user, agent, outbox
):
    contact_anonymise(actor=admin_user, contact=contact_a)
    new = anonymous_email(contact_a.pk)
    waiting = OutboundEmail.objects.get(pk=leaving["waiting"].pk)
    assert waiting.status == OutboundEmail.Status.FAILED
    assert waiting.last_error == "Não enviado: o destinatário foi anonimizado."
    to_her = OutboundEmail.objects.filter(recipient=contact_a)
    assert to_her.count() >= 2
    assert not to_her.exclude(to_address=new).exists()
    assert not to_her.exclude(body_text="", body_html="", headers={}).exists()
    assert not OutboundEmail.objects.filter(to_address__iexact="ana@acme.test").exists()
    inbound = InboundEmail.objects.get()
    assert (inbound.from_address, inbound.subject) == (new, "")
    # Nothing new reaches her either.
    outbox.clear()
    ticket_answer(ticket=leaving["own"], author=agent, body="Mais uma resposta.")
    assert all("ana@acme.test" not in m.to and new not in m.to for m in outbox)
    assert not OutboundEmail.objects.filter(recipient=contact_a, body_text__gt="").exists()


def test_it_is_recorded_in_the_audit_log_once(leaving, contact_a, admin_user):
    contact_anonymise(actor=admin_user, contact=contact_a)
    assert contact_anonymise(actor=admin_user, contact=contact_a) is False
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONTACT_ANONYMISED)
    assert entry.actor == admin_user
    assert entry.target == anonymous_email(contact_a.pk)
    assert entry.detail == {"company": "ACME Alimentos"}
    assert "ana@acme.test" not in str(entry.detail)


def test_staff_cannot_be_anonymised(agent, admin_user):
    other_admin = User.objects.create_user("rui@zweiarts.test", "x", name="Rui", role="admin")
    for person in (agent, other_admin, admin_user):
        with pytest.raises(ValidationError, match="Só um contato de cliente"):
            contact_anonymise(actor=admin_user, contact=person)
        person.refresh_from_db()
        assert person.anonymised_at is None and person.is_active
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CONTACT_ANONYMISED).exists()


def test_only_an_admin_anonymises(contact_a, agent, john):
    for actor in (agent, john):
        with pytest.raises(PermissionDenied):
            contact_anonymise(actor=actor, contact=contact_a)
    contact_a.refresh_from_db()
    assert contact_a.anonymised_at is None


def test_the_access_can_never_be_given_back(contact_a, admin_user, outbox):
    contact_anonymise(actor=admin_user, contact=contact_a)
    for attempt in (
        lambda: user_reactivate(actor=admin_user, user=contact_a),
        lambda: user_send_access(user=contact_a),
        lambda: contact_update(
            contact=contact_a, name="Ana Souza", language="pt-br", sees_own_requests_only=False
        ),
    ):
        with pytest.raises(ValidationError, match="foi anonimizado"):
            attempt()
    contact_a.refresh_from_db()
    assert (contact_a.name, contact_a.is_active) == ("Ex-contato", False)
    assert outbox == []


def test_the_old_address_is_free_for_a_new_invitation(contact_a, company_a, admin_user):
    contact_anonymise(actor=admin_user, contact=contact_a)
    again = contact_invite(company=company_a, email="ana@acme.test", name="Ana Souza")
    assert again.pk != contact_a.pk and again.is_active
