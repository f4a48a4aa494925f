"""Mesclar: staff merge a request into another of the same company.

The merged request (the source) hands its conversation to the other (the target): its
messages (and so their files) and its timeline move there, its followers and its opener
follow the target, and it is closed for good, pointing at the target (``merged_into``)
and keeping its number, which is never handed out again. Its pages lead to the target.

What stays with the source: the answers to its service's fields (they describe what the
source asked, under its own service, as given: copied onto another service's request
they would mislead), its ratings, its clocks (cancelled, as for any closed request:
the target's promises go on), its past meetings and proposals, and its followers too
(copied, not taken away, so a contact who sees only the requests they follow still
reaches its old links and is led to the target).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.commitments import tracking
from portal.tickets import notify
from portal.tickets.followers import may_follow
from portal.tickets.meetings import current_meeting, meeting_cancel
from portal.tickets.models import DeadlineProposal, Event, Follower, Message, Status, Ticket
from portal.tickets.services import _record, _touch

# What may have moved since the page was read: the checks and the move read it again
# once the rows are locked.
_LOCKED_FIELDS = (
    "status",
    "closed_at",
    "merged_into_id",
    "last_team_message_at",
    "last_client_message_at",
)


def check_merge(*, source: Ticket, target: Ticket) -> None:
    """Raise a ValidationError (on the ``target`` field) unless ``source`` may be merged
    into ``target``: another request of the same company, still open, and a source not
    merged already. The confirmation page asks it before showing; the use case asks it
    again with both rows locked."""
    if source.is_merged:
        raise ValidationError(_("This request was already merged into another one."))
    if target.pk == source.pk:
        raise ValidationError({"target": _("A request cannot be merged into itself.")})
    if target.company_id != source.company_id:
        raise ValidationError({"target": _("Choose a request of the same company.")})
    if target.is_closed:
        raise ValidationError(
            {
                "target": _("Request #%(number)s is closed: choose an open one.")
                % {"number": target.number}
            }
        )


def _lock_both(source: Ticket, target: Ticket) -> None:
    """Lock both rows, the lower id first whichever way the merge goes: two merges
    crossing (A into B, B into A) wait for each other instead of deadlocking, and the
    second one finds the first done."""
    for ticket in sorted((source, target), key=lambda ticket: ticket.pk):
        current = Ticket.objects.select_for_update().values(*_LOCKED_FIELDS).get(pk=ticket.pk)
        for field, value in current.items():
            setattr(ticket, field, value)


def ticket_merge(*, source: Ticket, target: Ticket, actor: User) -> None:
    """Staff merge ``source`` into ``target`` (Mesclar), all or nothing; both clients,
    and the team attending either, are told."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff merge requests.")
    with transaction.atomic():
        _lock_both(source, target)
        check_merge(source=source, target=target)
        _withdraw_pending_work(source, actor)
        _move_conversation(source, target)
        _copy_followers(source, target, actor)
        previous = source.status
        now = timezone.now()
        # Closed as an ENCERRADA request is (CONCLUÍDA and closed), but never concluded:
        # ``concluded_at`` stays as it was, so the reports do not count a delivery.
        source.status = Status.DONE
        source.closed_at = source.closed_at or now
        source.merged_into = target
        _touch(source, "status", "closed_at", "merged_into")
        # Requests merged into the source earlier lead straight to the target.
        Ticket.objects.filter(merged_into=source).update(merged_into=target)
        tracking.ticket_closed(source)
        _record(source, Event.Kind.MERGED, actor, into=target.number)
        _record(
            target,
            Event.Kind.MERGED_IN,
            actor,
            **{"from": source.number, "subject": source.subject},
        )
        audit.record(
            AuditEntry.Action.STATUS_CHANGED,
            actor=actor,
            target=f"#{source.number}",
            **{"from": previous, "to": str(Status.DONE), "merged_into": str(target.number)},
        )
        notify.merged(source, target, actor=actor)


def _withdraw_pending_work(source: Ticket, actor: User) -> None:
    """What the source still waits for ends with it: a meeting being arranged or
    confirmed is cancelled (its invitees get the calendar's cancellation), a proposed
    Prazo is withdrawn (the client can no longer answer it)."""
    if (meeting := current_meeting(source)) is not None:
        meeting.ticket = source  # the row already locked and read
        meeting_cancel(meeting=meeting, actor=actor)
    DeadlineProposal.objects.filter(ticket=source, state=DeadlineProposal.State.PENDING).update(
        state=DeadlineProposal.State.WITHDRAWN
    )


def _move_conversation(source: Ticket, target: Ticket) -> None:
    """The messages (their files with them) and the timeline go to the target, which
    shows them in time order among its own; what each side last wrote carries over, so
    the lists' "Nova resposta" stays right."""
    Message.objects.filter(ticket=source).update(ticket=target)
    Event.objects.filter(ticket=source).update(ticket=target)
    written = {}
    for field in ("last_team_message_at", "last_client_message_at"):
        theirs, ours = getattr(source, field), getattr(target, field)
        if theirs is not None and (ours is None or theirs > ours):
            written[field] = theirs
            setattr(target, field, theirs)
    _touch(target, *written)


def _copy_followers(source: Ticket, target: Ticket, actor: User) -> None:
    """The source's followers, and its opener, follow the target (once each; the
    target's own opener needs no following)."""
    taken = set(Follower.objects.filter(ticket=target).values_list("user_id", flat=True))
    taken.add(target.opened_by_id)
    copies = [
        Follower(ticket=target, user_id=row.user_id, added_by_id=row.added_by_id)
        for row in Follower.objects.filter(ticket=source).exclude(user_id__in=taken)
    ]
    taken.update(copy.user_id for copy in copies)
    opener = source.opened_by
    if opener.pk not in taken and may_follow(target, opener):
        copies.append(Follower(ticket=target, user=opener, added_by=actor))
    # A colleague following the target at this very moment is no reason to fail.
    Follower.objects.bulk_create(copies, ignore_conflicts=True)
