"""STAND BY means a meeting: the team proposes one to three times, the client picks
one (Confirmar horário) or asks for others, and both get a calendar invitation.

The guide: "STAND BY: Quando há necessidade de uma reunião para dar seguimento a
solicitação."
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.tickets import notify
from portal.tickets.invitations import meeting_calendar
from portal.tickets.models import Event, Meeting, MeetingSlot, Message, Ticket
from portal.tickets.services import (
    _ensure_open,
    _lock,
    _record,
    _touch,
    change_status_for_meeting,
)

MAX_SLOTS = 3
# From a quick call to a half-day workshop.
MIN_MINUTES, MAX_MINUTES = 15, 8 * 60


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    minutes: int


def current_meeting(ticket: Ticket) -> Meeting | None:
    """The meeting being arranged or confirmed for ``ticket`` (at most one)."""
    current = [Meeting.State.PROPOSED, Meeting.State.OTHER_TIMES, Meeting.State.CONFIRMED]
    return (
        Meeting.objects.filter(ticket=ticket, state__in=current).prefetch_related("slots").first()
    )


def _check_slots(slots: Sequence[Slot], now: datetime.datetime) -> None:
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise ValidationError(
            {"slots": _("Offer from one to %(count)s times.") % {"count": MAX_SLOTS}}
        )
    for slot in slots:
        if slot.starts_at <= now:
            raise ValidationError({"slots": _("Offer times that have not passed yet.")})
        if not MIN_MINUTES <= slot.minutes <= MAX_MINUTES:
            raise ValidationError(
                {
                    "slots": _("A meeting lasts from %(min)s to %(max)s minutes.")
                    % {"min": MIN_MINUTES, "max": MAX_MINUTES}
                }
            )


@transaction.atomic
def meeting_propose(
    *, ticket: Ticket, actor: User, slots: Sequence[Slot], place: str, note: str = ""
) -> Meeting:
    """Staff propose a meeting (Propor reunião), which puts the ticket in STAND BY.

    When a meeting is already being arranged or confirmed, this proposes new times for
    that same meeting: the calendar entry it may have is moved, not doubled, once the
    client confirms one of them.
    """
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff propose meetings.")
    _lock(ticket)
    _ensure_open(ticket)
    now = timezone.now()
    _check_slots(slots, now)
    if not place.strip():
        raise ValidationError({"place": _("Say where the meeting is, or paste its video link.")})
    change_status_for_meeting(ticket, actor)
    meeting = current_meeting(ticket)
    if meeting is None:
        meeting = Meeting(ticket=ticket)
    meeting.proposed_by = actor
    meeting.place, meeting.note = place.strip(), note.strip()
    meeting.state = Meeting.State.PROPOSED
    meeting.save()
    meeting.slots.all().delete()
    MeetingSlot.objects.bulk_create(
        MeetingSlot(meeting=meeting, starts_at=slot.starts_at, duration_minutes=slot.minutes)
        for slot in sorted(slots, key=lambda slot: slot.starts_at)
    )
    _touch(ticket)
    _record(
        ticket,
        Event.Kind.MEETING_PROPOSED,
        actor,
        slots=[slot.starts_at.isoformat() for slot in slots],
        place=meeting.place,
    )
    notify.meeting_proposed(meeting)
    return meeting


def _awaiting_the_client(meeting: Meeting, actor: User) -> Ticket:
    """Check that ``actor`` is the client and the meeting waits for their choice, with
    the ticket locked (two colleagues answering at once: the second finds it chosen)."""
    if not actor.is_contact or actor.company_id != meeting.ticket.company_id:
        raise PermissionDenied("Only the client answers a meeting proposal.")
    ticket = meeting.ticket
    _lock(ticket)
    _ensure_open(ticket)
    meeting.refresh_from_db()
    if meeting.state not in (Meeting.State.PROPOSED, Meeting.State.OTHER_TIMES):
        raise ValidationError(_("This meeting is not waiting for a time to be chosen."))
    return ticket


def _invitees(meeting: Meeting, confirmer: User) -> list[User]:
    """The client who chose the time and the agent attending the ticket (or, with
    nobody assigned or an assignee who left, the one who proposed it), plus whoever an
    earlier time invited."""
    ticket = meeting.ticket
    people = {person.pk: person for person in meeting.attendees.all()}
    assignee = ticket.assignee
    host = assignee if assignee is not None and assignee.is_active else meeting.proposed_by
    for person in (confirmer, host):
        people.setdefault(person.pk, person)
    return [person for person in people.values() if person.is_active]


@transaction.atomic
def meeting_confirm(*, meeting: Meeting, actor: User, slot_id: int) -> Meeting:
    """The client picks one of the proposed times (Confirmar horário); everyone invited
    gets the calendar invitation."""
    ticket = _awaiting_the_client(meeting, actor)
    slot = meeting.slots.filter(pk=slot_id).first()
    if slot is None:
        raise ValidationError({"slot": _("Choose one of the proposed times.")})
    if slot.starts_at <= timezone.now():
        raise ValidationError({"slot": _("This time has passed: choose another one.")})
    invited_before = meeting.attendees.exists()
    if invited_before:
        meeting.sequence += 1  # the same calendar entry, at its new time
    meeting.starts_at, meeting.duration_minutes = slot.starts_at, slot.duration_minutes
    meeting.state, meeting.confirmed_by = Meeting.State.CONFIRMED, actor
    meeting.save()
    invitees = _invitees(meeting, actor)
    meeting.attendees.set(invitees)
    _touch(ticket)
    _record(ticket, Event.Kind.MEETING_CONFIRMED, actor, starts_at=slot.starts_at.isoformat())
    calendar = meeting_calendar(meeting, attendees=invitees)
    notify.meeting_invitation(meeting, invitees=invitees, calendar=calendar)
    return meeting


@transaction.atomic
def meeting_ask_other_times(*, meeting: Meeting, actor: User, body: str) -> Message:
    """None of the times suits the client: they say which would, and the team
    proposes again."""
    ticket = _awaiting_the_client(meeting, actor)
    if not body.strip():
        raise ValidationError({"body": _("Tell the team which times suit you.")})
    message = Message.objects.create(ticket=ticket, author=actor, body=body.strip())
    meeting.state = Meeting.State.OTHER_TIMES
    meeting.save(update_fields=["state"])
    _touch(ticket)
    _record(ticket, Event.Kind.MEETING_OTHER_TIMES, actor)
    notify.meeting_other_times(meeting, actor=actor, message=message)
    return message


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User) -> None:
    """Staff call the meeting off; whoever was invited gets the calendar cancellation."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff cancel meetings.")
    ticket = meeting.ticket
    _lock(ticket)
    meeting.refresh_from_db()
    if not meeting.is_current:
        raise ValidationError(_("This meeting is no longer being arranged."))
    invitees = [person for person in meeting.attendees.all() if person.is_active]
    calendar = ""
    if invitees and meeting.starts_at is not None:
        meeting.sequence += 1
        calendar = meeting_calendar(meeting, attendees=invitees, method="CANCEL")
    meeting.state = Meeting.State.CANCELLED
    meeting.save(update_fields=["state", "sequence"])
    _touch(ticket)
    _record(ticket, Event.Kind.MEETING_CANCELLED, actor)
    notify.meeting_cancelled(meeting, actor=actor, invitees=invitees, calendar=calendar)


@transaction.atomic
def meeting_record_notes(*, meeting: Meeting, actor: User, minutes: str) -> None:
    """After the meeting, staff record what was agreed; the client reads it in the
    timeline, and the team moves the request on."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff record meeting notes.")
    ticket = meeting.ticket
    _lock(ticket)
    _ensure_open(ticket)
    meeting.refresh_from_db()
    if meeting.state != Meeting.State.CONFIRMED:
        raise ValidationError(_("Only a confirmed meeting has notes to record."))
    if meeting.starts_at is not None and meeting.starts_at > timezone.now():
        raise ValidationError({"minutes": _("The meeting has not started yet.")})
    if not minutes.strip():
        raise ValidationError({"minutes": _("Write what was agreed.")})
    meeting.minutes = minutes.strip()
    meeting.state = Meeting.State.HELD
    meeting.save(update_fields=["minutes", "state"])
    _touch(ticket)
    _record(ticket, Event.Kind.MEETING_HELD, actor, minutes=meeting.minutes)
    notify.meeting_held(meeting, actor=actor)
