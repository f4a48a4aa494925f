"""One-time warnings when a commitment is about to run out, and when it has.

Run periodically by the worker (portal.core.periodic). Each warning is claimed
with a conditional UPDATE before it is sent, so several workers never send it twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.commitments.models import Clock
from portal.core.periodic import periodic_job
from portal.notifications.centre import post_notification
from portal.notifications.emails import queue_email
from portal.tickets.models import DeadlineProposal
from portal.tickets.notify import staff_recipients


def _warn(clock: Clock, *, late: bool) -> None:
    ticket = clock.ticket
    staff_url = settings.PORTAL_BASE_URL + reverse("workspace:ticket", args=[ticket.number])
    # The guide: a slip is announced before it happens. A delivery at risk with no new
    # date proposed asks the assignee for one.
    asks_proposal = (
        clock.kind == Clock.Kind.DELIVERY
        and not DeadlineProposal.objects.filter(
            ticket=ticket, state=DeadlineProposal.State.PENDING
        ).exists()
    )
    context = {
        "ticket": ticket,
        "clock": clock,
        "late": late,
        "ticket_url": staff_url,
        "proposal_url": f"{staff_url}#proposal" if asks_proposal else "",
    }
    # Who attends the ticket hears about it, as for any news of it; sent without
    # the ticket's thread, so a reply to a warning never reaches the client.
    path = reverse("workspace:ticket", args=[ticket.number])
    for person in staff_recipients(ticket, actor=None):
        queue_email("commitment-warning", to=person, context=context)
        post_notification("commitment-warning", to=person, url=path, context=context)


def _claim(clock: Clock, field: str, now: datetime.datetime) -> bool:
    return (
        Clock.objects.filter(pk=clock.pk, **{f"{field}__isnull": True}).update(**{field: now}) == 1
    )


@periodic_job(every=datetime.timedelta(minutes=5))
def check_commitments(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send the warnings that are due; return how many of each kind went out."""
    now = now or timezone.now()
    margin = datetime.timedelta(hours=settings.COMMITMENT_WARNING_MARGIN_HOURS)
    running = Clock.objects.filter(state=Clock.State.RUNNING).select_related(
        "ticket__assignee", "ticket__department"
    )
    sent = {"soon": 0, "late": 0}
    for clock in running.filter(warned_late_at__isnull=True, due_at__lte=now):
        with transaction.atomic():
            if _claim(clock, "warned_late_at", now):
                # A clock already late needs no "about to run out" warning any more.
                Clock.objects.filter(pk=clock.pk, warned_soon_at__isnull=True).update(
                    warned_soon_at=now
                )
                _warn(clock, late=True)
                sent["late"] += 1
    soon = running.filter(warned_soon_at__isnull=True, due_at__gt=now, due_at__lte=now + margin)
    for clock in soon:
        with transaction.atomic():
            if _claim(clock, "warned_soon_at", now):
                _warn(clock, late=False)
                sent["soon"] += 1
    return sent
