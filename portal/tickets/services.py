"""Use cases of a ticket's life.

Web views, the e-mail intake, commands and tests all call these, so each rule
(who may do what, which status follows, what the timeline records) lives here once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.commitments import tracking
from portal.core.periodic import periodic_job
from portal.tickets import notify
from portal.tickets.models import (
    Attachment,
    Counter,
    Department,
    Event,
    Message,
    Mover,
    Priority,
    Service,
    Status,
    Ticket,
    check_deadline,
    client_reply_resumes,
    may_move,
)
from portal.tickets.uploads import CheckedFile


def next_ticket_number() -> int:
    """The next ticket number. Call inside the transaction that creates the ticket:
    the counter row stays locked until it ends, so numbers are never handed out twice."""
    Counter.objects.get_or_create(name="ticket")
    Counter.objects.filter(name="ticket").update(value=F("value") + 1)
    return Counter.objects.values_list("value", flat=True).get(name="ticket")


@contextmanager
def _files_removed_on_error() -> Iterator[list[str]]:
    """Collects the names of stored files and deletes them if the block fails,
    so a submission that does not commit leaves nothing behind.

    Wrap the block's transaction, so a failing commit counts too. What this cannot see
    (a worker killed mid-save, a caller's own transaction rolled back after the use
    case returned) ``remove_orphaned_files`` removes later.
    """
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        storage = Attachment._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise


def _store_attachments(message: Message, files: Sequence[CheckedFile], stored: list[str]) -> None:
    attachments = []
    for checked in files:
        attachment = Attachment(
            message=message,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
        )
        attachment.file.save(checked.name, checked.upload, save=False)
        stored.append(cast(str, attachment.file.name))  # the storage's name, set by save()
        attachments.append(attachment)
    Attachment.objects.bulk_create(attachments)


def _record(ticket: Ticket, kind: str, actor: User | None, **data: Any) -> Event:
    return Event.objects.create(ticket=ticket, kind=kind, actor=actor, data=data)


def _touch(ticket: Ticket, *fields: str) -> None:
    ticket.last_activity_at = timezone.now()
    ticket.save(update_fields=["last_activity_at", *fields])


def ticket_open(
    *,
    author: User,
    subject: str,
    department: Department,
    service: Service,
    priority: Priority,
    body: str,
    deadline: datetime.date,
    files: Sequence[CheckedFile] = (),
    submission_key: str = "",
) -> Ticket:
    """Open a ticket for the author's company, in status ABERTA, with its first message.

    ``submission_key`` identifies one filled-in form: posted again (a double click, a
    retry), it gives back the ticket it opened the first time instead of a second one.
    """
    if not author.is_contact:
        raise PermissionDenied("Only client contacts open requests for their company.")
    _check_deadline_field(deadline)
    try:
        return _open(
            author=author,
            subject=subject,
            department=department,
            service=service,
            priority=priority,
            body=body,
            deadline=deadline,
            files=files,
            submission_key=submission_key,
        )
    except _AlreadyOpened as already:
        return already.ticket


class _AlreadyOpened(Exception):
    def __init__(self, ticket: Ticket) -> None:
        super().__init__(ticket.number)
        self.ticket = ticket


def _open(
    *,
    author: User,
    subject: str,
    department: Department,
    service: Service,
    priority: Priority,
    body: str,
    deadline: datetime.date,
    files: Sequence[CheckedFile],
    submission_key: str,
) -> Ticket:
    with _files_removed_on_error() as stored, transaction.atomic():
        # Taking the number locks the counter until the end of the transaction, so
        # openings happen one at a time and a repeated form finds its first ticket;
        # raising rolls the number back.
        number = next_ticket_number()
        if submission_key:
            first = Ticket.objects.filter(opened_by=author, submission_key=submission_key)
            if (opened := first.first()) is not None:
                raise _AlreadyOpened(opened)
        ticket = Ticket(
            number=number,
            submission_key=submission_key,
            company=author.company,
            opened_by=author,
            subject=" ".join(subject.split()),
            department=department,
            service=service,
            priority=priority,
            deadline=deadline,
            original_deadline=deadline,
            status=Status.OPEN,
        )
        # The number and the submission key are unique by construction (see above).
        ticket.full_clean(exclude=["number", "submission_key"])
        ticket.save()
        message = Message.objects.create(ticket=ticket, author=author, body=body.strip())
        _store_attachments(message, files, stored)
        _record(ticket, Event.Kind.OPENED, author)
        tracking.ticket_opened(ticket)
        notify.ticket_opened(ticket)
    return ticket


def _check_deadline_field(deadline: datetime.date, *, allow_past: bool = False) -> None:
    """``check_deadline``, its error attached to the deadline field for the forms."""
    try:
        check_deadline(deadline, allow_past=allow_past)
    except ValidationError as error:
        raise ValidationError({"deadline": error.error_list}) from error


def _lock(ticket: Ticket) -> None:
    """Lock the ticket's row until the transaction ends and refresh what may have moved."""
    current = (
        Ticket.objects.select_for_update()
        .values("status", "closed_at", "concluded_at", "assignee_id")
        .get(pk=ticket.pk)
    )
    for field, value in current.items():
        setattr(ticket, field, value)


