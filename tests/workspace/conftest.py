"""Every staff URL, and the admin-only ones: the access tests of test_views.py and
test_settings_views.py walk through them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.workspace.models import CannedReply
from tests.support.factories import open_ticket


@pytest.fixture
def staff_urls(contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    reply = CannedReply.objects.create(title="Olá", body="Olá!", owner=agent, is_shared=True)
    company = contact_a.company
    return [
        reverse("workspace:queue"),
        reverse("workspace:ticket", args=[ticket.number]),
        reverse("workspace:answer", args=[ticket.number]),
        reverse("workspace:draft", args=[ticket.number]),
        reverse("workspace:presence", args=[ticket.number]),
        reverse("workspace:bulk"),
        reverse("workspace:company_suggestions"),
        reverse("workspace:assign", args=[ticket.number]),
        reverse("workspace:status", args=[ticket.number]),
        reverse("workspace:propose_deadline", args=[ticket.number]),
        reverse("workspace:propose_meeting", args=[ticket.number]),
        reverse("workspace:cancel_meeting", args=[ticket.number]),
        reverse("workspace:meeting_notes", args=[ticket.number]),
        reverse("workspace:classify", args=[ticket.number]),
        reverse("workspace:merge", args=[ticket.number]),
        reverse("workspace:canned_replies"),
        reverse("workspace:canned_reply_edit", args=[reply.pk]),
        reverse("workspace:canned_reply_delete", args=[reply.pk]),
        reverse("companies:list"),
        reverse("companies:detail", args=[company.pk]),
        reverse("companies:edit", args=[company.pk]),
        reverse("companies:contact_edit", args=[company.pk, contact_a.pk]),
        reverse("companies:contact_set_active", args=[company.pk, contact_a.pk]),
        reverse("companies:resend_access", args=[company.pk, contact_a.pk]),
    ]


@pytest.fixture
def admin_urls(agent):
    return [
        reverse("settings:index"),
        reverse("settings:team"),
        reverse("settings:team_deactivate", args=[agent.pk]),
        reverse("settings:team_reactivate", args=[agent.pk]),
        reverse("settings:team_set_admin", args=[agent.pk]),
        reverse("settings:catalog", args=["departamentos"]),
        reverse("settings:catalog", args=["servicos"]),
        reverse("settings:catalog", args=["prioridades"]),
        reverse("settings:catalog_edit", args=["servicos", 1]),
    ]
