"""How long the contents of e-mails are kept (LGPD: no more data, for no longer, than
their purpose needs).

An e-mail's text is needed until it is delivered, and an answer received by e-mail
lives on as its ticket's message. So after ``DATA_RETENTION_DAYS`` days (90 by
default) the worker blanks what they said and keeps what happened:

- e-mails sent, or failed for good: the text, the HTML, the calendar invitation and
  the headers (a reply address, the sender's name) go; the kind, the recipient, the
  subject, the status, the attempts and the dates stay for the outbox page. One still
  queued or being delivered is never touched. A failed one whose contents are gone
  can no longer be sent again (notifications.services.email_resend).
- answers received by e-mail (the raw message is never stored): the sender's
  address, the subject and the refusal detail go; the outcome, the reason, the
  ticket, the message it became and the Message-ID (by which the same e-mail read
  twice is still recognised) stay.

The job works in batches, each its own short statement, so it never holds a long
lock, and any number of runs leave the same result. The audit log and the record of
sign-ins are not covered: they are access records, kept for at least six months
(Marco Civil da Internet, art. 15).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from portal.core.periodic import periodic_job
from portal.notifications.models import InboundEmail, OutboundEmail

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A run stops after this many batches (a first run on years of e-mail); the next
# run, an hour later, goes on where it stopped.
MAX_BATCHES_PER_RUN = 40

# Delivery is over for these: nothing will read their contents again.
_FINISHED = (OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED)


@dataclass(frozen=True)
class Purged:
    """How many e-mails lost their contents in one run."""

    outbound: int
    inbound: int


def retention_cutoff(now: datetime | None = None) -> datetime:
    """E-mails from before this moment keep no contents."""
    return (now or timezone.now()) - timedelta(days=settings.DATA_RETENTION_DAYS)


def outbound_with_contents(cutoff: datetime) -> QuerySet[OutboundEmail]:
    """E-mails delivered (or failed for good) before ``cutoff`` that still hold contents."""
    return OutboundEmail.objects.filter(status__in=_FINISHED, created_at__lt=cutoff).filter(
        ~Q(body_text="") | ~Q(body_html="") | ~Q(calendar="") | ~Q(headers={})
    )


def inbound_with_contents(cutoff: datetime) -> QuerySet[InboundEmail]:
    """Answers received before ``cutoff`` that still name their sender or subject."""
    return InboundEmail.objects.filter(received_at__lt=cutoff).filter(
        ~Q(from_address="") | ~Q(subject="") | ~Q(detail="")
    )


def _blank_in_batches[M: Model](rows: QuerySet[M], blank: dict[str, object]) -> int:
    blanked = 0
    for _ in range(MAX_BATCHES_PER_RUN):
        ids = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
        if not ids:
            break
        # The filter is applied again: a row that changed meanwhile (a failed e-mail
        # sent again) is left alone.
        blanked += rows.filter(pk__in=ids).update(**blank)
        if len(ids) < BATCH_SIZE:
            break
    return blanked


@periodic_job(every=timedelta(hours=1), name="purge_email_contents")
def email_contents_purge(*, now: datetime | None = None) -> Purged:
    """Blank the contents of the e-mails older than ``DATA_RETENTION_DAYS``."""
    cutoff = retention_cutoff(now)
    purged = Purged(
        outbound=_blank_in_batches(
            outbound_with_contents(cutoff),
            {"body_text": "", "body_html": "", "calendar": "", "headers": {}},
        ),
        inbound=_blank_in_batches(
            inbound_with_contents(cutoff),
            {"from_address": "", "subject": "", "detail": ""},
        ),
    )
    if purged.outbound or purged.inbound:
        logger.info(
            "Blanked the contents of %s sent and %s received e-mail(s) older than %s days",
            purged.outbound,
            purged.inbound,
            settings.DATA_RETENTION_DAYS,
        )
    return purged
