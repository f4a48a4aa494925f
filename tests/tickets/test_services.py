"""The ticket use cases (portal/tickets/services.py), called directly or from the client's
page: the numbering of ticket_open, the status moves of ticket_answer, and
close_unconfirmed_tickets.

What each use case tells people is tested in test_notify.py, what it does to the
commitment clocks in tests/commitments/test_tracking.py, and the pages that call them in
test_views.py and tests/workspace/test_views.py.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from portal.core.periodic import run_due_jobs
from portal.tickets.models import Event, Status, Ticket
from portal.tickets.services import (
    close_unconfirmed_tickets,
    next_ticket_number,
    ticket_answer,
    ticket_change_status,
)
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


def answer(number: int) -> str:
    return reverse("tickets:answer", args=[number])


# --- ticket_open: every ticket gets the next number, once


def test_numbers_are_sequential_and_a_rolled_back_one_is_reused(contact_a):
    from django.db import transaction

    open_ticket(contact_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_ticket_number() == 2
        raise RuntimeError("submission failed")
    assert open_ticket(contact_a).number == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_number(contact_a):
    open_ticket(contact_a)  # creates the catalogue once, outside the threads
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                open_ticket(contact_a)
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 42))


# --- ticket_answer: an answer moves the status (here, from the client's page)


def test_a_client_answer_to_aguardando_retorno_moves_it_to_em_andamento(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    client.force_login(contact_a)
    client.post(answer(ticket.number), {"body": "Aprovado!"})
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    last = ticket.events.last()
    assert last.kind == Event.Kind.STATUS_CHANGED and last.actor == contact_a


def test_a_staff_answer_does_not_change_the_status(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    client.force_login(agent)
    client.post(answer(ticket.number), {"body": "Lembrete"})
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CLIENT


def test_corrections_to_a_concluded_ticket_put_it_back_in_progress(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    client.force_login(contact_a)
    client.post(answer(ticket.number), {"body": "Faltou ajustar a cor do botão"})
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and not ticket.is_closed


# --- close_unconfirmed_tickets: a concluded ticket the client never confirmed


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


# --- ticket_change_status: compare-and-set on the status the agent saw


def test_a_status_change_from_a_stale_page_changes_nothing(contact_a, agent, outbox):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    outbox.clear()
    stale = Ticket.objects.get(pk=ticket.pk)
    stale.status = Status.OPEN  # what another agent's page still shows
    with pytest.raises(ValidationError) as refused:
        ticket_change_status(ticket=stale, actor=agent, status=Status.DONE, seen=Status.OPEN)
    assert "status" in refused.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_status_changes_record_true_froms_and_one_email_each(
    contact_a, agent, outbox
):
    ticket = open_ticket(contact_a)
    outbox.clear()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def change() -> None:
        try:
            copy = Ticket.objects.get(pk=ticket.pk)  # both read OPEN
            barrier.wait()
            ticket_change_status(ticket=copy, actor=agent, status=Status.WAITING_CLIENT)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=change) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    changes = Event.objects.filter(ticket=ticket, kind=Event.Kind.STATUS_CHANGED)
    assert [(e.data["from"], e.data["to"]) for e in changes] == [("open", "waiting_client")]
    assert len(outbox) == 1


# --- ticket_open and ticket_change_deadline: a Prazo within a few years


@pytest.mark.parametrize("far", ["9999-12-31", "2200-01-01"])
def test_a_far_deadline_is_refused_next_to_the_field(client, contact_a, catalog, far):
    client.force_login(contact_a)
    response = client.post(
        reverse("tickets:new"),
        {
            "subject": "Prazo distante",
            "department": catalog["department"].pk,
            "service": catalog["service"].pk,
            "priority": catalog["priority"].pk,
            "body": "Texto",
            "deadline": far,
        },
    )
    assert response.status_code == 200
    assert "Escolha uma data dentro dos próximos 3 anos." in response.content.decode()
    assert not Ticket.objects.exists()


def test_staff_cannot_propose_a_deadline_years_away(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    client.force_login(agent)
    response = client.post(
        reverse("workspace:propose_deadline", args=[ticket.number]),
        {"deadline": "9999-12-31", "reason": "Férias"},
    )
    assert response.status_code == 400
    assert "Escolha uma data dentro dos próximos 3 anos." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.deadline == ticket.original_deadline


# --- ticket_answer: internal notes are not news for the client


def test_an_internal_note_does_not_move_the_clients_last_update(contact_a, agent):
    ticket = open_ticket(contact_a)
    before = Ticket.objects.get(pk=ticket.pk).last_activity_at
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        ticket_answer(ticket=ticket, author=agent, body="Nota", internal=True)
    assert Ticket.objects.get(pk=ticket.pk).last_activity_at == before


# --- ticket_open: one form, one ticket, even posted twice at the same moment


@pytest.mark.django_db(transaction=True)
def test_the_same_submission_at_the_same_moment_opens_one_ticket(contact_a, catalog):
    from portal.tickets.services import ticket_open

    open_ticket(contact_a)  # the catalogue, outside the threads
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []
    opened: list[int] = []

    def submit() -> None:
        try:
            barrier.wait()
            ticket = ticket_open(
                author=contact_a,
                subject="Clique duplo",
                department=catalog["department"],
                service=catalog["service"],
                priority=catalog["priority"],
                body="Uma vez só",
                deadline=timezone.localdate() + timedelta(days=3),
                submission_key="same-form",
            )
            opened.append(ticket.number)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert opened == [2, 2, 2, 2]
    assert Ticket.objects.filter(subject="Clique duplo").count() == 1
