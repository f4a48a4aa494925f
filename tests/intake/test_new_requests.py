"""New requests by e-mail (portal/intake/inbound.py, new_requests.py): a client contact's
e-mail that names no request opens one, as NOVA SOLICITAÇÃO would, when the trusted
receiving server vouches for her domain; anyone else gets nothing, and it is recorded."""

from __future__ import annotations

import datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from portal.intake.inbound import ingest_email
from portal.notifications.models import InboundEmail
from portal.tickets.models import Department, Event, Priority, Service, ServiceField, Status, Ticket
from portal.tickets.services import ticket_answer
from tests.support.factories import open_ticket
from tests.support.inbound import answers, with_header
from tests.support.mail import eml, to
from tools import demo_files

pytestmark = pytest.mark.django_db

HTTP = InboundEmail.Source.HTTP
Reason = InboundEmail.Reason
TRUSTED = "mx.zweiarts.com.br"
# 22:30 in São Paulo, already the next day in UTC: the Prazo counts from the agency's day.
ARRIVAL = datetime.datetime(2026, 12, 24, 1, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 12, 23)


@pytest.fixture(autouse=True)
def setup(settings, contact_a, agent):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = TRUSTED
    settings.EMAIL_REQUEST_DEPARTMENT = "Financeiro"
    settings.EMAIL_REQUEST_SERVICE = "design gráfico"  # names match whatever their case
    settings.EMAIL_REQUEST_PRIORITY = "Média"
    settings.EMAIL_REQUEST_DEADLINE_DAYS = 7


@pytest.fixture
def clock():
    with time_machine.travel(ARRIVAL, tick=False):
        yield


def new_email(
    *,
    sender: str = "Ana Souza <ana@acme.test>",
    subject: str = "Banner para a Black Friday",
    body: str = "Olá! Precisamos de um banner para o site.\n\n-- \nAna Souza\nACME Alimentos",
    files: tuple[tuple[str, bytes, str], ...] = (),
    results: str | None = "dkim=pass header.d=acme.test header.s=google; dmarc=pass",
    authserv_id: str = TRUSTED,
    message_id: str | None = None,
) -> bytes:
    """An e-mail as a contact's mail client writes it to the inbound address, with the
    Authentication-Results the receiving server adds on top (``results``)."""
    message = EmailMessage()
    if results is not None:
        message["Authentication-Results"] = f"{authserv_id}; {results}"
    message["From"] = sender
    message["To"] = "Zwei Arts <atendimento@zweiarts.com.br>"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="mail.gmail.com")
    message["Date"] = "Wed, 23 Dec 2026 22:30:00 -0300"
    message.set_content(body)
    for name, content, content_type in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def opened(raw: bytes, **kwargs) -> Ticket:
    record = ingest_email(raw, source=HTTP, **kwargs)
    assert (record.status, record.reason) == (InboundEmail.Status.ACCEPTED, "")
    assert record.ticket is not None
    return record.ticket


def refused(raw: bytes, reason: str) -> InboundEmail:
    record = ingest_email(raw, source=HTTP)
    assert (record.status, record.reason) == (InboundEmail.Status.REFUSED, reason)
    assert record.ticket is None
    return record


def test_a_contacts_email_opens_a_request_with_the_defaults_and_the_prazo(clock, contact_a, outbox):
    raw = new_email(subject="Fwd: RE: Banner para a Black Friday")
    record = ingest_email(raw, source=HTTP)
    assert record.status == InboundEmail.Status.ACCEPTED and record.from_address == "ana@acme.test"
    assert record.detail == "Abriu uma nova solicitação."  # for the admins' page
    ticket = record.ticket
    assert (ticket.number, ticket.status) == (1, Status.OPEN)
    assert (ticket.company, ticket.opened_by) == (contact_a.company, contact_a)
    assert ticket.subject == "Banner para a Black Friday"
    assert (ticket.department.name, ticket.service.name, ticket.priority.name) == (
        "Financeiro",
        "Design Gráfico",
        "Média",
    )
    assert ticket.deadline == ticket.original_deadline == TODAY + datetime.timedelta(days=7)
    # The text, without the signature, is its first message, which the record points at.
    [message] = ticket.messages.all()
    assert record.answer == message
    assert (message.author, message.body) == (
        contact_a,
        "Olá! Precisamos de um banner para o site.",
    )
    assert [event.kind for event in ticket.events.all()] == [Event.Kind.OPENED]
    assert ticket.events.get().actor == contact_a
    # The usual confirmation to her, the news to the team; nothing else.
    receipt = [m for m in outbox if m.to == ["ana@acme.test"]]
    assert [m.subject for m in receipt] == [
        "[#1] Solicitação recebida — Banner para a Black Friday"
    ]
    assert "Olá! Precisamos de um banner" in receipt[0].body
    assert to(outbox) == ["ana@acme.test", "bruno@zweiarts.test"]


