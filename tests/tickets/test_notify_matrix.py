"""The notification matrix of portal/tickets/notify.py, cell by cell.

Each case builds its situation with the real use cases, performs one event, and
names every e-mail that event queued: (kind, recipient) for each OutboundEmail row
it created, and the iCalendar METHOD of those that carry an invitation. So each case
says who hears and, by leaving them out, who does not: the actor (except the
opening's receipt and the meeting invitation), John who never touched Ana's tickets,
Marina of another company, Nara (narrowed to the tickets she opened, though she chose
all of ACME's) on Ana's tickets, and the people who left.

The cast: Ana (opens the tickets), John (her colleague, who chose nothing), Olga (a
colleague who chose "Todas as solicitações da empresa"), Nara (ACME, narrowed, chose
all too), Marina (Boreal), Bruno (the agent who attends), Carla (his colleague), Helena
(the admin), and Rui and Otto, a contact and an agent who left (inactive; Rui chose all).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.db.models import Max
from django.utils import timezone

from portal.accounts.models import User
from portal.notifications.models import CompanyWideNews, OutboundEmail
from portal.notifications.preferences import CLIENT_KINDS, STAFF_KINDS, preferences_save
from portal.tickets.deadlines import (
    announce_overdue_tickets,
    deadline_proposal_answer,
    deadline_propose,
)
from portal.tickets.followers import ticket_follow
from portal.tickets.meetings import (
    meeting_ask_other_times,
    meeting_cancel,
    meeting_confirm,
    meeting_record_notes,
)
from portal.tickets.models import Department, Meeting, Priority, Service, Status, Ticket
from portal.tickets.services import (
    close_unconfirmed_tickets,
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_classify,
    ticket_confirm,
    ticket_reopen,
)
from tests.support.factories import (
    AgentFactory,
    ContactFactory,
    agree_deadline,
    open_ticket,
    propose_meeting,
)
from tests.support.mail import mime, to

pytestmark = pytest.mark.django_db

ANA, JOHN, NARA, MARINA = "ana@acme.test", "john@acme.test", "nara@acme.test", "marina@boreal.test"
OLGA = "olga@acme.test"  # chose to hear about all of ACME's requests
BRUNO, CARLA, HELENA = "bruno@zweiarts.test", "carla@zweiarts.test", "helena@zweiarts.test"
RUI, OTTO = "rui@acme.test", "otto@zweiarts.test"  # they left: inactive
CLIENTS = (ANA, OLGA)  # who hears of a ticket Ana opened: she, and Olga who chose all
TEAM = (BRUNO, CARLA, HELENA)  # every active member of the team
NEVER = {MARINA, RUI, OTTO}

# 10:00 in São Paulo on a Tuesday: every case starts on the same clock.
START = datetime.datetime(2026, 11, 24, 13, 0, tzinfo=datetime.UTC)
DAY = timedelta(days=1)


# --- reading the outbox ---------------------------------------------------------------


def last_email() -> int:
    """A mark: the newest OutboundEmail so far."""
    return OutboundEmail.objects.aggregate(last=Max("pk"))["last"] or 0


def sent_since(mark: int) -> list[tuple[str, str]]:
    """(kind, address) of every e-mail queued after ``mark``, sorted."""
    rows = OutboundEmail.objects.filter(pk__gt=mark).values_list("kind", "to_address")
    return sorted(rows)


def calendar_method(calendar: str) -> str:
    match = re.search(r"^METHOD:(\w+)\r?$", calendar, re.MULTILINE)
    assert match is not None, calendar
    return match.group(1)


def calendars_since(mark: int) -> list[tuple[str, str]]:
    """(address, METHOD) of every e-mail queued after ``mark`` that carries a calendar."""
    rows = OutboundEmail.objects.filter(pk__gt=mark).exclude(calendar="")
    return sorted((row.to_address, calendar_method(row.calendar)) for row in rows)


# --- the cast ---------------------------------------------------------------------------


@dataclass
class World:
    ana: User
    john: User
    olga: User
    nara: User
    marina: User
    bruno: User
    carla: User
    helena: User
    traveller: time_machine.Traveller

    def ticket(self, *, opener: User | None = None, assignee: User | None = None) -> Ticket:
        """A ticket Ana (or ``opener``) opened; ``assignee`` took it (IN PROGRESS then)."""
        ticket = open_ticket(opener or self.ana)
        if assignee is not None:
            ticket_assign(ticket=ticket, actor=assignee, assignee=assignee)
        return ticket

    def brunos(self, **kwargs) -> Ticket:
        return self.ticket(assignee=self.bruno, **kwargs)

    def leave(self, person: User) -> None:
        person.is_active = False
        person.save(update_fields=["is_active"])

    def concluded(self, ticket: Ticket, *, by: User | None = None) -> Ticket:
        ticket_change_status(ticket=ticket, actor=by or self.bruno, status=Status.DONE)
        return ticket

    def confirmed_meeting(
        self, ticket: Ticket, *, proposer: User | None = None, chooser: User | None = None
    ) -> Meeting:
        meeting = propose_meeting(ticket, agent=proposer or self.bruno)
        return meeting_confirm(
            meeting=meeting, actor=chooser or self.ana, slot_id=meeting.slots.get().pk
        )


@pytest.fixture
def w(contact_a, john, nara, contact_b, agent, admin_user):
    with time_machine.travel(START, tick=False) as traveller:
        carla = AgentFactory(email=CARLA, name="Carla Agente")
        olga = ContactFactory(company=contact_a.company, email=OLGA, name="Olga Prado")
        rui = ContactFactory(company=contact_a.company, email=RUI, name="Rui", is_active=False)
        AgentFactory(email=OTTO, name="Otto", is_active=False)
        for everything in (olga, nara, rui):
            CompanyWideNews.objects.create(user=everything)
        yield World(
            ana=contact_a,
            john=john,
            olga=olga,
            nara=nara,
            marina=contact_b,
            bruno=agent,
            carla=carla,
            helena=admin_user,
            traveller=traveller,
        )


# --- the matrix -------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    arrange: Callable[[World], Callable[[], object]]
    expected: tuple[tuple[str, str], ...]
    calendars: tuple[tuple[str, str], ...]
    actor: str | None
    # The two e-mails about one's own action: the opening's receipt and the invitation.
    own: bool = False


CASES: list[Case] = []


def case(
    id: str,
    expected: dict[str, tuple[str, ...]],
    *,
    actor: str | None,
    calendars: dict[str, str] | None = None,
    own: bool = False,
):
    """Register a case: ``arrange`` builds the situation and returns the event."""

    def register(arrange):
        pairs = tuple(sorted((kind, who) for kind, people in expected.items() for who in people))
        methods = tuple(sorted((calendars or {}).items()))
        CASES.append(Case(id, arrange, pairs, methods, actor, own))
        return arrange

    return register


# opened: the author's receipt, her colleagues, and the attending staff.


@case(
    "opened",
    {"request-opened": CLIENTS, "staff-new-request": TEAM},
    actor=ANA,
    own=True,
)
def opened(w):
    return lambda: open_ticket(w.ana)


@case(
    "opened by the narrowed contact",
    {"request-opened": (NARA, OLGA), "staff-new-request": TEAM},
    actor=NARA,
    own=True,
)
def opened_by_nara(w):
    return lambda: open_ticket(w.nara)


@case(
    "opened in a department with members",
    {"request-opened": CLIENTS, "staff-new-request": (CARLA,)},
    actor=ANA,
    own=True,
)
def opened_department(w):
    Department.objects.get(name="Atendimento").members.add(w.carla)
    return lambda: open_ticket(w.ana)


# team's answer: every contact who may see it; nobody on the team.


@case("team's answer", {"request-answer": CLIENTS}, actor=BRUNO)
def team_answer(w):
    ticket = w.brunos()
    return lambda: ticket_answer(ticket=ticket, author=w.bruno, body="Segue a versão 2.")


@case("team's answer by a colleague", {"request-answer": CLIENTS}, actor=CARLA)
def team_answer_colleague(w):
    ticket = w.brunos()
    return lambda: ticket_answer(ticket=ticket, author=w.carla, body="Segue a versão 2.")


@case(
    "team's answer on the narrowed contact's ticket",
    {"request-answer": (NARA, OLGA)},
    actor=BRUNO,
)
def team_answer_nara(w):
    ticket = w.brunos(opener=w.nara)
    return lambda: ticket_answer(ticket=ticket, author=w.bruno, body="Feito.")


@case(
    "team's answer: a colleague who follows it hears",
    {"request-answer": (ANA, JOHN, OLGA)},
    actor=BRUNO,
)
def team_answer_follower(w):
    ticket = w.brunos()
    ticket_follow(ticket=ticket, actor=w.john)
    return lambda: ticket_answer(ticket=ticket, author=w.bruno, body="Segue a versão 2.")


@case(
    "team's answer: a colleague who wrote on it hears",
    {"request-answer": (ANA, JOHN, OLGA)},
    actor=BRUNO,
)
def team_answer_writer(w):
    ticket = w.brunos()
    ticket_answer(ticket=ticket, author=w.john, body="Eu também preciso disso.")
    return lambda: ticket_answer(ticket=ticket, author=w.bruno, body="Segue a versão 2.")


@case(
    "team's answer: nobody chose all, the opener alone hears",
    {"request-answer": (ANA,)},
    actor=BRUNO,
)
def team_answer_nobody_chose_all(w):
    ticket = w.brunos()
    preferences_save(user=w.olga, enabled={kind.key for kind in CLIENT_KINDS}, company_wide=False)
    return lambda: ticket_answer(ticket=ticket, author=w.bruno, body="Segue a versão 2.")


@case("internal note", {}, actor=CARLA)
def internal_note(w):
    ticket = w.brunos()
    return lambda: ticket_answer(ticket=ticket, author=w.carla, body="Difícil.", internal=True)


# client's answer: the attending staff; the client's colleagues only hear of the status.


@case("client's answer", {"staff-client-answer": (BRUNO,)}, actor=ANA)
def client_answer(w):
    ticket = w.brunos()
    return lambda: ticket_answer(ticket=ticket, author=w.ana, body="Aprovado!")


@case("client's answer, nobody assigned", {"staff-client-answer": TEAM}, actor=ANA)
def client_answer_unassigned(w):
    ticket = w.ticket()
    return lambda: ticket_answer(ticket=ticket, author=w.ana, body="Alguma novidade?")


@case(
    "client's answer, the assignee left",
    {"staff-client-answer": (CARLA, HELENA)},
    actor=ANA,
)
def client_answer_assignee_left(w):
    ticket = w.brunos()
    w.leave(w.bruno)
    return lambda: ticket_answer(ticket=ticket, author=w.ana, body="Olá?")


@case(
    "client's answer resumes the work",
    {"staff-client-answer": (BRUNO,), "request-status": (OLGA,)},
    actor=ANA,
)
def client_answer_resumes(w):
    ticket = w.brunos()
    ticket_change_status(ticket=ticket, actor=w.bruno, status=Status.WAITING_CLIENT)
    return lambda: ticket_answer(ticket=ticket, author=w.ana, body="Segue a foto.")


# status, classification, meeting proposed: the clients; the assignee when a colleague did it.


@case("status by the assignee", {"request-status": CLIENTS}, actor=BRUNO)
def status_assignee(w):
    ticket = w.brunos()
    return lambda: ticket_change_status(ticket=ticket, actor=w.bruno, status=Status.WAITING_CLIENT)


@case(
    "status by a colleague",
    {"request-status": CLIENTS, "staff-request-changed": (BRUNO,)},
    actor=CARLA,
)
def status_colleague(w):
    ticket = w.brunos()
    return lambda: ticket_change_status(ticket=ticket, actor=w.carla, status=Status.WAITING_CLIENT)


@case(
    "concluded by a colleague",
    {"request-done": CLIENTS, "staff-request-changed": (BRUNO,)},
    actor=CARLA,
)
def done_colleague(w):
    ticket = w.brunos()
    return lambda: ticket_change_status(ticket=ticket, actor=w.carla, status=Status.DONE)


@case(
    "status by a colleague, the assignee left",
    {"request-status": CLIENTS},
    actor=CARLA,
)
def status_colleague_assignee_left(w):
    ticket = w.brunos()
    w.leave(w.bruno)
    return lambda: ticket_change_status(ticket=ticket, actor=w.carla, status=Status.WAITING_CLIENT)


def _classify(ticket, actor):
    return lambda: ticket_classify(
        ticket=ticket,
        actor=actor,
        department=Department.objects.get(name="Atendimento"),
        service=Service.objects.get(name="Redes Sociais"),
        priority=Priority.objects.get_or_create(name="Alta")[0],
    )


@case("classified by the assignee", {"request-classified": CLIENTS}, actor=BRUNO)
def classified_assignee(w):
    return _classify(w.brunos(), w.bruno)


@case(
    "classified by a colleague",
    {"request-classified": CLIENTS, "staff-request-changed": (BRUNO,)},
    actor=CARLA,
)
def classified_colleague(w):
    return _classify(w.brunos(), w.carla)


@case("meeting proposed by the assignee", {"request-meeting": CLIENTS}, actor=BRUNO)
def meeting_proposed_assignee(w):
    ticket = w.brunos()
    return lambda: propose_meeting(ticket, agent=w.bruno)


@case(
    "meeting proposed by a colleague",
    {"request-meeting": CLIENTS, "staff-request-changed": (BRUNO,)},
    actor=CARLA,
)
def meeting_proposed_colleague(w):
    ticket = w.brunos()
    return lambda: propose_meeting(ticket, agent=w.carla)


# assigned / removed: the clients; the new assignee and the previous one, unless they did it.


@case("assigned: took it", {"request-assigned": CLIENTS}, actor=BRUNO)
def assigned_self(w):
    ticket = w.ticket()
    return lambda: ticket_assign(ticket=ticket, actor=w.bruno, assignee=w.bruno)


@case(
    "assigned by a colleague",
    {"request-assigned": CLIENTS, "staff-assigned": (BRUNO,)},
    actor=CARLA,
)
def assigned_colleague(w):
    ticket = w.ticket()
    return lambda: ticket_assign(ticket=ticket, actor=w.carla, assignee=w.bruno)


@case(
    "reassigned by a colleague",
    {"request-assigned": CLIENTS, "staff-assigned": (BRUNO, HELENA)},
    actor=CARLA,
)
def reassigned(w):
    ticket = w.brunos()
    return lambda: ticket_assign(ticket=ticket, actor=w.carla, assignee=w.helena)


@case(
    "taken by a colleague for herself",
    {"request-assigned": CLIENTS, "staff-assigned": (BRUNO,)},
    actor=CARLA,
)
def taken(w):
    ticket = w.brunos()
    return lambda: ticket_assign(ticket=ticket, actor=w.carla, assignee=w.carla)


@case(
    "passed on by the assignee",
    {"request-assigned": CLIENTS, "staff-assigned": (CARLA,)},
    actor=BRUNO,
)
def passed_on(w):
    ticket = w.brunos()
    return lambda: ticket_assign(ticket=ticket, actor=w.bruno, assignee=w.carla)


@case(
    "removed by a colleague",
    {"request-assigned": CLIENTS, "staff-assigned": (BRUNO,)},
    actor=CARLA,
)
def removed_colleague(w):
    ticket = w.brunos()
    return lambda: ticket_assign(ticket=ticket, actor=w.carla, assignee=None)


@case("removed by the assignee", {"request-assigned": CLIENTS}, actor=BRUNO)
def removed_self(w):
    ticket = w.brunos()
    return lambda: ticket_assign(ticket=ticket, actor=w.bruno, assignee=None)


@case(
    "reassigned from who left",
    {"request-assigned": CLIENTS, "staff-assigned": (HELENA,)},
    actor=CARLA,
)
def reassigned_from_gone(w):
    ticket = w.brunos()
    w.leave(w.bruno)
    return lambda: ticket_assign(ticket=ticket, actor=w.carla, assignee=w.helena)


# deadline proposed: the clients; the assignee when a colleague proposed it.


def _propose(ticket, actor):
    return lambda: deadline_propose(
        ticket=ticket, actor=actor, deadline=ticket.deadline + 3 * DAY, reason="Fotos."
    )


@case("deadline proposed by the assignee", {"request-deadline": CLIENTS}, actor=BRUNO)
def deadline_assignee(w):
    return _propose(w.brunos(), w.bruno)


@case(
    "deadline proposed by a colleague",
    {"request-deadline": CLIENTS, "staff-request-changed": (BRUNO,)},
    actor=CARLA,
)
def deadline_colleague(w):
    return _propose(w.brunos(), w.carla)


# proposal answered: the attending staff; the colleagues when accepted (the new Prazo).


def _answer(w, ticket, *, by, accept):
    proposal = _propose(ticket, w.bruno)()
    return lambda: deadline_proposal_answer(
        proposal=proposal, actor=by, accept=accept, comment="" if accept else "Não dá."
    )


@case(
    "proposal accepted",
    {"staff-deadline-answer": (BRUNO,), "request-deadline": (OLGA,)},
    actor=ANA,
)
def accepted(w):
    return _answer(w, w.brunos(), by=w.ana, accept=True)


@case("proposal refused", {"staff-deadline-answer": (BRUNO,)}, actor=ANA)
def refused(w):
    return _answer(w, w.brunos(), by=w.ana, accept=False)


@case(
    "proposal accepted by a colleague, nobody assigned",
    {"staff-deadline-answer": TEAM, "request-deadline": (ANA, OLGA)},
    actor=JOHN,
)
def accepted_unassigned(w):
    return _answer(w, w.ticket(), by=w.john, accept=True)


# deadline passed: the clients, from the system.


@case("deadline passed", {"request-overdue": CLIENTS}, actor=None)
def deadline_passed(w):
    ticket = w.brunos()
    return lambda: announce_overdue_tickets(today=ticket.deadline + DAY)


# meeting confirmed: the calendar invitation to who chose and to the assignee.


@case(
    "meeting confirmed",
    {"request-meeting": (ANA,), "staff-meeting": (BRUNO,)},
    calendars={ANA: "REQUEST", BRUNO: "REQUEST"},
    actor=ANA,
    own=True,
)
def meeting_confirmed(w):
    meeting = propose_meeting(w.brunos(), agent=w.bruno)
    slot = meeting.slots.get().pk
    return lambda: meeting_confirm(meeting=meeting, actor=w.ana, slot_id=slot)


@case(
    "meeting a colleague proposed, confirmed by John",
    {"request-meeting": (JOHN,), "staff-meeting": (BRUNO,)},
    calendars={JOHN: "REQUEST", BRUNO: "REQUEST"},
    actor=JOHN,
    own=True,
)
def meeting_confirmed_colleague(w):
    meeting = propose_meeting(w.brunos(), agent=w.carla)
    slot = meeting.slots.get().pk
    return lambda: meeting_confirm(meeting=meeting, actor=w.john, slot_id=slot)


@case(
    "meeting confirmed, nobody assigned",
    {"request-meeting": (ANA,), "staff-meeting": (CARLA,)},
    calendars={ANA: "REQUEST", CARLA: "REQUEST"},
    actor=ANA,
    own=True,
)
def meeting_confirmed_unassigned(w):
    meeting = propose_meeting(w.ticket(), agent=w.carla)
    slot = meeting.slots.get().pk
    return lambda: meeting_confirm(meeting=meeting, actor=w.ana, slot_id=slot)


@case(
    "meeting moved: the earlier invitee gets the update",
    {"request-meeting": (ANA, JOHN), "staff-meeting": (BRUNO,)},
    calendars={ANA: "REQUEST", JOHN: "REQUEST", BRUNO: "REQUEST"},
    actor=JOHN,
    own=True,
)
def meeting_moved(w):
    ticket = w.brunos()
    w.confirmed_meeting(ticket)
    meeting = propose_meeting(ticket, agent=w.bruno, days=(3,))
    slot = meeting.slots.get().pk
    return lambda: meeting_confirm(meeting=meeting, actor=w.john, slot_id=slot)


@case(
    "meeting confirmed, the assignee left",
    {"request-meeting": (ANA,), "staff-meeting": (CARLA,)},
    calendars={ANA: "REQUEST", CARLA: "REQUEST"},
    actor=ANA,
    own=True,
)
def meeting_confirmed_assignee_left(w):
    meeting = propose_meeting(w.brunos(), agent=w.carla)
    w.leave(w.bruno)
    slot = meeting.slots.get().pk
    return lambda: meeting_confirm(meeting=meeting, actor=w.ana, slot_id=slot)


# other times asked: the attending staff.


@case("other times asked", {"staff-meeting": (BRUNO,)}, actor=ANA)
def other_times(w):
    meeting = propose_meeting(w.brunos(), agent=w.bruno)
    return lambda: meeting_ask_other_times(meeting=meeting, actor=w.ana, body="Só à tarde.")


@case("other times asked, nobody assigned", {"staff-meeting": TEAM}, actor=JOHN)
def other_times_unassigned(w):
    meeting = propose_meeting(w.ticket(), agent=w.carla)
    return lambda: meeting_ask_other_times(meeting=meeting, actor=w.john, body="Sexta?")


# meeting cancelled: the invitees get the calendar's CANCEL; the other clients a word.


@case(
    "meeting cancelled by a colleague",
    {"request-meeting": (ANA, OLGA), "staff-meeting": (BRUNO,)},
    calendars={ANA: "CANCEL", BRUNO: "CANCEL"},
    actor=CARLA,
)
def cancelled_colleague(w):
    meeting = w.confirmed_meeting(w.brunos())
    return lambda: meeting_cancel(meeting=meeting, actor=w.carla)


@case(
    "meeting cancelled by the assignee",
    {"request-meeting": (ANA, OLGA)},
    calendars={ANA: "CANCEL"},
    actor=BRUNO,
)
def cancelled_assignee(w):
    meeting = w.confirmed_meeting(w.brunos())
    return lambda: meeting_cancel(meeting=meeting, actor=w.bruno)


@case(
    "meeting cancelled before a time was chosen",
    {"request-meeting": CLIENTS},
    actor=CARLA,
)
def cancelled_proposal(w):
    meeting = propose_meeting(w.brunos(), agent=w.bruno)
    return lambda: meeting_cancel(meeting=meeting, actor=w.carla)


@case("meeting notes recorded", {"request-meeting": CLIENTS}, actor=BRUNO)
def meeting_notes(w):
    meeting = w.confirmed_meeting(w.brunos())
    w.traveller.move_to(meeting.ends_at)
    return lambda: meeting_record_notes(meeting=meeting, actor=w.bruno, minutes="Aprovado.")


# close reminder and closed by itself: the clients; the assignee when it closed.


def _run_closing(w, at):
    def act():
        w.traveller.move_to(at)
        close_unconfirmed_tickets(now=timezone.now())

    return act


@case("close reminder", {"request-closing": CLIENTS}, actor=None)
def close_reminder(w):
    w.concluded(w.brunos())
    return _run_closing(w, START + 6 * DAY + timedelta(minutes=1))


@case(
    "closed by itself",
    {"request-closing": CLIENTS, "staff-closed": (BRUNO,)},
    actor=None,
)
def closed_by_itself(w):
    w.concluded(w.brunos())
    _run_closing(w, START + 6 * DAY + timedelta(minutes=1))()
    return _run_closing(w, START + 7 * DAY + timedelta(minutes=1))


@case(
    "closed by itself, nobody assigned",
    # The docstring says "attending staff"; only an assignee is told (see the report).
    {"request-closing": CLIENTS},
    actor=None,
)
def closed_by_itself_unassigned(w):
    w.concluded(w.ticket(), by=w.carla)
    _run_closing(w, START + 6 * DAY + timedelta(minutes=1))()
    return _run_closing(w, START + 7 * DAY + timedelta(minutes=1))


@case(
    "closed by itself, the assignee left",
    # As above: the docstring's "attending staff" would be Carla and Helena.
    {"request-closing": CLIENTS},
    actor=None,
)
def closed_by_itself_assignee_left(w):
    w.concluded(w.brunos())
    w.leave(w.bruno)
    _run_closing(w, START + 6 * DAY + timedelta(minutes=1))()
    return _run_closing(w, START + 7 * DAY + timedelta(minutes=1))


# reopened and confirmed: the attending staff and the colleagues.


@case(
    "reopened",
    {"staff-reopened": (BRUNO,), "request-reopened": (OLGA,)},
    actor=ANA,
)
def reopened(w):
    ticket = w.concluded(w.brunos())
    ticket_confirm(ticket=ticket, actor=w.ana)
    return lambda: ticket_reopen(ticket=ticket, actor=w.ana, body="Faltou o logo.")


@case(
    "confirmed",
    {"staff-client-confirmed": (BRUNO,), "request-confirmed": (OLGA,)},
    actor=ANA,
)
def confirmed(w):
    ticket = w.concluded(w.brunos())
    return lambda: ticket_confirm(ticket=ticket, actor=w.ana)


@case(
    "confirmed by a colleague, nobody assigned",
    {"staff-client-confirmed": TEAM, "request-confirmed": (ANA, OLGA)},
    actor=JOHN,
)
def confirmed_unassigned(w):
    ticket = w.concluded(w.ticket(), by=w.carla)
    return lambda: ticket_confirm(ticket=ticket, actor=w.john)


@case(
    "confirmed on the narrowed contact's ticket",
    {"staff-client-confirmed": (BRUNO,), "request-confirmed": (OLGA,)},
    actor=NARA,
)
def confirmed_nara(w):
    ticket = w.concluded(w.brunos(opener=w.nara))
    return lambda: ticket_confirm(ticket=ticket, actor=w.nara)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_who_hears_of_each_event(case, w):
    event = case.arrange(w)
    mark = last_email()
    event()
    sent = sent_since(mark)
    assert sent == list(case.expected)
    assert calendars_since(mark) == list(case.calendars)
    # The rules the exact lists above keep, said once more:
    recipients = {address for _, address in sent}
    assert not recipients & NEVER
    if not case.own:
        assert case.actor not in recipients


def test_the_matrix_has_a_case_for_every_event_of_the_docstring():
    events = " ".join(case.id for case in CASES)
    for event in (
        "opened",
        "team's answer",
        "client's answer",
        "status",
        "classified",
        "meeting proposed",
        "assigned",
        "removed",
        "deadline proposed",
        "proposal accepted",
        "proposal refused",
        "deadline passed",
        "meeting confirmed",
        "other times asked",
        "meeting cancelled",
        "close reminder",
        "closed by itself",
        "reopened",
        "confirmed",
    ):
        assert event in events


# --- what the e-mails say, and when the system sends them --------------------------------


def test_the_assignee_is_told_in_portuguese_and_so_is_the_previous_one(w, outbox):
    ticket = w.brunos()
    mark = last_email()
    outbox.clear()
    ticket_assign(ticket=ticket, actor=w.carla, assignee=w.helena)
    rows = {
        row.to_address: row
        for row in OutboundEmail.objects.filter(pk__gt=mark, kind="staff-assigned")
    }
    assert sorted(rows) == [BRUNO, HELENA]
    n = ticket.number
    new = rows[HELENA]
    assert new.subject == f"[#{n}] Designada para você — Post para o Instagram"
    assert f"Você foi designado para #{n} por Carla Agente." in new.body_text
    previous = rows[BRUNO]
    assert previous.subject == f"[#{n}] Não está mais com você — Post para o Instagram"
    assert f"Carla Agente retirou a #{n} das suas solicitações." in previous.body_text
    # Delivered as rendered.
    delivered = {message.to[0]: message for message in outbox}
    assert to(outbox) == [ANA, BRUNO, HELENA, OLGA]
    assert delivered[HELENA].subject == new.subject


def test_the_invitation_carries_the_calendar_to_who_chose_and_the_assignee(w, outbox):
    ticket = w.brunos()
    meeting = propose_meeting(ticket, agent=w.bruno)
    mark = last_email()
    outbox.clear()
    meeting_confirm(meeting=meeting, actor=w.ana, slot_id=meeting.slots.get().pk)
    rows = OutboundEmail.objects.filter(pk__gt=mark).order_by("to_address")
    assert [(row.to_address, row.kind) for row in rows] == [
        (ANA, "request-meeting"),
        (BRUNO, "staff-meeting"),
    ]
    for row in rows:
        assert "METHOD:REQUEST" in row.calendar
        unfolded = row.calendar.replace("\r\n ", "")
        assert "mailto:ana@acme.test" in unfolded and "mailto:bruno@zweiarts.test" in unfolded
    # Both messages go with a text/calendar part that mail clients recognise.
    assert to(outbox) == [ANA, BRUNO]
    for message in outbox:
        parts = [part.get_content_type() for part in mime(message).walk()]
        assert "text/calendar" in parts


def test_the_cancellation_carries_the_calendars_cancel_to_the_invitees(w):
    meeting = w.confirmed_meeting(w.brunos())
    mark = last_email()
    meeting_cancel(meeting=meeting, actor=w.carla)
    rows = OutboundEmail.objects.filter(pk__gt=mark).order_by("to_address")
    assert [(row.to_address, row.kind, bool(row.calendar)) for row in rows] == [
        (ANA, "request-meeting", True),
        (BRUNO, "staff-meeting", True),
        (OLGA, "request-meeting", False),
    ]
    assert all("METHOD:CANCEL" in row.calendar for row in rows if row.calendar)
    assert "STATUS:CANCELLED" in rows[0].calendar


def test_the_close_reminder_goes_one_day_before_and_once(w):
    ticket = w.concluded(w.brunos())
    mark = last_email()
    w.traveller.move_to(START + 6 * DAY - timedelta(minutes=1))
    assert close_unconfirmed_tickets(now=timezone.now()) == 0
    assert sent_since(mark) == []

    w.traveller.move_to(START + 6 * DAY + timedelta(minutes=1))
    assert close_unconfirmed_tickets(now=timezone.now()) == 0
    assert sent_since(mark) == [("request-closing", ANA), ("request-closing", OLGA)]
    reminder = OutboundEmail.objects.filter(pk__gt=mark, to_address=ANA).get()
    assert reminder.subject == f"[#{ticket.number}] Será encerrada amanhã — Post para o Instagram"
    mark = last_email()
    w.traveller.move_to(START + 6 * DAY + timedelta(hours=2))
    assert close_unconfirmed_tickets(now=timezone.now()) == 0
    assert sent_since(mark) == []

    w.traveller.move_to(START + 7 * DAY + timedelta(minutes=1))
    assert close_unconfirmed_tickets(now=timezone.now()) == 1
    assert sent_since(mark) == [
        ("request-closing", ANA),
        ("request-closing", OLGA),
        ("staff-closed", BRUNO),
    ]
    ticket.refresh_from_db()
    assert ticket.is_closed


def test_the_overdue_notice_goes_once_per_deadline(w):
    ticket = w.brunos()
    first = ticket.deadline
    mark = last_email()
    assert announce_overdue_tickets(today=first) == 0  # the day itself is not late
    assert announce_overdue_tickets(today=first + DAY) == 1
    assert sent_since(mark) == [("request-overdue", ANA), ("request-overdue", OLGA)]
    mark = last_email()
    assert announce_overdue_tickets(today=first + DAY) == 0
    assert announce_overdue_tickets(today=first + 2 * DAY) == 0
    assert sent_since(mark) == []

    # A new Prazo agreed, and passed too: told again, once.
    w.traveller.move_to(START + 9 * DAY)
    agree_deadline(ticket, agent=w.bruno, contact=w.ana, deadline=first + 5 * DAY)
    mark = last_email()
    assert announce_overdue_tickets(today=first + 6 * DAY) == 1
    assert announce_overdue_tickets(today=first + 7 * DAY) == 0
    assert sent_since(mark) == [("request-overdue", ANA), ("request-overdue", OLGA)]


def test_a_kind_turned_off_is_not_sent_and_the_others_still_are(w):
    def everything_but(kinds, off):
        return {kind.key for kind in kinds} - {off}

    preferences_save(user=w.olga, enabled=everything_but(CLIENT_KINDS, "request-meeting"))
    preferences_save(user=w.bruno, enabled=everything_but(STAFF_KINDS, "staff-meeting"))
    ticket = w.brunos()

    mark = last_email()
    meeting = propose_meeting(ticket, agent=w.carla)
    # Olga turned meetings off; Bruno still hears of a colleague's change.
    assert sent_since(mark) == [("request-meeting", ANA), ("staff-request-changed", BRUNO)]

    mark = last_email()
    meeting_confirm(meeting=meeting, actor=w.ana, slot_id=meeting.slots.get().pk)
    # Bruno turned meetings off: even the invitation.
    assert sent_since(mark) == [("request-meeting", ANA)]

    mark = last_email()
    ticket_change_status(ticket=ticket, actor=w.carla, status=Status.WAITING_CLIENT)
    assert sent_since(mark) == [
        ("request-status", ANA),
        ("request-status", OLGA),
        ("staff-request-changed", BRUNO),
    ]
