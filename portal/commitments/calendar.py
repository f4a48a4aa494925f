"""Counting the time a commitment allows: round the clock, or business hours only.

With the business calendar on, a 24-hour commitment made on a Friday evening
counts working hours only, skipping the weekend and Brazil's holidays (national,
plus a state's with ``HOLIDAYS_SUBDIVISION`` and a city's with ``HOLIDAYS_EXTRA``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAX_DAYS_SCANNED = 3660  # ten years: a guard against a calendar with no working day


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A deadline date means the end of that day in the agency's time zone."""
    return datetime.datetime.combine(day, datetime.time.max, ZoneInfo(settings.TIME_ZONE))


def _parse_hours(spec: str) -> tuple[datetime.time, datetime.time]:
    try:
        start, end = (datetime.time.fromisoformat(part.strip()) for part in spec.split("-"))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"BUSINESS_HOURS must look like 09:00-18:00, not {spec!r}"
        ) from error
    if start >= end:
        raise ImproperlyConfigured("BUSINESS_HOURS must end after it starts")
    return start, end


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days (0 = Monday) and hours in the agency's time zone, minus holidays."""

    tz: ZoneInfo
    workdays: frozenset[int]
    opens: datetime.time
    closes: datetime.time
    holiday_dates: holidays.HolidayBase = field(compare=False)
    extra_holidays: frozenset[datetime.date] = frozenset()

    def is_workday(self, day: datetime.date) -> bool:
        return (
            day.weekday() in self.workdays
            and day not in self.holiday_dates
            and day not in self.extra_holidays
        )

    def first_workday_from(self, day: datetime.date) -> datetime.date:
        """``day`` itself when it is a working day, else the next one."""
        for _ in range(MAX_DAYS_SCANNED):
            if self.is_workday(day):
                return day
            day += datetime.timedelta(days=1)
        raise ImproperlyConfigured("The business calendar has no working day")

    def _window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        return (
            datetime.datetime.combine(day, self.opens, self.tz),
            datetime.datetime.combine(day, self.closes, self.tz),
        )

    def add(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
        """The moment when ``duration`` of working time has passed since ``start``."""
        remaining = duration
        moment = start.astimezone(self.tz)
        day = moment.date()
        for _ in range(MAX_DAYS_SCANNED):
            if self.is_workday(day):
                opens, closes = self._window(day)
                begin = max(moment, opens)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += datetime.timedelta(days=1)
            moment = datetime.datetime.combine(day, datetime.time.min, self.tz)
        raise ImproperlyConfigured("The business calendar has no working time")

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Working time between two moments (zero when ``end`` is not after ``start``)."""
        total = datetime.timedelta()
        if end <= start:
            return total
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        day = start.date()
        while day <= end.date():
            if self.is_workday(day):
                opens, closes = self._window(day)
                begin, finish = max(start, opens), min(end, closes)
                if finish > begin:
                    total += finish - begin
            day += datetime.timedelta(days=1)
        return total


@dataclass(frozen=True)
class RoundTheClock:
    """Every hour counts."""

    def add(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
        return start + duration

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        return max(end - start, datetime.timedelta())


@lru_cache(maxsize=8)
def _build(
    enabled: bool,
    tz_name: str,
    workdays: str,
    hours: str,
    subdivision: str,
    extra: str,
) -> BusinessCalendar | RoundTheClock:
    if not enabled:
        return RoundTheClock()
    opens, closes = _parse_hours(hours)
    try:
        days = frozenset(int(day) for day in workdays.split(",") if day.strip())
        extra_dates = frozenset(
            datetime.date.fromisoformat(item.strip()) for item in extra.split(",") if item.strip()
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"Bad business calendar setting: {error}") from error
    return BusinessCalendar(
        tz=ZoneInfo(tz_name),
        workdays=days,
        opens=opens,
        closes=closes,
        holiday_dates=holidays.country_holidays("BR", subdiv=subdivision or None),
        extra_holidays=extra_dates,
    )


def current_calendar() -> BusinessCalendar | RoundTheClock:
    """The calendar the settings describe (read at call time, so tests can change them)."""
    return _build(
        settings.BUSINESS_CALENDAR,
        settings.TIME_ZONE,
        settings.BUSINESS_DAYS,
        settings.BUSINESS_HOURS,
        settings.HOLIDAYS_SUBDIVISION,
        settings.HOLIDAYS_EXTRA,
    )


def working_calendar() -> BusinessCalendar:
    """The agency's working days and hours (``BUSINESS_DAYS``, ``BUSINESS_HOURS``, the
    holidays), whether or not the clocks count working time only: for dates that are
    about the agency's working days whatever ``BUSINESS_CALENDAR`` says, such as the
    first working day of a month."""
    calendar = _build(
        True,
        settings.TIME_ZONE,
        settings.BUSINESS_DAYS,
        settings.BUSINESS_HOURS,
        settings.HOLIDAYS_SUBDIVISION,
        settings.HOLIDAYS_EXTRA,
    )
    assert isinstance(calendar, BusinessCalendar)  # _build(True, …) always builds one
    return calendar
