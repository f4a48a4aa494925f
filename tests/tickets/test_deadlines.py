"""Deadlines negotiated (portal/tickets/deadlines.py): proposed with a reason, accepted or
refused by the client, and announced by the system when the Prazo passes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.commitments.calendar import end_of_day
from portal.commitments.models import Clock
from portal.notifications.models import OutboundEmail
from portal.tickets.deadlines import (
    announce_overdue_tickets,
    deadline_proposal_answer,
    deadline_propose,
    pending_proposal,
)
from portal.tickets.models import DeadlineProposal, Event, Status
from portal.tickets.services import ticket_assign, ticket_change_status
from portal.tickets.warnings import check_commitments
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
# Tuesday 24 November 2026, 10:00 in São Paulo.
T0 = datetime.datetime(2026, 11, 24, 13, 0, tzinfo=datetime.UTC)


@pytest.fixture
def traveller():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def opened(traveller, contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Post de Natal")  # Prazo: 1 December
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    return ticket


def propose(ticket, agent, days=5, reason="As fotos chegaram atrasadas."):
    return deadline_propose(
        ticket=ticket, actor=agent, deadline=ticket.deadline + days * DAY, reason=reason
    )


def test_a_proposal_moves_nothing_until_the_client_accepts(opened, agent, contact_a):
    original = opened.deadline
    proposal = propose(opened, agent)
    opened.refresh_from_db()
    assert opened.deadline == original and pending_proposal(opened) == proposal
    assert opened.events.last().kind == Event.Kind.DEADLINE_PROPOSED
    deadline_proposal_answer(proposal=proposal, actor=contact_a, accept=True)
    opened.refresh_from_db()
    assert opened.deadline == original + 5 * DAY
    assert opened.original_deadline == original  # still visible
    proposal.refresh_from_db()
    assert proposal.state == DeadlineProposal.State.ACCEPTED and proposal.answered_by == contact_a
    delivery = Clock.objects.get(ticket=opened, kind=Clock.Kind.DELIVERY)
    assert delivery.due_at == end_of_day(opened.deadline)
    kinds = list(opened.events.values_list("kind", flat=True))
    assert kinds[-3:] == [
        Event.Kind.DEADLINE_PROPOSED,
        Event.Kind.DEADLINE_ACCEPTED,
        Event.Kind.DEADLINE_CHANGED,
    ]


def test_a_refusal_needs_a_comment_keeps_the_prazo_and_tells_the_assignee(opened, agent, contact_a):
    proposal = propose(opened, agent)
    with pytest.raises(ValidationError) as refused:
        deadline_proposal_answer(proposal=proposal, actor=contact_a, accept=False, comment=" ")
    assert "comment" in refused.value.error_dict
    marker = OutboundEmail.objects.latest("pk").pk
    deadline_proposal_answer(
        proposal=proposal, actor=contact_a, accept=False, comment="Precisamos para o Natal."
    )
    opened.refresh_from_db()
    assert opened.deadline == opened.original_deadline
    [told] = OutboundEmail.objects.filter(pk__gt=marker)
    assert (told.kind, told.to_address) == ("staff-deadline-answer", agent.email)
    assert "recusou o novo prazo" in told.body_text and "Precisamos para o Natal." in told.body_text
    event = opened.events.last()
    assert event.kind == Event.Kind.DEADLINE_REFUSED
    assert event.data["comment"] == "Precisamos para o Natal."


def test_a_proposal_is_answered_once_and_a_new_one_replaces_a_pending_one(
    opened, agent, contact_a, john
):
    first = propose(opened, agent, days=3)
    second = propose(opened, agent, days=6)
    first.refresh_from_db()
    assert first.state == DeadlineProposal.State.WITHDRAWN
    with pytest.raises(ValidationError):
        deadline_proposal_answer(proposal=first, actor=contact_a, accept=True)
    deadline_proposal_answer(proposal=second, actor=contact_a, accept=True)
    with pytest.raises(ValidationError, match="já foi respondida"):
        deadline_proposal_answer(proposal=second, actor=john, accept=False, comment="Não")
    opened.refresh_from_db()
    assert opened.deadline == opened.original_deadline + 6 * DAY


def test_a_slip_is_announced_before_it_happens(opened, agent):
    with pytest.raises(ValidationError) as refused:
        deadline_propose(ticket=opened, actor=agent, deadline=T0.date() - DAY, reason="Atraso")
    assert refused.value.error_dict["deadline"][0].messages == [
        "O prazo não pode estar no passado."
    ]
    with pytest.raises(ValidationError) as refused:
        deadline_propose(ticket=opened, actor=agent, deadline=opened.deadline, reason="Igual")
    assert "deadline" in refused.value.error_dict
    assert not DeadlineProposal.objects.exists()


def test_only_staff_propose_and_only_the_clients_company_answers(
    opened, agent, contact_a, contact_b
):
    with pytest.raises(PermissionDenied):
        deadline_propose(ticket=opened, actor=contact_a, deadline=opened.deadline + DAY, reason="x")
    proposal = propose(opened, agent)
    for outsider in (contact_b, agent):
        with pytest.raises(PermissionDenied):
            deadline_proposal_answer(proposal=proposal, actor=outsider, accept=True)


# --- The pages: the answer is one click away, a GET never changes anything


def test_the_client_accepts_on_the_page_and_a_get_changes_nothing(opened, agent, contact_a, client):
    propose(opened, agent, reason="Aguardando as fotos <HD>.")
    client.force_login(contact_a)
    url = reverse("tickets:answer_proposal", args=[opened.number])
    page = client.get(reverse("tickets:detail", args=[opened.number])).content.decode()
    assert "Novo prazo proposto" in page and "Aguardando as fotos &lt;HD&gt;." in page
    assert client.get(url).status_code == 405
    opened.refresh_from_db()
    assert opened.deadline == opened.original_deadline
    response = client.post(url, {"answer": "accept"}, follow=True)
    assert "Novo prazo aceito." in response.content.decode()
    opened.refresh_from_db()
    assert opened.deadline == opened.original_deadline + 5 * DAY
    page = client.get(reverse("tickets:detail", args=[opened.number])).content.decode()
    assert "Aceitar novo prazo" not in page and "prazo original: 1 de dezembro de 2026" in page


def test_a_refusal_without_a_comment_shows_the_error_next_to_the_field(
    opened, agent, contact_a, client
):
    propose(opened, agent)
    client.force_login(contact_a)
    url = reverse("tickets:answer_proposal", args=[opened.number])
    response = client.post(url, {"answer": "refuse", "comment": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_comment_error"' in body and "Este campo é obrigatório." in body
    assert pending_proposal(opened) is not None
    client.post(url, {"answer": "refuse", "comment": "Não dá."})
    assert pending_proposal(opened) is None


def test_other_companies_and_staff_cannot_answer(opened, agent, contact_b, client):
    propose(opened, agent)
    url = reverse("tickets:answer_proposal", args=[opened.number])
    for person in (contact_b, agent):
        client.force_login(person)
        assert client.post(url, {"answer": "accept"}).status_code == 404
    assert pending_proposal(opened) is not None


# --- Prazo passed with no new date agreed: "Atrasada", told once


def test_the_client_is_told_once_when_the_prazo_passes_and_sees_atrasada(
    opened, contact_a, john, agent, client, traveller
):
    marker = OutboundEmail.objects.latest("pk").pk
    traveller.move_to(datetime.datetime(2026, 12, 1, 23, 0, tzinfo=datetime.UTC))  # 20:00 local
    assert announce_overdue_tickets() == 0  # the Prazo day is not over yet
    traveller.move_to(datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC))
    assert announce_overdue_tickets() == 1
    assert announce_overdue_tickets() == 0
    # Ana, who opened it (her colleague John never touched it).
    told = OutboundEmail.objects.filter(pk__gt=marker)
    assert sorted(told.values_list("kind", "to_address")) == [("request-overdue", "ana@acme.test")]
    pt = told.get(to_address="ana@acme.test")
    assert "Prazo vencido" in pt.body_text and "Nossa equipe vai informar uma nova data" in (
        pt.body_text
    )
    assert opened.events.last().kind == Event.Kind.OVERDUE
    client.force_login(contact_a)
    listing = client.get(reverse("tickets:list")).content.decode()
    assert "Atrasada" in listing
    page = client.get(reverse("tickets:detail", args=[opened.number])).content.decode()
    assert "Atrasada" in page and "Nossa equipe vai informar uma nova data." in page


def test_an_agreed_new_date_clears_it_and_a_second_slip_is_told_again(
    opened, agent, contact_a, traveller
):
    traveller.move_to(datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC))
    assert announce_overdue_tickets() == 1
    proposal = propose(opened, agent, days=3)  # 4 December
    deadline_proposal_answer(proposal=proposal, actor=contact_a, accept=True)
    opened.refresh_from_db()
    assert not opened.is_overdue
    assert announce_overdue_tickets() == 0
    traveller.move_to(datetime.datetime(2026, 12, 5, 12, 0, tzinfo=datetime.UTC))
    assert announce_overdue_tickets() == 1


def test_a_concluded_request_is_never_late(opened, agent, traveller):
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    traveller.move_to(datetime.datetime(2026, 12, 9, 12, 0, tzinfo=datetime.UTC))
    assert announce_overdue_tickets() == 0


def test_the_delivery_warning_asks_for_a_proposal_unless_one_is_pending(
    opened, agent, traveller, outbox
):
    outbox.clear()
    # Delivery runs out at the end of 1 December; the warning margin is 4 hours.
    traveller.move_to(datetime.datetime(2026, 12, 2, 0, 30, tzinfo=datetime.UTC))
    check_commitments()
    [warning] = [m for m in outbox if "entrega" in m.subject]
    assert "proponha um novo prazo agora" in warning.body
    assert "/equipe/solicitacoes/1/#proposal" in warning.body
    # With a proposal waiting, the late warning does not ask again.
    propose(opened, agent, days=2)
    outbox.clear()
    traveller.move_to(datetime.datetime(2026, 12, 2, 4, 0, tzinfo=datetime.UTC))
    check_commitments()
    late = [m for m in outbox if "entrega" in m.subject]
    assert late and "#proposal" not in late[0].body
