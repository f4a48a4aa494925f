"""The notification centre: the news of the e-mails, kept in the portal as well.

Every event that e-mails someone also writes a Notification for them (unless they
turned that kind off for the portal), in the same transaction; the bell in the header
counts the unread ones.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.notifications.emails import ticket_subject
from portal.notifications.models import Channel, Notification
from portal.notifications.people import Recipient, Thread
from portal.notifications.preferences import turned_off


def post_notification(
    kind: str,
    *,
    to: Recipient,
    url: str,
    context: dict[str, Any],
    ticket: Thread | None = None,
    template: str | None = None,
) -> Notification | None:
    """Write ``kind``'s news for ``to``, worded like the e-mail's subject, in their
    language; None when they turned it off for the portal."""
    if turned_off(to, kind, Channel.PORTAL):
        return None
    full_context = {"recipient": to, "agency_name": settings.AGENCY_NAME, **context}
    with translation.override(to.language or settings.LANGUAGE_CODE):
        text: str = render_to_string(f"emails/{template or kind}-subject.txt", full_context)
        if ticket is not None:
            text = ticket_subject(ticket, text)
    return Notification.objects.create(
        user_id=to.pk,
        kind=kind,
        ticket_id=ticket.pk if ticket is not None else None,
        text=" ".join(text.split())[:300],
        url=url,
    )


def notifications_of(user: Recipient) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def unread_count(user: Recipient) -> int:
    """One query, answered by the partial index on unread notifications."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def mark_read(user: Recipient, notification_id: int) -> Notification | None:
    """The user's notification, marked read (None if it is not theirs)."""
    notification = Notification.objects.filter(user_id=user.pk, pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user: Recipient) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
