"""Baixar meus dados on Minha conta (portal/privacy/views.py): who may, and what comes back."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.tickets.services import ticket_answer
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

EXPORT = "/conta/meus-dados/"


def _data(response):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return json.loads(archive.read("data.json"))


def test_the_url():
    assert reverse("privacy:export") == EXPORT


def test_a_contact_downloads_a_zip_of_their_data(client, contact_a, catalog):
    open_ticket(contact_a, subject="Post do Dia das Mães")
    client.force_login(contact_a)
    response = client.post(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="meus-dados-')
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    data = _data(response)
    assert data["profile"]["email"] == "ana@acme.test"
    assert [item["subject"] for item in data["requests"]] == ["Post do Dia das Mães"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORTED)
    assert entry.actor == contact_a and entry.ip_address == "127.0.0.1"


def test_only_ever_the_signed_in_contacts_own_data(client, contact_a, contact_b, john, catalog):
    open_ticket(contact_b, subject="Pacote Boreal")
    ticket = open_ticket(john, subject="Banner do site", body="Texto do John.")
    ticket_answer(ticket=ticket, author=john, body="Mais do John.")
    client.force_login(contact_a)
    for forged in ({"user": contact_b.pk}, {"user_id": john.pk, "email": "john@acme.test"}):
        data = _data(client.post(f"{EXPORT}?user={contact_b.pk}", forged))
        assert data["profile"]["email"] == "ana@acme.test"
        assert data["requests"] == [] and data["messages"] == []


def test_a_download_is_a_post_with_its_csrf_token(contact_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(contact_a)
    assert browser.get(EXPORT).status_code == 405
    assert browser.post(EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORTED).exists()


def test_visitors_are_sent_to_login(client):
    response = client.post(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_get_404(client, agent, admin_user):
    for person in (agent, admin_user):
        client.force_login(person)
        assert client.post(EXPORT).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORTED).exists()


def test_a_contact_of_a_deactivated_company_is_signed_out(client, contact_a, company_a):
    client.force_login(contact_a)
    company_a.is_active = False
    company_a.save()
    assert client.post(EXPORT)["Location"].startswith(reverse("accounts:login"))


def test_minha_conta_offers_the_download_to_contacts_only(client, contact_a, agent):
    client.force_login(contact_a)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Baixar meus dados" in page and f'action="{EXPORT}"' in page
    client.force_login(agent)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Baixar meus dados" not in page