def _ensure_open(ticket: Ticket) -> None:
    if ticket.is_closed:
        raise ValidationError(_("This request is closed and can no longer be changed."))


def ticket_answer(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    files: Sequence[CheckedFile] = (),
    internal: bool = False,
) -> Message:
    """Add a message to the conversation.

    A client's answer to a ticket waiting for them, or to a concluded one
    (corrections), puts it back in progress.
    """
    _ensure_open(ticket)
    if internal and not author.is_agency_staff:
        raise PermissionDenied("Only agency staff write internal notes.")
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")})
    with _files_removed_on_error() as stored, transaction.atomic():
        message = Message.objects.create(
            ticket=ticket, author=author, body=body.strip(), is_internal=internal
        )
        _store_attachments(message, files, stored)
        resumes = author.is_contact and client_reply_resumes(ticket.status)
        if resumes:
            _change_status(ticket, author, Status.IN_PROGRESS)
        elif not internal:
            # An internal note is not news for the client: the ticket's last update
            # (and its place in the lists) stays where the client saw it.
            _touch(ticket)
        if author.is_agency_staff and not internal:
            tracking.team_answered(ticket, at=message.created_at)
        elif resumes:
            tracking.adjustments_asked(ticket, at=message.created_at)
        notify.message_added(message)
    return message


def _change_status(ticket: Ticket, actor: User | None, status: str) -> None:
    previous = ticket.status
    ticket.status = status
    ticket.concluded_at = timezone.now() if status == Status.DONE else None
    _touch(ticket, "status", "concluded_at")
    _record(ticket, Event.Kind.STATUS_CHANGED, actor, **{"from": previous, "to": status})
    audit.record(
        AuditEntry.Action.STATUS_CHANGED,
        actor=actor,
        target=f"#{ticket.number}",
        **{"from": previous, "to": status},
    )
    if status == Status.DONE:
        tracking.concluded(ticket, at=ticket.concluded_at or timezone.now())
    else:
        tracking.status_changed(ticket, previous=previous)
    notify.status_changed(ticket, actor=actor, previous=previous)


@transaction.atomic
def ticket_change_status(
    *, ticket: Ticket, actor: User, status: str, seen: str | None = None
) -> None:
    """Staff move a ticket among the five statuses.

    ``seen`` is the status the agent saw: when someone else changed it meanwhile,
    nothing is overwritten. The ticket's row is locked while it changes, so two
    changes at once are made one after the other, each from the status it found.
    """
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff change the status.")
    _lock(ticket)
    _ensure_open(ticket)
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if seen is not None and seen != ticket.status:
        raise ValidationError(
            {
                "status": _("Someone changed the status meanwhile: it is now %(status)s.")
                % {"status": Status(ticket.status).label}
            }
        )
    if status == ticket.status:
        return
    if not may_move(Mover.STAFF, ticket.status, status):
        raise ValidationError({"status": _("Unknown status.")})
    _change_status(ticket, actor, status)


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None) -> None:
    """Staff choose who attends the ticket (or nobody)."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff assign requests.")
    if assignee is not None and not (assignee.is_agency_staff and assignee.is_active):
        raise ValidationError({"assignee": _("Choose an active member of the team.")})
    _ensure_open(ticket)
    if assignee == ticket.assignee:
        return
    previous = ticket.assignee
    ticket.assignee = assignee
    _touch(ticket, "assignee")
    _record(
        ticket,
        Event.Kind.ASSIGNED,
        actor,
        **{
            "from": previous.name if previous else None,
            "to": assignee.name if assignee else None,
        },
    )
    notify.assigned(ticket, actor=actor, previous=previous)


@transaction.atomic
def ticket_confirm(*, ticket: Ticket, actor: User) -> None:
    """The client confirms a concluded ticket: it is closed (encerrada) and read-only."""
    if not actor.is_contact or actor.company_id != ticket.company_id:
        raise PermissionDenied("Only the client confirms a request.")
    if not ticket.awaits_confirmation():
        raise ValidationError(_("Only a request marked DONE can be confirmed."))
    ticket.closed_at = timezone.now()
    _touch(ticket, "closed_at")
    _record(ticket, Event.Kind.CONFIRMED, actor)
    tracking.ticket_closed(ticket)
    notify.confirmed(ticket, actor=actor)


@transaction.atomic
def ticket_classify(
    *,
    ticket: Ticket,
    actor: User,
    department: Department,
    service: Service,
    priority: Priority,
) -> None:
    """Staff correct the department, service or priority the client chose."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff reclassify requests.")
    _ensure_open(ticket)
    changes = {}
    for field, value in (("department", department), ("service", service), ("priority", priority)):
        current = getattr(ticket, field)
        if current != value:
            changes[field] = {"from": current.name, "to": value.name}
            setattr(ticket, field, value)
    if not changes:
        return
    _touch(ticket, *changes)
    _record(ticket, Event.Kind.CLASSIFIED, actor, changes=changes)


