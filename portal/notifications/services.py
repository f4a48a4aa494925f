"""Use cases of the outbox: resend a failed e-mail, and re-queue those a worker dropped."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.core.periodic import periodic_job
from portal.notifications.models import OutboundEmail
from portal.notifications.tasks import claim_lease, deliver_email

logger = logging.getLogger(__name__)

# A delivery waits at most EMAIL_TIMEOUT (15 s by default) for each answer of the
# mail server; a task still "running" long after that belonged to a worker that died.
RUNNING_TASK_STALE_AFTER = timedelta(minutes=10)
# Younger than this, a queued e-mail may simply not have been picked up yet.
STUCK_AFTER = timedelta(minutes=5)
REQUEUE_BATCH = 500


@transaction.atomic
def email_resend(*, email_id: int) -> OutboundEmail:
    """Give a failed e-mail a fresh series of delivery attempts."""
    email = OutboundEmail.objects.select_for_update().get(pk=email_id)
    if email.status != OutboundEmail.Status.FAILED:
        raise ValidationError(_("Only a failed e-mail can be sent again."))
    if not email.body_text:
        # Its contents were blanked: past the retention period, or its recipient was
        # anonymised (portal/privacy). There is nothing left to send.
        raise ValidationError(_("This e-mail's contents were deleted: it cannot be sent again."))
    email.status = OutboundEmail.Status.QUEUED
    email.attempts = 0
    email.send_after = None
    email.save(update_fields=["status", "attempts", "send_after"])
    # The e-mails that failed inside it go again with it (its delivery gathers them).
    OutboundEmail.objects.filter(part_of=email, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.QUEUED, part_of=None
    )
    audit.record(AuditEntry.Action.EMAIL_RESENT, target=email.to_address, kind=email.kind)
    deliver_email.enqueue(email.pk)
    return email


def _emails_with_a_live_delivery(now: datetime) -> set[int]:
    """E-mails that a delivery task will still get to: waiting (maybe deferred for a
    retry) or running on a worker that is plausibly alive."""
    live = DBTaskResult.objects.filter(task_path=deliver_email.module_path).filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=now - RUNNING_TASK_STALE_AFTER)
    )
    ids = set()
    for args_kwargs in live.values_list("args_kwargs", flat=True):
        args = args_kwargs.get("args") or []
        if args and isinstance(args[0], int):
            ids.add(args[0])
    return ids


@periodic_job(every=timedelta(minutes=5))
def requeue_stuck_emails(*, now: datetime | None = None) -> int:
    """Enqueue delivery again for queued e-mails that no task will deliver.

    The e-mail row and its task commit together, so this only happens when a
    worker was killed mid-delivery (its task stays "running" forever) or a
    task was lost some other way. An e-mail such a worker had claimed (SENDING)
    is first put back in the queue once its claim is older than the lease.
    Delivery claims only a queued e-mail, so one re-queued twice is still sent
    once.
    """
    now = now or timezone.now()
    expired = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - claim_lease()
    ).update(status=OutboundEmail.Status.QUEUED, part_of=None)
    if expired:
        logger.warning("Put back %s e-mail(s) claimed by a delivery that never ended", expired)
    live = _emails_with_a_live_delivery(now)
    # An e-mail waiting to be combined (send_after) is stuck only once that time is
    # well past: re-queued earlier, it would go before the others could join it.
    stuck = (
        OutboundEmail.objects.filter(
            Q(send_after__isnull=True) | Q(send_after__lte=now - STUCK_AFTER),
            status=OutboundEmail.Status.QUEUED,
            created_at__lte=now - STUCK_AFTER,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    requeued = 0
    for email_id in list(stuck):
        if email_id in live:
            continue
        deliver_email.enqueue(email_id)
        requeued += 1
        if requeued >= REQUEUE_BATCH:
            break  # the rest on the next run
    if requeued:
        logger.warning("Re-queued %s e-mail(s) that no delivery task would send", requeued)
    return requeued
