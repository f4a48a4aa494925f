"""The e-mail pages (portal/notifications/views.py): each person's preferences; for admins,
the outbox, where they see what became of each e-mail and send failed ones again, and the
inbox of what arrived."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.intake.inbound import ingest_email
from portal.notifications.models import InboundEmail, OutboundEmail
from portal.notifications.preferences import disabled_kinds, kinds_for
from portal.tickets.services import ticket_answer
from tests.support.factories import open_ticket
from tests.support.inbound import to_reply_address
from tests.support.mail import eml

pytestmark = pytest.mark.django_db

OUTBOX = reverse("notifications:outbox")
PREFERENCES = reverse("notifications:preferences")
INBOX = reverse("notifications:inbox")


# --- Preferences


def test_it_asks_for_login(client):
    response = client.get(PREFERENCES)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_client_sees_the_client_kinds_in_her_language(client, contact_a):
    client.force_login(contact_a)
    body = client.get(PREFERENCES).content.decode()
    assert "O que você recebe" in body
    assert "Nova resposta da equipe" in body
    assert "Novo prazo proposto ou combinado, com o motivo" in body
    assert "Resposta de um cliente" not in body  # a staff kind
    assert "sempre enviados" in body
    # Two per kind: by e-mail and in the portal; and "all the company's requests", off.
    boxes = 2 * len(kinds_for(contact_a))
    assert "Relatório mensal" not in body  # for company admins only
    assert body.count('type="checkbox"') == boxes + 1 and body.count("checked") == boxes
    assert "Todas as solicitações da empresa" in body


def test_an_english_speaking_agent_sees_the_staff_kinds_in_english(client, agent):
    agent.language = "en"
    agent.save(update_fields=["language"])
    client.force_login(agent)
    body = client.get(PREFERENCES).content.decode()
    assert "A client&#x27;s answer" in body and "A new request for you or your department" in body
    assert "A new answer from the team" not in body


def test_unchecking_turns_kinds_off_per_channel_and_checking_turns_them_on_again(client, contact_a):
    client.force_login(contact_a)
    every = {kind.key for kind in kinds_for(contact_a)}
    form = {"request-answer": "on", "request-done": "on"}
    form |= {f"portal:{key}": "on" for key in every - {"request-status"}}
    response = client.post(PREFERENCES, form)
    assert response.status_code == 302
    assert disabled_kinds(contact_a) == every - {"request-answer", "request-done"}
    assert disabled_kinds(contact_a, "portal") == {"request-status"}
    client.post(PREFERENCES, {**form, "request-status": "on", "portal:request-status": "on"})
    assert "request-status" not in disabled_kinds(contact_a)
    assert disabled_kinds(contact_a, "portal") == set()
    body = client.get(PREFERENCES).content.decode()
    assert body.count("checked") == 3 + len(every)


def test_the_account_page_links_to_it(client, contact_a):
    client.force_login(contact_a)
    assert f'href="{PREFERENCES}"' in client.get(reverse("accounts:account")).content.decode()


def test_the_pages_have_no_inline_styles_the_csp_would_block(client, admin_user):
    client.force_login(admin_user)
    for name in ["preferences", "outbox", "inbox"]:
        response = client.get(reverse(f"notifications:{name}"))
        assert "style-src" in response["Content-Security-Policy"]
        assert ' style="' not in response.content.decode(), name


# --- The outbox


def resend_url(email: OutboundEmail) -> str:
    return reverse("notifications:resend", args=[email.pk])


@pytest.fixture
def failed(contact_a) -> OutboundEmail:
    open_ticket(contact_a)
    email = OutboundEmail.objects.filter(to_address=contact_a.email).get()
    email.status, email.attempts = OutboundEmail.Status.FAILED, 8
    email.last_error = "SMTPRecipientsRefused: 550 <ana@acme.test> mailbox full"
    email.save()
    return email


@pytest.mark.parametrize("who", [None, "contact_a", "agent"])
def test_only_admins_see_it(client, request, who, failed):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(OUTBOX)
    assert response.status_code == (302 if who is None else 404)
    assert client.post(resend_url(failed)).status_code == (302 if who is None else 404)
    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.FAILED


def test_it_shows_state_attempts_and_last_error_and_filters_by_status(client, admin_user, failed):
    client.force_login(admin_user)
    body = client.get(OUTBOX).content.decode()
    assert "ana@acme.test" in body and "550 &lt;ana@acme.test&gt; mailbox full" in body
    assert "[#1] Solicitação recebida — Post para o Instagram" in body
    assert "Falhou" in body or "Failed" in body
    assert "Reenviar" in body
    only_failed = client.get(OUTBOX, {"status": "failed"}).content.decode()
    assert "ana@acme.test" in only_failed and "helena@zweiarts.test" not in only_failed
    only_sent = client.get(OUTBOX, {"status": "sent"}).content.decode()
    assert "helena@zweiarts.test" in only_sent and "mailbox full" not in only_sent


def test_an_email_being_sent_shows_as_such_with_its_tab(client, admin_user, failed):
    failed.status, failed.claimed_at, failed.sent_at = (
        OutboundEmail.Status.SENDING,
        failed.created_at,
        None,
    )
    failed.save()
    client.force_login(admin_user)
    body = client.get(OUTBOX).content.decode()
    assert '<span class="badge badge-brand">Enviando</span>' in body and "desde " in body
    assert "Reenviar" not in body
    only_sending = client.get(OUTBOX, {"status": "sending"}).content.decode()
    assert "ana@acme.test" in only_sending and "helena@zweiarts.test" not in only_sending


def test_it_runs_a_fixed_number_of_queries(
    client, admin_user, contact_a, django_assert_num_queries
):
    open_ticket(contact_a)
    client.force_login(admin_user)
    # session, user, count, page (with its tickets), counts by status, the bell
    with django_assert_num_queries(6):
        client.get(OUTBOX)
    for _ in range(10):
        open_ticket(contact_a)
    with django_assert_num_queries(6):
        response = client.get(OUTBOX)
    assert response.content.decode().count("<tr>") == 1 + 22  # header + 2 per ticket


def test_it_pages(client, admin_user, contact_a, settings):
    for _ in range(26):
        open_ticket(contact_a)  # two e-mails each
    client.force_login(admin_user)
    body = client.get(OUTBOX).content.decode()
    assert "Página 1 de 2" in body


def test_resending_a_failed_email_queues_and_delivers_it(client, admin_user, failed, outbox):
    outbox.clear()
    client.force_login(admin_user)
    response = client.post(resend_url(failed))
    assert response.status_code == 302 and response["Location"] == f"{OUTBOX}?status=failed"
    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.SENT and failed.attempts == 1
    assert [message.to for message in outbox] == [["ana@acme.test"]]


def test_only_failed_emails_are_resent(client, admin_user, failed, outbox):
    sent = OutboundEmail.objects.exclude(pk=failed.pk).first()
    client.force_login(admin_user)
    outbox.clear()
    response = client.post(resend_url(sent), follow=True)
    assert "Só é possível reenviar um e-mail que falhou." in response.content.decode()
    assert outbox == []
    assert client.post(reverse("notifications:resend", args=[999999])).status_code == 404


# --- The inbox: what arrived


# The Message-ID of the notification the samples answer (see tests/intake/eml/).
NOTIFICATION_ID = "<179557822747.22647.1990571739280246312@zweiarts.com.br>"
HTTP = InboundEmail.Source.HTTP


@pytest.fixture
def post(contact_a, john, nara, contact_b, agent, outbox):
    """Request #1 of ACME, answered by the team; the samples answer that notification."""
    ticket = open_ticket(contact_a, subject="Post de Natal")
    ticket_answer(ticket=ticket, author=agent, body="Segue a segunda versão do post.")
    OutboundEmail.objects.filter(kind="request-answer", to_address=contact_a.email).update(
        message_id=NOTIFICATION_ID
    )
    outbox.clear()
    return ticket


@pytest.mark.parametrize("who", ["contact_a", "agent"])
def test_only_admins_see_what_arrived(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(INBOX).status_code == 404


def test_a_visitor_is_sent_to_login_from_the_inbox(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_admins_see_each_answer_and_each_refusal_with_its_reason(
    client, post, contact_a, admin_user, django_assert_num_queries
):
    ingest_email(to_reply_address(eml("gmail-pt.eml"), contact_a, post), source=HTTP)
    ingest_email(eml("unknown-sender.eml"), source=HTTP)
    ingest_email(eml("gmail-en-html-only.eml"), source=HTTP)  # John's, not to his reply address
    client.force_login(admin_user)
    with django_assert_num_queries(5):  # session, user, count, page (with tickets), the bell
        body = client.get(INBOX).content.decode()
    assert "fulano.de.tal@gmail.com" in body
    assert "O remetente não é um usuário ativo do portal." in body
    assert "john@acme.test" in body and "Não foi possível autenticar o remetente." in body
    assert "ana@acme.test" in body and 'href="/atendimento/1/"' in body
    refused_only = client.get(INBOX, {"status": "refused"}).content.decode()
    assert "fulano.de.tal@gmail.com" in refused_only and "ana@acme.test" not in refused_only
