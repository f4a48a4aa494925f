"""Each person chooses which e-mails they receive (access and passwords always go)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.notifications.emails import queue_email
from portal.notifications.models import EmailOptOut, OutboundEmail
from portal.notifications.preferences import disabled_kinds, preferences_save

pytestmark = pytest.mark.django_db

URL = reverse("notifications:preferences")


def test_it_asks_for_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_client_sees_the_client_kinds_in_her_language(client, contact_a):
    client.force_login(contact_a)
    body = client.get(URL).content.decode()
    assert "E-mails que você recebe" in body
    assert "Nova resposta da equipe" in body and "Mudança de prazo, com o motivo" in body
    assert "Resposta de um cliente" not in body  # a staff kind
    assert "sempre enviados" in body
    assert body.count('type="checkbox"') == 7 and body.count("checked") == 7


def test_an_english_speaking_agent_sees_the_staff_kinds_in_english(client, agent):
    agent.language = "en"
    agent.save(update_fields=["language"])
    client.force_login(agent)
    body = client.get(URL).content.decode()
    assert "A client&#x27;s answer" in body and "A new request for you or your department" in body
    assert "A new answer from the team" not in body


def test_unchecking_turns_kinds_off_and_checking_turns_them_on_again(client, contact_a):
    client.force_login(contact_a)
    response = client.post(URL, {"request-answer": "on", "request-done": "on"})
    assert response.status_code == 302
    assert disabled_kinds(contact_a) == {
        "request-opened",
        "request-status",
        "request-deadline",
        "request-assigned",
        "answer-refused",
    }
    client.post(URL, {"request-answer": "on", "request-done": "on", "request-status": "on"})
    assert "request-status" not in disabled_kinds(contact_a)
    body = client.get(URL).content.decode()
    assert body.count("checked") == 3


def test_kinds_one_may_not_turn_off_are_ignored(contact_a):
    preferences_save(user=contact_a, enabled={"access"})
    assert not EmailOptOut.objects.filter(kind__in=["access", "password-reset"]).exists()


def test_the_account_page_links_to_it(client, contact_a):
    client.force_login(contact_a)
    assert f'href="{URL}"' in client.get(reverse("accounts:account")).content.decode()


def test_the_pages_have_no_inline_styles_the_csp_would_block(client, admin_user):
    client.force_login(admin_user)
    for name in ["preferences", "outbox", "inbox"]:
        response = client.get(reverse(f"notifications:{name}"))
        assert "style-src" in response["Content-Security-Policy"]
        assert ' style="' not in response.content.decode(), name


def test_every_kind_queued_anywhere_honours_the_choice(agent, outbox):
    # queue_email is the one gate: kinds sent outside the ticket hooks (the
    # commitment warnings) are covered too.
    preferences_save(user=agent, enabled=set())
    assert queue_email("commitment-warning", to=agent, context={}) is None
    assert not OutboundEmail.objects.exists() and outbox == []
