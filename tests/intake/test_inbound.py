"""Answers by e-mail (portal/intake/inbound.py): real samples, sent to their sender's reply
address, become answers on their request; anything else is refused, forged senders first.

The HTTP door that mail providers post to is in test_views.py, the IMAP mailbox in
test_mailbox.py."""

from __future__ import annotations

import email
import email.policy
import logging

import pytest

from portal.accounts.models import User
from portal.intake.inbound import find_ticket, ingest_email
from portal.notifications.emails import reply_address
from portal.notifications.models import InboundEmail
from portal.notifications.reply_tokens import reply_tokens_revoke
from portal.tickets.models import Status, Ticket
from portal.tickets.services import ticket_change_status, ticket_confirm
from tests.support.factories import open_ticket
from tests.support.inbound import answers, nothing_saved, to_reply_address, with_header
from tests.support.mail import eml, text_and_html, to

pytestmark = pytest.mark.django_db

HTTP = InboundEmail.Source.HTTP
UNAUTHENTICATED = InboundEmail.Reason.UNAUTHENTICATED


def reply(sample: str, person, ticket, *, header: str = "To") -> bytes:
    """The sample as sent to ``person``'s reply address for ``ticket``."""
    return to_reply_address(eml(sample), person, ticket, header=header)


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
    record = ingest_email(reply(sample, User.objects.get(email=sender), post), source=HTTP)
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


def test_a_clients_answer_by_email_is_like_one_on_the_portal(post, contact_a, agent, outbox):
    ticket_change_status(ticket=post, actor=agent, status=Status.WAITING_CLIENT)
    outbox.clear()
    ingest_email(reply("gmail-pt.eml", contact_a, post), source=HTTP)
    post.refresh_from_db()
    assert post.status == Status.IN_PROGRESS  # an answer resumes the work
    assert [e.kind for e in post.events.order_by("pk")][-1] == "status_changed"
    # The team hears of it; Ana, who wrote it, does not.
    answers_to_team = [m for m in outbox if "Resposta de Ana Souza" in m.subject]
    assert to(answers_to_team) == ["bruno@zweiarts.test"]
    assert "ana@acme.test" not in to(outbox)


def test_an_agents_answer_by_email_reaches_the_clients(post, agent, outbox):
    ingest_email(reply("thunderbird-agent-pt.eml", agent, post), source=HTTP)
    # Ana opened it; her colleague John never touched it, nor chose all of ACME's.
    assert to(outbox) == ["ana@acme.test"]
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


def test_an_agents_email_found_only_by_its_subject_tag_is_refused(post, agent):
    # It may be an answer to an internal e-mail (a commitment warning, say):
    # it must not reach the client.
    forwarded = with_sender("outlook-en-original-message.eml", "Bruno Agente <bruno@zweiarts.test>")
    record = refused(to_reply_address(forwarded, agent, post), InboundEmail.Reason.NO_REQUEST)
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


def test_the_same_email_twice_is_added_once(post, contact_a):
    first = ingest_email(reply("gmail-pt.eml", contact_a, post), source=InboundEmail.Source.IMAP)
    again = ingest_email(reply("gmail-pt.eml", contact_a, post), source=HTTP)
    assert again == first and len(answers(post)) == 1
    assert InboundEmail.objects.count() == 1


def test_a_refused_email_posted_again_is_refused_once(post, contact_a, outbox):
    first = ingest_email(reply("refused-file-type.eml", contact_a, post), source=HTTP)
    again = ingest_email(reply("refused-file-type.eml", contact_a, post), source=HTTP)
    assert again == first and first.status == InboundEmail.Status.REFUSED
    assert InboundEmail.objects.count() == 1 and len(outbox) == 1  # one notice


def refused(sample: bytes, reason: str) -> InboundEmail:
    record = ingest_email(sample, source=HTTP)
    assert (record.status, record.reason) == (InboundEmail.Status.REFUSED, reason)
    return record


def test_a_file_of_a_refused_type_refuses_the_answer_and_tells_the_sender(post, contact_a, outbox):
    record = refused(reply("refused-file-type.eml", contact_a, post), InboundEmail.Reason.INVALID)
    assert "“fatura.exe”: este tipo de arquivo não é aceito" in record.detail  # for the admins
    assert nothing_saved(post)
    [notice] = outbox
    assert notice.to == ["ana@acme.test"]
    assert notice.subject == "[#1] Sua resposta por e-mail não foi adicionada — Post de Natal"
    assert "A resposta ou os seus arquivos foram recusados." in notice.body
    assert "Envie no máximo 10 arquivos de até 2 MB cada" in notice.body
    assert "fatura.exe" not in notice.body  # the notice quotes nothing of the e-mail


def test_a_file_over_the_limit_refuses_the_answer(post, contact_a, outbox, settings):
    settings.ATTACHMENTS_MAX_BYTES = 500
    sample = reply("outlook-pt-with-pdf.eml", contact_a, post)
    record = refused(sample, InboundEmail.Reason.INVALID)
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
    # Even with a reply address of hers for the request: it does not let her see it.
    sample = reply("other-company.eml", contact_b, post)
    refused(sample, InboundEmail.Reason.NOT_PARTICIPANT)
    assert nothing_saved(post)
    assert theirs.messages.count() == 1 and outbox == []


