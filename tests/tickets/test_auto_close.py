from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.core.periodic import run_due_jobs
from portal.tickets.models import Event, Status
from portal.tickets.services import (
    close_unconfirmed_tickets,
    ticket_answer,
    ticket_change_status,
)
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded(contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    return ticket


def test_a_concluded_ticket_closes_after_seven_days_without_an_answer(concluded):
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert close_unconfirmed_tickets() == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert close_unconfirmed_tickets() == 1
    concluded.refresh_from_db()
    assert concluded.is_closed
    assert concluded.events.last().kind == Event.Kind.AUTO_CLOSED


def test_the_number_of_days_is_a_setting(concluded, settings):
    settings.REQUEST_AUTO_CLOSE_DAYS = 2
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        assert close_unconfirmed_tickets() == 1


def test_an_answer_with_corrections_stops_the_countdown(concluded, contact_a):
    ticket_answer(ticket=concluded, author=contact_a, body="Falta um ajuste")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert close_unconfirmed_tickets() == 0
    concluded.refresh_from_db()
    assert concluded.status == Status.IN_PROGRESS and not concluded.is_closed


def test_the_worker_runs_it_periodically_once_per_period(concluded):
    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later):
        assert "close_unconfirmed_tickets" in run_due_jobs()
        assert "close_unconfirmed_tickets" not in run_due_jobs()  # claimed for the hour
    concluded.refresh_from_db()
    assert concluded.is_closed
    with time_machine.travel(later + timedelta(hours=1, minutes=1)):
        assert "close_unconfirmed_tickets" in run_due_jobs()
