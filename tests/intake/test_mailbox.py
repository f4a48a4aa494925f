"""Reading answers from a mailbox: a small but real IMAP4 server on loopback, and imaplib."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command

from portal.intake import mailbox
from portal.intake.mailbox import fetch_mail_if_configured, mailbox_from_url
from portal.notifications.models import InboundEmail, OutboundEmail
from portal.tickets.services import ticket_answer
from tests.intake.imap_server import PASSWORD, USER
from tests.support.factories import open_ticket
from tests.support.inbound import to_reply_address
from tests.support.mail import eml

pytestmark = pytest.mark.django_db

NOTIFICATION_ID = "<179557822747.22647.1990571739280246312@zweiarts.com.br>"


@pytest.fixture
def post(contact_a, john, agent):
    ticket = open_ticket(contact_a, subject="Post de Natal")
    ticket_answer(ticket=ticket, author=agent, body="Segue a segunda versão do post.")
    OutboundEmail.objects.filter(kind="request-answer", to_address=contact_a.email).update(
        message_id=NOTIFICATION_ID
    )
    return ticket


def delivered(sample: str, person, ticket) -> bytes:
    """The sample as the mailbox holds it: delivered to ``person``'s reply address."""
    return to_reply_address(eml(sample), person, ticket, header="Delivered-To")


def test_it_reads_unseen_messages_ingests_each_and_marks_them_seen(
    imap, post, contact_a, john, capsys
):
    imap.add(delivered("gmail-pt.eml", contact_a, post))
    imap.add(delivered("outlook-en-original-message.eml", john, post), seen=True)  # read already
    imap.add(eml("unknown-sender.eml"))
    imap.add(delivered("apple-mail-pt-with-photo.eml", contact_a, post))
    call_command("fetch_mail")
    assert "accepted: 2, refused: 1, failed: 0" in capsys.readouterr().out
    assert imap.logins == [(USER, PASSWORD)]
    assert imap.unseen() == []
    bodies = [m.body for m in post.messages.order_by("pk")][2:]
    assert bodies == [
        "Perfeito, pode seguir com a versão 2.\nSó troquem a cor do botão para verde.\n\nObrigada!",
        "Pode sim! Segue a foto do produto para usar no post.",
    ]
    refused = InboundEmail.objects.get(status=InboundEmail.Status.REFUSED)
    assert refused.source == "imap" and refused.reason == InboundEmail.Reason.UNKNOWN_SENDER
    # Read without marking, marked only once ingested.
    assert "UID FETCH" in imap.commands and "UID STORE" in imap.commands

    call_command("fetch_mail")
    assert "accepted: 0, refused: 0, failed: 0" in capsys.readouterr().out
    assert post.messages.count() == 4


def test_a_message_that_fails_to_ingest_stays_unseen_and_is_read_next_time(
    imap, post, contact_a, monkeypatch
):
    imap.add(delivered("gmail-pt.eml", contact_a, post))
    ingest = mailbox.ingest_email

    def crash(raw, *, source):
        raise RuntimeError("database went away")

    monkeypatch.setattr(mailbox, "ingest_email", crash)
    assert mailbox.fetch_mail() == {"accepted": 0, "refused": 0, "failed": 1}
    assert len(imap.unseen()) == 1
    monkeypatch.setattr(mailbox, "ingest_email", ingest)
    assert mailbox.fetch_mail() == {"accepted": 1, "refused": 0, "failed": 0}
    assert imap.unseen() == [] and post.messages.count() == 3


def test_the_periodic_job_reads_only_when_a_mailbox_is_configured(imap, post, john, settings):
    imap.add(delivered("apple-mail-en.eml", john, post))
    assert fetch_mail_if_configured() == {"accepted": 1, "refused": 0, "failed": 0}
    settings.INBOUND_IMAP_URL = ""
    imap.add(eml("gmail-pt.eml"))
    assert fetch_mail_if_configured() is None
    assert len(imap.unseen()) == 1


def test_a_forged_answer_in_the_mailbox_is_refused_and_marked_seen(imap, post, outbox):
    # From Ana, but not delivered to her reply address: anyone could have written it.
    imap.add(eml("gmail-pt.eml"))
    outbox.clear()
    assert fetch_mail_if_configured() == {"accepted": 0, "refused": 1, "failed": 0}
    assert imap.unseen() == [] and post.messages.count() == 2 and outbox == []
    assert InboundEmail.objects.get().reason == InboundEmail.Reason.UNAUTHENTICATED


def test_wrong_credentials_fail_loudly(imap, settings):
    settings.INBOUND_IMAP_URL = settings.INBOUND_IMAP_URL.replace("forte", "fraca")
    with pytest.raises(Exception, match="Invalid credentials"):
        call_command("fetch_mail")


def test_a_password_beyond_ascii_signs_in_with_sasl_plain(imap, post, john, settings):
    settings.INBOUND_IMAP_URL = re.sub(
        r":[^:@]+@", f":{quote('sênha-ç')}@", settings.INBOUND_IMAP_URL
    )
    imap.add(delivered("apple-mail-en.eml", john, post))
    assert fetch_mail_if_configured() == {"accepted": 1, "refused": 0, "failed": 0}
    assert imap.logins == [(USER, "sênha-ç")] and "AUTHENTICATE" in imap.commands


def test_the_command_needs_a_mailbox(settings):
    settings.INBOUND_IMAP_URL = ""
    with pytest.raises(CommandError):
        call_command("fetch_mail")


def test_mailbox_urls():
    box = mailbox_from_url("imaps://u%40x.com:p%3Aw@mail.example/Respostas")
    assert (box.host, box.port, box.username, box.password, box.folder, box.ssl) == (
        "mail.example",
        993,
        "u@x.com",
        "p:w",
        "Respostas",
        True,
    )
    box = mailbox_from_url("imap://u:p@mail.example?starttls=1")
    assert (box.port, box.folder, box.ssl, box.starttls) == (143, "INBOX", False, True)
