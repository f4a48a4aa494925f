from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.core.periodic import run_due_jobs
from portal.requests.models import Event, Status
from portal.requests.services import (
    close_unconfirmed_requests,
    request_answer,
    request_change_status,
)
from portal.testing.factories import open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded(contact_a, agent):
    request = open_request(contact_a)
    request_change_status(request=request, actor=agent, status=Status.DONE)
    return request


def test_a_concluded_request_closes_after_seven_days_without_an_answer(concluded):
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert close_unconfirmed_requests() == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert close_unconfirmed_requests() == 1
    concluded.refresh_from_db()
    assert concluded.is_closed
    assert concluded.events.last().kind == Event.Kind.AUTO_CLOSED


def test_the_number_of_days_is_a_setting(concluded, settings):
    settings.REQUEST_AUTO_CLOSE_DAYS = 2
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        assert close_unconfirmed_requests() == 1


def test_an_answer_with_corrections_stops_the_countdown(concluded, contact_a):
    request_answer(request=concluded, author=contact_a, body="Falta um ajuste")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert close_unconfirmed_requests() == 0
    concluded.refresh_from_db()
    assert concluded.status == Status.IN_PROGRESS and not concluded.is_closed


def test_the_worker_runs_it_periodically_once_per_period(concluded):
    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later):
        assert "close_unconfirmed_requests" in run_due_jobs()
        assert "close_unconfirmed_requests" not in run_due_jobs()  # claimed for the hour
    concluded.refresh_from_db()
    assert concluded.is_closed
    with time_machine.travel(later + timedelta(hours=1, minutes=1)):
        assert "close_unconfirmed_requests" in run_due_jobs()
