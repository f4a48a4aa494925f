"""Use cases of a ticket's life.

Web views, the e-mail intake, commands and tests all call these, so each rule
(who may do what, which status follows, what the timeline records) lives here once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
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
from portal.tickets import notify, webhook_events
from portal.tickets.drafts import draft_clear
from portal.tickets.followers import ticket_add_followers
from portal.tickets.models import (
    Attachment,
    Counter,
    Department,
    Event,
    Message,
    Mover,
    Priority,
    Rating,
    Service,
    Status,
    Ticket,
    TicketFieldAnswer,
    check_deadline,
    check_move,
    client_reply_resumes,
    staff_work_starts,
)
from portal.tickets.rotation import assign_in_turn
from portal.tickets.service_fields import check_answers, save_answers
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
    event = Event.objects.create(ticket=ticket, kind=kind, actor=actor, data=data)
    webhook_events.event_recorded(event)
    return event


def _mark_written(message: Message) -> None:
    """Remember when each side last wrote to the other: the lists' "Nova resposta"."""
    field = "last_team_message_at" if message.author.is_agency_staff else "last_client_message_at"
    Ticket.objects.filter(pk=message.ticket_id).update(**{field: message.created_at})
    setattr(message.ticket, field, message.created_at)


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
    continues: Ticket | None = None,
    followers: Sequence[User] = (),
    answers: Mapping[int, Any] | None = None,
) -> Ticket:
    """Open a ticket for the author's company, in status ABERTA, with its first message.

    ``submission_key`` identifies one filled-in form: posted again (a double click, a
    retry), it gives back the ticket it opened the first time instead of a second one.
    ``continues`` is a closed ticket of the author's this one carries on ("Nova
    solicitação a partir desta"); ``followers`` are colleagues copied on it.
    ``answers`` answer the service's own fields, by field id (portal.tickets.service_fields):
    checked here, whoever calls, and kept with the ticket.
    """
    if not author.is_contact:
        raise PermissionDenied("Only client contacts open requests for their company.")
    if continues is not None and not (
        continues.is_closed and Ticket.objects.visible_to(author).filter(pk=continues.pk).exists()
    ):
        raise PermissionDenied("A new request continues a closed one its author sees.")
    _check_deadline_field(deadline)
    checked_answers = check_answers(service, answers or {})
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
            continues=continues,
            followers=followers,
            answers=checked_answers,
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
    continues: Ticket | None,
    followers: Sequence[User],
    answers: Sequence[TicketFieldAnswer],
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
            continues=continues,
        )
        # The number and the submission key are unique by construction (see above).
        ticket.full_clean(exclude=["number", "submission_key"])
        ticket.save()
        message = Message.objects.create(ticket=ticket, author=author, body=body.strip())
        _store_attachments(message, files, stored)
        save_answers(ticket, answers)
        _record(
            ticket,
            Event.Kind.OPENED,
            author,
            **({"continues": continues.number} if continues is not None else {}),
        )
        if followers:
            ticket_add_followers(ticket=ticket, actor=author, people=followers)
        tracking.ticket_opened(ticket)
        if (agent := assign_in_turn(ticket)) is not None:  # the department's rodízio
            _record(ticket, Event.Kind.ASSIGNED, None, **{"from": None, "to": agent.name})
            notify.assigned_in_turn(ticket)
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
        .values("status", "closed_at", "concluded_at", "assignee_id", "deadline", "handed_back_at")
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

    The team's first answer to the client takes an ABERTA ticket in progress. A
    client's answer to a ticket waiting for them, or to a concluded one, resumes the
    work; once the team has handed work back, the client's answer asks for
    adjustments (the 24-hour clock), even while the ticket is in progress.
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
        draft_clear(user=author, ticket=ticket)
        if not internal:
            _mark_written(message)
        to_client = author.is_agency_staff and not internal
        if author.is_contact:
            asks_adjustments = client_reply_resumes(ticket.status) or (
                ticket.status == Status.IN_PROGRESS and ticket.handed_back_at is not None
            )
            if client_reply_resumes(ticket.status):
                # Her colleagues hear the work resumed; the team hears her answer.
                _change_status(ticket, author, Status.IN_PROGRESS)
            else:
                _touch(ticket)
            if asks_adjustments:
                tracking.adjustments_asked(ticket, at=message.created_at)
        elif to_client:
            if staff_work_starts(ticket.status):
                _change_status(ticket, author, Status.IN_PROGRESS, tell=False)
            else:
                _touch(ticket)
            tracking.team_answered(ticket, at=message.created_at)
        # An internal note is not news for the client: the ticket's last update
        # (and its place in the lists) stays where the client saw it.
        notify.message_added(message)
        webhook_events.message_added(message)
    return message


