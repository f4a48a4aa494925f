"""Start, pause, resume and stop a request's commitment clocks as its life goes on.

The request use cases (portal.tickets.services) call these inside their
transaction, so the clocks always agree with the request:

- opening starts *first response* (a staff answer within 24 h) and *delivery*
  (CONCLUÍDA by the end of the Prazo day, agency time);
- a client message while AGUARDANDO RETORNO or after CONCLUÍDA starts
  *adjustments* (the team acts within 24 h);
- a staff answer to the client stops first response and adjustments; CONCLUÍDA
  stops them all;
- the statuses in ``COMMITMENT_PAUSED_STATUSES`` pause the clocks (delivery only
  when ``COMMITMENT_PAUSE_DELIVERY``), which keep the time they had left.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from portal.commitments.calendar import current_calendar
from portal.commitments.models import Clock

Kind, State = Clock.Kind, Clock.State


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A deadline date means the end of that day in the agency's time zone."""
    return datetime.datetime.combine(day, datetime.time.max, ZoneInfo(settings.TIME_ZONE))


def _hours(kind: str) -> datetime.timedelta:
    hours = {
        Kind.FIRST_RESPONSE: settings.COMMITMENT_FIRST_RESPONSE_HOURS,
        Kind.ADJUSTMENT: settings.COMMITMENT_ADJUSTMENT_HOURS,
    }[kind]
    return datetime.timedelta(hours=hours)


def _pausable(kind: str) -> bool:
    return kind != Kind.DELIVERY or settings.COMMITMENT_PAUSE_DELIVERY


def _pauses(status: str) -> bool:
    return status in settings.COMMITMENT_PAUSED_STATUSES


def _open_clocks(ticket, *kinds: str):
    clocks = Clock.objects.filter(ticket=ticket, state__in=[State.RUNNING, State.PAUSED])
    return clocks.filter(kind__in=kinds) if kinds else clocks


def _start(ticket, kind: str, now: datetime.datetime) -> Clock:
    clock = Clock(ticket=ticket, kind=kind, started_at=now)
    if kind == Kind.DELIVERY:
        clock.due_at = end_of_day(ticket.deadline)
    else:
        clock.due_at = current_calendar().add(now, _hours(kind))
    if _pauses(ticket.status) and _pausable(kind):
        _freeze(clock, now)
    clock.save()
    return clock


def _freeze(clock: Clock, now: datetime.datetime) -> None:
    remaining = current_calendar().between(now, clock.due_at)
    clock.state = State.PAUSED
    clock.remaining_seconds = int(remaining.total_seconds())
    clock.due_at = None


def _stop(clock: Clock, now: datetime.datetime) -> None:
    in_time = clock.state == State.PAUSED or (clock.due_at is not None and now <= clock.due_at)
    clock.state = State.MET if in_time else State.MISSED
    clock.stopped_at = now
    clock.save(update_fields=["state", "stopped_at"])


def ticket_opened(ticket) -> None:
    now = ticket.created_at
    _start(ticket, Kind.FIRST_RESPONSE, now)
    _start(ticket, Kind.DELIVERY, now)


def message_added(message, *, status_before: str) -> None:
    """A message counts when the client sees it: internal notes change no clock."""
    if message.is_internal:
        return
    ticket, now = message.ticket, message.created_at
    if message.author.is_agency_staff:
        for clock in _open_clocks(ticket, Kind.FIRST_RESPONSE, Kind.ADJUSTMENT):
            _stop(clock, now)
        return
    corrections = status_before in ("waiting_client", "done")
    if corrections and not _open_clocks(ticket, Kind.ADJUSTMENT).exists():
        _start(ticket, Kind.ADJUSTMENT, now)


def status_changed(ticket, *, previous: str) -> None:
    now = timezone.now()
    if ticket.status == "done":
        for clock in _open_clocks(ticket):
            _stop(clock, now)
        return
    if _pauses(ticket.status) and not _pauses(previous):
        for clock in _open_clocks(ticket).filter(state=State.RUNNING):
            if _pausable(clock.kind):
                _freeze(clock, now)
                clock.save(update_fields=["state", "remaining_seconds", "due_at"])
    elif _pauses(previous) and not _pauses(ticket.status):
        calendar = current_calendar()
        for clock in _open_clocks(ticket).filter(state=State.PAUSED):
            clock.due_at = calendar.add(now, datetime.timedelta(seconds=clock.remaining_seconds))
            clock.state, clock.remaining_seconds = State.RUNNING, None
            clock.save(update_fields=["state", "remaining_seconds", "due_at"])


def deadline_changed(ticket) -> None:
    """The delivery clock follows the new deadline, and may warn again."""
    for clock in _open_clocks(ticket, Kind.DELIVERY):
        if clock.state == State.RUNNING:
            clock.due_at = end_of_day(ticket.deadline)
        else:
            left = current_calendar().between(timezone.now(), end_of_day(ticket.deadline))
            clock.remaining_seconds = int(left.total_seconds())
        clock.warned_soon_at = clock.warned_late_at = None
        clock.save(
            update_fields=["due_at", "remaining_seconds", "warned_soon_at", "warned_late_at"]
        )


def ticket_closed(ticket) -> None:
    """Closed requests promise nothing more."""
    now = timezone.now()
    _open_clocks(ticket).update(state=State.CANCELLED, stopped_at=now)
