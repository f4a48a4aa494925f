"""One e-mail for the events of a moment (EMAIL_COALESCE_SECONDS), on a controlled clock.

The deliveries are queued as the worker's database queue would hold them (a backend
that keeps each task with its run_after); ``Queue.run_due`` runs those whose time has
come, as the worker does, through the immediate backend.
"""

from __future__ import annotations

import datetime
import smtplib
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections
from django.tasks import TaskResultStatus, task_backends
from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import CompanyWideNews, OutboundEmail
from portal.notifications.services import email_resend, requeue_stuck_emails
from portal.notifications.tasks import deliver_email
from portal.tickets.meetings import meeting_confirm
from portal.tickets.models import Status
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from tests.support.factories import ContactFactory, open_ticket, propose_meeting
from tests.support.mail import mime, text_and_html

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 24, 13, 0, tzinfo=datetime.UTC)
WINDOW = 60


class Queue:
    """The deliveries waiting in the task queue, run when their time comes."""

    @property
    def waiting(self) -> list:
        backend = task_backends["default"]
        return [r for r in backend.results if r.status == TaskResultStatus.READY]

    def run_due(self) -> int:
        backend = task_backends["default"]
        now = timezone.now()
        due = [r for r in self.waiting if r.task.run_after is None or r.task.run_after <= now]
        for result in due:
            backend.results.remove(result)
            deliver_email.using(backend="now").enqueue(*result.args)
        return len(due)


@pytest.fixture
def queue(settings):
    settings.EMAIL_COALESCE_SECONDS = WINDOW
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"},
        "now": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
    }
    yield Queue()
    task_backends["default"].clear()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def taken(contact_a, agent, clock, queue, outbox):
    """Ana's request, taken by Bruno; its e-mails so far delivered and forgotten."""
    ticket = open_ticket(contact_a, subject="Post de Natal")
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    clock.shift(timedelta(seconds=WINDOW))
    queue.run_due()
    outbox.clear()
    return ticket


def to_ana(outbox) -> list:
    return [message for message in outbox if message.to == ["ana@acme.test"]]


def test_an_answer_and_a_status_change_within_the_window_are_one_email(
    taken, agent, clock, queue, outbox, client, admin_user
):
    ticket_answer(ticket=taken, author=agent, body="Segue a versão 2 do post.")
    clock.shift(timedelta(seconds=20))
    ticket_change_status(ticket=taken, actor=agent, status=Status.WAITING_CLIENT)
    rows = list(OutboundEmail.objects.filter(to_address="ana@acme.test").order_by("-pk")[:2])
    assert [row.kind for row in reversed(rows)] == ["request-answer", "request-status"]

    clock.shift(timedelta(seconds=WINDOW - 21))  # a second before the first one is due
    queue.run_due()
    assert outbox == []

    clock.shift(timedelta(seconds=1))
    queue.run_due()
    [message] = to_ana(outbox)
    assert message.subject == "[#1] Nova resposta e AGUARDANDO RETORNO — Post de Natal"
    text, html = text_and_html(message)
    assert text.startswith("## Responda acima desta linha ##")
    assert "Bruno Agente respondeu e marcou como AGUARDANDO RETORNO." in text
    # Each event's own section, in order, once; the greeting and the facts once.
    answer = text.index("Bruno Agente respondeu à sua solicitação #1:")
    status = text.index("mudou de EM ANDAMENTO para AGUARDANDO RETORNO")
    assert text.index("Segue a versão 2 do post.") < status and answer < status
    assert text.count("Olá, Ana!") == 1 and text.count("Abrir a solicitação #1") == 1
    assert "Bruno Agente respondeu e marcou como AGUARDANDO RETORNO." in html
    assert html.index("Segue a versão 2 do post.") < html.index("AGUARDANDO RETORNO</strong>.")
    assert html.count("Olá, Ana!") == 1
    # The thread and the reply address are those of any e-mail about the request.
    first = rows[1]
    wire = mime(message)
    assert wire["Message-ID"] == first.message_id
    assert wire["In-Reply-To"] == "<request-1@zweiarts.com.br>"
    assert wire["Reply-To"] == first.headers["Reply-To"]

    rows = OutboundEmail.objects.filter(pk__in=[row.pk for row in rows]).order_by("pk")
    assert [(row.status, row.part_of_id) for row in rows] == [
        (OutboundEmail.Status.SENT, None),
        (OutboundEmail.Status.SENT, rows[0].pk),
    ]
    # The second delivery task, when its own time comes, finds nothing left to send.
    clock.shift(timedelta(seconds=30))
    queue.run_due()
    assert len(to_ana(outbox)) == 1

    # The outbox lists it once, under the subject that went.
    client.force_login(admin_user)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert page.count("[#1] Nova resposta e AGUARDANDO RETORNO — Post de Natal") == 1
    assert "2 eventos em um e-mail" in page
    assert "[#1] AGUARDANDO RETORNO — Post de Natal" not in page


def test_beyond_the_window_they_are_two_emails(taken, agent, clock, queue, outbox):
    ticket_answer(ticket=taken, author=agent, body="Segue a versão 2.")
    clock.shift(timedelta(seconds=WINDOW))
    queue.run_due()
    clock.shift(timedelta(seconds=1))
    ticket_change_status(ticket=taken, actor=agent, status=Status.WAITING_CLIENT)
    clock.shift(timedelta(seconds=WINDOW))
    queue.run_due()
    assert [message.subject for message in to_ana(outbox)] == [
        "[#1] Nova resposta — Post de Natal",
        "[#1] AGUARDANDO RETORNO — Post de Natal",
    ]


