"""What the audit log records (portal/audit/log.py): who did what, from which address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.services import contact_invite
from portal.audit.models import AuditEntry
from portal.tickets.models import Attachment
from portal.tickets.uploads import check_file
from tests.support.factories import TEST_PASSWORD, open_ticket
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action


def actions() -> list[tuple[str, str, str | None]]:
    return list(
        AuditEntry.objects.order_by("pk").values_list("action", "actor_email", "ip_address")
    )


def test_logins_and_failed_logins_with_the_address(client, contact_a):
    login = reverse("accounts:login")
    client.post(login, {"email": contact_a.email, "password": "errada"}, REMOTE_ADDR="203.0.113.7")
    client.post(
        login, {"email": contact_a.email, "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert actions() == [
        (Action.LOGIN_FAILED, contact_a.email, "203.0.113.7"),
        (Action.LOGIN, contact_a.email, "203.0.113.7"),
    ]


def test_password_changes_and_invitations_name_who_did_them(client, agent, company_a):
    client.force_login(agent)
    client.post(
        reverse("companies:detail", args=[company_a.pk]),
        {"name": "Nova", "email": "nova@acme.test", "language": "pt-br"},
        REMOTE_ADDR="198.51.100.4",
    )
    entry = AuditEntry.objects.get(action=Action.ACCESS_SENT)
    assert (entry.actor, entry.target, entry.ip_address) == (
        agent,
        "nova@acme.test",
        "198.51.100.4",
    )
    client.post(
        reverse("accounts:account_password"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Outra-senha-forte-5",
            "new_password2": "Outra-senha-forte-5",
        },
    )
    assert AuditEntry.objects.filter(action=Action.PASSWORD_CHANGED, actor=agent).exists()


def test_status_and_deadline_changes_and_staff_downloads(client, agent, contact_a, catalog):
    ticket = open_ticket(contact_a, files=[check_file(pdf_upload("contrato.pdf"))])
    client.force_login(agent)
    client.post(reverse("workspace:status", args=[1]), {"status": "in_progress"})
    client.post(
        reverse("workspace:propose_deadline", args=[1]),
        {"deadline": (timezone.localdate() + timedelta(days=30)).isoformat(), "reason": "Fotos"},
    )
    attachment = Attachment.objects.get()
    client.get(reverse("tickets:attachment", args=[attachment.pk, attachment.original_name]))
    recorded = AuditEntry.objects.filter(actor=agent).order_by("pk")
    assert [(e.action, e.target) for e in recorded] == [
        (Action.STATUS_CHANGED, "#1"),
        (Action.STAFF_DOWNLOAD, "contrato.pdf"),
    ]
    assert recorded[0].detail == {"from": "open", "to": "in_progress"}
    # The Prazo moves when the client accepts the proposal: the change is hers.
    client.force_login(contact_a)
    client.post(reverse("tickets:answer_proposal", args=[1]), {"answer": "accept"})
    [moved] = AuditEntry.objects.filter(action=Action.DEADLINE_CHANGED)
    assert moved.actor == contact_a and moved.target == "#1"
    assert ticket.number == 1


def test_a_client_download_is_not_audited(client, contact_a, catalog):
    open_ticket(contact_a, files=[check_file(pdf_upload())])
    attachment = Attachment.objects.get()
    client.force_login(contact_a)
    client.get(reverse("tickets:attachment", args=[attachment.pk, attachment.original_name]))
    assert not AuditEntry.objects.filter(action=Action.STAFF_DOWNLOAD).exists()


def test_commands_record_no_address(company_a):
    contact_invite(company=company_a, email="cmd@acme.test", name="Via comando")
    entry = AuditEntry.objects.get(action=Action.ACCESS_SENT)
    assert entry.ip_address is None and entry.actor is None


def test_catalogue_edits_contact_changes_and_resends_are_recorded(
    client, admin_user, contact_a, company_a
):
    from portal.notifications.models import OutboundEmail

    client.force_login(admin_user)
    client.post(
        reverse("settings:catalog", args=["servicos"]),
        {"name": "Vídeo", "position": 7, "is_active": "on"},
    )
    client.post(
        reverse("companies:contact_edit", args=[company_a.pk, contact_a.pk]),
        {"name": "Ana Souza", "language": "pt-br", "sees_own_requests_only": "on"},
    )
    failed = OutboundEmail.objects.create(
        kind="request-answer",
        to_address=contact_a.email,
        subject="s",
        body_text="b",
        message_id="<failed@portal.example>",
        status=OutboundEmail.Status.FAILED,
    )
    client.post(reverse("notifications:resend", args=[failed.pk]))
    entries = AuditEntry.objects.filter(actor=admin_user).order_by("pk")
    recorded = [(e.action, e.target) for e in entries if e.action != Action.LOGIN]
    assert recorded == [
        (Action.CATALOG_CHANGED, "serviço: Vídeo"),
        (Action.CONTACT_CHANGED, contact_a.email),
        (Action.EMAIL_RESENT, contact_a.email),
    ]
    narrowed = entries.get(action=Action.CONTACT_CHANGED)
    assert narrowed.detail["sees_own_requests_only"] is True
