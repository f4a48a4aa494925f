"""What is new for a person on a ticket: the other side wrote after their last visit
("Nova resposta"), or the ticket waits for the client to act.

A visit is recorded whenever someone opens a ticket's page (their own actions end on
that page, so they never read as news to them). The lists read both marks in the
same query as the rows.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from portal.accounts.models import User
from portal.tickets.models import DeadlineProposal, Meeting, Status, Ticket, TicketVisit

# The client is the one to act: answer, confirm, or answer a proposal.
WAITING_ON_CLIENT = (Status.WAITING_CLIENT, Status.DONE)


def ticket_mark_seen(*, user: User, ticket: Ticket) -> None:
    # One upsert statement: this runs on every view of a ticket's page.
    TicketVisit.objects.bulk_create(
        [TicketVisit(user=user, ticket=ticket, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "ticket"],
        update_fields=["seen_at"],
    )


def last_visit(user: User, ticket: Ticket) -> datetime | None:
    return (
        TicketVisit.objects.filter(user=user, ticket=ticket)
        .values_list("seen_at", flat=True)
        .first()
    )


def with_news(tickets: QuerySet[Ticket], user: User) -> QuerySet[Ticket]:
    """Annotate ``has_news``: the other side wrote since ``user`` last opened the ticket
    (never opened counts as not seen); and, for a client, ``awaits_client``."""
    seen_at = Subquery(
        TicketVisit.objects.filter(user=user, ticket=OuterRef("pk")).values("seen_at")[:1]
    )
    other_side = "last_client_message_at" if user.is_agency_staff else "last_team_message_at"
    tickets = tickets.annotate(
        last_seen_at=seen_at,
        has_news=Case(
            When(
                Q(**{f"{other_side}__isnull": False})
                & (Q(last_seen_at__isnull=True) | Q(**{f"{other_side}__gt": F("last_seen_at")})),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if user.is_agency_staff:
        return tickets
    proposal_pending = DeadlineProposal.objects.filter(
        ticket=OuterRef("pk"), state=DeadlineProposal.State.PENDING
    )
    meeting_to_confirm = Meeting.objects.filter(ticket=OuterRef("pk"), state=Meeting.State.PROPOSED)
    return tickets.annotate(
        awaits_client=Case(
            When(closed_at__isnull=False, then=Value(False)),
            When(status__in=WAITING_ON_CLIENT, then=Value(True)),
            When(Exists(proposal_pending) | Exists(meeting_to_confirm), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
