"""Reads of tickets, always through who is asking: what a person may not see is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from portal.accounts.models import User
from portal.tickets.models import Attachment, Event, Message, Status, Ticket
from portal.tickets.news import with_news
from portal.tickets.search import Bounded, bounded_search, search


def messages_visible_to(user: User) -> QuerySet[Message]:
    messages = Message.objects.all()
    return messages if user.is_agency_staff else messages.filter(is_internal=False)


def get_ticket_for_user(user: User, number: int) -> Ticket:
    ticket = (
        Ticket.objects.visible_to(user)
        .select_related("department", "service", "priority", "assignee", "opened_by", "company")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def get_attachment_for_user(user: User, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("message__ticket")
        .filter(
            pk=attachment_id,
            message__in=messages_visible_to(user),
            message__ticket__in=Ticket.objects.visible_to(user),
        )
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


# What the client's list shows of each row's relations (not who attends: a wide join of
# the person's columns the list never shows, built and read on every page).
LIST_RELATIONS = ("department", "service", "priority")


def ticket_list(user: User, *, status: str = "", query: str = "") -> QuerySet[Ticket]:
    tickets = with_news(Ticket.objects.visible_to(user).select_related(*LIST_RELATIONS), user)
    if status in Status.values:
        tickets = tickets.filter(status=status)
    if query:
        # Clients never search internal notes; the best matches come first.
        return search(tickets, query, internal=False)
    return tickets.order_by("-last_activity_at", "-pk")


def ticket_search(user: User, *, status: str = "", query: str) -> Bounded:
    """The client's search: the best ``SEARCH_MAX_RESULTS`` matches, never internal notes."""
    tickets = with_news(Ticket.objects.visible_to(user).select_related(*LIST_RELATIONS), user)
    if status in Status.values:
        tickets = tickets.filter(status=status)
    return bounded_search(tickets, query, internal=False, limit=settings.SEARCH_MAX_RESULTS)


def status_counts(user: User) -> dict[str, int]:
    return Ticket.objects.visible_to(user).count_by_status()


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    message: Message | None = None
    event: Event | None = None


def ticket_timeline(user: User, ticket: Ticket) -> list[TimelineEntry]:
    """Messages (with their files) and events, oldest first, as this user may see them."""
    messages = (
        messages_visible_to(user)
        .filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
    )
    # A Prazo moved by an accepted proposal is told by the acceptance ("aceitou o novo
    # prazo"); its own record stays for the history and the reports.
    events = (
        Event.objects.filter(ticket=ticket)
        .exclude(kind=Event.Kind.DEADLINE_CHANGED, data__has_key="proposal")
        .select_related("actor")
    )
    entries = [TimelineEntry(at=m.created_at, message=m) for m in messages]
    entries += [TimelineEntry(at=e.created_at, event=e) for e in events]
    return sorted(entries, key=lambda entry: (entry.at, entry.event is not None))
