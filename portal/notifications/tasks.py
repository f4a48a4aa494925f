from __future__ import annotations

import logging
import re
import smtplib
from datetime import timedelta
from email import policy as email_policy
from email.message import EmailMessage as MIMEMessage
from email.policy import Policy
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.tasks import TaskContext, default_task_backend, task
from django.utils import timezone

from portal.notifications.coalesce import combine
from portal.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

# The SMTP conversation (connect, greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA,
# the message, QUIT) is about a dozen waits, each bounded by the mailer's timeout.
EXCHANGES_PER_DELIVERY = 20
MIN_CLAIM_LEASE = timedelta(minutes=10)


def _is_permanent(error: Exception) -> bool:
    """5xx answers will not change on a retry; everything else might."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _timed_out(error: BaseException) -> bool:
    """The mail server did not answer in time. smtplib reports a read that timed out as
    SMTPServerDisconnected, raised while handling the TimeoutError."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def claim_lease() -> timedelta:
    """How long a delivery may keep an e-mail SENDING. A claim older than this belonged
    to a worker that died; the safety net (services.requeue_stuck_emails) puts it back."""
    options = settings.MAILERS.get("default", {}).get("OPTIONS", {})
    timeout = options.get("timeout") or 0
    return max(MIN_CLAIM_LEASE, timedelta(seconds=timeout * EXCHANGES_PER_DELIVERY))


# The iTIP method (RFC 5546) on the calendar's own METHOD line; a folded line goes on
# with a space, so a line that starts with METHOD is always the property.
_METHOD_LINE = re.compile(
    r"^METHOD(?:;[^:\r\n]*)?:([A-Za-z0-9-]+)\r?$", re.MULTILINE | re.IGNORECASE
)


def calendar_method(calendar: str) -> str:
    """The method of an iCalendar text (REQUEST, CANCEL…), or "" without a METHOD line."""
    match = _METHOD_LINE.search(calendar)
    return match.group(1).upper() if match else ""


class CalendarEmail(EmailMultiAlternatives):
    """An e-mail that may carry an iCalendar invitation the way mail clients look for
    it (RFC 6047, and as Google Calendar sends them): the calendar is one more
    alternative next to the text and the HTML, ``text/calendar; method=…``, which
    Gmail, Outlook and Apple Mail turn into an invitation to accept or a cancellation;
    the same calendar also goes as the attachment invite.ics, for clients that
    only offer a file. Django's alternatives take no MIME parameters (the method),
    so both parts are added to the message Django builds.
    """

    def __init__(self, *, calendar: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calendar = calendar

    def message(self, *, policy: Policy | None = email_policy.default) -> MIMEMessage:
        msg = super().message(policy=policy)
        if not self.calendar:
            return msg
        method = calendar_method(self.calendar)
        msg.add_alternative(
            self.calendar,
            subtype="calendar",
            charset="utf-8",
            params={"method": method} if method else {},
        )
        msg.add_attachment(
            self.calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
        )
        return msg


def build_message(
    email: OutboundEmail, merged: list[OutboundEmail] | None = None
) -> EmailMultiAlternatives:
    """The message for ``email``, and for the e-mails ``merged`` into it (combined as
    coalesce.py says: one subject, one body, the first one's Message-ID and thread)."""
    subject, body_text, body_html = email.subject, email.body_text, email.body_html
    if merged:
        combined = combine([email, *merged])
        subject, body_text, body_html = combined.subject, combined.body_text, combined.body_html
    headers = {"Message-ID": email.message_id, **email.headers}
    message = CalendarEmail(
        subject=subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_address],
        headers=headers,
        calendar=email.calendar,
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    return message


def _due() -> Q:
    return Q(send_after__isnull=True) | Q(send_after__lte=timezone.now())


def _claim_merged(email: OutboundEmail, *, task_id: str) -> list[OutboundEmail]:
    """Inside the claim's transaction: take every other e-mail waiting for the same
    person about the same ticket, due or not (one that joins waits no longer).

    Rows another delivery has locked are skipped (PostgreSQL's SKIP LOCKED): that
    delivery sends them, and two claims never wait on each other. On SQLite the
    claim's transaction holds the database's write lock, so claims run one at a time.
    A run taking its own interrupted claim back keeps the e-mails it had merged.
    """
    if not email.parts or email.calendar or email.recipient_id is None or email.ticket_id is None:
        return []
    if settings.EMAIL_COALESCE_SECONDS <= 0:
        # Coalescing off: each e-mail is its own message, even when retries pile up.
        return []
    waiting = (
        OutboundEmail.objects.select_for_update(skip_locked=True)
        .filter(
            status=OutboundEmail.Status.QUEUED,
            recipient_id=email.recipient_id,
            ticket_id=email.ticket_id,
            calendar="",
        )
        .exclude(parts={})
        .exclude(pk=email.pk)
        .order_by("pk")
    )
    taken = [row.pk for row in waiting]
    if taken:
        OutboundEmail.objects.filter(pk__in=taken).update(
            status=OutboundEmail.Status.SENDING,
            claimed_at=timezone.now(),
            claimed_by=task_id,
            part_of=email.pk,
        )
    members = OutboundEmail.objects.filter(
        part_of=email.pk, status=OutboundEmail.Status.SENDING, claimed_by=task_id
    )
    return list(members.order_by("pk"))


def _claim(email_id: int, *, task_id: str) -> tuple[OutboundEmail, list[OutboundEmail]] | None:
    """Take the e-mail for this delivery, with those waiting to go in the same message,
    and commit at once: no lock or transaction is held while the mail server is talked to.

    Only a QUEUED e-mail whose time has come is taken, so a second task for the same
    e-mail finds nothing to do, and neither does an early one. One exception: an e-mail
    SENDING under this very task was claimed by an earlier run of it whose worker died
    (a restarted worker puts its interrupted tasks back); this run takes over at once
    rather than after the lease.
    """
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(
                (Q(status=OutboundEmail.Status.QUEUED) & _due())
                | Q(status=OutboundEmail.Status.SENDING, claimed_by=task_id),
                pk=email_id,
            )
            .first()
        )
        if email is None:
            return None
        OutboundEmail.objects.filter(pk=email_id).update(
            status=OutboundEmail.Status.SENDING,
            claimed_at=timezone.now(),
            claimed_by=task_id,
            attempts=F("attempts") + 1,
            part_of=None,
        )
        merged = _claim_merged(email, task_id=task_id)
    return OutboundEmail.objects.get(pk=email_id), merged


