"""The request the e-mail samples answer (see eml/), for test_inbound.py and test_views.py."""

from __future__ import annotations

import pytest

from portal.notifications.models import OutboundEmail
from portal.tickets.services import ticket_answer
from tests.intake.imap_server import imap  # noqa: F401  (the fixture, for every module here)
from tests.support.factories import open_ticket

# The Message-ID of the notification the samples answer (see eml/).
NOTIFICATION_ID = "<179557822747.22647.1990571739280246312@zweiarts.com.br>"


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