def test_its_files_are_attached_under_the_usual_checks(contact_a, outbox):
    files = (
        ("briefing.pdf", demo_files.pdf("briefing.pdf"), "application/pdf"),
        ("foto.png", demo_files.png(), "image/png"),
    )
    ticket = opened(new_email(files=files))
    stored = ticket.messages.get().attachments.order_by("pk")
    assert [(a.original_name, a.content_type) for a in stored] == [
        ("briefing.pdf", "application/pdf"),
        ("foto.png", "image/png"),
    ]
    assert stored[0].file.read()[:4] == b"%PDF"


def test_a_refused_file_refuses_the_whole_email_as_it_does_an_answer(contact_a, outbox):
    files = (
        ("briefing.pdf", demo_files.pdf("briefing.pdf"), "application/pdf"),
        ("fatura.exe", b"MZ\x90\x00" + b"\x00" * 60, "application/octet-stream"),
    )
    record = refused(new_email(files=files), Reason.INVALID)
    assert "“fatura.exe”: este tipo de arquivo não é aceito" in record.detail  # for the admins
    assert not Ticket.objects.exists() and outbox == []


def test_files_without_text_still_open_a_request(contact_a):
    png = (("foto.png", demo_files.png(), "image/png"),)
    ticket = opened(new_email(subject="", body="", files=png))
    assert ticket.subject == "(sem assunto)"
    assert ticket.messages.get().body == "(arquivos enviados por e-mail)"


def test_a_subject_alone_is_a_request_and_nothing_at_all_is_refused(contact_a, outbox):
    ticket = opened(new_email(subject="Trocar o telefone do rodapé do site", body=""))
    assert ticket.messages.get().body == "Trocar o telefone do rodapé do site"
    outbox.clear()
    refused(new_email(subject="Re:", body="\n-- \nAna"), Reason.EMPTY)
    assert Ticket.objects.count() == 1 and outbox == []


def test_a_long_subject_is_cut_to_the_fields_length(contact_a):
    ticket = opened(new_email(subject="Campanha " * 40))
    assert len(ticket.subject) <= 200 and ticket.subject.startswith("Campanha Campanha")


def test_the_same_email_read_twice_opens_one_request(contact_a, outbox):
    raw = new_email(message_id="<CAF3x+OneRequest@mail.gmail.com>")
    first = ingest_email(raw, source=InboundEmail.Source.IMAP)
    again = ingest_email(raw, source=HTTP)
    assert again == first and Ticket.objects.count() == 1
    assert InboundEmail.objects.count() == 1
    assert [m.to for m in outbox].count(["ana@acme.test"]) == 1


def test_two_workers_reading_it_at_once_open_one_request(contact_a, outbox):
    # The second read did not see the first one's record yet (it had not committed):
    # the e-mail's one-time key makes the use case give back the request it opened.
    raw = new_email(message_id="<CAF3x+Race@mail.gmail.com>")
    ticket = opened(raw)
    InboundEmail.objects.all().delete()
    assert opened(raw) == ticket and Ticket.objects.count() == 1
    assert [m.to for m in outbox].count(["ana@acme.test"]) == 1


# --- The defaults


def test_without_names_the_first_active_entries_in_the_catalogues_order(settings, contact_a):
    settings.EMAIL_REQUEST_DEPARTMENT = settings.EMAIL_REQUEST_SERVICE = ""
    settings.EMAIL_REQUEST_PRIORITY = ""
    Service.objects.filter(name="Redes Sociais").update(is_active=False)
    ticket = opened(new_email())
    assert (ticket.department.name, ticket.service.name, ticket.priority.name) == (
        "Atendimento",
        "Atualização / Website",
        "Baixa",
    )


@pytest.mark.parametrize(
    ("model", "name", "detail"),
    [
        (Department, "Financeiro", "Nenhum departamento ativo se chama “Financeiro”"),
        (Service, "Design Gráfico", "Nenhum serviço ativo se chama “design gráfico”"),
        (Priority, "Média", "Nenhuma prioridade ativa se chama “Média”"),
    ],
)
def test_a_named_default_that_is_inactive_refuses_it_clearly(
    contact_a, outbox, model, name, detail
):
    model.objects.filter(name=name).update(is_active=False)
    record = refused(new_email(), Reason.NO_DEFAULTS)
    assert record.detail.startswith(detail) and "(EMAIL_REQUEST_" in record.detail
    assert not Ticket.objects.exists() and outbox == []