def _change_status(ticket: Ticket, actor: User | None, status: str, *, tell: bool = True) -> None:
    """Move ``ticket`` to ``status`` (the caller checked the move) and record it.

    ``tell=False`` when the move comes with news of its own (an answer, an
    assignment): its e-mail shows the new status, and one e-mail is enough.
    """
    previous = ticket.status
    ticket.status = status
    now = timezone.now()
    ticket.concluded_at = now if status == Status.DONE else None
    if status in (Status.WAITING_CLIENT, Status.DONE):
        ticket.handed_back_at = now
    ticket.close_reminded_at = None
    _touch(ticket, "status", "concluded_at", "handed_back_at", "close_reminded_at")
    _record(ticket, Event.Kind.STATUS_CHANGED, actor, **{"from": previous, "to": status})
    audit.record(
        AuditEntry.Action.STATUS_CHANGED,
        actor=actor,
        target=f"#{ticket.number}",
        **{"from": previous, "to": status},
    )
    if status == Status.DONE:
        tracking.concluded(ticket, at=now)
    else:
        if status == Status.WAITING_CLIENT:
            tracking.work_handed_back(ticket, at=now)
        tracking.status_changed(ticket, previous=previous)
    if tell:
        notify.status_changed(ticket, actor=actor, previous=previous)


def change_status_for_meeting(ticket: Ticket, actor: User) -> None:
    """Put ``ticket`` in STAND BY for the meeting ``actor`` proposes (portal.tickets.meetings),
    under the lifecycle's rule; the proposal's own e-mail tells the client."""
    if ticket.status == Status.STAND_BY:
        return
    check_move(Mover.MEETING, ticket, Status.STAND_BY)
    _change_status(ticket, actor, Status.STAND_BY, tell=False)


@transaction.atomic
def ticket_change_status(
    *, ticket: Ticket, actor: User, status: str, seen: str | None = None
) -> None:
    """Staff move a ticket to a status the lifecycle allows (models.TRANSITIONS).

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
    check_move(Mover.STAFF, ticket, status)
    _change_status(ticket, actor, status)


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None) -> None:
    """Staff choose who attends the ticket (or nobody); an ABERTA ticket given to
    someone is in progress from then on."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff assign requests.")
    if assignee is not None and not (assignee.is_agency_staff and assignee.is_active):
        raise ValidationError({"assignee": _("Choose an active member of the team.")})
    _lock(ticket)
    _ensure_open(ticket)
    if assignee is not None and assignee.pk == ticket.assignee_id:
        return
    if assignee is None and ticket.assignee_id is None:
        return
    previous = User.objects.filter(pk=ticket.assignee_id).first() if ticket.assignee_id else None
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
    if assignee is not None and staff_work_starts(ticket.status):
        _change_status(ticket, actor, Status.IN_PROGRESS, tell=False)
    notify.assigned(ticket, actor=actor, previous=previous)


@transaction.atomic
def ticket_confirm(
    *, ticket: Ticket, actor: User, score: int | None = None, comment: str = ""
) -> None:
    """The client confirms a concluded ticket: it is closed (encerrada) and read-only.
    They may say how the service was (Como foi o atendimento?, 1 to 5, and a comment)."""
    if not actor.is_contact or actor.company_id != ticket.company_id:
        raise PermissionDenied("Only the client confirms a request.")
    if score is not None and not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5.")})
    if score is None and comment.strip():
        raise ValidationError({"score": _("Choose a rating for your comment.")})
    _lock(ticket)
    if not ticket.awaits_confirmation():
        raise ValidationError(_("Only a request marked DONE can be confirmed."))
    ticket.closed_at = timezone.now()
    _touch(ticket, "closed_at")
    # The rating travels with the confirmation in the timeline (staff read it there).
    rated = {"score": score, "comment": comment.strip()} if score is not None else {}
    _record(ticket, Event.Kind.CONFIRMED, actor, **rated)
    if score is not None:
        Rating.objects.create(
            ticket=ticket,
            author=actor,
            assignee_id=ticket.assignee_id,
            service_id=ticket.service_id,
            company_id=ticket.company_id,
            score=score,
            comment=comment.strip(),
        )
    tracking.ticket_closed(ticket)
    notify.confirmed(ticket, actor=actor)


