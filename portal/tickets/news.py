"""What is new for a person on a ticket: the other side wrote after their last visit
("Nova resposta"), or the ticket waits for the client to act.

A visit is recorded whenever someone opens a ticket's page (their own actions end on
that page, so they never read as news to them). The lists read both marks in the
same query as the rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from portal.accounts.models import User
from portal.tickets.models import DeadlineProposal, Meeting, Status, Ticket, TicketVisit

# The client is the one to act: answer, confirm, or answer a proposal.
WAITING_ON_CLIENT = (Status.WAITING_CLIENT, Status.DONE)
# Before any message: a ticket never opened has news if the other side ever wrote.
NEVER_SEEN = datetime(2000, 1, 1, tzinfo=UTC)


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
    (never opened counts as not seen); and, for a client, ``awaits_client``.

    Built to compile cheaply, as it is on every list page: the ORM's work to build and
    compile the list's query cost more than running it."""
    seen_at = Subquery(
        TicketVisit.objects.filter(user=user, ticket=OuterRef("pk")).values("seen_at")[:1]
    )
    other_side = "last_client_message_at" if user.is_agency_staff else "last_team_message_at"
    # One comparison with the visit (a subquery used once): the other side's last message
    # is after it, never visited counting as long ago; no message from them is NULL, falsy.
    tickets = tickets.annotate(
        has_news=GreaterThan(F(other_side), Coalesce(seen_at, Value(NEVER_SEEN)))
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