def test_an_empty_catalogue_refuses_it_clearly(settings, contact_a, outbox):
    settings.EMAIL_REQUEST_PRIORITY = ""
    Priority.objects.update(is_active=False)
    record = refused(new_email(), Reason.NO_DEFAULTS)
    assert record.detail == "Não há prioridade ativa."
    assert not Ticket.objects.exists() and outbox == []


def test_a_default_service_with_required_questions_refuses_it(contact_a, outbox):
    ServiceField.objects.create(
        service=Service.objects.get(name="Design Gráfico"),
        label="Formato",
        kind=ServiceField.Kind.TEXT,
        required=True,
    )
    record = refused(new_email(), Reason.NO_DEFAULTS)
    assert "campos obrigatórios do serviço “Design Gráfico”" in record.detail
    assert not Ticket.objects.exists() and outbox == []


def test_a_prazo_beyond_the_limit_refuses_it(settings, contact_a):
    settings.EMAIL_REQUEST_DEADLINE_DAYS = 365 * settings.DEADLINE_MAX_YEARS + 1
    record = refused(new_email(), Reason.NO_DEFAULTS)
    assert "anos" in record.detail and not Ticket.objects.exists()


def test_a_prazo_of_zero_days_is_today(clock, settings, contact_a):
    settings.EMAIL_REQUEST_DEADLINE_DAYS = 0
    assert opened(new_email()).deadline == TODAY


# --- Anyone else gets nothing


def test_an_unknown_sender_is_recorded_and_not_answered(outbox):
    record = refused(
        new_email(sender="Fulano <fulano@acme.test>", results="dkim=pass header.d=acme.test"),
        Reason.UNKNOWN_SENDER,
    )
    assert record.from_address == "fulano@acme.test" and record.subject
    assert not Ticket.objects.exists() and outbox == []


def test_an_inactive_contact_is_refused(contact_a, outbox):
    contact_a.is_active = False
    contact_a.save(update_fields=["is_active"])
    refused(new_email(), Reason.UNKNOWN_SENDER)
    assert not Ticket.objects.exists() and outbox == []


def test_a_contact_of_an_inactive_company_is_refused(contact_a, outbox):
    contact_a.company.is_active = False
    contact_a.company.save(update_fields=["is_active"])
    refused(new_email(), Reason.CANNOT_OPEN)
    assert not Ticket.objects.exists() and outbox == []


def test_a_team_member_without_a_reference_is_refused(agent, outbox):
    sample = new_email(
        sender="Bruno Agente <bruno@zweiarts.test>", results="dkim=pass header.d=zweiarts.test"
    )
    refused(sample, Reason.CANNOT_OPEN)
    assert not Ticket.objects.exists() and outbox == []


@pytest.mark.parametrize(
    ("results", "authserv_id"),
    [
        (None, TRUSTED),  # nothing vouches for her
        ("dkim=fail header.d=acme.test; dmarc=fail header.from=acme.test", TRUSTED),
        ("dkim=pass header.d=evil.test; dmarc=pass header.from=evil.test", TRUSTED),
        ("spf=pass smtp.mailfrom=acme.test", TRUSTED),  # SPF says nothing of From
        ("dkim=pass header.d=acme.test", "mx.evil.test"),  # a verdict anyone can write
    ],
)
def test_a_forged_sender_opens_nothing(contact_a, outbox, results, authserv_id):
    record = refused(new_email(results=results, authserv_id=authserv_id), Reason.UNAUTHENTICATED)
    assert "INBOUND_TRUSTED_AUTHSERV_ID" in record.detail
    assert not Ticket.objects.exists() and outbox == []


def test_no_trusted_server_configured_means_no_request_by_email(settings, contact_a, outbox):
    settings.INBOUND_TRUSTED_AUTHSERV_ID = ""
    refused(new_email(), Reason.UNAUTHENTICATED)
    assert not Ticket.objects.exists() and outbox == []


def test_a_second_from_address_is_vouched_for_by_nothing(contact_a):
    refused(new_email(sender="Ana Souza <ana@acme.test>, eve@acme.test"), Reason.UNAUTHENTICATED)
    assert not Ticket.objects.exists()


