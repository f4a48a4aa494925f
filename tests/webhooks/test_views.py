"""Configurações → Webhooks: only agency admins (404 for agents and clients), adding,
editing, the secret, removing, Enviar teste, Reenviar, the audit log and the log page's
fixed number of queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.webhooks.models import Delivery, Endpoint, WebhookEvent
from portal.webhooks.services import endpoint_ping

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(endpoint, admin_user):
    delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    return [
        reverse("webhooks:list"),
        reverse("webhooks:detail", args=[endpoint.pk]),
        reverse("webhooks:secret", args=[endpoint.pk]),
        reverse("webhooks:test", args=[endpoint.pk]),
        reverse("webhooks:delete", args=[endpoint.pk]),
        reverse("webhooks:resend", args=[endpoint.pk, delivery.pk]),
    ]


@pytest.mark.parametrize("who", ["contact_a", "agent"])
def test_only_admins_reach_the_webhooks(who, request, client, urls, endpoint):
    client.force_login(request.getfixturevalue(who))
    secret = endpoint.secret
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"url": "http://127.0.0.1/x", "events": ["ping"]}).status_code == (
            404
        ), url
    endpoint.refresh_from_db()
    assert endpoint.secret == secret and Delivery.objects.count() == 1


def test_signed_out_people_are_sent_to_sign_in(client, urls):
    login = reverse("accounts:login")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url


def test_an_admin_adds_a_webhook_and_reads_its_secret(client, admin_user, receiver):
    client.force_login(admin_user)
    assert client.get(reverse("webhooks:list")).status_code == 200
    response = client.post(
        reverse("webhooks:list"),
        {
            "url": receiver.url,
            "description": "Slack da equipe",
            "events": ["request.opened", "request.concluded"],
            "is_active": "on",
        },
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    assert endpoint.events == ["request.opened", "request.concluded"]
    assert endpoint.created_by == admin_user and endpoint.is_active
    assert endpoint.secret.startswith("whsec_")
    page = client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.WEBHOOK_CHANGED)
    assert entry.actor == admin_user and entry.target == receiver.url
    assert entry.detail["change"] == "created"
    listing = client.get(reverse("webhooks:list")).content.decode()
    assert "Slack da equipe" in listing


def test_no_event_chosen_is_refused_next_to_the_field(client, admin_user, receiver):
    client.force_login(admin_user)
    response = client.post(reverse("webhooks:list"), {"url": receiver.url})
    assert response.context["form"].errors["events"] == ["Escolha pelo menos um evento."]
    assert not Endpoint.objects.exists()


def test_an_admin_edits_deactivates_and_removes_a_webhook(client, admin_user, endpoint):
    client.force_login(admin_user)
    detail = reverse("webhooks:detail", args=[endpoint.pk])
    response = client.post(
        detail, {"url": endpoint.url, "events": ["request.closed"], "description": "ERP"}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["request.closed"] and not endpoint.is_active
    assert endpoint.description == "ERP"
    client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert not Endpoint.objects.exists()
    changes = AuditEntry.objects.filter(action=AuditEntry.Action.WEBHOOK_CHANGED)
    assert [e.detail["change"] for e in changes.order_by("pk")] == ["created", "changed", "deleted"]


def test_a_new_secret_replaces_the_old_one(client, admin_user, endpoint):
    client.force_login(admin_user)
    old = endpoint.secret
    client.post(reverse("webhooks:secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret in page and old not in page
    assert AuditEntry.objects.filter(detail__change="new secret").exists()


def test_send_a_test_reaches_the_receiver(
    client, admin_user, endpoint, receiver, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:test", args=[endpoint.pk]))
    assert receiver.events() == ["ping"]
    assert json.loads(receiver.requests[0].body)["sent_by"] == admin_user.email
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert "ping" in page and "Enviado" in page


def test_send_again_from_the_log(
    client, admin_user, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.codes = [500]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_ping(endpoint=endpoint, actor=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    resend = reverse("webhooks:resend", args=[endpoint.pk, delivery.pk])
    assert f'action="{resend}"' in page and "Reenviar" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and len(receiver.requests) == 2
    assert AuditEntry.objects.filter(action=AuditEntry.Action.WEBHOOK_RESENT).count() == 1
    # A delivery of another endpoint is not found through this one.
    other = Endpoint.objects.create(url="https://93.184.215.14/", events=[WebhookEvent.OPENED])
    assert client.post(reverse("webhooks:resend", args=[other.pk, delivery.pk])).status_code == 404


def _log_queries(client, endpoint) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == 200
    return len(queries)


def test_the_log_page_runs_a_fixed_number_of_queries(client, admin_user, endpoint):
    client.force_login(admin_user)
    endpoint_ping(endpoint=endpoint, actor=admin_user)
    one = _log_queries(client, endpoint)
    for _ in range(20):
        endpoint_ping(endpoint=endpoint, actor=admin_user)
    assert _log_queries(client, endpoint) == one
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("webhooks:list"))
    listed = len(queries)
    Endpoint.objects.create(url="https://93.184.215.14/", events=[WebhookEvent.OPENED])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("webhooks:list"))
    assert len(queries) == listed
