"""Answers by e-mail (portal/intake/inbound.py): real samples become answers on their
request; anything else is refused.

The HTTP door that mail providers post to is in test_views.py, the IMAP mailbox in
test_mailbox.py."""

from __future__ import annotations

import email
import email.policy
import logging

import pytest

from portal.intake.inbound import find_ticket, ingest_email
from portal.notifications.models import InboundEmail
from portal.tickets.models import Status
from portal.tickets.services import ticket_change_status, ticket_confirm
from tests.support.factories import open_ticket
from tests.support.inbound import answers, nothing_saved
from tests.support.mail import eml, to

pytestmark = pytest.mark.django_db

HTTP = InboundEmail.Source.HTTP


@pytest.mark.parametrize(
    ("sample", "sender", "body", "files"),
    [
        ("gmail-pt.eml", "ana@acme.test", "Perfeito, pode seguir com a versão 2.", []),
        ("gmail-en-html-only.eml", "john@acme.test", "Looks great, thanks!", []),
        (
            "outlook-pt-with-pdf.eml",
            "ana@acme.test",
            "Segue o briefing atualizado em anexo",
            [("briefing-atualizado.pdf", "application/pdf")],
        ),
        ("outlook-en-original-message.eml", "john@acme.test", "The new photo works.", []),
        (
            "apple-mail-pt-with-photo.eml",
            "ana@acme.test",
            "Pode sim! Segue a foto do produto para usar no post.",
            [("IMG_0042.PNG", "image/png")],
        ),
        ("apple-mail-en.eml", "john@acme.test", "Approved. Thank you all!", []),
        ("thunderbird-agent-pt.eml", "bruno@zweiarts.test", "Já trocamos a foto.", []),
    ],
)
def test_each_sample_becomes_an_answer_on_its_ticket(post, sample, sender, body, files):
    record = ingest_email(eml(sample), source=HTTP)
    assert record.status == InboundEmail.Status.ACCEPTED and record.ticket == post
    [message] = answers(post)
    assert record.answer == message
    assert message.author.email == sender and body in message.body and not message.is_internal
    assert "escreveu" not in message.body and "wrote" not in message.body
    assert ">" not in message.body and "Olá, Ana" not in message.body
    stored = [(a.original_name, a.content_type) for a in message.attachments.all()]
    assert stored == files
    for attachment in message.attachments.all():
        assert attachment.file.read()[:4] in (b"%PDF", b"\x89PNG")


def test_a_clients_answer_by_email_is_like_one_on_the_portal(post, agent, outbox):
    ticket_change_status(ticket=post, actor=agent, status=Status.WAITING_CLIENT)
    outbox.clear()
    ingest_email(eml("gmail-pt.eml"), source=HTTP)
    post.refresh_from_db()
    assert post.status == Status.IN_PROGRESS  # an answer resumes the work
    assert [e.kind for e in post.events.order_by("pk")][-1] == "status_changed"
    # The team hears of it; Ana, who wrote it, does not.
    answers_to_team = [m for m in outbox if "resposta de Ana Souza" in m.subject]
    assert to(answers_to_team) == ["bruno@zweiarts.test"]
    assert "ana@acme.test" not in to(outbox)


def test_an_agents_answer_by_email_reaches_the_clients(post, outbox):
    ingest_email(eml("thunderbird-agent-pt.eml"), source=HTTP)
    assert to(outbox) == ["ana@acme.test", "john@acme.test"]
    assert "Já trocamos a foto." in outbox[0].body


@pytest.mark.parametrize(
    "sample",
    [
        "gmail-pt.eml",
        "outlook-en-original-message.eml",
        "apple-mail-pt-with-photo.eml",
        "apple-mail-en.eml",
    ],
)
def test_the_ticket_is_found_from_references_message_ids_or_the_subject(post, sample):
    message = email.message_from_bytes(eml(sample), policy=email.policy.default)
    assert find_ticket(message, str(message["Subject"]))[0] == post


def with_sender(sample: str, sender: str) -> bytes:
    message = email.message_from_bytes(eml(sample), policy=email.policy.default)
    message.replace_header("From", sender)
    return message.as_bytes()


def test_an_agents_email_found_only_by_its_subject_tag_is_refused(post):
    # It may be an answer to an internal e-mail (a commitment warning, say):
    # it must not reach the client.
    record = refused(
        with_sender("outlook-en-original-message.eml", "Bruno Agente <bruno@zweiarts.test>"),
        InboundEmail.Reason.NO_REQUEST,
    )
    assert "deve responder a uma notificação" in record.detail
    assert nothing_saved(post)


