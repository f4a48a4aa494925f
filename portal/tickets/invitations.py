"""The calendar side of a meeting: an iCalendar invitation (RFC 5545, with the
iTIP methods of RFC 5546) that mail clients add to the calendar.

Every invitation about one meeting names the same event (its UID); a new time goes
out with a higher SEQUENCE, and a cancellation with METHOD:CANCEL, so the calendar
entry is moved or removed instead of doubled.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from portal.accounts.models import User
from portal.notifications.emails import from_address
from portal.tickets.models import Meeting
from portal.tickets.notify import ticket_url


def meeting_uid(meeting: Meeting) -> str:
    domain = from_address().rsplit("@", 1)[-1] or "localhost"
    return f"meeting-{meeting.uid}@{domain}"


def _address(person: User, *, organizer: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = person.name
    if not organizer:
        address.params["role"] = "REQ-PARTICIPANT"
        address.params["partstat"] = "NEEDS-ACTION"
        address.params["rsvp"] = "FALSE"
    return address


def meeting_calendar(
    meeting: Meeting,
    *,
    attendees: Iterable[User],
    method: str = "REQUEST",
    now: datetime.datetime | None = None,
) -> str:
    """The invitation (``REQUEST``) or cancellation (``CANCEL``) of ``meeting``, at its
    current time and SEQUENCE, as iCalendar text."""
    starts_at, ends_at = meeting.starts_at, meeting.ends_at
    if starts_at is None or ends_at is None:
        raise ValueError("Only a meeting with a chosen time has a calendar entry.")
    ticket = meeting.ticket
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.AGENCY_NAME}//Client portal//PT")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = CalendarEvent()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", starts_at.astimezone(datetime.UTC))
    event.add("dtend", ends_at.astimezone(datetime.UTC))
    # One text for everyone invited: the portal's default language.
    with translation.override(settings.LANGUAGE_CODE):
        summary = _("Meeting: #%(number)s %(subject)s") % {
            "number": ticket.number,
            "subject": ticket.subject,
        }
    event.add("summary", summary)
    event.add("location", meeting.place)
    event.add("description", "\n\n".join(filter(None, [meeting.note, ticket_url(ticket)])))
    event.add("url", ticket_url(ticket))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{from_address()}")
    organizer.params["cn"] = settings.AGENCY_NAME
    event["organizer"] = organizer
    for person in attendees:
        event.add("attendee", _address(person))
    calendar.add_component(event)
    return calendar.to_ical().decode()
