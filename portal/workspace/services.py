"""Use cases of the staff workspace that are not about a ticket's life."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.accounts.models import User
from portal.workspace.models import CannedReply


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