def ticket_reopen(
    *, ticket: Ticket, actor: User, body: str, files: Sequence[CheckedFile] = ()
) -> Message:
    """The client reopens a closed ticket (Reabrir solicitação) with a message saying
    what is missing: it is back in progress, and the team owes the adjustments within
    the 24-hour clock. Only within REQUEST_REOPEN_DAYS of closing; later, a new request
    is opened from it."""
    if not actor.is_contact or actor.company_id != ticket.company_id:
        raise PermissionDenied("Only the client reopens a request.")
    if not body.strip():
        raise ValidationError({"body": _("Tell the team what needs to be done.")})
    with _files_removed_on_error() as stored, transaction.atomic():
        _lock(ticket)
        if not ticket.is_closed:
            raise ValidationError(_("This request is not closed."))
        if not ticket.may_reopen():
            raise ValidationError(
                _(
                    "This request was closed more than %(days)s days ago and can no longer "
                    "be reopened: open a new request from it."
                )
                % {"days": settings.REQUEST_REOPEN_DAYS}
            )
        check_move(Mover.CLIENT_REOPEN, ticket, Status.IN_PROGRESS)
        message = Message.objects.create(ticket=ticket, author=actor, body=body.strip())
        _store_attachments(message, files, stored)
        _mark_written(message)
        ticket.closed_at = None
        _record(ticket, Event.Kind.REOPENED, actor)
        _change_status(ticket, actor, Status.IN_PROGRESS, tell=False)
        ticket.save(update_fields=["closed_at"])
        tracking.adjustments_asked(ticket, at=message.created_at)
        notify.reopened(ticket, actor=actor, message=message)
        webhook_events.message_added(message)
    return message


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
    notify.classified(ticket, actor=actor, changes=changes)


def move_deadline(
    ticket: Ticket, *, actor: User, deadline: datetime.date, reason: str, proposal: int
) -> None:
    """Move the Prazo the client agreed to (portal.tickets.deadlines), keeping the
    original visible; the delivery clock follows it. The event names the ``proposal``:
    the timeline tells the acceptance instead, and the reports count the move."""
    previous = ticket.deadline
    ticket.deadline = deadline
    ticket.overdue_told_for = None
    _touch(ticket, "deadline", "overdue_told_for")
    _record(
        ticket,
        Event.Kind.DEADLINE_CHANGED,
        actor,
        **{
            "from": previous.isoformat(),
            "to": deadline.isoformat(),
            "reason": reason,
            "proposal": proposal,
        },
    )
    tracking.deadline_changed(ticket)
    audit.record(
        AuditEntry.Action.DEADLINE_CHANGED,
        actor=actor,
        target=f"#{ticket.number}",
        **{"from": previous.isoformat(), "to": deadline.isoformat()},
    )


@periodic_job(every=timedelta(hours=1))
def close_unconfirmed_tickets(*, now: datetime.datetime | None = None) -> int:
    """Close the concluded tickets that the client left unanswered for too long, and
    remind their clients a day before. Returns how many closed."""
    now = now or timezone.now()
    remind_ticket_closing(now=now)
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
                notify.closed_by_itself(ticket)
                closed += 1
    return closed


