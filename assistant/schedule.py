"""Which appointment times exist: opening hours minus holidays and closed days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from assistant.policy.municipality import Municipality, Team


@lru_cache(maxsize=16)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_closed(municipality: Municipality, day: date) -> bool:
    return (day in municipality.closed_days
            or day in _public_holidays(municipality.holidays_country, day.year))


def slot_starts(municipality: Municipality, team: Team, start: datetime, end: datetime,
                team_closed: frozenset[date] = frozenset()) -> Iterator[datetime]:
    """Every slot start of ``team`` in [start, end), as aware datetimes in local time;
    ``team_closed``: the days this team is closed besides the municipality's."""
    zone = ZoneInfo(municipality.timezone)
    first_day = start.astimezone(zone).date()
    last_day = end.astimezone(zone).date()
    step = timedelta(minutes=team.slot_minutes)
    day = first_day
    while day <= last_day:
        if not is_closed(municipality, day) and day not in team_closed:
            for period in team.opening_hours.get(day.weekday(), ()):
                moment = datetime.combine(day, period.start, tzinfo=zone)
                period_end = datetime.combine(day, period.end, tzinfo=zone)
                while moment + step <= period_end:
                    if start <= moment < end:
                        yield moment
                    moment += step
        day += timedelta(days=1)


def is_slot_start(municipality: Municipality, team: Team, moment: datetime,
                  team_closed: frozenset[date] = frozenset()) -> bool:
    """True when ``moment`` is exactly one of the team's slot starts."""
    window_start = moment - timedelta(seconds=1)
    return any(s == moment for s in slot_starts(municipality, team, window_start,
                                                moment + timedelta(seconds=1), team_closed))


def is_open_at(municipality: Municipality, team: Team, moment: datetime,
               team_closed: frozenset[date] = frozenset()) -> bool:
    """True when ``team`` is within its opening hours at ``moment`` (an aware datetime)."""
    local = moment.astimezone(ZoneInfo(municipality.timezone))
    if is_closed(municipality, local.date()) or local.date() in team_closed:
        return False
    return any(period.start <= local.time() < period.end
               for period in team.opening_hours.get(local.weekday(), ()))
