"""Reads for the staff workspace."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.commitments.selectors import filter_by_commitment
from portal.companies.models import Company
from portal.tickets import search
from portal.tickets.counts import remembered
from portal.tickets.models import Event, Message, Status, Ticket, TicketQuerySet
from portal.tickets.news import with_news
from portal.tickets.selectors import TimelineEntry
from portal.workspace.models import CannedReply

# The queue's status filter for everything not concluded yet.
UNFINISHED = "unfinished"

SORTS: dict[str, list[str | OrderBy]] = {
    # Unfinished work first by the promise that runs out first; then by the Prazo.
    # (next_due_at: the first running clock, kept on the ticket; its index is the order.)
    "due": [F("next_due_at").asc(nulls_last=True), "deadline", "pk"],
    "activity": ["-last_activity_at", "-pk"],
    "deadline": ["deadline", "-priority__position", "pk"],
    "priority": ["-priority__position", "deadline", "pk"],
    "number": ["-number"],
}


def filtered_queue(user: User, filters: dict) -> TicketQuerySet:
    tickets = Ticket.objects.all()
    for field in ("department", "service", "priority", "company"):
        if field in filters:
            tickets = tickets.filter(**{field: filters[field]})
    if name := filters.get("company_name"):
        tickets = tickets.filter(company__name__icontains=name)
    assignee = filters.get("assignee")
    if assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=assignee)
    if filters.get("overdue"):
        tickets = tickets.overdue()
    if commitment := filters.get("commitment"):
        tickets = filter_by_commitment(tickets, commitment)
    if query := filters.get("q"):
        # Staff search internal notes too, and "#123" finds ticket 123.
        tickets = search.matching(tickets, query, internal=True, numbers=True)
    return tickets


def queue(user: User, filters: dict) -> QuerySet[Ticket]:
    tickets = filtered_queue(user, filters)
    if (status := filters.get("status")) == UNFINISHED:
        tickets = tickets.exclude(status=Status.DONE)
    elif status:
        tickets = tickets.filter(status=status)
    sort = SORTS.get(filters.get("sort", ""), SORTS["activity"])
    if (query := filters.get("q")) and not filters.get("sort"):
        # A search shows the best matches first unless another order was chosen.
        tickets = search.with_rank(tickets, query, internal=True, numbers=True)
        sort = ["-search_rank", *SORTS["activity"]]
    tickets = tickets.select_related("company", "department", "service", "priority", "assignee")
    return with_news(tickets, user).order_by(*sort)


@dataclass(frozen=True)
class QuickView:
    label: str
    filters: dict[str, str]
    count: int
    active: bool


QUICK_VIEWS = [
    (_("Mine"), {"assignee": "me"}),
    (_("Unassigned"), {"assignee": "none"}),
    (_("At risk"), {"commitment": "at_risk"}),
    (_("Missed"), {"commitment": "late"}),
]


def quick_views(user: User, filters: dict) -> list[QuickView]:
    """The queue's shortcuts over unfinished work, each with how many it holds (one
    indexed count each) and whether it is what the queue shows now."""
    views = []
    for label, preset in QUICK_VIEWS:
        wanted = {**preset, "status": UNFINISHED, "sort": "due"}
        shown_by = filtered_queue(user, preset).exclude(status=Status.DONE)
        # Em risco and Estourados move with the clock alone: counted every time.
        count = shown_by.count() if "commitment" in preset else remembered(shown_by, shown_by.count)
        shown = {name: str(value) for name, value in filters.items() if name != "sort"}
        active = shown == {name: value for name, value in wanted.items() if name != "sort"}
        views.append(QuickView(str(label), wanted, count, active))
    return views


def queue_status_counts(user: User, filters: dict) -> dict[str, int]:
    """Counts per status under every filter but the status itself."""
    return filtered_queue(user, filters).count_by_status()


def canned_replies_for(user: User) -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(Q(owner=user) | Q(is_shared=True)).select_related("owner")


def changes_since(ticket: Ticket, user: User, since: datetime | None) -> dict[str, int]:
    """What others did on the ticket after ``since``: new messages and other changes."""
    if since is None:
        return {}
    messages = Message.objects.filter(ticket=ticket, created_at__gt=since).exclude(author=user)
    events = Event.objects.filter(ticket=ticket, created_at__gt=since).exclude(actor=user)
    result = {"messages": messages.count(), "events": events.count()}
    return result if any(result.values()) else {}


def timeline_version(timeline: list[TimelineEntry]) -> str:
    """The last message and event a page shows, as the composer carries it ("m12e40")."""
    last_message = max((entry.message.pk for entry in timeline if entry.message), default=0)
    last_event = max((entry.event.pk for entry in timeline if entry.event), default=0)
    return f"m{last_message}e{last_event}"


_VERSION = re.compile(r"^m(\d+)e(\d+)$")


def done_by_others_after(ticket: Ticket, user: User, version: str) -> list[TimelineEntry]:
    """What others wrote or did on ``ticket`` after the page ``version`` showed, oldest
    first (notes included: the team sees them)."""
    found = _VERSION.match(version or "")
    if found is None:
        return []
    last_message, last_event = int(found.group(1)), int(found.group(2))
    messages = (
        Message.objects.filter(ticket=ticket, pk__gt=last_message)
        .exclude(author=user)
        .select_related("author")
    )
    events = (
        Event.objects.filter(ticket=ticket, pk__gt=last_event)
        .exclude(actor=user)
        .exclude(kind=Event.Kind.DEADLINE_CHANGED, data__has_key="proposal")
        .select_related("actor")
    )
    entries = [TimelineEntry(at=m.created_at, message=m) for m in messages]
    entries += [TimelineEntry(at=e.created_at, event=e) for e in events]
    return sorted(entries, key=lambda entry: (entry.at, entry.event is not None))


def company_suggestions(text: str, *, limit: int = 10) -> list[dict[str, object]]:
    """Client companies whose name contains ``text``, for the queue's company filter."""
    companies = Company.objects.filter(name__icontains=text.strip()).order_by("name")
    return [{"id": pk, "name": name} for pk, name in companies.values_list("id", "name")[:limit]]
