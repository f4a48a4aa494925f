"""A client company's monthly report (Relatório): how the agency kept its word to it.

The figures are the commitments report's (portal/reports/figures.py), narrowed to one
company and one calendar month in the agency's time zone, plus what only a client
report tells: the deadlines moved and why, and the company's satisfaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.commitments.models import Clock
from portal.companies.models import Company
from portal.reports.figures import (
    CommitmentShare,
    Durations,
    ReportFilters,
    commitment_shares,
    concluded_tickets,
    counted_clocks,
    daily_counts,
    first_response_times,
    opened_tickets,
    resolution_times,
    scoped_tickets,
    with_first_reply,
)
from portal.reports.months import Month
from portal.reports.satisfaction import Satisfaction, ratings_in, satisfaction
from portal.tickets.models import Event, Status, Ticket

if TYPE_CHECKING:
    from portal.reports.figures import RepliedTicket


def month_filters(company: Company, month: Month) -> ReportFilters:
    return ReportFilters(start=month.first_day, end=month.last_day, company_id=company.pk)


def promise_label(kind: str) -> str:
    """The guide's promise behind each commitment, in the client's words."""
    if kind == Clock.Kind.FIRST_RESPONSE:
        return _("First contact within %(hours)s h") % {
            "hours": settings.COMMITMENT_FIRST_RESPONSE_HOURS
        }
    if kind == Clock.Kind.ADJUSTMENT:
        return _("Adjustments within %(hours)s h") % {"hours": settings.COMMITMENT_ADJUSTMENT_HOURS}
    return _("Delivery by the deadline")


@dataclass(frozen=True)
class DeadlineMove:
    """A Prazo that moved in the month: which request, from when to when, and why."""

    ticket_id: int
    number: int
    subject: str
    moved_at: datetime.datetime
    previous: datetime.date | None
    new: datetime.date | None
    reason: str
    # Moved because the client accepted the team's proposal (else set by the team).
    agreed: bool


@dataclass
class CompanyReport:
    company: Company
    month: Month
    opened: int
    concluded: int
    first_response: Durations
    resolution: Durations
    shares: list[CommitmentShare]
    moves: list[DeadlineMove]
    satisfaction: Satisfaction
    daily: list[tuple[datetime.date, int, int]] = field(default_factory=list)

    @property
    def has_activity(self) -> bool:
        return bool(
            self.opened
            or self.concluded
            or any(share.total for share in self.shares)
            or self.moves
            or self.satisfaction.count
        )

    @property
    def is_complete(self) -> bool:
        """The month is over (a report of the current month is a partial one)."""
        return self.month < Month.current()

    def promises(self) -> list[tuple[str, CommitmentShare]]:
        """Each commitment with the promise it stands for."""
        return [(promise_label(share.kind), share) for share in self.shares]


def _date(value: object) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _moves_in(first: datetime.datetime, after: datetime.datetime) -> QuerySet[Event]:
    return Event.objects.filter(
        kind=Event.Kind.DEADLINE_CHANGED, created_at__gte=first, created_at__lt=after
    )


def deadline_moves(filters: ReportFilters) -> list[DeadlineMove]:
    """The Prazos moved in the period, in the order they moved (one query)."""
    first, after = filters.bounds()
    events = (
        _moves_in(first, after)
        .filter(ticket__in=scoped_tickets(filters))
        .select_related("ticket")
        .only("ticket_id", "ticket__number", "ticket__subject", "created_at", "data")
        .order_by("created_at", "pk")
    )
    return [
        DeadlineMove(
            ticket_id=event.ticket_id,
            number=event.ticket.number,
            subject=event.ticket.subject,
            moved_at=event.created_at,
            previous=_date(event.data.get("from")),
            new=_date(event.data.get("to")),
            reason=str(event.data.get("reason") or ""),
            agreed="proposal" in event.data,
        )
        for event in events
    ]


def build_company_report(company: Company, month: Month) -> CompanyReport:
    """The month's report for ``company``: a fixed number of queries, whatever its size."""
    filters = month_filters(company, month)
    opened = opened_tickets(filters)
    concluded = concluded_tickets(filters)
    return CompanyReport(
        company=company,
        month=month,
        opened=len(opened),
        concluded=len(concluded),
        first_response=first_response_times(opened),
        resolution=resolution_times(concluded),
        shares=commitment_shares(filters),
        moves=deadline_moves(filters),
        satisfaction=satisfaction(ratings_in(filters)),
        daily=daily_counts(filters, opened, concluded),
    )


def first_month(company: Company) -> Month:
    """The earliest month with something to report: the company's first request, or
    when it became a client."""
    first_ticket = Ticket.objects.filter(company=company).aggregate(first=Min("created_at"))
    starts = [company.created_at] + ([first_ticket["first"]] if first_ticket["first"] else [])
    return Month.of(timezone.localdate(min(starts)))