def remind_ticket_closing(*, now: datetime.datetime) -> int:
    """Tell the clients of concluded tickets that close by themselves within a day,
    once per conclusion; the claim (a conditional UPDATE) keeps workers from both
    sending it."""
    days = settings.REQUEST_AUTO_CLOSE_DAYS
    if days <= 1:
        return 0
    cutoff = now - timedelta(days=days - 1)
    due = Ticket.objects.filter(
        status=Status.DONE,
        closed_at__isnull=True,
        close_reminded_at__isnull=True,
        concluded_at__lte=cutoff,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Ticket.objects.filter(
                pk=pk, status=Status.DONE, closed_at__isnull=True, close_reminded_at__isnull=True
            ).update(close_reminded_at=now)
            if claimed:
                ticket = Ticket.objects.select_related("assignee").get(pk=pk)
                closes_at = ticket.auto_close_due()
                if closes_at is not None:
                    notify.close_reminder(ticket, closes_at=closes_at)
                    sent += 1
    return sent


# Files younger than this may belong to a submission whose transaction has not committed.
ORPHAN_MIN_AGE = timedelta(hours=1)


def _stored_names(storage: Storage, folder: str) -> Iterator[list[str]]:
    """The names of the files stored under ``folder``, one folder at a time."""
    # Not exists(): an object store has no folders to ask about, only names to list
    # (listing a prefix with nothing under it is empty there, an error on disk).
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
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


_UNCHANGED = object()


def ticket_respond(
    *,
    ticket: Ticket,
    actor: User,
    body: str = "",
    internal: bool = False,
    files: Sequence[CheckedFile] = (),
    status: str | None = None,
    seen_status: str | None = None,
    assignee: User | object | None = _UNCHANGED,
    seen_assignee_id: int | object | None = _UNCHANGED,
) -> Message | None:
    """The staff composer: answer (or note), set the status and who attends, in one go.

    Each part is its own use case (ticket_assign, ticket_answer, ticket_change_status),
    applied in the order the lifecycle expects (being assigned or answering starts the
    work, then the chosen status), all or nothing. The move is checked before anything is
    written, and against the status the agent saw: a change someone else made meanwhile
    is never overwritten. Returns the message written, if any.
    """
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff work requests.")
    body = body.strip()
    changes_assignee = assignee is not _UNCHANGED and _other_assignee(ticket, assignee)
    changes_status = status is not None and status != (seen_status or ticket.status)
    if not body and (files or internal):
        raise ValidationError({"body": _("Write a message.")})
    if not (body or changes_assignee or changes_status):
        raise ValidationError(
            {"body": _("Write a message, or choose another status or another person to attend it.")}
        )
    with transaction.atomic():
        _lock(ticket)
        _ensure_open(ticket)
        if (
            changes_assignee
            and seen_assignee_id is not _UNCHANGED
            and seen_assignee_id != ticket.assignee_id
        ):
            current = User.objects.filter(pk=ticket.assignee_id).first()
            raise ValidationError(
                {
                    "assignee": _("Someone changed who attends it meanwhile: now %(name)s.")
                    % {"name": current.name if current else _("nobody")}
                }
            )
        if changes_status and seen_status is not None and seen_status != ticket.status:
            raise ValidationError(
                {
                    "status": _("Someone changed the status meanwhile: it is now %(status)s.")
                    % {"status": Status(ticket.status).label}
                }
            )
        if changes_status:
            assert status is not None
            _check_status_after_work(
                ticket, status, starts_work=bool(body and not internal) or _gets_assignee(assignee)
            )
        if changes_assignee:
            ticket_assign(ticket=ticket, actor=actor, assignee=cast(User | None, assignee))
        message = None
        if body:
            message = ticket_answer(
                ticket=ticket, author=actor, body=body, files=files, internal=internal
            )
        if changes_status and status != ticket.status:
            assert status is not None
            ticket_change_status(ticket=ticket, actor=actor, status=status)
    return message


def _other_assignee(ticket: Ticket, assignee: object) -> bool:
    chosen = assignee.pk if isinstance(assignee, User) else None
    return chosen != ticket.assignee_id


def _gets_assignee(assignee: object) -> bool:
    return isinstance(assignee, User)


def _check_status_after_work(ticket: Ticket, target: str, *, starts_work: bool) -> None:
    """Refuse, before anything is written, a status the ticket cannot reach once the
    assignment or the answer has started the work."""
    current = ticket.status
    if starts_work and staff_work_starts(current):
        current = Status.IN_PROGRESS
    if target == current:
        return
    probe = Ticket(status=current, closed_at=ticket.closed_at)
    check_move(Mover.STAFF, probe, target)
