from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

from portal.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)


def _is_permanent(error: Exception) -> bool:
    """5xx answers will not change on a retry; everything else might."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": email.message_id, **email.headers}
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_address],
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


@task()
def deliver_email(email_id: int) -> str:
    """Send one queued e-mail; on a temporary failure, try again later with backoff."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=email_id, status=OutboundEmail.Status.QUEUED)
            .first()
        )
        if email is None:
            return "nothing to send"
        email.attempts += 1
        try:
            build_message(email).send(using="default")
        except (smtplib.SMTPException, OSError) as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if _is_permanent(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
                logger.error("E-mail %s to %s failed: %s", email.pk, email.to_address, error)
            else:
                delay = min(
                    settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (email.attempts - 1),
                    settings.EMAIL_RETRY_MAX_SECONDS,
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
            email.save(update_fields=["attempts", "last_error", "status"])
            return email.status
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return email.status
