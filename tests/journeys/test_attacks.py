"""The attack suite: each attack with its safe outcome asserted.

Some attacks are covered where the feature lives (kept there so they fail next
to the code they protect):
- another company's request, file or answer URL → 404: tests/tickets/test_views.py;
- staff and admin URLs as a client → 404: tests/workspace/test_views.py,
  tests/workspace/test_settings_views.py, tests/workspace/test_clients_views.py;
- upload abuse (11 files, 2 MB + 1 byte, false extension, SVG with script, path
  traversal, empty files): tests/tickets/test_uploads.py;
- password-reset host-header poisoning and enumeration through reset, enumeration
  through login, brute force, open redirect through next=, session rotation at login
  and at password change: tests/accounts/test_views.py.
The rest is here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.accounts.services import contact_invite
from portal.companies.models import Company
from portal.tickets.models import Status, Ticket
from portal.tickets.services import ticket_answer, ticket_change_status
from portal.tickets.uploads import check_file
from tests.support.factories import ContactFactory, open_ticket
from tests.support.files import upload

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
ROOT = Path(__file__).resolve().parents[2]


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    response = strict.post(reverse("workspace:status", args=[1]), {"status": "done"})
    assert response.status_code == 403
    strict.force_login(contact_a)
    response = strict.post(reverse("tickets:answer", args=[1]), {"body": "forjado"})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.messages.count() == 1


def test_stored_xss_is_inert_in_pages(client, agent, catalog):
    company = Company.objects.create(name=f"Empresa {XSS}")
    contact = ContactFactory(company=company, name=f"Pessoa {XSS}", email="xss@acme.test")
    open_ticket(
        contact,
        subject=f"Assunto {XSS}",
        body=f"Mensagem {XSS}",
        files=[check_file(upload(f"arq{XSS}.txt", b"texto"))],
    )
    pages = []
    client.force_login(contact)
    pages += [
        client.get(reverse("tickets:list")),
        client.get(reverse("tickets:detail", args=[1])),
    ]
    client.force_login(agent)
    pages += [
        client.get(reverse("workspace:queue")),
        client.get(reverse("workspace:ticket", args=[1])),
        client.get(reverse("companies:list")),
        client.get(reverse("companies:detail", args=[company.pk])),
    ]
    for page in pages:
        body = page.content.decode()
        assert "<script>alert(1)" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_stored_xss_is_inert_in_emails(contact_a, agent, catalog):
    contact_a.name = f"Ana {XSS}"
    contact_a.save()
    ticket = open_ticket(contact_a, subject=f"Assunto {XSS}")
    mail.outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body=f"Resposta {XSS}")
    assert mail.outbox, "the client is told about the answer"
    for message in mail.outbox:
        html = message.alternatives[0].content
        assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_header_injection_through_subject_and_names_is_folded(company_a, agent, catalog):
    contact = contact_invite(
        company=company_a, email="ana2@acme.test", name="Ana\r\nBcc: vitima@evil.example"
    )
    ticket = open_ticket(contact, subject="Pedido\r\nBcc: vitima@evil.example\nX-Evil: 1")
    ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    assert mail.outbox
    for message in mail.outbox:
        headers = {name.lower() for name in message.message()}
        assert "bcc" not in headers and "x-evil" not in headers
        assert "evil.example" not in ",".join(message.recipients())
        assert "\n" not in message.subject and "\r" not in message.subject


def test_a_file_named_like_a_page_is_served_as_a_download_not_a_page(client, contact_a, catalog):
    open_ticket(contact_a, files=[check_file(upload("pagina.html.txt", b"<h1>oi</h1>"))])
    client.force_login(contact_a)
    attachment = Ticket.objects.get().messages.get().attachments.get()
    response = client.get(reverse("tickets:attachment", args=[attachment.pk, "x"]))
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_pages_carry_the_security_headers(client, contact_a):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    # No inline script to allow: scripts come from files (forms.js on every page).
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", body))


def test_private_pages_downloads_and_reports_are_never_stored_by_caches(
    client, contact_a, admin_user, catalog
):
    open_ticket(contact_a, files=[check_file(upload("contrato.txt", b"dados"))])
    ticket = Ticket.objects.get()
    attachment = ticket.messages.get().attachments.get()
    client.force_login(contact_a)
    urls = [
        reverse("tickets:list"),
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:attachment", args=[attachment.pk, "contrato.txt"]),
        reverse("accounts:account"),
    ]
    for url in urls:
        assert "no-store" in client.get(url)["Cache-Control"], url
    client.force_login(admin_user)
    report = client.get(reverse("reports:commitments"), {"format": "csv"})
    assert report.status_code == 200 and "no-store" in report["Cache-Control"]
    assert "no-store" in client.get(reverse("accounts:login"))["Cache-Control"]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_HTTPS": "1",
        "DJANGO_SECRET_KEY": "x7!" + "k" * 20 + "Zq9-" + "p" * 30 + "#Lw2",
        "DJANGO_ALLOWED_HOSTS": "portal.zweiarts.com.br",
        "PORTAL_VAR_DIR": str(tmp_path),
        "DJANGO_DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_secure_the_cookies_and_send_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["csrftoken"]["secure"]
