"""Reads about commitments, for the pages that show them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from portal.commitments.models import Clock
from portal.commitments.tracking import Tracked

RESPONSE_KINDS = [Clock.Kind.FIRST_RESPONSE, Clock.Kind.ADJUSTMENT]


@dataclass(frozen=True)
class ClientCommitments:
    """What the client is promised on an open ticket."""

    answer_by: datetime.datetime | None
    waiting_for_client: bool

    @property
    def answer_late(self) -> bool:
        """The promised answer is overdue: the page says so instead of promising a time
        that has passed."""
        return self.answer_by is not None and self.answer_by <= timezone.now()


def client_commitments(ticket: Tracked) -> ClientCommitments:
    clocks = Clock.objects.filter(
        ticket_id=ticket.pk, kind__in=RESPONSE_KINDS, state__in=["running", "paused"]
    ).values_list("state", "due_at")
    # A running clock always has its due_at (a paused one keeps its remaining time instead).
    running = [due for state, due in clocks if state == "running" and due is not None]
    return ClientCommitments(
        answer_by=min(running) if running else None,
        waiting_for_client=any(state == "paused" for state, _ in clocks),
    )


def filter_by_commitment[T: QuerySet[Any, Any]](tickets: T, which: str) -> T:
    """``late``: a promise already broken; ``at_risk``: one running out within the margin.

    Read from the ticket's first running clock (``next_due_at``, kept by the tracking),
    so the filter and its counts are a range of one index rather than every clock: a
    promise is broken when the first one to run out has, at risk when it runs out within
    the margin and none has yet.
    """
    now = timezone.now()
    if which == "late":
        return tickets.filter(next_due_at__lte=now)
    if which == "at_risk":
        margin = datetime.timedelta(hours=settings.COMMITMENT_WARNING_MARGIN_HOURS)
        return tickets.filter(next_due_at__gt=now, next_due_at__lte=now + margin)
    return tickets


def commitment_flag(next_due: datetime.datetime | None) -> str:
    if next_due is None:
        return ""
    now = timezone.now()
    if next_due <= now:
        return "late"
    margin = datetime.timedelta(hours=settings.COMMITMENT_WARNING_MARGIN_HOURS)
    return "at_risk" if next_due <= now + margin else ""


@dataclass(frozen=True)
class ClockReading:
    """One running or paused promise of a ticket, as the staff page shows it."""

    kind: str
    label: str
    paused: bool
    due_at: datetime.datetime | None
    left: datetime.timedelta | None  # working time left when paused; wall time when running
    flag: str  # "late", "at_risk" or ""


def open_clocks(ticket: Tracked) -> list[ClockReading]:
    """The ticket's promises still running (or paused), soonest first."""
    readings = []
    now = timezone.now()
    clocks = Clock.objects.filter(ticket_id=ticket.pk, state__in=["running", "paused"])
    for clock in clocks.order_by("due_at", "pk"):
        paused = clock.state == Clock.State.PAUSED
        left: datetime.timedelta | None
        if paused:
            left = datetime.timedelta(seconds=clock.remaining_seconds or 0)
        else:
            left = clock.due_at - now if clock.due_at is not None else None
        readings.append(
            ClockReading(
                kind=clock.kind,
                label=str(clock.get_kind_display()),
                paused=paused,
                due_at=clock.due_at,
                left=left,
                flag="" if paused else commitment_flag(clock.due_at),
            )
        )
    return readings
