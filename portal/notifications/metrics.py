"""The outbox on /metrics: e-mails waiting to go, and e-mails that failed for good."""

from __future__ import annotations

from portal.core.metrics import gauge
from portal.notifications.models import OutboundEmail


@gauge("portal_emails_queued", "E-mails not sent yet (queued, or being sent).")
def emails_queued() -> float:
    waiting = [OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
    return OutboundEmail.objects.filter(status__in=waiting).count()


@gauge("portal_emails_failed", "E-mails that failed for good (until an admin sends one again).")
def emails_failed() -> float:
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