def test_a_lone_event_waits_the_window_and_keeps_its_subject(taken, agent, clock, queue, outbox):
    ticket_change_status(ticket=taken, actor=agent, status=Status.DONE)
    assert outbox == []
    clock.shift(timedelta(seconds=WINDOW))
    queue.run_due()
    [message] = to_ana(outbox)
    assert message.subject == "[#1] CONCLUÍDA: confirme — Post de Natal"
    assert "respondeu e" not in message.body


def test_a_meeting_invitation_is_never_delayed_nor_merged(
    taken, contact_a, agent, clock, queue, outbox
):
    meeting = propose_meeting(taken, agent=agent)
    clock.shift(timedelta(seconds=5))
    meeting_confirm(meeting=meeting, actor=contact_a, slot_id=meeting.slots.get().pk)
    queue.run_due()
    # The invitation went at once, with its calendar, alone.
    [invitation] = to_ana(outbox)
    assert "text/calendar" in [part.get_content_type() for part in mime(invitation).walk()]
    assert "reunião" in invitation.subject.lower() and " e " not in invitation.subject
    outbox.clear()
    clock.shift(timedelta(seconds=WINDOW))
    queue.run_due()
    # The proposal (before it) went as its own e-mail, without the calendar.
    [proposal] = to_ana(outbox)
    assert proposal.subject == "[#1] Reunião proposta — Post de Natal"
    assert "text/calendar" not in [part.get_content_type() for part in mime(proposal).walk()]


def test_events_for_two_people_stay_separate_and_each_gets_one(
    taken, contact_a, agent, clock, queue, outbox
):
    olga = ContactFactory(company=contact_a.company, email="olga@acme.test", name="Olga")
    CompanyWideNews.objects.create(user=olga)
    ticket_answer(ticket=taken, author=agent, body="Versão 2.")
    ticket_change_status(ticket=taken, actor=agent, status=Status.WAITING_CLIENT)
    clock.shift(timedelta(seconds=WINDOW))
    queue.run_due()
    assert sorted(m.to[0] for m in outbox) == ["ana@acme.test", "olga@acme.test"]
    assert {m.subject for m in outbox} == {
        "[#1] Nova resposta e AGUARDANDO RETORNO — Post de Natal"
    }


def test_the_requeue_does_not_send_a_waiting_email_early(taken, agent, clock, queue, outbox):
    ticket_answer(ticket=taken, author=agent, body="Versão 2.")
    queue.waiting.clear()  # its delivery task was lost
    clock.shift(timedelta(minutes=5))
    # Past the window, but not by much: the safety net waits as it does for any e-mail.
    assert requeue_stuck_emails(now=timezone.now()) == 0
    clock.shift(timedelta(seconds=WINDOW))
    assert requeue_stuck_emails(now=timezone.now()) == 1
    queue.run_due()
    assert [m.subject for m in to_ana(outbox)] == ["[#1] Nova resposta — Post de Natal"]


def test_a_combined_email_that_failed_goes_again_whole(
    taken, agent, clock, queue, outbox, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 1
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.test_coalesce.Refusing"}}
    ticket_answer(ticket=taken, author=agent, body="Versão 2.")
    ticket_change_status(ticket=taken, actor=agent, status=Status.WAITING_CLIENT)
    clock.shift(timedelta(seconds=WINDOW))
    queue.run_due()
    rows = OutboundEmail.objects.filter(to_address="ana@acme.test").order_by("-pk")[:2]
    second, first = rows
    assert (first.status, second.status) == ("failed", "failed") and second.part_of == first
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    email_resend(email_id=first.pk)
    queue.run_due()
    [message] = to_ana(outbox)
    assert message.subject == "[#1] Nova resposta e AGUARDANDO RETORNO — Post de Natal"
    assert set(
        OutboundEmail.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {"sent"}


class Refusing(BaseEmailBackend):
    """A mail server that refuses everything for good (550)."""

    def send_messages(self, email_messages) -> int:
        raise smtplib.SMTPRecipientsRefused({"ana@acme.test": (550, b"no")})


# The deliveries run in threads with their own connections: this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_send_each_email_exactly_once(contact_a, agent, settings):
    settings.EMAIL_COALESCE_SECONDS = WINDOW
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"},
        "now": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
    }
    ticket = open_ticket(contact_a, subject="Post de Natal")
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket_answer(ticket=ticket, author=agent, body="Versão 2.")
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    task_backends["default"].clear()
    waiting = list(
        OutboundEmail.objects.filter(to_address="ana@acme.test", status="queued").order_by("pk")
    )
    assert len(waiting) == 4  # receipt, assignment, answer, status
    mail.outbox.clear()
    start = threading.Barrier(len(waiting))
    errors: list[BaseException] = []

    def deliver(email_id: int) -> None:
        try:
            start.wait()
            deliver_email.using(backend="now").enqueue(email_id)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    with time_machine.travel(timezone.now() + timedelta(seconds=WINDOW + 1)):
        threads = [threading.Thread(target=deliver, args=(row.pk,)) for row in waiting]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    rows = OutboundEmail.objects.filter(pk__in=[row.pk for row in waiting])
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    # Each e-mail went once: alone (its own Message-ID) or inside exactly one other.
    sent_ids = [mime(message)["Message-ID"] for message in mail.outbox]
    leads = rows.filter(part_of__isnull=True)
    assert sorted(sent_ids) == sorted(leads.values_list("message_id", flat=True))
    assert len(sent_ids) + rows.filter(part_of__isnull=False).count() == len(waiting)
    task_backends["default"].clear()
