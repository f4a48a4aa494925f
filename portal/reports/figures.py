"""Figures for the reports: what was opened and concluded in a period, how fast the
team answered and delivered, and how many promises it kept.

One function per computation, shared by the agency's commitments report
(``build_report``) and each client company's monthly report (portal/reports/company.py).
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from portal.accounts.models import STAFF_ROLES
from portal.commitments.models import Clock
from portal.tickets.models import Rating, Status, Ticket

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Replied(TypedDict):
        first_reply_at: datetime.datetime | None

    class _RepliedAndRated(_Replied):
        rating: int | None

    class _Outcome(TypedDict):
        outcome: str

    # Tickets as the reports' queries annotate them.
    RepliedTicket = WithAnnotations[Ticket, _Replied]
    OpenedTicket = WithAnnotations[Ticket, _RepliedAndRated]
    # A commitment the period counts, met or missed (a running clock past due is missed).
    CountedClock = WithAnnotations[Clock, _Outcome]


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date
    end: datetime.date  # inclusive
    department_id: int | None = None
    service_id: int | None = None
    agent_id: int | None = None
    company_id: int | None = None

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = ZoneInfo(settings.TIME_ZONE)
        first = datetime.datetime.combine(self.start, datetime.time.min, tz)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tz
        )
        return first, after


@dataclass(frozen=True)
class Durations:
    count: int
    median_hours: float | None
    p90_hours: float | None
    # The same, to the minute, for the pages ("3 h 20 min").
    median: datetime.timedelta | None = None
    p90: datetime.timedelta | None = None


@dataclass(frozen=True)
class CommitmentShare:
    kind: str
    label: str
    met: int
    missed: int

    @property
    def total(self) -> int:
        return self.met + self.missed

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None


@dataclass
class Report:
    filters: ReportFilters
    opened: int
    concluded: int
    first_response: Durations
    resolution: Durations
    shares: list[CommitmentShare]
    breaching: list[Clock]
    daily: list[tuple[datetime.date, int, int]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)


def _scoped(tickets: QuerySet[Ticket], filters: ReportFilters) -> QuerySet[Ticket]:
    if filters.department_id:
        tickets = tickets.filter(department_id=filters.department_id)
    if filters.service_id:
        tickets = tickets.filter(service_id=filters.service_id)
    if filters.agent_id:
        tickets = tickets.filter(assignee_id=filters.agent_id)
    if filters.company_id:
        tickets = tickets.filter(company_id=filters.company_id)
    return tickets


def scoped_tickets(filters: ReportFilters) -> QuerySet[Ticket]:
    """Every ticket the filters' department, service, agent and company allow (any time)."""
    return _scoped(Ticket.objects.all(), filters)


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with ``fraction`` of the data at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 100) * len(ordered) // 100))  # ceil without floats
    return ordered[rank - 1]


def _to_the_minute(hours: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=round(hours * 60))


def _durations(hours: list[float]) -> Durations:
    if not hours:
        return Durations(0, None, None)
    median = statistics.median(hours)
    p90 = percentile(hours, 0.9)  # None only when there are no hours
    return Durations(
        count=len(hours),
        median_hours=round(median, 2),
        p90_hours=None if p90 is None else round(p90, 2),
        median=_to_the_minute(median),
        p90=None if p90 is None else _to_the_minute(p90),
    )


