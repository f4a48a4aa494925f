"""The lifecycle (models.TRANSITIONS): every move each mover may make, every one it may
not, through the use cases; and reopening a closed request within its window."""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.commitments.models import Clock
from portal.tickets.models import Event, Mover, Status, Ticket, may_move
from portal.tickets.services import (
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_confirm,
    ticket_reopen,
)
from tests.support.factories import open_ticket, propose_meeting

pytestmark = pytest.mark.django_db
S = Status

# The table again, written as the guide and the issue say it, so a change to one of the
# two shows here.
ALLOWED = {
    Mover.STAFF: {
        (S.OPEN, S.IN_PROGRESS), (S.OPEN, S.WAITING_CLIENT), (S.OPEN, S.DONE),
        (S.IN_PROGRESS, S.WAITING_CLIENT), (S.IN_PROGRESS, S.DONE),
        (S.WAITING_CLIENT, S.IN_PROGRESS), (S.WAITING_CLIENT, S.DONE),
        (S.STAND_BY, S.IN_PROGRESS), (S.STAND_BY, S.WAITING_CLIENT), (S.STAND_BY, S.DONE),
        (S.DONE, S.IN_PROGRESS),
    },
    Mover.STAFF_WORK: {(S.OPEN, S.IN_PROGRESS)},
    Mover.MEETING: {
        (S.OPEN, S.STAND_BY), (S.IN_PROGRESS, S.STAND_BY), (S.WAITING_CLIENT, S.STAND_BY),
    },
    Mover.CLIENT_REPLY: {(S.WAITING_CLIENT, S.IN_PROGRESS), (S.DONE, S.IN_PROGRESS)},
    Mover.CLIENT_REOPEN: {(S.DONE, S.IN_PROGRESS)},
}  # fmt: skip
PAIRS = list(itertools.product(Status, Status))


@pytest.mark.parametrize("mover", list(Mover))
def test_the_table_allows_exactly_the_moves_of_the_lifecycle(mover):
    closed = mover == Mover.CLIENT_REOPEN
    allowed = {pair for pair in PAIRS if may_move(mover, *pair, closed=closed)}
    assert allowed == ALLOWED[mover]
    # Nobody moves a closed ticket but its client reopening it; she moves nothing else.
    assert not any(may_move(mover, *pair, closed=not closed) for pair in PAIRS)


def _in_status(ticket: Ticket, status: str, agent) -> Ticket:
    """Bring a fresh ticket to ``status`` the way the team would."""
    if status == S.STAND_BY:
        propose_meeting(ticket, agent=agent)
    elif status != S.OPEN:
        ticket_change_status(ticket=ticket, actor=agent, status=status)
    ticket.refresh_from_db()
    assert ticket.status == status
    return ticket


@pytest.mark.parametrize(("current", "target"), [p for p in PAIRS if p[0] != p[1]])
def test_staff_moves_by_hand_are_made_or_refused_with_a_clear_message(
    contact_a, agent, catalog, current, target
):
    ticket = _in_status(open_ticket(contact_a), current, agent)
    events = ticket.events.count()
    if (current, target) in ALLOWED[Mover.STAFF]:
        ticket_change_status(ticket=ticket, actor=agent, status=target)
        ticket.refresh_from_db()
        assert ticket.status == target
        return
    with pytest.raises(ValidationError) as refused:
        ticket_change_status(ticket=ticket, actor=agent, status=target)
    message = " ".join(refused.value.messages)
    if target == S.STAND_BY:
        assert "Propor reunião" in message
    else:
        assert f"Uma solicitação em {current.label} não pode passar para {target.label}." in (
            message
        )
    ticket.refresh_from_db()
    assert ticket.status == current and ticket.events.count() == events


@pytest.mark.parametrize("how", ["take", "assign", "answer"])
def test_the_team_taking_assigning_or_answering_ends_aberta(contact_a, agent, catalog, how):
    ticket = open_ticket(contact_a)
    if how == "take":
        ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    elif how == "assign":
        from tests.support.factories import AgentFactory

        ticket_assign(ticket=ticket, actor=agent, assignee=AgentFactory())
    else:
        ticket_answer(ticket=ticket, author=agent, body="Recebido, já estamos vendo.")
    ticket.refresh_from_db()
    assert ticket.status == S.IN_PROGRESS


