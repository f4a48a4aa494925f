"""Start, pause, resume and stop a ticket's commitment clocks as its life goes on.

The ticket use cases (portal.tickets.services) decide what happened and tell these
functions, inside their transaction, so the clocks always agree with the ticket:

- opening starts *first response* (a staff answer within 24 h) and *delivery*
  (CONCLUÍDA by the end of the Prazo day, agency time);
- a client asking for adjustments (corrections to what the team handed back, or
  reopening a closed ticket) starts *adjustments* (the team acts within 24 h);
- the team's first answer to the client stops first response; handing the work back
  (AGUARDANDO RETORNO) stops adjustments, and concluding stops them all: a message
  that only says "recebido" keeps no promise but the first;
- the statuses in ``COMMITMENT_PAUSED_STATUSES`` pause the clocks (delivery only
  when ``COMMITMENT_PAUSE_DELIVERY``), which keep the time they had left.

The engine knows a ticket only as a ``Tracked``: it sits below the tickets app. After
every change it tells the ticket which running clock runs out first
(``Tracked.set_next_due``), so the lists sort and count by it without reading clocks.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol, cast

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from portal.commitments.calendar import current_calendar
from portal.commitments.models import Clock

Kind, State = Clock.Kind, Clock.State


class Tracked(Protocol):
    """What the clocks need of a ticket."""

    pk: Any
    status: str
    created_at: datetime.datetime

    def delivery_due(self) -> datetime.datetime: ...

    def set_next_due(self, due_at: datetime.datetime | None, kind: str) -> None:
        """Keep the first running clock's due time and kind with the ticket."""


def _hours(kind: str) -> datetime.timedelta:
    hours: dict[str, int] = {
        Kind.FIRST_RESPONSE: settings.COMMITMENT_FIRST_RESPONSE_HOURS,
        Kind.ADJUSTMENT: settings.COMMITMENT_ADJUSTMENT_HOURS,
    }
    return datetime.timedelta(hours=hours[kind])


def _pausable(kind: str) -> bool:
    return kind != Kind.DELIVERY or settings.COMMITMENT_PAUSE_DELIVERY


def _pauses(status: str) -> bool:
    return status in settings.COMMITMENT_PAUSED_STATUSES


def _open_clocks(ticket: Tracked, *kinds: str) -> QuerySet[Clock]:
    clocks = Clock.objects.filter(ticket_id=ticket.pk, state__in=[State.RUNNING, State.PAUSED])
    return clocks.filter(kind__in=kinds) if kinds else clocks


def _keep_next_due(ticket: Tracked) -> None:
    """Tell the ticket which running clock now runs out first (the queue's order and its
    Em risco/Estourados counts read it from the ticket)."""
    first = (
        Clock.objects.filter(ticket_id=ticket.pk, state=State.RUNNING, due_at__isnull=False)
        .order_by("due_at", "pk")
        .values_list("due_at", "kind")
        .first()
    )
    ticket.set_next_due(*(first or (None, "")))


def _new_clock(ticket: Tracked, kind: str, now: datetime.datetime) -> Clock:
    clock = Clock(ticket_id=ticket.pk, kind=kind, started_at=now)
    if kind == Kind.DELIVERY:
        clock.due_at = ticket.delivery_due()
    else:
        clock.due_at = current_calendar().add(now, _hours(kind))
    if _pauses(ticket.status) and _pausable(kind):
        _freeze(clock, now)
    return clock


def _freeze(clock: Clock, now: datetime.datetime) -> None:
    # Only running clocks are frozen, and a running clock always has its due_at.
    remaining = current_calendar().between(now, cast(datetime.datetime, clock.due_at))
    clock.state = State.PAUSED
    clock.remaining_seconds = int(remaining.total_seconds())
    clock.due_at = None


def _stop(clock: Clock, now: datetime.datetime) -> None:
    in_time = clock.state == State.PAUSED or (clock.due_at is not None and now <= clock.due_at)
    clock.state = State.MET if in_time else State.MISSED
    clock.stopped_at = now
    clock.save(update_fields=["state", "stopped_at"])


