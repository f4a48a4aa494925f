"""E-mail delivery on /healthz: stalled when e-mails wait too long, or the mail server
stopped answering.

A worker can be alive and taking tasks while nothing reaches anyone: the mail
server accepts connections and never answers, so every attempt ends in a timeout
and the e-mail goes back to wait. The task queue looks fine then; this does not.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from portal.core.health import State, health_check
from portal.notifications.models import OutboundEmail

# The latest attempts, all timed out: the mail server hangs, even before e-mails get old.
TIMEOUTS_IN_A_ROW = 5


@health_check("email")
def email_delivery_state() -> State:
    now = timezone.now()
    waiting = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
    )
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    oldest_wait = int((now - oldest).total_seconds()) if oldest else 0
    # The latest attempt of the e-mails tried most recently (attempts still running
    # have no outcome yet).
    latest = list(
        # One attempt per message: the e-mails sent inside another are not attempts.
        OutboundEmail.objects.filter(claimed_at__isnull=False, part_of__isnull=True)
        .exclude(status=OutboundEmail.Status.SENDING)
        .order_by("-claimed_at")
        .values_list("last_attempt_timed_out", flat=True)[:TIMEOUTS_IN_A_ROW]
    )
    server_hangs = len(latest) == TIMEOUTS_IN_A_ROW and all(latest)
    stalled = server_hangs or oldest_wait > settings.HEALTHZ_EMAIL_MAX_AGE_SECONDS
    return {
        "status": "stalled" if stalled else "ok",
        "waiting": waiting.count(),
        "oldest_wait_seconds": oldest_wait,
        "latest_attempts_timed_out": sum(latest),
    }
