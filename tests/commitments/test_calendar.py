from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.commitments.calendar import RoundTheClock, current_calendar

SP = ZoneInfo("America/Sao_Paulo")
DAY = datetime.timedelta(hours=24)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SP)


@pytest.fixture
def business(settings):
    settings.BUSINESS_CALENDAR = True
    settings.BUSINESS_DAYS = "0,1,2,3,4"
    settings.BUSINESS_HOURS = "09:00-18:00"
    settings.HOLIDAYS_SUBDIVISION = ""
    settings.HOLIDAYS_EXTRA = ""
    return current_calendar()


def test_round_the_clock_counts_every_hour(settings):
    settings.BUSINESS_CALENDAR = False
    calendar = current_calendar()
    assert isinstance(calendar, RoundTheClock)
    assert calendar.add(at(2026, 11, 27, 20, 0), DAY) == at(2026, 11, 28, 20, 0)


def test_24_working_hours_from_a_friday_evening_skip_the_weekend(business):
    # Friday 27 Nov 2026, 17:00: one working hour left that day, then 9 h per day.
    due = business.add(at(2026, 11, 27, 17, 0), DAY)
    # 1 h Friday + 9 h Monday + 9 h Tuesday + 5 h Wednesday
    assert due == at(2026, 12, 2, 14, 0)
    assert business.between(at(2026, 11, 27, 17, 0), due) == DAY


def test_a_national_holiday_does_not_count(business):
    # Wednesday 2 Dec 2026 17:00 → Thu 3, Fri 4 ... no holiday; use Christmas instead:
    # Thursday 24 Dec 2026 09:00; Friday 25 is Natal (national holiday).
    due = business.add(at(2026, 12, 24, 9, 0), datetime.timedelta(hours=18))
    # 9 h on Thu 24, skip Fri 25 + weekend, 9 h on Mon 28.
    assert due == at(2026, 12, 28, 18, 0)


def test_a_state_holiday_counts_only_with_the_state(business, settings):
    # 9 July is a São Paulo state holiday (Revolução Constitucionalista), a Thursday in 2026.
    start = at(2026, 7, 8, 18, 0)
    assert business.add(start, datetime.timedelta(hours=1)) == at(2026, 7, 9, 10, 0)
    settings.HOLIDAYS_SUBDIVISION = "SP"
    assert current_calendar().add(start, datetime.timedelta(hours=1)) == at(2026, 7, 10, 10, 0)


def test_a_city_holiday_is_an_extra_date(business, settings):
    # 25 January, São Paulo city's anniversary, is a Monday in 2027.
    settings.HOLIDAYS_EXTRA = "2027-01-25"
    due = current_calendar().add(at(2027, 1, 22, 18, 0), datetime.timedelta(hours=2))
    assert due == at(2027, 1, 26, 11, 0)


def test_time_outside_working_hours_starts_at_the_next_opening(business):
    assert business.add(at(2026, 11, 30, 7, 30), datetime.timedelta(hours=1)) == at(
        2026, 11, 30, 10, 0
    )
    assert business.between(at(2026, 11, 28, 10, 0), at(2026, 11, 29, 23, 0)) == (
        datetime.timedelta()
    )
