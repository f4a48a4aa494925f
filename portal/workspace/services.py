"""Use cases of the staff workspace that are not about a ticket's life."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.tickets.models import Ticket
from portal.workspace.models import CannedReply, TicketVisit


def ticket_mark_seen(*, user: User, ticket: Ticket) -> None:
    # One upsert statement: this runs on every page view.
    TicketVisit.objects.bulk_create(
        [TicketVisit(user=user, ticket=ticket, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "ticket"],
        update_fields=["seen_at"],
    )


@transaction.atomic
def canned_reply_save(
    *, author: User, title: str, body: str, is_shared: bool, reply: CannedReply | None = None
) -> CannedReply:
    """Create a canned reply, or edit one the author may edit."""
    if reply is None:
        reply = CannedReply(owner=author)
    elif not can_edit_canned_reply(author, reply):
        raise PermissionDenied("Only its owner or an admin edits a canned reply.")
    reply.title = title.strip()
    reply.body = body
    reply.is_shared = is_shared
    reply.full_clean()
    reply.save()
    return reply


def can_edit_canned_reply(user: User, reply: CannedReply) -> bool:
    """Personal replies are their owner's; shared ones, their owner's and admins'."""
    return reply.owner_id == user.pk or (reply.is_shared and user.is_admin)


@transaction.atomic
def canned_reply_delete(*, user: User, reply: CannedReply) -> None:
    if not can_edit_canned_reply(user, reply):
        raise PermissionDenied("Only its owner or an admin deletes a canned reply.")
    reply.delete()