def test_a_contact_narrowed_to_her_own_tickets_cannot_answer_a_colleagues(post, nara):
    # A reply address she was given before she was narrowed still holds; the access rule wins.
    sample = with_sender("gmail-pt.eml", "Nara Lima <nara@acme.test>")
    refused(to_reply_address(sample, nara, post), InboundEmail.Reason.NOT_PARTICIPANT)
    assert nothing_saved(post)


def test_an_email_naming_no_request_is_a_new_one_and_needs_its_domain_vouched_for(post):
    # It would open a request (test_new_requests.py), but anyone can write that From.
    refused(eml("no-request.eml"), UNAUTHENTICATED)
    assert nothing_saved(post) and Ticket.objects.count() == 1


def test_an_answer_to_a_request_that_no_longer_exists_opens_none(post, agent):
    # It answers one of our e-mails: a reference, though to nothing, is no new request.
    cited = with_header(eml("gmail-pt.eml"), "References", "<request-99@zweiarts.com.br>")
    cited = with_header(cited, "In-Reply-To", "<request-99@zweiarts.com.br>")
    refused(with_header(cited, "Subject", "Re: sobre o post"), InboundEmail.Reason.NO_REQUEST)
    assert nothing_saved(post) and Ticket.objects.count() == 1


def test_an_answer_to_a_closed_ticket_is_refused_and_the_sender_told(
    post, contact_a, agent, outbox
):
    ticket_change_status(ticket=post, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=post, actor=contact_a)
    outbox.clear()
    refused(reply("gmail-pt.eml", contact_a, post), InboundEmail.Reason.CLOSED)
    assert nothing_saved(post)
    [notice] = outbox
    assert notice.to == ["ana@acme.test"] and "A solicitação está encerrada." in notice.body


def test_automatic_replies_are_refused_without_an_answer(post, outbox):
    refused(eml("auto-reply.eml"), InboundEmail.Reason.AUTOMATIC)
    assert nothing_saved(post) and outbox == []


def test_a_refusal_notice_can_be_turned_off(post, contact_a, outbox):
    from portal.notifications.preferences import preferences_save

    preferences_save(user=contact_a, enabled={"request-answer"})
    refused(reply("refused-file-type.eml", contact_a, post), InboundEmail.Reason.INVALID)
    assert outbox == []


# --- Forged senders: the From header proves nothing


def test_a_clients_address_in_from_without_her_reply_address_is_refused(post, outbox, caplog):
    # Anyone can write "From: ana@acme.test"; the e-mail did not come to her reply address.
    with caplog.at_level(logging.WARNING, logger="portal.intake.inbound"):
        record = refused(eml("gmail-pt.eml"), UNAUTHENTICATED)
    assert record.ticket == post and "unauthenticated" in caplog.text
    assert "Não foi enviado a um endereço de resposta válido" in record.detail
    assert nothing_saved(post) and outbox == []  # no notice, to her or anyone


def test_a_forged_team_answer_citing_the_thread_id_is_refused(post, agent, outbox):
    # The thread id of a request is easy to guess: it must not let anyone speak for the team.
    forged = eml("thunderbird-agent-pt.eml")
    for header in ("In-Reply-To", "References"):
        forged = with_header(forged, header, "<request-1@zweiarts.com.br>")
    refused(forged, UNAUTHENTICATED)
    assert nothing_saved(post) and outbox == []  # nothing reached the clients


@pytest.mark.parametrize(
    ("sample", "sender", "owner"),
    [
        ("gmail-pt.eml", "contact_a", "john"),  # a colleague's reply address
        ("thunderbird-agent-pt.eml", "agent", "contact_a"),  # a client's, from the team
        ("gmail-pt.eml", "contact_a", "agent"),  # the team's, from a client
    ],
)
def test_a_reply_address_used_by_another_sender_is_refused(
    request, post, outbox, sample, sender, owner
):
    owner = request.getfixturevalue(owner)
    record = refused(to_reply_address(eml(sample), owner, post), UNAUTHENTICATED)
    assert "endereço de resposta de outra pessoa" in record.detail
    assert nothing_saved(post) and outbox == []


def test_a_reply_address_for_another_ticket_is_refused(post, contact_a, outbox):
    other = open_ticket(contact_a, subject="Outro")
    outbox.clear()
    record = refused(reply("gmail-pt.eml", contact_a, other), UNAUTHENTICATED)  # answers #1
    assert record.ticket == post and "outra solicitação" in record.detail
    assert nothing_saved(post) and other.messages.count() == 1 and outbox == []


def test_a_revoked_reply_address_is_refused_and_the_next_one_works(post, contact_a):
    revoked = reply("gmail-pt.eml", contact_a, post)
    reply_tokens_revoke(user=contact_a)
    refused(revoked, UNAUTHENTICATED)
    assert nothing_saved(post)
    record = ingest_email(reply("apple-mail-pt-with-photo.eml", contact_a, post), source=HTTP)
    assert record.status == InboundEmail.Status.ACCEPTED