@transaction.atomic
def ticket_change_deadline(
    *, ticket: Ticket, actor: User, deadline: datetime.date, reason: str
) -> None:
    """Staff move the deadline; the client sees the reason (the guide promises to say why)."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff change the deadline.")
    _ensure_open(ticket)
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the client why the deadline changes.")})
    if deadline == ticket.deadline:
        raise ValidationError({"deadline": _("Choose a date different from the current one.")})
    _check_deadline_field(deadline, allow_past=True)
    previous = ticket.deadline
    ticket.deadline = deadline
    _touch(ticket, "deadline")
    _record(
        ticket,
        Event.Kind.DEADLINE_CHANGED,
        actor,
        **{"from": previous.isoformat(), "to": deadline.isoformat(), "reason": reason.strip()},
    )
    tracking.deadline_changed(ticket)
    audit.record(
        AuditEntry.Action.DEADLINE_CHANGED,
        actor=actor,
        target=f"#{ticket.number}",
        **{"from": previous.isoformat(), "to": deadline.isoformat()},
    )
    notify.deadline_changed(ticket, actor=actor, previous=previous, reason=reason.strip())


@periodic_job(every=timedelta(hours=1))
def close_unconfirmed_tickets(*, now: datetime.datetime | None = None) -> int:
    """Close the concluded tickets that the client left unanswered for too long."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REQUEST_AUTO_CLOSE_DAYS)
    due = Ticket.objects.filter(
        status=Status.DONE, closed_at__isnull=True, concluded_at__lte=cutoff
    ).values_list("pk", flat=True)
    closed = 0
    for pk in list(due):
        with transaction.atomic():
            # Re-read under lock: the client may have answered meanwhile.
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            if (
                ticket.awaits_confirmation()
                and ticket.concluded_at is not None  # always so for a concluded ticket
                and ticket.concluded_at <= cutoff
            ):
                ticket.closed_at = now
                ticket.save(update_fields=["closed_at"])
                _record(ticket, Event.Kind.AUTO_CLOSED, None)
                tracking.ticket_closed(ticket)
                closed += 1
    return closed


# Files younger than this may belong to a submission whose transaction has not committed.
ORPHAN_MIN_AGE = timedelta(hours=1)


def _stored_names(storage: Storage, folder: str) -> Iterator[list[str]]:
    """The names of the files stored under ``folder``, one folder at a time."""
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    if files:
        yield [f"{folder}/{name}" for name in files]
    for subfolder in sorted(folders):
        yield from _stored_names(storage, f"{folder}/{subfolder}")


@periodic_job(every=timedelta(hours=1))
def remove_orphaned_files(*, now: datetime.datetime | None = None) -> int:
    """Delete the stored attachment files no Attachment names, once an hour old: what a
    worker killed mid-save, or a transaction rolled back around a use case, left behind.
    Returns how many were deleted."""
    now = now or timezone.now()
    storage = Attachment._meta.get_field("file").storage
    removed = 0
    for names in _stored_names(storage, "attachments"):
        for start in range(0, len(names), 500):
            batch = names[start : start + 500]
            kept = set(Attachment.objects.filter(file__in=batch).values_list("file", flat=True))
            for name in batch:
                if name not in kept and storage.get_modified_time(name) <= now - ORPHAN_MIN_AGE:
                    storage.delete(name)
                    removed += 1
    return removed
