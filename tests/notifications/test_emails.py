"""The e-mails the portal queues (portal/notifications/emails.py): one conversation per
request in mail clients, answers back to each recipient's own reply address, no way for
user text to add headers, and the one gate that honours each person's choices."""

from __future__ import annotations

import logging
import re

import pytest

from portal.notifications.emails import (
    queue_email,
    reply_address,
    reply_claim,
    thread_id,
    ticket_number_from_thread_id,
)
from portal.notifications.models import OutboundEmail
from portal.notifications.preferences import preferences_save
from portal.notifications.reply_tokens import ReplyClaim, reply_tokens_revoke
from portal.tickets.followers import ticket_follow
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


def reply_to(message) -> str:
    [address] = mime(message)["Reply-To"].addresses
    return address.addr_spec


def test_answers_go_to_the_recipients_reply_address_at_the_inbound_address(
    contact_a, outbox, settings
):
    ticket = open_ticket(contact_a)
    assert mime(outbox[0])["Reply-To"] == f"Zwei Arts <{reply_address(contact_a, ticket)}>"
    assert re.fullmatch(r"atendimento\+r1u\d+k[a-z2-7]{16}@zweiarts\.com\.br", reply_to(outbox[0]))
    settings.INBOUND_EMAIL_ADDRESS = "respostas@zweiarts.com.br"
    settings.AGENCY_NAME = "Zwei Arts, Comunicação"
    other = open_ticket(contact_a)
    [address] = mime(outbox[-1])["Reply-To"].addresses
    assert address.addr_spec.startswith("respostas+r2u") and address.domain == "zweiarts.com.br"
    assert address.display_name == "Zwei Arts, Comunicação"
    assert reply_claim(address.addr_spec) == ReplyClaim(contact_a.pk, other.number)


def test_each_recipient_has_a_reply_address_of_their_own_for_each_ticket(
    contact_a, john, agent, outbox
):
    ticket = open_ticket(contact_a)
    ticket_follow(ticket=ticket, actor=john)
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Primeira versão.")
    addresses = {message.to[0]: reply_to(message) for message in outbox}
    assert addresses.keys() == {"ana@acme.test", "john@acme.test"}
    assert addresses["ana@acme.test"] != addresses["john@acme.test"]
    assert reply_claim(addresses["john@acme.test"]) == ReplyClaim(john.pk, ticket.number)
    other = open_ticket(contact_a, subject="Outro")
    assert reply_address(john, other) != addresses["john@acme.test"]
    for address in addresses.values():  # an address's local part holds 64 characters at most
        local = address.rpartition("@")[0]
        assert len(local) <= 64 and re.fullmatch(r"[a-z0-9+]+", local)


def test_only_the_portals_reply_addresses_are_claims(contact_a):
    ticket = open_ticket(contact_a)
    address = reply_address(contact_a, ticket)
    local, _, domain = address.partition("@")
    assert reply_claim(address.upper()) == ReplyClaim(contact_a.pk, ticket.number)
    mac = local[-16:]
    tampered = local[:-16] + ("a" if mac[0] != "a" else "b") + mac[1:]
    for forged in [
        f"{tampered}@{domain}",  # a MAC the portal did not make
        local.replace(f"u{contact_a.pk}k", f"u{contact_a.pk + 1}k") + f"@{domain}",  # another's
        local.replace("+r1u", "+r2u") + f"@{domain}",  # another ticket
        f"{local}@elsewhere.test",  # the token at someone else's domain
        local.replace("atendimento+", "outro+") + f"@{domain}",
        "atendimento@zweiarts.com.br",
    ]:
        assert reply_claim(forged) is None, forged


def test_a_reply_address_made_with_a_retired_key_holds_while_it_is_a_fallback(contact_a, settings):
    ticket = open_ticket(contact_a)
    address = reply_address(contact_a, ticket)
    old_key, settings.SECRET_KEY = settings.SECRET_KEY, "a brand new secret key " * 3
    assert reply_claim(address) is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert reply_claim(address) == ReplyClaim(contact_a.pk, ticket.number)


def test_revoking_turns_every_reply_address_of_a_person_off(contact_a, john, agent, outbox):
    ticket = open_ticket(contact_a)
    hers, his = reply_address(contact_a, ticket), reply_address(john, ticket)
    reply_tokens_revoke(user=contact_a)
    assert reply_claim(hers) is None and reply_claim(his) is not None
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Primeira versão.")
    [fresh] = [reply_to(message) for message in outbox if message.to == ["ana@acme.test"]]
    assert fresh != hers and reply_claim(fresh) == ReplyClaim(contact_a.pk, ticket.number)


def test_an_inbound_address_with_no_room_for_the_token_gets_the_answers_unsigned(
    contact_a, outbox, settings, caplog
):
    settings.INBOUND_EMAIL_ADDRESS = f"{'r' * 50}@zweiarts.com.br"
    with caplog.at_level(logging.ERROR, logger="portal.notifications.emails"):
        open_ticket(contact_a)
    assert reply_to(outbox[0]) == f"{'r' * 50}@zweiarts.com.br"
    assert "no room for a reply token" in caplog.text


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
    assert message["Subject"] == "[#1] Nova resposta — Post Bcc: eve@evil.test"
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
