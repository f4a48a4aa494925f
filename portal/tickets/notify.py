"""Who hears about what happened to a ticket.

The ticket use cases (portal.tickets.services) call these inside their
transaction, after the change is saved, so the e-mails they queue commit or
roll back with it. Each function decides the recipients and queues one e-mail
per recipient; none of them changes the ticket.

The rules:
- client contacts who may see the ticket hear about its opening (the one who
  opened it gets the confirmation), the team's answers (never internal notes),
  status changes, deadline changes, assignments and its conclusion;
- the team hears about new tickets, client answers and confirmations: the
  assignee when there is one, else the department's members, else every
  active agent and admin;
- nobody hears about their own action (except the opening confirmation);
- nobody gets a kind of e-mail they turned off (queue_email sees to that).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from portal.accounts.models import User
from portal.notifications.emails import queue_email
from portal.tickets.models import Message, Status, Ticket, seen_by_contact


def client_recipients(ticket: Ticket, *, actor: User | None) -> list[User]:
    """Active contacts of an active company who may see ``ticket``, minus ``actor``: the
    same rule as ``Ticket.objects.visible_to`` (a contact narrowed to their own tickets
    hears only about the ones they opened)."""
    sees_it = Ticket.objects.filter(pk=ticket.pk).filter(
        seen_by_contact(
            company=OuterRef("company_id"),
            contact=OuterRef("pk"),
            narrowed=OuterRef("sees_own_requests_only"),
        )
    )
    contacts = (
        User.objects.contacts()
        .active()
        .filter(company_id=ticket.company_id, company__is_active=True)
    )
    contacts = contacts.filter(Exists(sees_it))
    if actor is not None:
        contacts = contacts.exclude(pk=actor.pk)
    return list(contacts.order_by("pk"))


def _attending_staff(ticket: Ticket) -> QuerySet[User]:
    staff = User.objects.staff().active()
    if ticket.assignee_id is not None and staff.filter(pk=ticket.assignee_id).exists():
        return staff.filter(pk=ticket.assignee_id)
    members = staff.filter(departments=ticket.department_id)
    # A department nobody was put in still needs someone to hear about it.
    return members if members.exists() else staff


def staff_recipients(ticket: Ticket, *, actor: User | None) -> list[User]:
    """Who on the team hears about ``ticket``, minus ``actor``."""
    staff = _attending_staff(ticket)
    if actor is not None:
        staff = staff.exclude(pk=actor.pk)
    return list(staff.order_by("pk"))


def ticket_url(ticket: Ticket) -> str:
    return f"{settings.PORTAL_BASE_URL}{reverse('tickets:detail', args=[ticket.number])}"


def _send(
    kind: str,
    recipients: list[User],
    ticket: Ticket,
    *,
    sender: User | None = None,
    **context: Any,
) -> None:
    context = {
        "ticket": ticket,
        "ticket_url": ticket_url(ticket),
        "preferences_url": f"{settings.PORTAL_BASE_URL}{reverse('notifications:preferences')}",
        "actor": sender,
        **context,
    }
    sender_name = sender.name if sender is not None else ""
    for recipient in recipients:
        queue_email(kind, to=recipient, context=context, ticket=ticket, sender_name=sender_name)


def _message_context(message: Message) -> dict[str, Any]:
    return {"message": message, "attachments": list(message.attachments.all())}


def ticket_opened(ticket: Ticket) -> None:
    """A client opened ``ticket`` (its first message is already saved)."""
    author = ticket.opened_by
    first = ticket.messages.order_by("created_at", "pk").first()
    context = _message_context(first) if first is not None else {}
    contacts = client_recipients(ticket, actor=None)
    # The author gets the confirmation with the number (the one e-mail about
    # one's own action: it is the receipt); colleagues learn who opened it.
    receipt = [contact for contact in contacts if contact.pk == author.pk]
    _send("request-opened", receipt, ticket, **context)
    others = [contact for contact in contacts if contact.pk != author.pk]
    _send("request-opened", others, ticket, sender=author, **context)
    staff = staff_recipients(ticket, actor=author)
    _send("staff-new-request", staff, ticket, sender=author, **context)


def message_added(message: Message) -> None:
    """Someone added ``message`` to a ticket's conversation (maybe an internal note)."""
    if message.is_internal:
        return
    ticket, author = message.ticket, message.author
    if author.is_agency_staff:
        contacts = client_recipients(ticket, actor=author)
        _send("request-answer", contacts, ticket, sender=author, **_message_context(message))
    else:
        staff = staff_recipients(ticket, actor=author)
        _send("staff-client-answer", staff, ticket, sender=author, **_message_context(message))


def status_changed(ticket: Ticket, *, actor: User | None, previous: str) -> None:
    """``ticket.status`` changed from ``previous``; ``actor`` is None for the system."""
    # Concluded is the one status that asks something of the client: it has
    # an e-mail of its own (confirm or answer), instead of the plain change.
    kind = "request-done" if ticket.status == Status.DONE else "request-status"
    contacts = client_recipients(ticket, actor=actor)
    _send(
        kind,
        contacts,
        ticket,
        sender=actor,
        previous_status=Status(previous).label if previous in Status.values else previous,
        auto_close_days=settings.REQUEST_AUTO_CLOSE_DAYS,
    )


def deadline_changed(ticket: Ticket, *, actor: User, previous: datetime.date, reason: str) -> None:
    """Staff moved ``ticket.deadline`` from ``previous``, telling the client why."""
    contacts = client_recipients(ticket, actor=actor)
    _send(
        "request-deadline",
        contacts,
        ticket,
        sender=actor,
        previous_deadline=previous,
        reason=reason,
    )


def assigned(ticket: Ticket, *, actor: User, previous: User | None) -> None:
    """``ticket.assignee`` changed (it may be None: nobody attends it now)."""
    if ticket.assignee is None:
        # Nobody new to introduce; the client hears when someone takes it.
        return
    contacts = client_recipients(ticket, actor=actor)
    _send("request-assigned", contacts, ticket, sender=actor)


def confirmed(ticket: Ticket, *, actor: User) -> None:
    """The client confirmed the concluded ticket; it is closed."""
    staff = staff_recipients(ticket, actor=actor)
    _send("staff-client-confirmed", staff, ticket, sender=actor)


def answer_refused(ticket: Ticket, *, recipient: User, reason: str) -> None:
    """An answer ``recipient`` e-mailed to ``ticket`` was not added; tell them why.

    Only for a sender the intake authenticated who may see the ticket: strangers
    and forged senders get no answer, so the address cannot be used to bounce
    mail at third parties. ``reason`` is ours alone: nothing of the e-mail that
    arrived (its subject, text or file names) is quoted back.
    """
    _send("answer-refused", [recipient], ticket, reason=reason)
