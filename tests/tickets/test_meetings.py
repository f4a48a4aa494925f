"""STAND BY means a meeting (portal/tickets/meetings.py): times proposed, one chosen by the
client, and the calendar invitation (parsed back with icalendar) kept in step when the
time changes or the meeting is called off."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from portal.notifications.models import OutboundEmail
from portal.tickets.meetings import (
    Slot,
    current_meeting,
    meeting_ask_other_times,
    meeting_cancel,
    meeting_confirm,
    meeting_propose,
    meeting_record_notes,
)
from portal.tickets.models import Event, Meeting, Status
from portal.tickets.services import ticket_assign, ticket_change_status
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)
# Tuesday 24 November 2026, 10:00 in São Paulo.
T0 = datetime.datetime(2026, 11, 24, 13, 0, tzinfo=datetime.UTC)
THURSDAY_10H = datetime.datetime(2026, 11, 26, 13, 0, tzinfo=datetime.UTC)
FRIDAY_15H = datetime.datetime(2026, 11, 27, 18, 0, tzinfo=datetime.UTC)


@pytest.fixture
def traveller():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def opened(traveller, contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Revisão da identidade visual")
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    return ticket


def propose(ticket, agent, *starts):
    return meeting_propose(
        ticket=ticket,
        actor=agent,
        slots=[Slot(start, 60) for start in starts or (THURSDAY_10H, FRIDAY_15H)],
        place="https://meet.google.com/abc-defg-hij",
        note="Traga a paleta atual.",
    )


def invitations(since: int = 0) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(pk__gt=since).exclude(calendar="").order_by("pk"))


def parsed(email: OutboundEmail):
    calendar = Calendar.from_ical(email.calendar)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_proposing_a_meeting_puts_the_request_in_stand_by(opened, agent):
    meeting = propose(opened, agent)
    opened.refresh_from_db()
    assert opened.status == Status.STAND_BY
    assert [slot.starts_at for slot in meeting.slots.all()] == [THURSDAY_10H, FRIDAY_15H]
    assert opened.events.last().kind == Event.Kind.MEETING_PROPOSED


@pytest.mark.parametrize(
    ("slots", "place", "error"),
    [
        ([], "Sala 2", "Ofereça de um a 3 horários."),
        ([Slot(THURSDAY_10H, 60)] * 4, "Sala 2", "Ofereça de um a 3 horários."),
        ([Slot(T0 - H, 60)], "Sala 2", "Ofereça horários que ainda não passaram."),
        ([Slot(THURSDAY_10H, 5)], "Sala 2", "Uma reunião dura de 15 a 480 minutos."),
        ([Slot(THURSDAY_10H, 60)], " ", "Informe o local da reunião"),
    ],
)
def test_a_proposal_is_checked_and_a_refused_one_changes_nothing(
    opened, agent, slots, place, error
):
    with pytest.raises(ValidationError) as refused:
        meeting_propose(ticket=opened, actor=agent, slots=slots, place=place)
    assert error in " ".join(refused.value.messages)
    opened.refresh_from_db()
    assert opened.status == Status.IN_PROGRESS and not Meeting.objects.exists()


def test_a_concluded_request_gets_no_meeting(opened, agent):
    ticket_change_status(ticket=opened, actor=agent, status=Status.DONE)
    with pytest.raises(ValidationError, match="CONCLUÍDA não pode passar para STAND BY"):
        propose(opened, agent)


def test_the_chosen_time_is_an_invitation_for_the_client_and_the_assignee(opened, agent, contact_a):
    meeting = propose(opened, agent)
    marker = OutboundEmail.objects.latest("pk").pk
    friday = meeting.slots.get(starts_at=FRIDAY_15H)
    meeting_confirm(meeting=meeting, actor=contact_a, slot_id=friday.pk)
    sent = invitations(marker)
    assert sorted((email.kind, email.to_address) for email in sent) == [
        ("request-meeting", "ana@acme.test"),
        ("staff-meeting", "bruno@zweiarts.test"),
    ]
    calendar, event = parsed(sent[0])
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"meeting-{meeting.uid}@zweiarts.com.br"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == FRIDAY_15H
    assert event.decoded("DTEND") == FRIDAY_15H + H
    assert str(event["LOCATION"]) == "https://meet.google.com/abc-defg-hij"
    assert "#1 Revisão da identidade visual" in str(event["SUMMARY"])
    attendees = sorted(str(address) for address in event["ATTENDEE"])
    assert attendees == ["mailto:ana@acme.test", "mailto:bruno@zweiarts.test"]
    assert str(event["ORGANIZER"]).startswith("mailto:")
    # Both e-mails carry the same entry.
    assert parsed(sent[1])[1]["UID"] == event["UID"]
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CONFIRMED and meeting.starts_at == FRIDAY_15H


def test_a_new_time_updates_the_same_entry_and_a_cancellation_removes_it(opened, agent, contact_a):
    meeting = propose(opened, agent)
    meeting_confirm(meeting=meeting, actor=contact_a, slot_id=meeting.slots.first().pk)
    first_uid = parsed(invitations()[0])[1]["UID"]
    # The team proposes other times for the same meeting; the client picks one.
    saturday = datetime.datetime(2026, 11, 28, 13, 0, tzinfo=datetime.UTC)
    again = propose(opened, agent, saturday)
    assert again.pk == meeting.pk
    marker = OutboundEmail.objects.latest("pk").pk
    meeting_confirm(meeting=again, actor=contact_a, slot_id=again.slots.get().pk)
    updates = invitations(marker)
    assert len(updates) == 2
    calendar, event = parsed(updates[0])
    assert calendar["METHOD"] == "REQUEST" and event["UID"] == first_uid
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTART") == saturday
    marker = OutboundEmail.objects.latest("pk").pk
    meeting_cancel(meeting=again, actor=agent)
    cancellations = invitations(marker)
    # The agent cancelled it: the client gets the cancellation; he knows.
    assert [email.to_address for email in cancellations] == ["ana@acme.test"]
    calendar, event = parsed(cancellations[0])
    assert calendar["METHOD"] == "CANCEL" and event["UID"] == first_uid
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"
    assert current_meeting(opened) is None


def test_other_times_are_asked_with_a_message_the_team_reads(opened, agent, contact_a):
    meeting = propose(opened, agent)
    with pytest.raises(ValidationError):
        meeting_ask_other_times(meeting=meeting, actor=contact_a, body="")
    marker = OutboundEmail.objects.latest("pk").pk
    meeting_ask_other_times(meeting=meeting, actor=contact_a, body="Só posso na segunda.")
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.OTHER_TIMES
    assert opened.messages.last().body == "Só posso na segunda."
    [told] = OutboundEmail.objects.filter(pk__gt=marker)
    assert (told.kind, told.to_address) == ("staff-meeting", "bruno@zweiarts.test")
    assert "Só posso na segunda." in told.body_text


def test_a_time_that_passed_or_another_meetings_slot_cannot_be_chosen(
    opened, agent, contact_a, traveller
):
    meeting = propose(opened, agent)
    with pytest.raises(ValidationError):
        meeting_confirm(meeting=meeting, actor=contact_a, slot_id=999_999)
    traveller.move_to(THURSDAY_10H + H)
    thursday = meeting.slots.get(starts_at=THURSDAY_10H)
    with pytest.raises(ValidationError, match="Este horário já passou"):
        meeting_confirm(meeting=meeting, actor=contact_a, slot_id=thursday.pk)


def test_notes_are_recorded_after_the_meeting_by_staff_only(opened, agent, contact_a, traveller):
    meeting = propose(opened, agent)
    meeting_confirm(meeting=meeting, actor=contact_a, slot_id=meeting.slots.first().pk)
    with pytest.raises(ValidationError, match="ainda não começou"):
        meeting_record_notes(meeting=meeting, actor=agent, minutes="Cedo demais")
    traveller.move_to(THURSDAY_10H + 2 * H)
    with pytest.raises(PermissionDenied):
        meeting_record_notes(meeting=meeting, actor=contact_a, minutes="Eu mesma")
    meeting_record_notes(meeting=meeting, actor=agent, minutes="Paleta aprovada: azul e areia.")
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    event = opened.events.last()
    assert event.kind == Event.Kind.MEETING_HELD
    assert event.data["minutes"] == "Paleta aprovada: azul e areia."
    ticket_change_status(ticket=opened, actor=agent, status=Status.IN_PROGRESS)


# --- The pages


def test_the_client_reads_the_guides_stand_by_and_confirms_a_time(opened, agent, contact_a, client):
    meeting = propose(opened, agent)
    client.force_login(contact_a)
    page = client.get(reverse("tickets:detail", args=[opened.number])).content.decode()
    assert "Quando há necessidade de uma reunião" in page
    assert "Aguardamos o seu retorno" not in page
    assert "Reunião proposta" in page and page.count("Confirmar horário") == 2
    url = reverse("tickets:confirm_meeting", args=[opened.number])
    assert client.get(url).status_code == 405
    friday = meeting.slots.get(starts_at=FRIDAY_15H)
    response = client.post(url, {"slot": friday.pk}, follow=True)
    body = response.content.decode()
    assert "Reunião confirmada" in body and "27 de novembro de 2026" in body.lower()


def test_other_companies_and_staff_cannot_answer_a_meeting(opened, agent, contact_b, client):
    meeting = propose(opened, agent)
    slot = meeting.slots.first()
    for person in (contact_b, agent):
        client.force_login(person)
        for name, data in (("confirm_meeting", {"slot": slot.pk}), ("other_times", {"body": "x"})):
            response = client.post(reverse(f"tickets:{name}", args=[opened.number]), data)
            assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PROPOSED


def test_the_agent_proposes_on_the_page_and_errors_sit_next_to_the_fields(opened, client, agent):
    client.force_login(agent)
    url = reverse("workspace:propose_meeting", args=[opened.number])
    incomplete = client.post(url, {"day_1": "2026-11-26", "place": ""})
    assert incomplete.status_code == 400
    body = incomplete.content.decode()
    assert 'id="id_start_1_error"' in body and 'id="id_place_error"' in body
    assert not Meeting.objects.exists()
    done = client.post(
        url,
        {
            "day_1": "2026-11-26", "start_1": "10:00", "minutes_1": "60",
            "day_2": "2026-11-27", "start_2": "15:00", "minutes_2": "45",
            "minutes_3": "60", "place": "Escritório da Zwei Arts", "note": "",
        },
    )  # fmt: skip
    assert done.status_code == 302
    meeting = current_meeting(opened)
    assert [(s.starts_at, s.duration_minutes) for s in meeting.slots.all()] == [
        (THURSDAY_10H, 60),
        (FRIDAY_15H, 45),
    ]
    page = client.get(reverse("workspace:ticket", args=[opened.number])).content.decode()
    assert "Aguardando o cliente escolher um horário" in page
