"""A team's capacity as the staff console sets it: opening hours, slot length, seats and
closed days, stored in the database and taking precedence over municipality.yml.

Read afresh on every question (the tables are tiny), so a day closed in the console is gone
from the times the assistant offers at once, in every process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from sqlalchemy import bindparam, delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from assistant.policy.municipality import Period, Team
from assistant.storage import TeamClosedDay, TeamSchedule, reading, session_scope, utc_now

MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 240
MAX_SEATS = 50
# Built once: the free times read these for every time offered or checked.
_SCHEDULE = select(TeamSchedule.opening_hours, TeamSchedule.slot_minutes,
                   TeamSchedule.seats).where(TeamSchedule.team_code == bindparam("team"))
_CLOSED_DAYS = select(TeamClosedDay.day).where(TeamClosedDay.team_code == bindparam("team"))


class CapacityError(ValueError):
    """A setting is not usable; ``key`` is a staff catalog id, ``arguments`` fill it in."""

    def __init__(self, key: str, **arguments: object) -> None:
        super().__init__(key)
        self.key = key
        self.arguments = arguments


@dataclass(frozen=True)
class ClosedDay:
    day: date
    reason: str
    created_by: str
    created_at: datetime


def parse_periods(text: str, weekday: int) -> tuple[Period, ...]:
    """``"09:00-12:00, 13:00-16:30"`` -> periods in order; empty text: closed that weekday."""
    periods = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        try:
            start_text, end_text = (side.strip() for side in part.split("-"))
            period = Period(time.fromisoformat(_padded(start_text)),
                            time.fromisoformat(_padded(end_text)))
        except ValueError as error:
            raise CapacityError("staff.capacity.error.period", day=weekday,
                                period=part) from error
        if period.end <= period.start:
            raise CapacityError("staff.capacity.error.order", day=weekday,
                                period=part)
        periods.append(period)
    periods.sort(key=lambda p: p.start)
    for earlier, later in zip(periods, periods[1:], strict=False):
        if later.start < earlier.end:
            raise CapacityError("staff.capacity.error.overlap", day=weekday)
    return tuple(periods)


def _padded(clock: str) -> str:
    """``9:00`` -> ``09:00`` (fromisoformat wants two digits)."""
    return clock.zfill(5) if len(clock) == 4 else clock


def format_periods(periods: tuple[Period, ...]) -> str:
    return ", ".join(f"{p.start:%H:%M}-{p.end:%H:%M}" for p in periods)


def validated_team(team: Team, hours: dict[int, str], slot_minutes: str,
                   seats: str) -> Team:
    """The team with these settings, or CapacityError saying what is wrong."""
    try:
        minutes, seat_count = int(slot_minutes), int(seats)
    except ValueError as error:
        raise CapacityError("staff.capacity.error.number") from error
    if not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        raise CapacityError("staff.capacity.error.slot_minutes", low=MIN_SLOT_MINUTES,
                            high=MAX_SLOT_MINUTES)
    if not 1 <= seat_count <= MAX_SEATS:
        raise CapacityError("staff.capacity.error.seats", high=MAX_SEATS)
    opening = {}
    for weekday in range(7):
        periods = parse_periods(hours.get(weekday, ""), weekday)
        for period in periods:
            length = (datetime.combine(date.min, period.end)
                      - datetime.combine(date.min, period.start))
            if length.total_seconds() < minutes * 60:
                raise CapacityError("staff.capacity.error.too_short", day=weekday,
                                    period=format_periods((period,)))
        if periods:
            opening[weekday] = periods
    return replace(team, opening_hours=opening, slot_minutes=minutes, seats=seat_count)


class Capacity:
    """The console's settings per team, over the municipality's defaults."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def team(self, base: Team) -> Team:
        """``base`` (from municipality.yml) with the console's settings, when it has any."""
        with reading(self.database_url) as connection:
            return self.team_in(connection, base)

    @staticmethod
    def team_in(connection: Connection, base: Team) -> Team:
        """``team`` read in a transaction the caller holds (one for all it reads)."""
        row = connection.execute(_SCHEDULE, {"team": base.code}).first()
        if row is None:
            return base
        hours = {int(day): tuple(Period(time.fromisoformat(s), time.fromisoformat(e))
                                 for s, e in periods)
                 for day, periods in json.loads(row.opening_hours).items()}
        return replace(base, opening_hours=hours, slot_minutes=row.slot_minutes,
                       seats=row.seats)

    def has_own_schedule(self, team_code: str) -> bool:
        with session_scope(self.database_url) as session:
            return session.get(TeamSchedule, team_code) is not None

    def save(self, team: Team, by: str) -> None:
        hours = {str(day): [[f"{p.start:%H:%M}", f"{p.end:%H:%M}"] for p in periods]
                 for day, periods in sorted(team.opening_hours.items())}
        with session_scope(self.database_url) as session:
            row = session.get(TeamSchedule, team.code)
            if row is None:
                row = TeamSchedule(team_code=team.code)
                session.add(row)
            row.opening_hours = json.dumps(hours)
            row.slot_minutes, row.seats = team.slot_minutes, team.seats
            row.updated_at, row.updated_by = utc_now(), by

    def reset(self, team_code: str) -> None:
        """Back to municipality.yml's hours, slot length and seats."""
        with session_scope(self.database_url) as session:
            session.execute(delete(TeamSchedule).where(TeamSchedule.team_code == team_code))

    def closed_days(self, team_code: str, after: date | None = None) -> list[ClosedDay]:
        with session_scope(self.database_url) as session:
            query = select(TeamClosedDay).where(TeamClosedDay.team_code == team_code)
            if after is not None:
                query = query.where(TeamClosedDay.day >= after)
            rows = session.execute(query.order_by(TeamClosedDay.day)).scalars()
            return [ClosedDay(r.day, r.reason, r.created_by, r.created_at) for r in rows]

    def closed_dates(self, team_code: str) -> frozenset[date]:
        with reading(self.database_url) as connection:
            return self.closed_dates_in(connection, team_code)

    @staticmethod
    def closed_dates_in(connection: Connection, team_code: str) -> frozenset[date]:
        return frozenset(connection.execute(_CLOSED_DAYS, {"team": team_code}).scalars())

    def close_day(self, team_code: str, day: date, reason: str, by: str) -> bool:
        """Close the team on ``day``; False when it was closed already."""
        try:
            with session_scope(self.database_url) as session:
                session.add(TeamClosedDay(team_code=team_code, day=day, reason=reason.strip(),
                                          created_by=by))
            return True
        except IntegrityError:
            return False

    def reopen_day(self, team_code: str, day: date) -> bool:
        with session_scope(self.database_url) as session:
            return session.execute(delete(TeamClosedDay).where(
                TeamClosedDay.team_code == team_code, TeamClosedDay.day == day)).rowcount > 0
