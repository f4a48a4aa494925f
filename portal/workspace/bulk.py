"""Bulk work in the queue: the same change to many requests at once, each through the
use cases one request at a time (ticket_respond, ticket_add_followers), in its own
transaction, so one that cannot change (an illegal move, a closed request) is reported
by number and the rest proceed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.accounts.models import User
from portal.tickets.followers import ticket_add_followers
from portal.tickets.models import Ticket
from portal.tickets.services import ticket_respond


@dataclass
class BulkResult:
    changed: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def _reason(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def bulk_update(
    *,
    actor: User,
    tickets: Iterable[Ticket],
    status: str | None = None,
    assignee: User | object | None = None,
    change_assignee: bool = False,
    followers: Iterable[User] = (),
) -> BulkResult:
    """Apply a status, a person attending and/or staff followers to ``tickets``."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff work requests in bulk.")
    followers = list(followers)
    result = BulkResult()
    for ticket in sorted(tickets, key=lambda t: t.number)[: settings.BULK_MAX_REQUESTS]:
        try:
            with transaction.atomic():
                changes: dict = {}
                if status and status != ticket.status:
                    changes["status"] = status
                if change_assignee:
                    changes["assignee"] = assignee
                if changes and ("status" in changes or _differs(ticket, changes.get("assignee"))):
                    ticket_respond(ticket=ticket, actor=actor, **changes)
                if followers:
                    ticket_add_followers(ticket=ticket, actor=actor, people=followers)
        except ValidationError as error:
            result.refused.append((ticket.number, _reason(error)))
        else:
            result.changed.append(ticket.number)
    return result


def _differs(ticket: Ticket, assignee: object) -> bool:
    chosen = assignee.pk if isinstance(assignee, User) else None
    return chosen != ticket.assignee_id
