"""Meeting invitations by e-mail (portal/notifications/tasks.py): the calendar goes as a
text/calendar alternative with its method, as Gmail, Outlook and Apple Mail expect, and
as an invite.ics attachment; checked on what a real SMTP server receives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from icalendar import Calendar, Event

from portal.lib.mailconfig import mailers_from_url
from portal.notifications.emails import queue_email, thread_id
from portal.notifications.models import OutboundEmail
from portal.notifications.tasks import calendar_method
from tests.support.factories import open_ticket
from tools.smtp_sink import SMTPServer

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
UID = "meeting-7@zweiarts.com.br"


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = mailers_from_url(server.url, mail_dir=Path("unused"), timeout=5)
    yield server
    server.stop()


def invitation(method: str, attendee: str) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Zwei Arts//Portal//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", UID)
    event.add("dtstamp", START - timedelta(days=2))
    event.add("dtstart", START)
    event.add("dtend", START + timedelta(hours=1))
    event.add("summary", "Reunião de briefing")
    event.add("organizer", "mailto:atendimento@zweiarts.com.br")
    event.add("attendee", f"mailto:{attendee}")
    if method == "CANCEL":
        event.add("sequence", 1)
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def send(smtp, to, *, calendar: str = "", ticket=None) -> EmailMessage:
    # Any kind carries a calendar; the access e-mail is a short one (its link is made up).
    link = {"access_url": "https://portal.example/criar-senha/x/y/", "valid_days": 7}
    email = queue_email("access", to=to, calendar=calendar, ticket=ticket, context=link)
    assert email is not None
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    [message] = [m for m in smtp.handler.messages() if m["Message-ID"] == email.message_id]
    return message


def calendar_parts(message: EmailMessage) -> list[EmailMessage]:
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def ics_attachments(message: EmailMessage) -> list[EmailMessage]:
    return [part for part in message.iter_attachments() if part.get_filename() == "invite.ics"]


def test_an_invitation_arrives_as_a_calendar_alternative_with_its_method(smtp, contact_a):
    ticket = open_ticket(contact_a)
    calendar = invitation("REQUEST", contact_a.email)
    message = send(smtp, contact_a, calendar=calendar, ticket=ticket)

    assert message.get_content_type() == "multipart/mixed"
    [bodies] = [p for p in message.iter_parts() if p.get_content_type() == "multipart/alternative"]
    assert [p.get_content_type() for p in bodies.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    [part] = calendar_parts(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    event = Calendar.from_ical(part.get_content())
    assert event["METHOD"] == "REQUEST"
    [vevent] = event.walk("VEVENT")
    assert str(vevent["UID"]) == UID
    assert vevent.decoded("DTSTART") == START
    assert str(vevent["SUMMARY"]) == "Reunião de briefing"
    # The thread's headers stay as every notification of a ticket has them.
    assert message["In-Reply-To"] == thread_id(ticket.number)
    assert message["Reply-To"].addresses[0].addr_spec.startswith("atendimento+")


def test_the_invitation_is_also_attached_as_invite_ics_byte_for_byte(smtp, contact_a):
    calendar = invitation("REQUEST", contact_a.email)
    message = send(smtp, contact_a, calendar=calendar)
    [attachment] = ics_attachments(message)
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == calendar.encode()  # CRLF line endings kept
    assert Calendar.from_ical(attachment.get_content())["METHOD"] == "REQUEST"


def test_a_cancellation_arrives_with_method_cancel(smtp, contact_a):
    message = send(smtp, contact_a, calendar=invitation("CANCEL", contact_a.email))
    [part] = calendar_parts(message)
    assert part.get_param("method") == "CANCEL"
    event = Calendar.from_ical(part.get_content())
    assert event["METHOD"] == "CANCEL"
    [vevent] = event.walk("VEVENT")
    assert str(vevent["UID"]) == UID
    assert vevent.decoded("DTSTART") == START
    assert str(vevent["STATUS"]) == "CANCELLED"
    [attachment] = ics_attachments(message)
    assert Calendar.from_ical(attachment.get_content())["METHOD"] == "CANCEL"


def test_an_email_without_a_calendar_has_no_calendar_part(smtp, contact_a):
    message = send(smtp, contact_a)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert calendar_parts(message) == []
    assert list(message.iter_attachments()) == []


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", "REQUEST"),
        ("BEGIN:VCALENDAR\nmethod:cancel\nEND:VCALENDAR\n", "CANCEL"),
        ("BEGIN:VCALENDAR\r\nDESCRIPTION:a\r\n METHOD:CANCEL\r\nEND:VCALENDAR\r\n", ""),
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", ""),
    ],
)
def test_the_method_is_read_from_the_calendars_own_method_line(text, method):
    assert calendar_method(text) == method