def active_in(month: Month) -> Q:
    """Companies whose report for ``month`` has something to show: a request opened or
    concluded, a commitment decided or run out, a deadline moved or a rating given in it."""
    filters = ReportFilters(start=month.first_day, end=month.last_day)
    first, after = filters.bounds()
    tickets = Ticket.objects.filter(company=OuterRef("pk"))
    return (
        Q(Exists(tickets.filter(created_at__gte=first, created_at__lt=after)))
        | Q(
            Exists(
                tickets.filter(status=Status.DONE, concluded_at__gte=first, concluded_at__lt=after)
            )
        )
        | Q(Exists(counted_clocks(filters).filter(ticket__company=OuterRef("pk"))))
        | Q(Exists(_moves_in(first, after).filter(ticket__company=OuterRef("pk"))))
        | Q(Exists(ratings_in(filters).filter(company=OuterRef("pk"))))
    )


def company_admins(company: Company | OuterRef) -> QuerySet[User]:
    """Who receives the company's report: its active company administrators (of a
    company, or of the outer query's company in a subquery)."""
    return User.objects.contacts().active().filter(company=company, is_company_admin=True)


# --- The CSV: one row per request the month's report counts.

CSV_COLUMNS = [
    "number",
    "subject",
    "department",
    "service",
    "status",
    "opened_at",
    "first_response_hours",
    "concluded_at",
    "resolution_hours",
    "original_deadline",
    "deadline",
    "first_response",
    "adjustments_met",
    "adjustments_missed",
    "delivery",
    "deadline_moves",
    "rating",
]


def _moment(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _hours_between(start: datetime.datetime, end: datetime.datetime | None) -> float | str:
    return round((end - start).total_seconds() / 3600, 2) if end else ""


def company_rows(company: Company, month: Month) -> list[dict]:
    """A row per request with something in the month's report: opened or concluded in
    it, a commitment decided or run out, its deadline moved or a rating given in it. The
    commitments, moves and ratings columns are those of the month, so the rows add up
    to the page's figures. Four queries, whatever the number of rows."""
    filters = month_filters(company, month)
    first, after = filters.bounds()
    decided = counted_clocks(filters)
    ratings = ratings_in(filters)
    in_month = (
        Q(created_at__gte=first, created_at__lt=after)
        | Q(status=Status.DONE, concluded_at__gte=first, concluded_at__lt=after)
        | Q(Exists(decided.filter(ticket=OuterRef("pk"))))
        | Q(Exists(_moves_in(first, after).filter(ticket=OuterRef("pk"))))
        | Q(Exists(ratings.filter(ticket=OuterRef("pk"))))
    )
    tickets = (
        with_first_reply(scoped_tickets(filters).filter(in_month))
        .select_related("department", "service")
        .order_by("number")
    )
    clocks: dict[int, list[tuple[str, str]]] = {}
    for ticket_id, kind, state in decided.values_list("ticket_id", "kind", "outcome"):
        clocks.setdefault(ticket_id, []).append((kind, state))
    moves: dict[int, list[str]] = {}
    for move in deadline_moves(filters):
        moves.setdefault(move.ticket_id, []).append(
            f"{move.previous or '?'} -> {move.new or '?'}: {move.reason}"
        )
    scores: dict[int, list[str]] = {}
    for ticket_id, score in ratings.order_by("created_at", "pk").values_list("ticket_id", "score"):
        scores.setdefault(ticket_id, []).append(str(score))
    return [
        _company_row(t, clocks.get(t.pk, []), moves.get(t.pk, []), scores.get(t.pk, []))
        for t in tickets
    ]


def _outcome(decided: list[tuple[str, str]], kind: str) -> str:
    states = [state for clock_kind, state in decided if clock_kind == kind]
    return states[-1] if states else ""


def _company_row(
    ticket: RepliedTicket, decided: list[tuple[str, str]], moves: list[str], scores: list[str]
) -> dict:
    concluded_at = ticket.concluded_at if ticket.status == Status.DONE else None
    adjustments = [state for kind, state in decided if kind == Clock.Kind.ADJUSTMENT]
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "department": ticket.department.name,
        "service": ticket.service.name,
        "status": ticket.status,
        "opened_at": _moment(ticket.created_at),
        "first_response_hours": _hours_between(ticket.created_at, ticket.first_reply_at),
        "concluded_at": _moment(concluded_at),
        "resolution_hours": _hours_between(ticket.created_at, concluded_at),
        "original_deadline": (ticket.original_deadline or ticket.deadline).isoformat(),
        "deadline": ticket.deadline.isoformat(),
        "first_response": _outcome(decided, Clock.Kind.FIRST_RESPONSE),
        "adjustments_met": adjustments.count(Clock.State.MET),
        "adjustments_missed": adjustments.count(Clock.State.MISSED),
        "delivery": _outcome(decided, Clock.Kind.DELIVERY),
        "deadline_moves": "; ".join(moves),
        "rating": "; ".join(scores),
    }