@pytest.mark.parametrize("header", ["To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"])
def test_the_reply_address_counts_in_any_recipient_header(post, contact_a, john, header):
    refused(reply("gmail-pt.eml", john, post, header=header), UNAUTHENTICATED)  # not hers
    record = ingest_email(
        reply("apple-mail-pt-with-photo.eml", contact_a, post, header=header), source=HTTP
    )
    assert record.status == InboundEmail.Status.ACCEPTED and len(answers(post)) == 1


def test_the_reply_address_may_come_as_the_envelope_recipient(post, contact_a):
    envelope = [reply_address(contact_a, post)]
    record = ingest_email(eml("gmail-pt.eml"), source=HTTP, recipients=envelope)
    assert record.status == InboundEmail.Status.ACCEPTED


# --- Answers vouched for by the receiving server (Authentication-Results)

TRUSTED = "mx.zweiarts.com.br"


def vouched(sample: str, results: str, *, by: str = TRUSTED) -> bytes:
    return with_header(eml(sample), "Authentication-Results", f"{by}; {results}")


def test_a_client_answer_vouched_for_by_the_trusted_server_needs_no_reply_address(post, settings):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = TRUSTED
    results = "dkim=pass header.d=acme.test header.s=google; spf=pass smtp.mailfrom=acme.test"
    # The same verdict written by anyone else (the sender, say) counts for nothing.
    refused(vouched("gmail-pt.eml", results, by="mx.evil.test"), UNAUTHENTICATED)
    assert nothing_saved(post)
    record = ingest_email(vouched("apple-mail-pt-with-photo.eml", results), source=HTTP)
    assert record.status == InboundEmail.Status.ACCEPTED
    assert answers(post)[0].author.email == "ana@acme.test"


@pytest.mark.parametrize(
    ("results", "setting"),
    [
        ("dkim=pass header.d=acme.test", ""),  # no server trusted: the default
        ("dkim=pass header.d=evil.test", TRUSTED),  # someone else's signature
        ("dkim=fail header.d=acme.test", TRUSTED),
        ("dmarc=pass header.from=evil.test", TRUSTED),
        ("spf=pass smtp.mailfrom=acme.test", TRUSTED),  # SPF says nothing of From
    ],
)
def test_anything_less_vouches_for_no_one(post, settings, outbox, results, setting):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = setting
    refused(vouched("gmail-pt.eml", results), UNAUTHENTICATED)
    assert nothing_saved(post) and outbox == []


def test_only_the_topmost_verdict_of_the_trusted_server_counts(post, settings):
    # A sender may write a header with the trusted id below the one the server adds.
    settings.INBOUND_TRUSTED_AUTHSERV_ID = TRUSTED
    forged = vouched("gmail-pt.eml", "dkim=pass header.d=acme.test")
    real = b"Authentication-Results: " + TRUSTED.encode() + b"; dkim=none\r\n"
    refused(real + forged, UNAUTHENTICATED)
    assert nothing_saved(post)


def test_a_second_from_address_is_vouched_for_by_nothing(post, settings):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = TRUSTED
    sample = vouched("gmail-pt.eml", "dkim=pass header.d=acme.test")
    two_senders = with_header(sample, "From", "Ana Souza <ana@acme.test>, Eve <eve@acme.test>")
    refused(two_senders, UNAUTHENTICATED)
    assert nothing_saved(post)


def test_the_team_always_needs_its_reply_address(post, settings, outbox):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = TRUSTED
    sample = vouched("thunderbird-agent-pt.eml", "dkim=pass header.d=zweiarts.test")
    refused(sample, UNAUTHENTICATED)
    assert nothing_saved(post) and outbox == []


# --- Refusal notices: only to the reply address's owner, quoting nothing


SNEAKY_SUBJECT = "Re: [#1] Ganhe um premio em http://evil.test"


def test_a_refusal_notice_quotes_nothing_and_goes_only_to_the_reply_addresss_owner(
    post, contact_a, john, outbox
):
    sample = with_header(eml("refused-file-type.eml"), "Subject", SNEAKY_SUBJECT)
    sample = with_header(sample, "Cc", "John Smith <john@acme.test>, eve@evil.test")
    refused(to_reply_address(sample, contact_a, post), InboundEmail.Reason.INVALID)
    [notice] = outbox
    assert notice.recipients() == ["ana@acme.test"]
    text, html = text_and_html(notice)
    for part in (notice.subject, text, html):
        assert "evil.test" not in part and "premio" not in part
        assert "Segue a fatura" not in part and "fatura.exe" not in part


def test_a_forged_sender_with_someone_elses_reply_address_gets_no_notice(
    post, contact_a, agent, outbox
):
    ticket_change_status(ticket=post, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=post, actor=contact_a)
    outbox.clear()
    # John's address in From, Ana's reply address: whoever wrote it, neither is told.
    forged = with_sender("gmail-pt.eml", "John Smith <john@acme.test>")
    refused(to_reply_address(forged, contact_a, post), UNAUTHENTICATED)
    assert outbox == []
