"""The requests' events as webhooks see them (portal/webhooks): which timeline events
are sent under which names, and the JSON each one carries.

Called from the use cases (services._record for the timeline, ticket_answer and
ticket_reopen for messages), in their transactions: a change that rolls back sends
nothing. The payload is what the request was at that moment.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from portal.tickets.models import Event, Message, Status, Ticket
from portal.webhooks.models import WebhookEvent
from portal.webhooks.services import events_record

# Timeline kinds → webhook events. The Prazo accepted is sent from DEADLINE_CHANGED,
# written once the deadline has moved, so the payload carries the new one.
_EVENTS: dict[str, list[str]] = {
    Event.Kind.OPENED: [WebhookEvent.OPENED],
    Event.Kind.STATUS_CHANGED: [WebhookEvent.STATUS_CHANGED],
    Event.Kind.ASSIGNED: [WebhookEvent.ASSIGNED],
    Event.Kind.DEADLINE_PROPOSED: [WebhookEvent.DEADLINE_PROPOSED],
    Event.Kind.DEADLINE_CHANGED: [WebhookEvent.DEADLINE_ACCEPTED],
    Event.Kind.DEADLINE_REFUSED: [WebhookEvent.DEADLINE_REFUSED],
    Event.Kind.CONFIRMED: [WebhookEvent.CLOSED],
    Event.Kind.AUTO_CLOSED: [WebhookEvent.CLOSED],
}


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"name": user.name, "email": user.email, "staff": user.is_agency_staff}


def request_payload(ticket: Ticket) -> dict[str, Any]:
    """The request as integrations read it: codes and names, no internal detail."""
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "company": {"id": ticket.company_id, "name": ticket.company.name},
        "assignee": _person(ticket.assignee),
        "department": ticket.department.name,
        "service": ticket.service.name,
        "priority": ticket.priority.name,
        "deadline": ticket.deadline.isoformat(),
        "url": settings.PORTAL_BASE_URL + reverse("workspace:ticket", args=[ticket.number]),
    }


def event_recorded(event: Event) -> None:
    """Queue the webhooks of a timeline event (none for most kinds)."""
    events = list(_EVENTS.get(event.kind, ()))
    if event.kind == Event.Kind.STATUS_CHANGED and event.data.get("to") == Status.DONE:
        events.append(WebhookEvent.CONCLUDED)
    if not events:
        return
    ticket = event.ticket

    def content() -> dict[str, Any]:
        return {
            "request": request_payload(ticket),
            "actor": _person(event.actor),
            "detail": event.data,
        }

    events_record(events, content)


def message_added(message: Message) -> None:
    """Queue ``request.message_added``; an internal note only for the endpoints that
    asked for them (they carry ``"internal": true``)."""

    def content() -> dict[str, Any]:
        return {
            "request": request_payload(message.ticket),
            "message": {
                "author": _person(message.author),
                "body": message.body,
                "internal": message.is_internal,
                "created_at": message.created_at.isoformat(),
                "attachments": [
                    {"name": a.original_name, "size": a.size, "content_type": a.content_type}
                    for a in message.attachments.all()
                ],
            },
        }

    events_record([WebhookEvent.MESSAGE_ADDED], content, internal=message.is_internal)