def _hours(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / 3600


def with_first_reply(tickets: QuerySet[Ticket]) -> QuerySet[RepliedTicket]:
    """Annotate ``first_reply_at``: the team's first answer to the client (internal
    notes are no answer)."""
    return tickets.annotate(
        first_reply_at=Min(
            "messages__created_at",
            filter=Q(messages__is_internal=False) & Q(messages__author__role__in=STAFF_ROLES),
        )
    )


def opened_tickets(filters: ReportFilters) -> list[OpenedTicket]:
    """The tickets opened in the period, oldest number first, each annotated with
    ``first_reply_at`` (the team's first answer to the client) and ``rating`` (the
    score of its latest rating, any time)."""
    first, after = filters.bounds()
    latest_rating = Rating.objects.filter(ticket=OuterRef("pk")).order_by("-created_at", "-pk")
    return list(
        with_first_reply(
            scoped_tickets(filters).filter(created_at__gte=first, created_at__lt=after)
        )
        .annotate(rating=Subquery(latest_rating.values("score")[:1]))
        .select_related("company", "department", "service", "assignee")
        .order_by("number")
    )


def concluded_tickets(filters: ReportFilters) -> list[Ticket]:
    """The tickets concluded in the period that are still concluded (one reopened
    since is work in progress again)."""
    first, after = filters.bounds()
    return list(
        scoped_tickets(filters)
        .filter(status=Status.DONE, concluded_at__gte=first, concluded_at__lt=after)
        .only("pk", "number", "created_at", "concluded_at")
        .order_by("number")
    )


def first_response_times(opened: list[OpenedTicket]) -> Durations:
    """From opening to the team's first answer, for the opened tickets answered so far."""
    return _durations([_hours(r.first_reply_at - r.created_at) for r in opened if r.first_reply_at])


def resolution_times(concluded: list[Ticket]) -> Durations:
    """From opening to conclusion (every concluded ticket has its concluded_at)."""
    return _durations([_hours(r.concluded_at - r.created_at) for r in concluded if r.concluded_at])


def counted_clocks(filters: ReportFilters) -> QuerySet[CountedClock]:
    """The commitments the period counts, each annotated with its ``outcome`` (met or
    missed): the clocks that stopped met or missed in it, and the running clocks that
    ran out in it (by now): those are missed already, whatever happens next."""
    first, after = filters.bounds()
    decided = Q(
        stopped_at__gte=first, stopped_at__lt=after, state__in=[Clock.State.MET, Clock.State.MISSED]
    )
    run_out = Q(
        state=Clock.State.RUNNING, due_at__gte=first, due_at__lt=after, due_at__lte=timezone.now()
    )
    return (
        Clock.objects.filter(ticket__in=scoped_tickets(filters))
        .filter(decided | run_out)
        .annotate(
            outcome=Case(
                When(state=Clock.State.RUNNING, then=Value(Clock.State.MISSED.value)),
                default=F("state"),
            )
        )
    )


def commitment_shares(filters: ReportFilters) -> list[CommitmentShare]:
    """How many of each kind of commitment were met and missed in the period, current
    breaches included (one query)."""
    counts = {
        (row["kind"], row["outcome"]): row["n"]
        for row in counted_clocks(filters)
        .values("kind", "outcome")
        .annotate(n=Count("*"))
        .order_by()
    }
    return [
        CommitmentShare(
            kind=kind,
            label=str(label),
            met=counts.get((kind, Clock.State.MET), 0),
            missed=counts.get((kind, Clock.State.MISSED), 0),
        )
        for kind, label in Clock.Kind.choices
    ]


def breaching_clocks(filters: ReportFilters) -> list[Clock]:
    """The running clocks that have run out now, whatever the period."""
    return list(
        Clock.objects.filter(
            ticket__in=scoped_tickets(filters),
            state=Clock.State.RUNNING,
            due_at__lte=timezone.now(),
        )
        .select_related("ticket__company", "ticket__assignee")
        .order_by("due_at")
    )


def build_report(filters: ReportFilters) -> Report:
    opened_rows = opened_tickets(filters)
    concluded_rows = concluded_tickets(filters)
    return Report(
        filters=filters,
        opened=len(opened_rows),
        concluded=len(concluded_rows),
        first_response=first_response_times(opened_rows),
        resolution=resolution_times(concluded_rows),
        shares=commitment_shares(filters),
        breaching=breaching_clocks(filters),
        daily=daily_counts(filters, opened_rows, concluded_rows),
        rows=[_row(r) for r in opened_rows],
    )


def daily_counts(
    filters: ReportFilters, opened_rows: Sequence[Ticket], concluded_rows: Sequence[Ticket]
) -> list[tuple[datetime.date, int, int]]:
    """(day, opened, concluded) for every day of the period, zeros included."""
    days = (filters.end - filters.start).days + 1
    opened_by_day: dict[datetime.date, int] = {}
    concluded_by_day: dict[datetime.date, int] = {}
    for r in opened_rows:
        day = timezone.localdate(r.created_at)
        opened_by_day[day] = opened_by_day.get(day, 0) + 1
    for r in concluded_rows:
        day = timezone.localdate(r.concluded_at)
        concluded_by_day[day] = concluded_by_day.get(day, 0) + 1
    return [
        (day, opened_by_day.get(day, 0), concluded_by_day.get(day, 0))
        for day in (filters.start + datetime.timedelta(days=n) for n in range(days))
    ]


def _row(r: OpenedTicket) -> dict:
    """One line of the CSV."""
    first_reply_at = r.first_reply_at
    return {
        "number": r.number,
        "company": r.company.name,
        "subject": r.subject,
        "department": r.department.name,
        "service": r.service.name,
        "assignee": r.assignee.name if r.assignee else "",
        "status": r.status,
        "opened_at": timezone.localtime(r.created_at).isoformat(timespec="minutes"),
        "first_response_hours": (
            round(_hours(first_reply_at - r.created_at), 2) if first_reply_at else ""
        ),
        "concluded_at": (
            timezone.localtime(r.concluded_at).isoformat(timespec="minutes")
            if r.concluded_at
            else ""
        ),
        "resolution_hours": (
            round(_hours(r.concluded_at - r.created_at), 2) if r.concluded_at else ""
        ),
        "rating": "" if r.rating is None else r.rating,
    }
