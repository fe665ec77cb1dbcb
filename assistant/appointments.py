"""Booking, listing, moving and cancelling appointments, safe against double booking.

The guarantee is in the database: a unique index on (team, start, seat) over active
appointments. A booking tries the team's seats in turn, each in its own transaction, so
two people taking the last seat at the same moment get one success and one ``SlotTaken``.

Exactly once, whatever is retried: a second unique index keeps one person from holding the
same slot twice (booking it again returns the appointment they hold), and a booking, move
or cancellation made for a turn id (the gateway's idempotency key) is recorded in the same
transaction, so the same turn sent again returns that outcome instead of acting again.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from assistant.capacity import Capacity
from assistant.messages import msg, when
from assistant.policy.municipality import Municipality, Team, load_municipality
from assistant.schedule import is_open_at, is_slot_start, slot_starts
from assistant.settings import Settings
from assistant.storage import (
    Appointment,
    TurnOutcome,
    from_db_time,
    reading,
    session_scope,
    to_db_time,
    utc_now,
)

# A retried turn comes within minutes; after this its outcome is forgotten (hourly at most).
TURN_MEMORY = timedelta(days=7)
FORGET_TURNS_EVERY = timedelta(hours=1)
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud
WEB_OWNER_PREFIX = "web:"  # bot/web/server.py sender_id_for
# The seats taken per slot start (built once: every time offered or checked reads it).
_TAKEN_SEATS = (select(Appointment.starts_at, func.count())
                .where(Appointment.team_code == bindparam("team"),
                       Appointment.cancelled_at.is_(None),
                       Appointment.starts_at >= bindparam("start"),
                       Appointment.starts_at < bindparam("end"))
                .group_by(Appointment.starts_at))
_UPCOMING = (select(Appointment.reference, Appointment.team_code, Appointment.starts_at,
                    Appointment.ends_at, Appointment.location, Appointment.revision)
             .where(Appointment.owner_id == bindparam("owner"),
                    Appointment.cancelled_at.is_(None),
                    Appointment.starts_at >= bindparam("now"))
             .order_by(Appointment.starts_at))


class BookingError(Exception):
    """Base of every reason a booking, move or cancellation cannot go ahead."""


class SlotTaken(BookingError):
    pass


class SlotInPast(BookingError):
    pass


class SlotNotOffered(BookingError):
    """Not a time the team has: outside opening hours, on a holiday, or too far ahead."""


class TooManyAppointments(BookingError):
    """This person already holds ``MAX_ACTIVE_APPOINTMENTS`` appointments to come."""


class TooManyBookings(BookingError):
    """This person booked ``BOOKINGS_PER_HOUR`` times in the last hour (cancelled or not)."""


class AppointmentNotFound(BookingError):
    """No active appointment with that reference for this person (others' are invisible)."""


@dataclass(frozen=True)
class BookedAppointment:
    reference: str
    team_code: str
    start: datetime
    end: datetime
    location: str
    cancelled: bool = False
    revision: int = 0  # moves so far (the calendar event's SEQUENCE)

    @classmethod
    def from_row(cls, row: Appointment) -> BookedAppointment:
        return cls(row.reference, row.team_code, row.start, row.end, row.location,
                   cancelled=row.cancelled_at is not None, revision=row.revision or 0)


def describe(appointment: BookedAppointment, municipality: Municipality) -> dict:
    """The arguments every message about one appointment uses."""
    return {"reference": appointment.reference,
            "team": msg(municipality.team(appointment.team_code).name_key),
            "when": when(appointment.start), "location": appointment.location}


def new_reference() -> str:
    letters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"{letters[:3]}-{letters[3:]}"


def normalise_reference(text: str) -> str:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{cleaned[:3]}-{cleaned[3:]}" if len(cleaned) == 6 else text.strip().upper()


class AppointmentBook:
    """All appointment operations for one municipality and one database."""

    def __init__(self, municipality: Municipality, database_url: str, *,
                 days_ahead: int = 28, min_notice: timedelta = timedelta(hours=1),
                 capacity: Capacity | None = None, max_active: int = 0,
                 bookings_per_hour: int = 0) -> None:
        self.municipality = municipality
        # Caps per person against a flood of bookings (0: none).
        self.max_active = max_active
        self.bookings_per_hour = bookings_per_hour
        self.database_url = database_url
        # The staff console's hours, seats and closed days (None: municipality.yml only)
        self.capacity = capacity
        self.days_ahead = days_ahead
        self.min_notice = min_notice
        self._turns_forgotten_at: datetime | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AppointmentBook:
        return cls(load_municipality(settings.municipality_dir), settings.database_url,
                   days_ahead=settings.booking_days_ahead,
                   min_notice=timedelta(minutes=settings.min_notice_minutes),
                   capacity=Capacity(settings.database_url),
                   max_active=settings.max_active_appointments,
                   bookings_per_hour=settings.bookings_per_hour)

    def team(self, code: str) -> Team:
        try:
            team = self.municipality.team(code)
        except KeyError as error:
            raise SlotNotOffered(f"unknown team {code!r}") from error
        return self.capacity.team(team) if self.capacity else team

    def is_open(self, team_code: str, moment: datetime | None = None) -> bool:
        """Whether the team is within its opening hours now (or at ``moment``)."""
        return is_open_at(self.municipality, self.team(team_code),
                          moment or datetime.now(timezone.utc), self.team_closed(team_code))

    def team_closed(self, code: str) -> frozenset[date]:
        return self.capacity.closed_dates(code) if self.capacity else frozenset()

    def _team_and_closed_days(self, connection: Connection,
                              code: str) -> tuple[Team, frozenset[date]]:
        """``team`` and ``team_closed`` read in the caller's transaction."""
        try:
            team = self.municipality.team(code)
        except KeyError as error:
            raise SlotNotOffered(f"unknown team {code!r}") from error
        if self.capacity is None:
            return team, frozenset()
        return (self.capacity.team_in(connection, team),
                self.capacity.closed_dates_in(connection, code))

    def free_slots(self, team_code: str, *, after: datetime | None = None,
                   limit: int = 5, now: datetime | None = None) -> list[datetime]:
        """The next free slot starts for the team, earliest first. The team's settings, its
        closed days and the taken seats are read in one transaction, with statements built
        once (three ORM sessions, each building its query, were most of the action server's
        time for offering or checking a time)."""
        now = now or datetime.now(timezone.utc)
        start = max(after or now, now + self.min_notice)
        end = now + timedelta(days=self.days_ahead)
        with reading(self.database_url) as connection:
            team, closed = self._team_and_closed_days(connection, team_code)
            taken = self._taken_counts(connection, team_code, start, end)
        free = []
        for moment in slot_starts(self.municipality, team, start, end, closed):
            if taken[to_db_time(moment)] < team.seats:
                free.append(moment)
                if len(free) >= limit:
                    break
        return free

    def book(self, owner_id: str, team_code: str, start: datetime, *,
             now: datetime | None = None, turn_id: str | None = None,
             language: str | None = None, topic: str | None = None) -> BookedAppointment:
        """Book a seat; the same turn again, or this person's own slot again, returns the
        appointment booked before instead of a second one. ``language`` and ``topic`` are
        kept for the staff console."""
        if (earlier := self.earlier_outcome(owner_id, turn_id)) is not None:
            return earlier
        team = self._check_bookable(team_code, start, now)
        if (held := self._held(owner_id, team_code, start)) is not None:
            return held
        self._check_caps(owner_id, now or datetime.now(timezone.utc))
        for seat in range(1, team.seats + 1):
            try:
                with session_scope(self.database_url) as session:
                    row = self._new_row(owner_id, team, start, seat)
                    row.language, row.topic = language, topic
                    session.add(row)
                    session.flush()
                    self._record(session, turn_id, owner_id, "book", row.reference)
                    return BookedAppointment.from_row(row)
            except IntegrityError:
                # The same turn or the same person's slot meanwhile, or else that seat was
                # taken. (A clash of random references, 1 in ~10^9 per pair, would also land
                # here and is treated as a taken seat.)
                held = (self.earlier_outcome(owner_id, turn_id)
                        or self._held(owner_id, team_code, start))
                if held is not None:
                    return held
        raise SlotTaken(f"{team_code} at {start.isoformat()} is full")

    def earlier_outcome(self, owner_id: str, turn_id: str | None) -> BookedAppointment | None:
        """The appointment this person's turn ``turn_id`` booked, moved or cancelled, if any."""
        if not turn_id:
            return None
        self._forget_old_turns_if_due()
        with session_scope(self.database_url) as session:
            row = session.execute(
                select(Appointment).join(TurnOutcome,
                                         TurnOutcome.reference == Appointment.reference)
                .where(TurnOutcome.turn_id == turn_id, TurnOutcome.owner_id == owner_id,
                       Appointment.owner_id == owner_id)
            ).scalar_one_or_none()
            return BookedAppointment.from_row(row) if row is not None else None

    def upcoming(self, owner_id: str, *, now: datetime | None = None) -> list[BookedAppointment]:
        """This person's active appointments to come, earliest first (read at nearly every
        step of listing, cancelling and moving: a statement built once, no ORM objects)."""
        now = now or datetime.now(timezone.utc)
        with reading(self.database_url) as connection:
            rows = connection.execute(_UPCOMING, {"owner": owner_id,
                                                  "now": to_db_time(now)}).all()
        return [BookedAppointment(row.reference, row.team_code, from_db_time(row.starts_at),
                                  from_db_time(row.ends_at), row.location,
                                  revision=row.revision or 0) for row in rows]

    def find(self, owner_id: str, reference: str) -> BookedAppointment | None:
        """This person's appointment ``reference``, past, upcoming or cancelled; None when it
        is not theirs (another person's reference is as unknown as a made-up one)."""
        with session_scope(self.database_url) as session:
            row = session.execute(
                select(Appointment).where(Appointment.reference == normalise_reference(reference),
                                          Appointment.owner_id == owner_id)
            ).scalar_one_or_none()
            return BookedAppointment.from_row(row) if row is not None else None

    def claim(self, owner_id: str, reference: str, *, from_prefix: str = WEB_OWNER_PREFIX,
              now: datetime | None = None) -> BookedAppointment | None:
        """The upcoming appointment ``reference`` made in an earlier web chat conversation,
        now this person's, so they can move or cancel it here. A web conversation ends after
        an idle hour (a new one is a new person to us), so the reference from the
        confirmation is the key. Only web conversations' appointments move: a Telegram
        chat keeps its own (and its reminders). None when there is no such appointment."""
        now = now or datetime.now(timezone.utc)
        with session_scope(self.database_url) as session:
            row = session.execute(
                select(Appointment)
                .where(Appointment.reference == normalise_reference(reference),
                       Appointment.owner_id.startswith(from_prefix, autoescape=True),
                       Appointment.owner_id != owner_id, Appointment.cancelled_at.is_(None),
                       Appointment.starts_at >= to_db_time(now))
            ).scalar_one_or_none()
            if row is None:
                return None
            row.owner_id = owner_id
            return BookedAppointment.from_row(row)

    def cancel(self, owner_id: str, reference: str, *,
               turn_id: str | None = None) -> BookedAppointment:
        if (earlier := self.earlier_outcome(owner_id, turn_id)) is not None:
            return earlier
        try:
            with session_scope(self.database_url) as session:
                row = self._own_active(session, owner_id, reference)
                row.cancelled_at = utc_now()
                self._record(session, turn_id, owner_id, "cancel", row.reference)
                return BookedAppointment.from_row(row)
        except IntegrityError:  # the same turn cancelled it at the same moment
            if (earlier := self.earlier_outcome(owner_id, turn_id)) is not None:
                return earlier
            raise

    def reschedule(self, owner_id: str, reference: str, new_start: datetime, *,
                   now: datetime | None = None,
                   turn_id: str | None = None) -> BookedAppointment:
        """Move an appointment to another free time; the old time stays if the new one fails."""
        if (earlier := self.earlier_outcome(owner_id, turn_id)) is not None:
            return earlier
        with session_scope(self.database_url) as session:
            current = self._own_active(session, owner_id, reference)
            team_code = current.team_code
        team = self._check_bookable(team_code, new_start, now)
        for seat in range(1, team.seats + 1):
            try:
                with session_scope(self.database_url) as session:
                    row = self._own_active(session, owner_id, reference)
                    row.starts_at = to_db_time(new_start)
                    row.ends_at = to_db_time(new_start + timedelta(minutes=team.slot_minutes))
                    row.seat = seat
                    row.reminded_at = None
                    row.revision = (row.revision or 0) + 1
                    session.flush()
                    self._record(session, turn_id, owner_id, "move", row.reference)
                    return BookedAppointment.from_row(row)
            except IntegrityError:
                if (earlier := self.earlier_outcome(owner_id, turn_id)) is not None:
                    return earlier
        raise SlotTaken(f"{team_code} at {new_start.isoformat()} is full")

    def due_for_reminder(self, owner_prefix: str, *, within: timedelta,
                         now: datetime | None = None) -> list[tuple[str, BookedAppointment]]:
        """Active appointments of people whose id starts with ``owner_prefix`` (a channel that
        can send a message unasked) starting within ``within`` and not yet reminded."""
        now = now or datetime.now(timezone.utc)
        with session_scope(self.database_url) as session:
            rows = session.execute(
                select(Appointment)
                .where(Appointment.owner_id.startswith(owner_prefix, autoescape=True),
                       Appointment.cancelled_at.is_(None), Appointment.reminded_at.is_(None),
                       Appointment.starts_at >= to_db_time(now),
                       Appointment.starts_at < to_db_time(now + within))
                .order_by(Appointment.starts_at)
            ).scalars().all()
            return [(row.owner_id, BookedAppointment.from_row(row)) for row in rows]

    def claim_reminder(self, reference: str) -> bool:
        """Mark the reminder as sent; False when another process claimed it first."""
        with session_scope(self.database_url) as session:
            claimed = session.execute(
                update(Appointment)
                .where(Appointment.reference == reference, Appointment.reminded_at.is_(None),
                       Appointment.cancelled_at.is_(None))
                .values(reminded_at=utc_now())
            )
            return claimed.rowcount == 1

    def forget(self, owner_id: str) -> int:
        """Erase every appointment of this person (their right to erasure); returns how many."""
        with session_scope(self.database_url) as session:
            rows = session.execute(
                select(Appointment).where(Appointment.owner_id == owner_id)
            ).scalars().all()
            for row in rows:
                session.delete(row)
            session.execute(delete(TurnOutcome).where(TurnOutcome.owner_id == owner_id))
            return len(rows)

    def _check_bookable(self, team_code: str, start: datetime, now: datetime | None) -> Team:
        with reading(self.database_url) as connection:
            team, closed = self._team_and_closed_days(connection, team_code)
        now = now or datetime.now(timezone.utc)
        if start < now + self.min_notice:
            raise SlotInPast(start.isoformat())
        if start > now + timedelta(days=self.days_ahead) or not is_slot_start(
                self.municipality, team, start, closed):
            raise SlotNotOffered(start.isoformat())
        return team

    def _check_caps(self, owner_id: str, now: datetime) -> None:
        with session_scope(self.database_url) as session:
            if self.max_active and session.execute(
                    select(func.count()).select_from(Appointment).where(
                        Appointment.owner_id == owner_id, Appointment.cancelled_at.is_(None),
                        Appointment.starts_at >= to_db_time(now))
            ).scalar_one() >= self.max_active:
                raise TooManyAppointments(owner_id)
            if self.bookings_per_hour and session.execute(
                    select(func.count()).select_from(Appointment).where(
                        Appointment.owner_id == owner_id,
                        Appointment.created_at >= to_db_time(now) - timedelta(hours=1))
            ).scalar_one() >= self.bookings_per_hour:
                raise TooManyBookings(owner_id)

    def forget_old_turns(self, now: datetime | None = None) -> int:
        """Delete turn outcomes older than TURN_MEMORY; returns how many."""
        oldest_kept = to_db_time(now or datetime.now(timezone.utc)) - TURN_MEMORY
        with session_scope(self.database_url) as session:
            return session.execute(
                delete(TurnOutcome).where(TurnOutcome.created_at < oldest_kept)).rowcount

    def _forget_old_turns_if_due(self) -> None:
        now = datetime.now(timezone.utc)
        if self._turns_forgotten_at is None or now - self._turns_forgotten_at >= FORGET_TURNS_EVERY:
            self._turns_forgotten_at = now
            self.forget_old_turns(now)

    @staticmethod
    def _record(session, turn_id: str | None, owner_id: str, operation: str,
                reference: str) -> None:
        """Remember what this turn did, in the transaction that does it."""
        if turn_id:
            session.add(TurnOutcome(turn_id=turn_id, owner_id=owner_id, operation=operation,
                                    reference=reference))
            session.flush()

    def _held(self, owner_id: str, team_code: str, start: datetime) -> BookedAppointment | None:
        """This person's active appointment with the team at ``start``, if they hold one."""
        with session_scope(self.database_url) as session:
            row = session.execute(
                select(Appointment).where(Appointment.owner_id == owner_id,
                                          Appointment.team_code == team_code,
                                          Appointment.starts_at == to_db_time(start),
                                          Appointment.cancelled_at.is_(None))
            ).scalar_one_or_none()
            return BookedAppointment.from_row(row) if row is not None else None

    def _new_row(self, owner_id: str, team: Team, start: datetime, seat: int) -> Appointment:
        return Appointment(
            reference=new_reference(), owner_id=owner_id, team_code=team.code,
            starts_at=to_db_time(start),
            ends_at=to_db_time(start + timedelta(minutes=team.slot_minutes)),
            seat=seat, location=team.location,
        )

    @staticmethod
    def _taken_counts(connection: Connection, team_code: str, start: datetime,
                      end: datetime) -> Counter:
        rows = connection.execute(_TAKEN_SEATS, {"team": team_code, "start": to_db_time(start),
                                                 "end": to_db_time(end)}).all()
        return Counter({starts_at: count for starts_at, count in rows})

    @staticmethod
    def _own_active(session, owner_id: str, reference: str) -> Appointment:
        row = session.execute(
            select(Appointment).where(
                Appointment.reference == normalise_reference(reference),
                Appointment.owner_id == owner_id,
                Appointment.cancelled_at.is_(None),
            )
        ).scalar_one_or_none()
        if row is None:
            raise AppointmentNotFound(reference)
        return row
