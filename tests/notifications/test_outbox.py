"""Admins see what became of each e-mail and send failed ones again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.notifications.models import OutboundEmail
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

URL = reverse("notifications:outbox")


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
    response = client.get(URL)
    assert response.status_code == (302 if who is None else 404)
    assert client.post(resend_url(failed)).status_code == (302 if who is None else 404)
    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.FAILED


def test_it_shows_state_attempts_and_last_error_and_filters_by_status(client, admin_user, failed):
    client.force_login(admin_user)
    body = client.get(URL).content.decode()
    assert "ana@acme.test" in body and "550 &lt;ana@acme.test&gt; mailbox full" in body
    assert "[#1] Post para o Instagram — solicitação recebida" in body
    assert "Falhou" in body or "Failed" in body
    assert "Reenviar" in body
    only_failed = client.get(URL, {"status": "failed"}).content.decode()
    assert "ana@acme.test" in only_failed and "helena@zweiarts.test" not in only_failed
    only_sent = client.get(URL, {"status": "sent"}).content.decode()
    assert "helena@zweiarts.test" in only_sent and "mailbox full" not in only_sent


def test_it_runs_a_fixed_number_of_queries(
    client, admin_user, contact_a, django_assert_num_queries
):
    open_ticket(contact_a)
    client.force_login(admin_user)
    # session, user, count, page (with its tickets), counts by status
    with django_assert_num_queries(5):
        client.get(URL)
    for _ in range(10):
        open_ticket(contact_a)
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert response.content.decode().count("<tr>") == 1 + 22  # header + 2 per ticket


def test_it_pages(client, admin_user, contact_a, settings):
    for _ in range(26):
        open_ticket(contact_a)  # two e-mails each
    client.force_login(admin_user)
    body = client.get(URL).content.decode()
    assert "Página 1 de 2" in body


def test_resending_a_failed_email_queues_and_delivers_it(client, admin_user, failed, outbox):
    outbox.clear()
    client.force_login(admin_user)
    response = client.post(resend_url(failed))
    assert response.status_code == 302 and response["Location"] == f"{URL}?status=failed"
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