def test_an_internal_note_or_removing_the_assignee_leaves_it_aberta(contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Nota", internal=True)
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN
    ticket_assign(ticket=ticket, actor=agent, assignee=None)
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN


def test_a_client_answer_in_stand_by_or_in_progress_keeps_the_status(contact_a, agent, catalog):
    ticket = _in_status(open_ticket(contact_a), S.STAND_BY, agent)
    ticket_answer(ticket=ticket, author=contact_a, body="Pode ser quinta?")
    ticket.refresh_from_db()
    assert ticket.status == S.STAND_BY


# --- Reopening: within REQUEST_REOPEN_DAYS, with a message; later, a new request from it

T0 = datetime.datetime(2026, 11, 24, 13, 0, tzinfo=datetime.UTC)


@pytest.fixture
def closed(contact_a, agent, catalog):
    with time_machine.travel(T0, tick=False):
        ticket = open_ticket(contact_a, subject="Banner de Natal")
        ticket_answer(ticket=ticket, author=agent, body="Pronto!")
        ticket_change_status(ticket=ticket, actor=agent, status=S.DONE)
        ticket_confirm(ticket=ticket, actor=contact_a)
    ticket.refresh_from_db()
    assert ticket.is_closed
    return ticket


def test_a_client_reopens_within_the_window_and_a_new_adjustments_clock_runs(
    closed, contact_a, settings
):
    settings.REQUEST_REOPEN_DAYS = 30
    moment = T0 + datetime.timedelta(days=29, hours=23)
    with time_machine.travel(moment, tick=False):
        ticket_reopen(ticket=closed, actor=contact_a, body="Faltou a versão para stories.")
    closed.refresh_from_db()
    assert not closed.is_closed and closed.status == S.IN_PROGRESS
    assert closed.concluded_at is None
    adjustment = Clock.objects.get(ticket=closed, kind=Clock.Kind.ADJUSTMENT)
    assert adjustment.state == Clock.State.RUNNING and adjustment.started_at == moment
    assert closed.messages.last().body == "Faltou a versão para stories."
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds[-2:] == [Event.Kind.REOPENED, Event.Kind.STATUS_CHANGED]


def test_after_the_window_it_cannot_be_reopened_and_nothing_changes(closed, contact_a, settings):
    settings.REQUEST_REOPEN_DAYS = 30
    later = T0 + datetime.timedelta(days=30, minutes=1)
    with time_machine.travel(later, tick=False), pytest.raises(ValidationError) as refused:
        ticket_reopen(ticket=closed, actor=contact_a, body="Mais uma coisa")
    assert "abra uma nova solicitação a partir dela" in " ".join(refused.value.messages)
    closed.refresh_from_db()
    assert closed.is_closed and closed.messages.count() == 2


def test_staff_and_other_companies_cannot_reopen(closed, agent, contact_b, client):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        ticket_reopen(ticket=closed, actor=agent, body="x")
    client.force_login(contact_b)
    url = reverse("tickets:reopen", args=[closed.number])
    assert client.post(url, {"body": "Intruso"}).status_code == 404
    client.force_login(agent)
    assert client.post(url, {"body": "Equipe"}).status_code == 404
    closed.refresh_from_db()
    assert closed.is_closed


def test_the_page_reopens_with_a_message_and_explains_an_empty_one(closed, contact_a, client):
    client.force_login(contact_a)
    page = client.get(reverse("tickets:detail", args=[closed.number])).content.decode()
    assert "Reabrir solicitação" in page
    url = reverse("tickets:reopen", args=[closed.number])
    empty = client.post(url, {"body": ""})
    assert empty.status_code == 400 and "Este campo é obrigatório." in empty.content.decode()
    closed.refresh_from_db()
    assert closed.is_closed
    done = client.post(url, {"body": "Faltou o logo."}, follow=True)
    assert "A solicitação foi reaberta" in done.content.decode()
    closed.refresh_from_db()
    assert closed.status == S.IN_PROGRESS and not closed.is_closed


def test_past_the_window_the_page_offers_a_new_request_linked_to_it(
    closed, contact_a, client, settings, catalog
):
    settings.REQUEST_REOPEN_DAYS = 30
    with time_machine.travel(T0 + datetime.timedelta(days=40)):
        client.force_login(contact_a)
        page = client.get(reverse("tickets:detail", args=[closed.number])).content.decode()
        assert "Reabrir solicitação" not in page
        link = f"{reverse('tickets:new')}?a_partir_de={closed.number}"
        assert "Nova solicitação a partir desta" in page and link in page
        form = client.get(link).content.decode()
        assert "continua a solicitação #1" in form and 'value="Banner de Natal"' in form
        response = client.post(
            link,
            {
                "subject": "Banner de Natal — stories",
                "department": catalog["department"].pk,
                "service": catalog["service"].pk,
                "priority": catalog["priority"].pk,
                "body": "A versão para stories.",
                "deadline": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            },
        )
    assert response.status_code == 302
    new = Ticket.objects.get(number=2)
    assert new.continues == closed and new.status == S.OPEN
    assert new.events.get().data == {"continues": 1}


def test_a_new_request_cannot_continue_another_companys_ticket(closed, contact_b, client):
    client.force_login(contact_b)
    assert client.get(f"{reverse('tickets:new')}?a_partir_de={closed.number}").status_code == 404