# E-mails that carry a one-time link to set a password (never a password itself).
LINK_KINDS = frozenset({"access", "password-reset"})
# What their stored text becomes once sent (data for the agency's admins, in their words).
LINK_REMOVED = "[conteúdo removido após o envio: continha um link de acesso de uso único]"


def _record_sent(email: OutboundEmail, subject: str) -> str:
    # Whatever happened to the claim meanwhile, the message went out: marking it
    # sent keeps any other delivery from sending it again.
    if subject != email.subject:  # combined: the outbox shows what went
        OutboundEmail.objects.filter(pk=email.pk).update(subject=subject[:255])
    sent = {
        "status": OutboundEmail.Status.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
        "last_attempt_timed_out": False,
    }
    OutboundEmail.objects.filter(Q(pk=email.pk) | Q(part_of=email.pk)).exclude(
        status=OutboundEmail.Status.SENT
    ).update(**sent)
    if email.kind in LINK_KINDS:
        # Its one-time link opens the account: once delivered, a copy in the outbox
        # serves nobody but whoever reads the database or a backup of it.
        OutboundEmail.objects.filter(pk=email.pk).update(body_text=LINK_REMOVED, body_html="")
    return OutboundEmail.Status.SENT


def _claim_lost(email: OutboundEmail, error: Exception) -> str:
    logger.warning(
        "E-mail %s: attempt %s failed after its claim ran out (%s); the delivery that "
        "took the e-mail over records the outcome",
        email.pk,
        email.attempts,
        error,
    )
    return "claim lost"


def _record_failure(email: OutboundEmail, error: Exception) -> str:
    """Back to QUEUED with a retry later, or FAILED for good; only while the claim is
    still this attempt's (``attempts`` moves on with every claim)."""
    mine = OutboundEmail.objects.filter(
        pk=email.pk, status=OutboundEmail.Status.SENDING, attempts=email.attempts
    )
    fields = {
        "last_error": f"{type(error).__name__}: {error}"[:2000],
        "last_attempt_timed_out": _timed_out(error),
    }
    merged = OutboundEmail.objects.filter(part_of=email.pk, status=OutboundEmail.Status.SENDING)
    if _is_permanent(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        if not mine.update(status=OutboundEmail.Status.FAILED, **fields):
            return _claim_lost(email, error)
        # They failed with it (and go again with it when an admin sends it again).
        merged.update(status=OutboundEmail.Status.FAILED, claimed_at=None, **fields)
        logger.error("E-mail %s to %s failed: %s", email.pk, email.to_address, error)
        return OutboundEmail.Status.FAILED
    delay = min(
        settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (email.attempts - 1),
        settings.EMAIL_RETRY_MAX_SECONDS,
    )
    with transaction.atomic():  # the row and its retry commit together
        if not mine.update(status=OutboundEmail.Status.QUEUED, **fields):
            return _claim_lost(email, error)
        # Free again: the retry gathers them anew (with any that came meanwhile).
        merged.update(
            status=OutboundEmail.Status.QUEUED, part_of=None, claimed_at=None, claimed_by=""
        )
        if default_task_backend.supports_defer:
            run_after = timezone.now() + timedelta(seconds=delay)
            deliver_email.using(run_after=run_after).enqueue(email.pk)
    logger.warning(
        "E-mail %s to %s not sent (attempt %s), retrying in %ss: %s",
        email.pk,
        email.to_address,
        email.attempts,
        delay,
        error,
    )
    return OutboundEmail.Status.QUEUED


@task(takes_context=True)
def deliver_email(context: TaskContext, email_id: int) -> str:
    """Send one queued e-mail; on a temporary failure, try again later with backoff.

    Three steps, so that a mail server that hangs holds no database lock (on
    SQLite, a transaction open here would block every write of the portal):
    claim the e-mail (QUEUED → SENDING) and commit; send it, outside any
    transaction, waiting at most the mailer's timeout (EMAIL_TIMEOUT) for each
    answer; record the outcome in a second short transaction.
    """
    claimed = _claim(email_id, task_id=str(context.task_result.id))
    if claimed is None:
        return "nothing to send"
    email, merged = claimed
    try:
        message = build_message(email, merged)
        message.send(using="default")
    except (smtplib.SMTPException, OSError) as error:
        return _record_failure(email, error)
    except Exception as error:
        # A bug, not the server: recorded and retried like any failure, so the
        # e-mail is not left SENDING until the lease runs out.
        logger.exception("E-mail %s could not be sent", email.pk)
        return _record_failure(email, error)
    return _record_sent(email, str(message.subject))
