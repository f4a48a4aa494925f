"""Reads about commitments, for the pages that show them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
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


def with_next_due[T: QuerySet[Any, Any]](tickets: T) -> T:
    """Annotate ``next_due``: when the first running clock of each ticket runs out.

    A subquery per row rather than a join with GROUP BY: the database computes it
    for the rows of the page only, not for every ticket the filters let through.
    """
    first_due = Clock.objects.filter(
        ticket=OuterRef("pk"), state=Clock.State.RUNNING, due_at__isnull=False
    ).order_by("due_at", "pk")
    # Which promise it is, so a flag can name it ("estourado: primeira resposta").
    return tickets.annotate(
        next_due=Subquery(first_due.values("due_at")[:1]),
        next_due_kind=Subquery(first_due.values("kind")[:1]),
    )


def _running_due_before(moment: datetime.datetime) -> QuerySet[Clock, Any]:
    """The tickets with a running clock due by ``moment``, from the running clocks' own
    index (a correlated EXISTS per ticket read every unfinished ticket instead)."""
    return Clock.objects.filter(state=Clock.State.RUNNING, due_at__lte=moment).values("ticket_id")


def filter_by_commitment[T: QuerySet[Any, Any]](tickets: T, which: str) -> T:
    """``late``: a promise already broken; ``at_risk``: one running out within the margin."""
    now = timezone.now()
    if which == "late":
        return tickets.filter(pk__in=_running_due_before(now))
    if which == "at_risk":
        margin = datetime.timedelta(hours=settings.COMMITMENT_WARNING_MARGIN_HOURS)
        return tickets.filter(pk__in=_running_due_before(now + margin)).exclude(
            pk__in=_running_due_before(now)
        )
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
