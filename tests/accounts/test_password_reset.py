from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
RESET = reverse("accounts:password_reset")


def reset_link(message) -> str:
    return re.search(r"https://portal\.example(/redefinir-senha/\S+/)", message.body).group(1)


def without_csrf(content: bytes) -> bytes:
    """The page without what differs on every response: CSRF tokens and CSP nonces."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'nonce="[^"]+"', b"", content)


def test_it_answers_the_same_whether_the_email_exists_or_not(client, contact_a, outbox):
    known = client.post(RESET, {"email": contact_a.email}, follow=True)
    unknown = client.post(RESET, {"email": "ninguem@acme.test"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert [m.to for m in outbox] == [[contact_a.email]]


def test_the_link_uses_the_configured_address_not_the_host_header(
    client, contact_a, outbox, settings
):
    settings.ALLOWED_HOSTS = ["*"]  # even behind a proxy that passes any Host through
    client.post(RESET, {"email": contact_a.email}, HTTP_HOST="evil.example")
    assert "evil.example" not in outbox[0].body
    assert "https://portal.example/redefinir-senha/" in outbox[0].body


def test_the_link_sets_a_new_password_once(client, contact_a, outbox):
    client.post(RESET, {"email": contact_a.email})
    link = reset_link(outbox[0])
    form_url = client.get(link)["Location"]
    new = {"new_password1": "Outra-senha-forte-9", "new_password2": "Outra-senha-forte-9"}
    response = client.post(form_url, new)
    assert response["Location"] == reverse("accounts:login")
    contact_a.refresh_from_db()
    assert contact_a.check_password("Outra-senha-forte-9")
    again = client.get(link, follow=True)
    assert "Este link não funciona mais" in again.content.decode()


def test_the_link_expires(client, contact_a, outbox, settings):
    client.post(RESET, {"email": contact_a.email})
    link = reset_link(outbox[0])
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        response = client.get(link, follow=True)
    assert "Este link não funciona mais" in response.content.decode()


def test_mismatched_passwords_are_shown_next_to_the_field(client, contact_a, outbox):
    client.post(RESET, {"email": contact_a.email})
    form_url = client.get(reset_link(outbox[0]))["Location"]
    response = client.post(
        form_url, {"new_password1": "Outra-senha-forte-9", "new_password2": "diferente-123"}
    )
    assert "Os dois campos de senha não correspondem." in response.content.decode()
    contact_a.refresh_from_db()
    assert not contact_a.check_password("Outra-senha-forte-9")


def test_it_also_frees_an_invited_user_from_the_temporary_password(client, contact_a, outbox):
    contact_a.must_change_password = True
    contact_a.save()
    client.post(RESET, {"email": contact_a.email})
    form_url = client.get(reset_link(outbox[0]))["Location"]
    client.post(form_url, {"new_password1": "Nova-senha-77x", "new_password2": "Nova-senha-77x"})
    contact_a.refresh_from_db()
    assert not contact_a.must_change_password


def test_an_inactive_user_gets_no_link(client, contact_a, outbox):
    contact_a.is_active = False
    contact_a.save()
    client.post(RESET, {"email": contact_a.email})
    assert outbox == []
