"""Drafts: what a person was writing on a ticket, kept as they type (per person and
ticket), so it survives a reload or a change of device. Sending a message clears it
(ticket_answer does, whatever the channel)."""

from __future__ import annotations

from django.utils import timezone

from portal.accounts.models import User
from portal.tickets.models import Draft, Ticket

MAX_DRAFT_CHARS = 100_000


def draft_save(*, user: User, ticket: Ticket, body: str, internal: bool = False) -> None:
    """Keep ``body`` as ``user``'s draft on ``ticket``; an empty one is no draft. The
    caller has checked that ``user`` may see (and write on) the ticket."""
    internal = internal and user.is_agency_staff
    if not body.strip():
        draft_clear(user=user, ticket=ticket)
        return
    # One upsert statement: it runs every few seconds while someone types.
    Draft.objects.bulk_create(
        [
            Draft(
                user=user,
                ticket=ticket,
                body=body[:MAX_DRAFT_CHARS],
                internal=internal,
                updated_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["user", "ticket"],
        update_fields=["body", "internal", "updated_at"],
    )


def draft_clear(*, user: User, ticket: Ticket) -> None:
    Draft.objects.filter(user=user, ticket=ticket).delete()


def draft_of(user: User, ticket: Ticket) -> Draft | None:
    return Draft.objects.filter(user=user, ticket=ticket).first()
