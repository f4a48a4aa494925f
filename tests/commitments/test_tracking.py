"""The commitment clocks (portal/commitments/tracking.py): what opening, answering, moving
the status, re-dating and closing a ticket do to the first response, the adjustments and
the delivery."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from portal.commitments.calendar import end_of_day
from portal.commitments.models import Clock
from portal.tickets.models import Status
from portal.tickets.services import (
    ticket_answer,
    ticket_change_status,
    ticket_confirm,
)
from tests.support.factories import agree_deadline, open_ticket, propose_meeting

pytestmark = pytest.mark.django_db
Kind, State = Clock.Kind, Clock.State
H = datetime.timedelta(hours=1)
START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)  # a Tuesday


def clock(ticket, kind) -> Clock:
    return Clock.objects.filter(ticket=ticket, kind=kind).latest("pk")


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def opened(traveller, contact_a, catalog):
    return open_ticket(contact_a)


def test_opening_starts_first_response_and_delivery(opened):
    first = clock(opened, Kind.FIRST_RESPONSE)
    assert first.state == State.RUNNING and first.due_at == START + 24 * H
    delivery = clock(opened, Kind.DELIVERY)
    assert delivery.due_at == end_of_day(opened.deadline)


def test_a_staff_answer_in_time_meets_the_first_response(opened, agent, traveller):
    traveller.shift(23 * H)
    ticket_answer(ticket=opened, author=agent, body="Recebido!")
    first = clock(opened, Kind.FIRST_RESPONSE)
    assert first.state == State.MET and first.stopped_at == START + 23 * H


def test_a_late_answer_misses_it_and_an_internal_note_does_not_count(opened, agent, traveller):
    traveller.shift(2 * H)
    ticket_answer(ticket=opened, author=agent, body="nota", internal=True)
    assert clock(opened, Kind.FIRST_RESPONSE).state == State.RUNNING
    traveller.shift(23 * H)
    ticket_answer(ticket=opened, author=agent, body="Desculpe a demora")
    assert clock(opened, Kind.FIRST_RESPONSE).state == State.MISSED


def test_waiting_for_the_client_pauses_and_their_answer_resumes(
    opened, agent, contact_a, traveller
):
    traveller.shift(10 * H)
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    first = clock(opened, Kind.FIRST_RESPONSE)
    assert first.state == State.PAUSED and first.remaining_seconds == 14 * 3600
    traveller.shift(48 * H)
    ticket_answer(ticket=opened, author=contact_a, body="Segue a informação")
    first = clock(opened, Kind.FIRST_RESPONSE)
    assert first.state == State.RUNNING and first.due_at == START + (58 + 14) * H
    # The client answered while the team waited: the adjustments promise starts too.
    adjustment = clock(opened, Kind.ADJUSTMENT)
    assert adjustment.state == State.RUNNING and adjustment.due_at == START + (58 + 24) * H
    # Delivery is a date: waiting does not move it unless configured.
    assert clock(opened, Kind.DELIVERY).state == State.RUNNING


def test_stand_by_pauses_and_the_paused_statuses_are_a_setting(opened, agent, settings):
    propose_meeting(opened, agent=agent)
    assert clock(opened, Kind.FIRST_RESPONSE).state == State.PAUSED
    ticket_change_status(ticket=opened, actor=agent, status=Status.IN_PROGRESS)
    settings.COMMITMENT_PAUSED_STATUSES = ["waiting_client"]
    propose_meeting(opened, agent=agent)
    assert clock(opened, Kind.FIRST_RESPONSE).state == State.RUNNING


def test_delivery_can_pause_when_configured(opened, agent, settings):
    settings.COMMITMENT_PAUSE_DELIVERY = True
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    assert clock(opened, Kind.DELIVERY).state == State.PAUSED


def test_corrections_after_concluida_start_the_adjustments_clock(
    opened, agent, contact_a, traveller
):
    ticket_answer(ticket=opened, author=agent, body="Pronto")
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    assert clock(opened, Kind.DELIVERY).state == State.MET
    traveller.shift(5 * H)
    ticket_answer(ticket=opened, author=contact_a, body="Faltou a logo")
    adjustment = clock(opened, Kind.ADJUSTMENT)
    assert adjustment.due_at == START + 29 * H
    traveller.shift(20 * H)
    # A message is not the adjustments: only handing the work back keeps the promise.
    ticket_answer(ticket=opened, author=agent, body="Recebido, já vamos ajustar")
    assert clock(opened, Kind.ADJUSTMENT).state == State.RUNNING
    ticket_answer(ticket=opened, author=agent, body="Ajustado")
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    assert clock(opened, Kind.ADJUSTMENT).state == State.MET


def test_a_client_message_in_progress_starts_no_adjustment_before_anything_was_delivered(
    opened, contact_a
):
    ticket_answer(ticket=opened, author=contact_a, body="Mais um detalhe")
    assert not Clock.objects.filter(ticket=opened, kind=Kind.ADJUSTMENT).exists()


def test_corrections_sent_while_in_progress_after_a_delivery_start_the_clock(
    opened, agent, contact_a, traveller
):
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    ticket_answer(ticket=opened, author=contact_a, body="Trocar a foto")  # resumes the work
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    first = clock(opened, Kind.ADJUSTMENT)
    assert first.state == State.MET
    ticket_change_status(ticket=opened, actor=agent, status=Status.IN_PROGRESS)
    traveller.shift(H)
    # In progress again, with a delivery behind it: her corrections are adjustments.
    ticket_answer(ticket=opened, author=contact_a, body="E também o título")
    second = clock(opened, Kind.ADJUSTMENT)
    assert second.pk != first.pk and second.state == State.RUNNING
    assert second.started_at == START + H
    # Concluding with the work hands it back: kept.
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    assert clock(opened, Kind.ADJUSTMENT).state == State.MET


def test_delivery_after_the_deadline_day_is_missed(opened, agent, traveller):
    deadline_end = end_of_day(opened.deadline)
    traveller.move_to(deadline_end + H)
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    assert clock(opened, Kind.DELIVERY).state == State.MISSED


def test_a_deadline_change_moves_the_delivery_clock(opened, agent, contact_a):
    new_deadline = opened.deadline + datetime.timedelta(days=10)
    agree_deadline(opened, agent=agent, contact=contact_a, deadline=new_deadline, reason="Fotos")
    assert clock(opened, Kind.DELIVERY).due_at == end_of_day(new_deadline)


def test_closing_cancels_what_is_left(opened, agent, contact_a):
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    ticket_answer(ticket=opened, author=contact_a, body="Ajuste, por favor")
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=opened, actor=contact_a)
    assert not Clock.objects.filter(ticket=opened, state__in=["running", "paused"]).exists()


def test_the_business_calendar_counts_working_hours_across_a_weekend_and_a_holiday(
    settings, contact_a, catalog
):
    settings.BUSINESS_CALENDAR = True
    settings.BUSINESS_HOURS = "09:00-18:00"
    settings.BUSINESS_DAYS = "0,1,2,3,4"
    # Thursday 24 Dec 2026, 17:00 in São Paulo; Friday 25 is Natal.
    friday_evening = datetime.datetime(2026, 12, 24, 20, 0, tzinfo=datetime.UTC)
    with time_machine.travel(friday_evening, tick=False):
        ticket = open_ticket(contact_a)
    due = clock(ticket, Kind.FIRST_RESPONSE).due_at
    # 1 h on Thu 24, then Mon 28 and Tue 29 (9 h each), then 5 h on Wed 30: 14:00 local.
    assert timezone.localtime(due) == datetime.datetime(
        2026, 12, 30, 14, 0, tzinfo=timezone.get_current_timezone()
    )
