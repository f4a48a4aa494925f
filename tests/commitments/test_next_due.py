"""The ticket keeps its first running clock (``next_due_at``, ``next_due_kind``): the
queue sorts and counts Em risco/Estourados by it, so after every use case that moves a
clock it must say what the clocks say."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps

from portal.commitments.calendar import end_of_day
from portal.commitments.models import Clock
from portal.tickets.merging import ticket_merge
from portal.tickets.models import Status, Ticket
from portal.tickets.services import ticket_answer, ticket_change_status, ticket_confirm
from tests.support.factories import agree_deadline, open_ticket

pytestmark = pytest.mark.django_db
Kind, State = Clock.Kind, Clock.State
H = datetime.timedelta(hours=1)
START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)  # a Tuesday


def kept(ticket: Ticket) -> tuple[datetime.datetime | None, str]:
    """What the ticket row says, after checking it agrees with the clocks."""
    ticket.refresh_from_db()
    first = (
        Clock.objects.filter(ticket=ticket, state=State.RUNNING, due_at__isnull=False)
        .order_by("due_at", "pk")
        .values_list("due_at", "kind")
        .first()
    )
    assert (ticket.next_due_at, ticket.next_due_kind) == (first or (None, ""))
    return ticket.next_due_at, ticket.next_due_kind


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def opened(traveller, contact_a, catalog):
    return open_ticket(contact_a)


def test_opening_keeps_the_first_response_which_runs_out_first(opened):
    assert kept(opened) == (START + 24 * H, Kind.FIRST_RESPONSE)


def test_answering_pausing_resuming_and_concluding_keep_it(opened, agent, contact_a, traveller):
    traveller.shift(2 * H)
    ticket_answer(ticket=opened, author=agent, body="nota", internal=True)
    assert kept(opened) == (START + 24 * H, Kind.FIRST_RESPONSE)
    ticket_answer(ticket=opened, author=agent, body="Recebido!")
    assert kept(opened) == (end_of_day(opened.deadline), Kind.DELIVERY)
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    # Delivery does not pause (COMMITMENT_PAUSE_DELIVERY off): it stays the first.
    assert kept(opened)[1] == Kind.DELIVERY
    traveller.shift(3 * H)
    ticket_answer(ticket=opened, author=contact_a, body="Segue a informação")
    # Her answer while the team waited starts the adjustments (24 h), before the Prazo.
    assert kept(opened) == (START + 29 * H, Kind.ADJUSTMENT)
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    assert kept(opened) == (end_of_day(opened.deadline), Kind.DELIVERY)
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    assert kept(opened) == (None, "")


def test_pausing_every_clock_leaves_nothing_due_until_they_resume(
    opened, agent, contact_a, settings, traveller
):
    settings.COMMITMENT_PAUSE_DELIVERY = True
    ticket_change_status(ticket=opened, actor=agent, status=Status.WAITING_CLIENT)
    assert kept(opened) == (None, "")
    traveller.shift(5 * H)
    ticket_change_status(ticket=opened, actor=agent, status=Status.IN_PROGRESS)
    assert kept(opened) == (START + 29 * H, Kind.FIRST_RESPONSE)


def test_a_new_deadline_reopening_and_closing_keep_it(opened, agent, contact_a, traveller):
    ticket_answer(ticket=opened, author=agent, body="Recebido!")
    sooner = opened.deadline - datetime.timedelta(days=3)
    agree_deadline(opened, agent=agent, contact=contact_a, deadline=sooner, reason="Evento")
    assert kept(opened) == (end_of_day(sooner), Kind.DELIVERY)
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    traveller.shift(H)
    ticket_answer(ticket=opened, author=contact_a, body="Faltou a logo")
    assert kept(opened) == (START + 25 * H, Kind.ADJUSTMENT)
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=opened, actor=contact_a)
    assert kept(opened) == (None, "")


def test_a_merged_request_promises_nothing_more(opened, contact_a, agent):
    target = open_ticket(contact_a, subject="O mesmo pedido")
    ticket_merge(source=opened, target=target, actor=agent)
    assert kept(opened) == (None, "")
    assert kept(target)[1] == Kind.FIRST_RESPONSE


def test_the_migration_gives_every_existing_ticket_its_first_running_clock(
    opened, agent, contact_a
):
    waiting = open_ticket(contact_a, subject="Outro")
    ticket_answer(ticket=waiting, author=agent, body="Recebido!")
    done = open_ticket(contact_a, subject="Pronto")
    ticket_change_status(ticket=done, actor=agent, status=Status.DONE)
    Ticket.objects.update(next_due_at=None, next_due_kind="")  # as before the migration
    migration = importlib.import_module("portal.tickets.migrations.0018_ticket_next_due")
    migration.keep_next_due(apps, None)
    assert kept(opened) == (START + 24 * H, Kind.FIRST_RESPONSE)
    assert kept(waiting)[1] == Kind.DELIVERY
    assert kept(done) == (None, "")