def test_an_answer_to_an_email_that_is_not_about_a_ticket_is_refused(post, agent):
    from portal.notifications.emails import queue_email

    warning = queue_email(
        "password-reset", to=agent, context={"reset_url": "x", "valid_minutes": 1}
    )
    message = email.message_from_bytes(eml("thunderbird-agent-pt.eml"), policy=email.policy.default)
    message.replace_header("In-Reply-To", warning.message_id)
    message.replace_header("References", warning.message_id)
    refused(message.as_bytes(), InboundEmail.Reason.NO_REQUEST)
    assert nothing_saved(post)


def test_the_same_email_twice_is_added_once(post):
    first = ingest_email(eml("gmail-pt.eml"), source=InboundEmail.Source.IMAP)
    again = ingest_email(eml("gmail-pt.eml"), source=HTTP)
    assert again == first and len(answers(post)) == 1
    assert InboundEmail.objects.count() == 1


def test_a_refused_email_posted_again_is_refused_once(post, outbox):
    first = ingest_email(eml("refused-file-type.eml"), source=HTTP)
    again = ingest_email(eml("refused-file-type.eml"), source=HTTP)
    assert again == first and first.status == InboundEmail.Status.REFUSED
    assert InboundEmail.objects.count() == 1 and len(outbox) == 1  # one notice


def refused(sample: bytes, reason: str) -> InboundEmail:
    record = ingest_email(sample, source=HTTP)
    assert (record.status, record.reason) == (InboundEmail.Status.REFUSED, reason)
    return record


def test_a_file_of_a_refused_type_refuses_the_answer_and_tells_the_sender(post, outbox):
    record = refused(eml("refused-file-type.eml"), InboundEmail.Reason.INVALID)
    assert "fatura.exe" in record.detail
    assert nothing_saved(post)
    [notice] = outbox
    assert notice.to == ["ana@acme.test"]
    assert notice.subject == "[#1] Post de Natal — sua resposta por e-mail não foi adicionada"
    assert "“fatura.exe”: este tipo de arquivo não é aceito" in notice.body


def test_a_file_over_the_limit_refuses_the_answer(post, outbox, settings):
    settings.ATTACHMENTS_MAX_BYTES = 500
    record = refused(eml("outlook-pt-with-pdf.eml"), InboundEmail.Reason.INVALID)
    assert "briefing-atualizado.pdf" in record.detail and "500" in record.detail
    assert nothing_saved(post)
    assert to(outbox) == ["ana@acme.test"]


def test_an_unknown_sender_is_refused_and_logged_and_not_answered(post, outbox, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.intake.inbound"):
        record = refused(eml("unknown-sender.eml"), InboundEmail.Reason.UNKNOWN_SENDER)
    assert record.from_address == "fulano.de.tal@gmail.com"
    assert "fulano.de.tal@gmail.com" in caplog.text and "unknown_sender" in caplog.text
    assert nothing_saved(post) and outbox == []


def test_an_inactive_user_is_an_unknown_sender(post, contact_a):
    contact_a.is_active = False
    contact_a.save(update_fields=["is_active"])
    refused(eml("gmail-pt.eml"), InboundEmail.Reason.UNKNOWN_SENDER)
    assert nothing_saved(post)


def test_a_contact_of_another_company_never_lands_anywhere(post, contact_b, outbox):
    theirs = open_ticket(contact_b, subject="Carnaval")
    outbox.clear()
    refused(eml("other-company.eml"), InboundEmail.Reason.NOT_PARTICIPANT)
    assert nothing_saved(post)
    assert theirs.messages.count() == 1 and outbox == []


def test_a_contact_narrowed_to_her_own_tickets_cannot_answer_a_colleagues(post):
    refused(
        with_sender("gmail-pt.eml", "Nara Lima <nara@acme.test>"),
        InboundEmail.Reason.NOT_PARTICIPANT,
    )
    assert nothing_saved(post)


def test_an_email_matching_no_ticket_is_refused(post):
    refused(eml("no-request.eml"), InboundEmail.Reason.NO_REQUEST)
    assert nothing_saved(post)


def test_an_answer_to_a_closed_ticket_is_refused_and_the_sender_told(
    post, contact_a, agent, outbox
):
    ticket_change_status(ticket=post, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=post, actor=contact_a)
    outbox.clear()
    refused(eml("gmail-pt.eml"), InboundEmail.Reason.CLOSED)
    assert nothing_saved(post)
    [notice] = outbox
    assert notice.to == ["ana@acme.test"] and "A solicitação está encerrada." in notice.body


def test_automatic_replies_are_refused_without_an_answer(post, outbox):
    refused(eml("auto-reply.eml"), InboundEmail.Reason.AUTOMATIC)
    assert nothing_saved(post) and outbox == []


def test_a_refusal_notice_can_be_turned_off(post, contact_a, outbox):
    from portal.notifications.preferences import preferences_save

    preferences_save(user=contact_a, enabled={"request-answer"})
    refused(eml("refused-file-type.eml"), InboundEmail.Reason.INVALID)
    assert outbox == []
