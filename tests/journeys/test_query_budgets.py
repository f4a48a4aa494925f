"""Query budgets: each page runs a fixed number of SQL queries, whatever the data.

Each test loads a page, then adds rows (requests, messages, attachments, events) and
checks the page still runs exactly the same number of queries: no query per row.
Timings are never asserted; the benchmark (make bench) measures those.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.tickets.models import Department, Status
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from portal.tickets.uploads import check_file
from tests.support.factories import ContactFactory, open_ticket
from tests.support.files import pdf_upload, png_upload

pytestmark = pytest.mark.django_db
LIST = reverse("tickets:list")
QUEUE = reverse("workspace:queue")


def files(*names: str) -> list:
    return [check_file(pdf_upload(n) if n.endswith(".pdf") else png_upload(n)) for n in names]


def grow(contact, agent, *, tickets: int = 3, answers: int = 2) -> list:
    """More requests, each with more messages, files, internal notes and events."""
    opened = []
    for n in range(tickets):
        ticket = open_ticket(
            contact,
            subject=f"Banner da campanha {n}",
            body="Precisamos de um banner novo.",
            files=files(f"briefing-{n}.pdf", f"foto-{n}.png"),
        )
        ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
        for m in range(answers):
            body = f"Banner pronto, versão {m}."
            ticket_answer(ticket=ticket, author=agent, body=body, files=files(f"v{m}.png"))
            ticket_answer(ticket=ticket, author=agent, body="Nota interna", internal=True)
            ticket_answer(ticket=ticket, author=contact, body=f"Ajuste o banner {m}.")
        opened.append(ticket)
    return opened


def same_queries(client, url, params, expected, django_assert_num_queries, more) -> None:
    client.get(url, params)  # warm caches (content types, sessions)
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
    more()
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200


# --- The client's ATENDIMENTO list


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # session, user, counts per status (they give the page count too), page rows,
        # the bell's unread count
        ({}, 5),
        ({"status": "in_progress"}, 5),
        # session, user, counts, page count, page rows, the matching messages of the
        # page, the bell
        ({"q": "banner"}, 7),
        ({"q": "banner", "status": "in_progress"}, 7),
    ],
)
def test_the_client_list_runs_a_fixed_number_of_queries(
    client, contact_a, agent, catalog, django_assert_num_queries, params, expected
):
    grow(contact_a, agent, tickets=2, answers=1)
    client.force_login(contact_a)
    more = lambda: grow(contact_a, agent, tickets=4, answers=3)  # noqa: E731
    same_queries(client, LIST, params, expected, django_assert_num_queries, more)


# --- The ticket page


def test_the_client_ticket_page_does_not_grow_with_messages_files_and_events(
    client, contact_a, agent, catalog, django_assert_num_queries
):
    (ticket,) = grow(contact_a, agent, tickets=1, answers=1)
    client.force_login(contact_a)
    url = reverse("tickets:detail", args=[ticket.number])

    def more() -> None:
        for n in range(15):
            attached = files("a.png", "b.pdf")
            ticket_answer(ticket=ticket, author=agent, body=f"Versão {n}", files=attached)
            ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
            ticket_answer(ticket=ticket, author=contact_a, body="Mais um ajuste")

    # session, user, ticket, messages, their attachments, events, commitments, the
    # pending deadline proposal, the current meeting, the followers, colleagues to add,
    # the bell, the answers to the service's fields, the visit upsert ("Nova resposta"),
    # the draft
    same_queries(client, url, {}, 15, django_assert_num_queries, more)


def test_the_staff_ticket_page_does_not_grow_with_messages_files_and_events(
    client, contact_a, agent, catalog, django_assert_num_queries
):
    (ticket,) = grow(contact_a, agent, tickets=1, answers=1)
    client.force_login(agent)
    url = reverse("workspace:ticket", args=[ticket.number])

    def more() -> None:
        for n in range(15):
            attached = files("a.png", "b.pdf")
            ticket_answer(ticket=ticket, author=agent, body=f"Versão {n}", files=attached)
            ticket_answer(ticket=ticket, author=agent, body="Nota", internal=True)
            ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
            ticket_answer(ticket=ticket, author=contact_a, body="Mais um ajuste")

    # session, user, ticket, last visit, changes since (2), canned replies, the pending
    # proposal, the current meeting, the running clocks, messages, attachments, events,
    # staff for the assign form, departments, services, priorities, the followers,
    # people to add, the bell, the answers to the service's fields, the visit upsert,
    # the draft
    same_queries(client, url, {}, 23, django_assert_num_queries, more)


# --- The staff queue


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # session, user, the department chosen, filter choices (departments, services,
        # priorities, staff: companies are suggested as one types), counts per status,
        # page rows, the bell, the four quick views' counts
        ({"status": "in_progress", "department": "Atendimento"}, 14),
        ({"assignee": "me", "department": "Atendimento"}, 14),
        # session, user, filter choices (4), counts, page rows, the page's matching
        # messages, the bell, the quick views (4)
        ({"q": "banner"}, 14),
        ({"q": "banner", "status": "in_progress"}, 14),
    ],
)
def test_the_queue_runs_a_fixed_number_of_queries(
    client, contact_a, agent, catalog, django_assert_num_queries, params, expected
):
    grow(contact_a, agent, tickets=2, answers=1)
    if params.get("department"):
        params = {**params, "department": Department.objects.get(name=params["department"]).pk}
    client.force_login(agent)

    def more() -> None:
        grow(contact_a, agent, tickets=3, answers=2)
        grow(ContactFactory(company__name="Boreal Turismo"), agent, tickets=2, answers=2)

    same_queries(client, QUEUE, params, expected, django_assert_num_queries, more)


# --- Opening a ticket with files


def test_opening_a_ticket_runs_the_same_queries_with_one_file_or_ten(
    client, contact_a, catalog, settings, django_assert_num_queries
):
    # As in production: the e-mails are queued (a row each) for the worker, not sent here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(contact_a)
    client.get(reverse("tickets:new"))

    def post(files: list) -> None:
        form = {
            "subject": "Campanha com peças",
            "department": catalog["department"].pk,
            "service": catalog["service"].pk,
            "priority": catalog["priority"].pk,
            "body": "Seguem as peças.",
            "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
            "attachments": files,
        }
        assert client.post(reverse("tickets:new"), form).status_code == 302

    post([pdf_upload("warm.pdf")])
    with django_assert_num_queries(OPEN_QUERIES) as one:
        post([pdf_upload("one.pdf")])
    with django_assert_num_queries(OPEN_QUERIES) as ten:
        post([pdf_upload(f"peca-{n}.pdf", size=2 * 1024 * 1024) for n in range(10)])
    assert len(one.captured_queries) == len(ten.captured_queries)


# session, user (with their company, which the ticket takes at no cost); the fields of
# every service (for the form) and the form's department, service and priority (twice:
# the form is built for the page, then validated); the service's fields again (the use
# case checks the answers itself); in the transaction: the counter (read, increment, read
# back), the company, author and catalogue entries checked by full_clean, the ticket,
# the message, every attachment in one INSERT (and the answers to the service's fields in
# one, none here), the "opened" event (and the webhook endpoints: none listens here), two
# clocks, and the
# notifications (the recipients, their opt-outs, the version of their reply addresses, a
# queued e-mail and its task, and the portal's notification: its opt-out and the row);
# the audit entry and the success message.
OPEN_QUERIES = 35