def test_an_automatic_reply_opens_nothing(contact_a, outbox):
    vouched = with_header(eml("auto-reply.eml"), "Authentication-Results", f"{TRUSTED}; dkim=pass")
    for header in ("References", "In-Reply-To"):  # even without a reference
        vouched = with_header(vouched, header, "<x@acme.test>")
    refused(vouched, Reason.AUTOMATIC)
    assert not Ticket.objects.exists() and outbox == []


# --- An e-mail that names a request still answers it


@pytest.fixture
def post(contact_a, agent, outbox):
    ticket = open_ticket(contact_a, subject="Post de Natal")
    ticket_answer(ticket=ticket, author=agent, body="Segue a segunda versão do post.")
    outbox.clear()
    return ticket


def test_a_tag_of_her_own_request_answers_it(post):
    record = ingest_email(
        new_email(subject="Re: [#1] Post de Natal", body="Aprovado!"), source=HTTP
    )
    assert record.status == InboundEmail.Status.ACCEPTED and record.ticket == post
    assert [m.body for m in answers(post)] == ["Aprovado!"]
    assert Ticket.objects.count() == 1


def test_an_answer_to_a_notification_is_never_a_new_request(post, contact_a):
    # Her mail client cites the thread, but the server vouches for nothing: refused, no request.
    raw = with_header(new_email(results=None), "In-Reply-To", "<request-1@zweiarts.com.br>")
    record = ingest_email(raw, source=HTTP)
    assert (record.reason, record.ticket) == (Reason.UNAUTHENTICATED, post)
    assert Ticket.objects.count() == 1 and answers(post) == []


def test_an_email_to_a_reply_address_is_never_a_new_request(post, contact_a, settings):
    settings.INBOUND_EMAIL_ADDRESS = "atendimento@zweiarts.com.br"
    raw = with_header(new_email(), "To", "atendimento+r1revoked0000@zweiarts.com.br")
    refused(raw, Reason.NO_REQUEST)
    assert Ticket.objects.count() == 1


def test_a_tag_of_a_request_she_does_not_see_is_no_reference(post, contact_b):
    # Marina (another company) cites #1 of ACME: a new request of hers, without the tag.
    raw = new_email(
        sender="Marina Costa <marina@boreal.test>",
        subject="[#1] Orçamento",
        results="dmarc=pass header.from=boreal.test",
    )
    ticket = opened(raw)
    assert (ticket.number, ticket.company, ticket.subject) == (2, contact_b.company, "Orçamento")
    assert answers(post) == []


def test_other_mail_cited_by_her_client_is_no_reference(contact_a):
    # Her colleagues' thread she copied us on: not ours, so it says nothing.
    raw = with_header(new_email(), "References", "<CAF3x+Internal@mail.gmail.com>")
    assert opened(raw).subject == "Banner para a Black Friday"


# --- The doors: the mailbox and the provider's post


def test_a_new_request_arrives_through_the_imap_mailbox(imap, clock, contact_a, outbox):
    imap.add(new_email(files=(("foto.png", demo_files.png(), "image/png"),)))
    imap.add(new_email(sender="Fulano <fulano@gmail.com>", results="dkim=pass header.d=gmail.com"))
    call_command("fetch_mail")
    assert imap.unseen() == []
    ticket = Ticket.objects.get()
    assert ticket.deadline == datetime.date(2026, 12, 30)
    assert ticket.messages.get().attachments.get().original_name == "foto.png"
    record = InboundEmail.objects.get(ticket=ticket)
    assert (record.source, record.status) == ("imap", "accepted")
    refusal = InboundEmail.objects.get(status="refused")
    assert (refusal.source, refusal.reason) == ("imap", Reason.UNKNOWN_SENDER)
    assert to(outbox) == ["ana@acme.test", "bruno@zweiarts.test"]
    # Read again (a mailbox that lost its \Seen flags): still one request.
    for message in imap.messages:
        message.flags.clear()
    call_command("fetch_mail")
    assert Ticket.objects.count() == 1 and InboundEmail.objects.count() == 2


def test_a_new_request_arrives_through_the_providers_post(client, settings, contact_a, outbox):
    settings.INBOUND_EMAIL_TOKEN = "s3cr3t"
    headers = {"Authorization": "Bearer s3cr3t"}
    url = reverse("intake:inbound")
    response = client.post(url, new_email(), content_type="message/rfc822", headers=headers)
    assert response.status_code == 202 and response.json()["status"] == "accepted"
    assert Ticket.objects.get().opened_by == contact_a
    forged = new_email(results="dkim=fail header.d=acme.test")
    response = client.post(url, forged, content_type="message/rfc822", headers=headers)
    assert response.status_code == 422 and response.json()["reason"] == "unauthenticated"
    assert Ticket.objects.count() == 1
