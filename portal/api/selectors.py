"""Reads for the API, always from what the caller may see (``Ticket.objects.visible_to``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from portal.accounts.models import User
from portal.tickets import search
from portal.tickets.models import Attachment, Message, Ticket
from portal.tickets.selectors import messages_visible_to

RELATED = ("company", "department", "service", "priority", "assignee", "opened_by")


def ticket_page(user: User, filters: dict[str, Any]) -> tuple[list[Ticket], int | None]:
    """One page of the tickets ``user`` sees under ``filters``, newest number first, and
    the cursor of the next page (None on the last).

    The order is the ticket number, which never changes: a ticket that gets news while a
    program pages through the list does not move between pages (the pages' order, latest
    activity, would show it twice or skip another).
    """
    tickets = Ticket.objects.visible_to(user)
    for field in ("status", "department", "service", "priority", "company"):
        if filters.get(field):
            tickets = tickets.filter(**{field: filters[field]})
    assignee = filters.get("assignee")
    if assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=int(assignee))
    if filters.get("overdue") is True:
        tickets = tickets.overdue()
    if query := filters.get("q"):
        # As on the pages: staff search internal notes and "#123"; clients neither.
        staff = user.is_agency_staff
        tickets = search.matching(tickets, query, internal=staff, numbers=staff)
    if cursor := filters.get("cursor"):
        tickets = tickets.filter(number__lt=int(cursor))
    limit = filters.get("limit") or settings.REQUESTS_PER_PAGE
    rows = list(tickets.select_related(*RELATED).order_by("-number")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].number if more and rows else None)


def messages_of(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The conversation as ``user`` may read it (internal notes for staff only)."""
    return (
        messages_visible_to(user)
        .filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
