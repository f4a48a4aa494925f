"""The HTTP door of the intake (portal/intake/views.py), for mail providers that post the
raw message; the request it answers is in conftest.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.notifications.emails import reply_address
from portal.notifications.models import InboundEmail
from tests.support.inbound import answers, nothing_saved, to_reply_address
from tests.support.mail import eml

pytestmark = pytest.mark.django_db

URL = reverse("intake:inbound")
TOKEN = "s3cr3t-token-for-the-provider"


@pytest.fixture
def token(settings):
    settings.INBOUND_EMAIL_TOKEN = TOKEN
    return {"Authorization": f"Bearer {TOKEN}"}


def test_the_endpoint_does_not_exist_without_a_token(client, post, settings):
    settings.INBOUND_EMAIL_TOKEN = ""
    response = client.post(URL, eml("gmail-pt.eml"), content_type="message/rfc822")
    assert response.status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_a_bad_token_is_forbidden(client, post, token, header):
    headers = {"Authorization": header} if header else {}
    response = client.post(URL, eml("gmail-pt.eml"), content_type="message/rfc822", headers=headers)
    assert response.status_code == 403
    assert nothing_saved(post) and not InboundEmail.objects.exists()


@pytest.mark.parametrize("who", ["contact_a", "agent", "admin_user"])
def test_a_signed_in_user_without_the_token_is_forbidden(client, request, post, token, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(URL, eml("gmail-pt.eml"), content_type="message/rfc822")
    assert response.status_code == 403
    assert nothing_saved(post) and not InboundEmail.objects.exists()


def test_a_posted_message_is_accepted(client, post, contact_a, token):
    raw = to_reply_address(eml("gmail-pt.eml"), contact_a, post)
    response = client.post(URL, raw, content_type="message/rfc822", headers=token)
    assert response.status_code == 202 and response.json()["status"] == "accepted"
    assert len(answers(post)) == 1


def test_a_form_field_with_the_raw_message_is_accepted(client, post, contact_a, token):
    raw = to_reply_address(eml("apple-mail-pt-with-photo.eml"), contact_a, post).decode("ascii")
    response = client.post(URL, {"email": raw}, headers=token)
    assert response.status_code == 202
    assert answers(post)[0].attachments.get().original_name == "IMG_0042.PNG"


def test_a_file_part_with_the_raw_message_is_accepted(client, post, contact_a, token):
    raw = to_reply_address(eml("outlook-pt-with-pdf.eml"), contact_a, post)
    upload = SimpleUploadedFile("message.eml", raw, "message/rfc822")
    response = client.post(URL, {"email": upload}, headers=token)
    assert response.status_code == 202
    assert answers(post)[0].attachments.get().original_name == "briefing-atualizado.pdf"


def test_a_refused_message_answers_422_with_the_reason(client, post, token):
    response = client.post(
        URL, eml("unknown-sender.eml"), content_type="message/rfc822", headers=token
    )
    assert response.status_code == 422 and response.json()["reason"] == "unknown_sender"


def test_a_forged_sender_is_refused(client, post, outbox, token):
    # From Ana, sent to the plain inbound address: no proof she wrote it.
    response = client.post(URL, eml("gmail-pt.eml"), content_type="message/rfc822", headers=token)
    assert response.status_code == 422 and response.json()["reason"] == "unauthenticated"
    assert nothing_saved(post) and outbox == []


def test_the_posted_envelope_recipient_may_hold_the_reply_address(client, post, contact_a, token):
    # The reply address only in the envelope (a Bcc, say): the provider posts it beside.
    raw = eml("gmail-pt.eml").decode("ascii")
    assert client.post(URL, {"email": raw}, headers=token).status_code == 422
    raw = eml("apple-mail-pt-with-photo.eml").decode("ascii")
    form = {"email": raw, "recipient": reply_address(contact_a, post)}
    assert client.post(URL, form, headers=token).status_code == 202
    assert answers(post)[0].attachments.get().original_name == "IMG_0042.PNG"


def test_no_message_is_a_bad_ticket(client, token):
    assert client.post(URL, {"other": "x"}, headers=token).status_code == 400


def test_a_message_too_large_is_refused_unread(client, post, token, settings):
    settings.ATTACHMENTS_MAX_FILES, settings.ATTACHMENTS_MAX_BYTES = 1, 1024
    raw = eml("gmail-pt.eml") + b"\n" + b"x" * (2**20 + 2048)
    response = client.post(URL, raw, content_type="message/rfc822", headers=token)
    assert response.status_code == 413
    record = InboundEmail.objects.get()
    assert record.reason == InboundEmail.Reason.TOO_LARGE and record.from_address == "ana@acme.test"
    assert nothing_saved(post)