def _stop_all(clocks: QuerySet[Clock], now: datetime.datetime) -> bool:
    """Stop each of ``clocks``; whether there was any."""
    stopped = list(clocks)
    for clock in stopped:
        _stop(clock, now)
    return bool(stopped)


def ticket_opened(ticket: Tracked) -> None:
    now = ticket.created_at
    clocks = Clock.objects.bulk_create(
        [_new_clock(ticket, Kind.FIRST_RESPONSE, now), _new_clock(ticket, Kind.DELIVERY, now)]
    )
    # Known without reading them back: the earliest of the two, if running.
    running = [clock for clock in clocks if clock.state == State.RUNNING and clock.due_at]
    first = min(running, key=lambda clock: cast(datetime.datetime, clock.due_at), default=None)
    ticket.set_next_due(first.due_at if first else None, first.kind if first else "")


def team_answered(ticket: Tracked, *, at: datetime.datetime) -> None:
    """The team answered the client (internal notes do not count): the first
    response is kept, or missed, at ``at``."""
    if _stop_all(_open_clocks(ticket, Kind.FIRST_RESPONSE), at):
        _keep_next_due(ticket)


def work_handed_back(ticket: Tracked, *, at: datetime.datetime) -> None:
    """The team handed the work back to the client: the adjustments are delivered."""
    if _stop_all(_open_clocks(ticket, Kind.ADJUSTMENT), at):
        _keep_next_due(ticket)


def adjustments_asked(ticket: Tracked, *, at: datetime.datetime) -> None:
    """The client asked for adjustments: the team owes an answer (one clock at a time)."""
    if not _open_clocks(ticket, Kind.ADJUSTMENT).exists():
        _new_clock(ticket, Kind.ADJUSTMENT, at).save()
        _keep_next_due(ticket)


def concluded(ticket: Tracked, *, at: datetime.datetime) -> None:
    """The team concluded the ticket: every promise is kept, or missed, at ``at``."""
    _stop_all(_open_clocks(ticket), at)
    ticket.set_next_due(None, "")


def status_changed(ticket: Tracked, *, previous: str) -> None:
    """Pause the clocks on entering a paused status; resume them on leaving it."""
    now = timezone.now()
    if _pauses(ticket.status) and not _pauses(previous):
        for clock in _open_clocks(ticket).filter(state=State.RUNNING):
            if _pausable(clock.kind):
                _freeze(clock, now)
                clock.save(update_fields=["state", "remaining_seconds", "due_at"])
    elif _pauses(previous) and not _pauses(ticket.status):
        calendar = current_calendar()
        for clock in _open_clocks(ticket).filter(state=State.PAUSED):
            seconds = clock.remaining_seconds or 0
            clock.due_at = calendar.add(now, datetime.timedelta(seconds=seconds))
            clock.state, clock.remaining_seconds = State.RUNNING, None
            clock.save(update_fields=["state", "remaining_seconds", "due_at"])
    else:
        return
    _keep_next_due(ticket)


def deadline_changed(ticket: Tracked) -> None:
    """The delivery clock follows the new deadline, and may warn again."""
    for clock in _open_clocks(ticket, Kind.DELIVERY):
        if clock.state == State.RUNNING:
            clock.due_at = ticket.delivery_due()
        else:
            left = current_calendar().between(timezone.now(), ticket.delivery_due())
            clock.remaining_seconds = int(left.total_seconds())
        clock.warned_soon_at = clock.warned_late_at = None
        clock.save(
            update_fields=["due_at", "remaining_seconds", "warned_soon_at", "warned_late_at"]
        )
    _keep_next_due(ticket)


def ticket_closed(ticket: Tracked) -> None:
    """Closed tickets promise nothing more."""
    now = timezone.now()
    _open_clocks(ticket).update(state=State.CANCELLED, stopped_at=now)
    ticket.set_next_due(None, "")
