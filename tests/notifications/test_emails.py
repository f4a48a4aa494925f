"""The e-mails the portal queues (portal/notifications/emails.py): one conversation per
request in mail clients, answers back to the inbound address, no way for user text to add
headers, and the one gate that honours each person's choices."""

from __future__ import annotations

import pytest

from portal.notifications.emails import queue_email, thread_id, ticket_number_from_thread_id
from portal.notifications.models import OutboundEmail
from portal.notifications.preferences import preferences_save
from portal.tickets.models import Status
from portal.tickets.services import ticket_answer, ticket_change_status
from tests.support.factories import AgentFactory, open_ticket
from tests.support.mail import mime

pytestmark = pytest.mark.django_db


def test_a_tickets_emails_share_one_thread_with_unique_message_ids(contact_a, agent, outbox):
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Primeira versão.")
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    wire = [mime(message) for message in outbox]
    assert len(wire) == 4  # receipt + team, answer, status
    ids = [message["Message-ID"] for message in wire]
    assert len(set(ids)) == len(ids) and all(i.endswith("@zweiarts.com.br>") for i in ids)
    for message in wire:
        assert message["In-Reply-To"] == "<request-1@zweiarts.com.br>"
        assert message["References"] == "<request-1@zweiarts.com.br>"
        assert message["Auto-Submitted"] == "auto-generated"
    other = open_ticket(contact_a, subject="Outro")
    assert (
        mime(outbox[-1])["References"] == thread_id(other.number) == "<request-2@zweiarts.com.br>"
    )


def test_answers_go_to_the_inbound_address(contact_a, outbox, settings):
    open_ticket(contact_a)
    assert mime(outbox[0])["Reply-To"] == "Zwei Arts <atendimento@zweiarts.com.br>"
    settings.INBOUND_EMAIL_ADDRESS = "respostas@zweiarts.com.br"
    settings.AGENCY_NAME = "Zwei Arts, Comunicação"
    open_ticket(contact_a)
    reply_to = mime(outbox[-1])["Reply-To"]
    assert reply_to.addresses[0].addr_spec == "respostas@zweiarts.com.br"
    assert reply_to.addresses[0].display_name == "Zwei Arts, Comunicação"


def test_the_sender_name_shows_who_acted_from_the_agencys_address(contact_a, agent, outbox):
    ticket = open_ticket(contact_a)
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Oi")
    sender = mime(outbox[0])["From"].addresses[0]
    assert sender.display_name == "Bruno Agente · Zwei Arts"
    assert sender.addr_spec == "atendimento@zweiarts.com.br"


def test_a_name_with_a_comma_and_an_address_stays_one_name(contact_a, outbox):
    # formataddr would encode it as an RFC 2047 word, which the email package
    # decodes and splits at the comma: two addresses.
    sneaky = AgentFactory(email="x@zweiarts.test", name="Zé, eve@evil.test")
    ticket = open_ticket(contact_a)
    outbox.clear()
    ticket_answer(ticket=ticket, author=sneaky, body="Oi")
    [sender] = mime(outbox[0])["From"].addresses
    assert sender.display_name == "Zé, eve@evil.test · Zwei Arts"
    assert sender.addr_spec == "atendimento@zweiarts.com.br"


def test_user_text_cannot_add_headers(contact_a, outbox):
    sneaky = AgentFactory(email="x@zweiarts.test", name='Eve"\r\nBcc: eve@evil.test\r\nX: "')
    ticket = open_ticket(contact_a, subject="Post\r\nBcc: eve@evil.test")
    outbox.clear()
    ticket_answer(ticket=ticket, author=sneaky, body="Oi\r\nBcc: eve@evil.test")
    raw = outbox[0].message().as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"\nX:" not in headers
    message = mime(outbox[0])
    assert message["Subject"] == "[#1] Post Bcc: eve@evil.test — nova resposta"
    assert "eve@evil.test" not in [a.addr_spec for a in message["From"].addresses]
    assert outbox[0].recipients() == ["ana@acme.test"]


def test_thread_ids_are_only_ours():
    assert ticket_number_from_thread_id("<request-12@zweiarts.com.br>") == 12
    assert ticket_number_from_thread_id("<request-12@elsewhere.test>") is None
    assert ticket_number_from_thread_id("<request-x@zweiarts.com.br>") is None


def test_every_kind_queued_anywhere_honours_the_choice(agent, outbox):
    # queue_email is the one gate: kinds sent outside the ticket hooks (the
    # commitment warnings) are covered too.
    preferences_save(user=agent, enabled=set())
    assert queue_email("commitment-warning", to=agent, context={}) is None
    assert not OutboundEmail.objects.exists() and outbox == []
