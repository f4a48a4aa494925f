"""Figures for the commitments report: what was opened and concluded in a period,
how fast the team answered and delivered, and how many promises it kept."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from portal.accounts.models import STAFF_ROLES
from portal.commitments.models import Clock
from portal.tickets.models import Status, Ticket


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date
    end: datetime.date  # inclusive
    department_id: int | None = None
    service_id: int | None = None
    agent_id: int | None = None

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
    return tickets


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with ``fraction`` of the data at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 100) * len(ordered) // 100))  # ceil without floats
    return ordered[rank - 1]


def _durations(hours: list[float]) -> Durations:
    if not hours:
        return Durations(0, None, None)
    p90 = percentile(hours, 0.9)  # None only when there are no hours
    return Durations(
        count=len(hours),
        median_hours=round(statistics.median(hours), 2),
        p90_hours=None if p90 is None else round(p90, 2),
    )


def _hours(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / 3600


def build_report(filters: ReportFilters) -> Report:
    first, after = filters.bounds()
    scoped = _scoped(Ticket.objects.all(), filters)
    opened = (
        scoped.filter(created_at__gte=first, created_at__lt=after)
        .annotate(
            first_reply_at=Min(
                "messages__created_at",
                filter=Q(messages__is_internal=False) & Q(messages__author__role__in=STAFF_ROLES),
            )
        )
        .select_related("company", "department", "service", "assignee")
        .order_by("number")
    )
    concluded = scoped.filter(
        status=Status.DONE, concluded_at__gte=first, concluded_at__lt=after
    ).order_by("number")

    opened_rows = list(opened)
    first_response_hours = [
        _hours(r.first_reply_at - r.created_at) for r in opened_rows if r.first_reply_at
    ]
    concluded_rows = list(concluded.only("pk", "created_at", "concluded_at"))
    resolution_hours = [
        _hours(r.concluded_at - r.created_at) for r in concluded_rows if r.concluded_at
    ]  # every concluded ticket has its concluded_at: the filter above reads it

    stopped = Clock.objects.filter(
        ticket__in=scoped, stopped_at__gte=first, stopped_at__lt=after,
        state__in=[Clock.State.MET, Clock.State.MISSED],
    )  # fmt: skip
    shares = []
    for kind, label in Clock.Kind.choices:
        of_kind = stopped.filter(kind=kind)
        shares.append(
            CommitmentShare(
                kind=kind,
                label=str(label),
                met=of_kind.filter(state=Clock.State.MET).count(),
                missed=of_kind.filter(state=Clock.State.MISSED).count(),
            )
        )
    breaching = list(
        Clock.objects.filter(
            ticket__in=scoped, state=Clock.State.RUNNING, due_at__lte=timezone.now()
        )
        .select_related("ticket__company", "ticket__assignee")
        .order_by("due_at")
    )
    return Report(
        filters=filters,
        opened=len(opened_rows),
        concluded=len(concluded_rows),
        first_response=_durations(first_response_hours),
        resolution=_durations(resolution_hours),
        shares=shares,
        breaching=breaching,
        daily=_daily(filters, opened_rows, concluded_rows),
        rows=[_row(r, r.first_reply_at) for r in opened_rows],
    )


def _daily(filters, opened_rows, concluded_rows) -> list[tuple[datetime.date, int, int]]:
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


def _row(r: Ticket, first_reply_at: datetime.datetime | None) -> dict:
    """One line of the CSV; first_reply_at is what build_report annotated on the ticket."""
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
    }
