"""The appointments as the console shows them: per team and day, and one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from assistant.appointments import BookedAppointment
from assistant.storage import Appointment, UserProfile, session_scope, to_db_time, utc_now


@dataclass(frozen=True)
class BookingView:
    reference: str
    team_code: str
    start: datetime  # local time
    end: datetime
    channel: str
    language: str | None
    topic: str | None
    attendance: str | None
    cancelled: bool
    cancelled_by: str | None


def channel_of(owner_id: str) -> str:
    return owner_id.split(":", 1)[0] if ":" in owner_id else "?"


class StaffBookings:
    def __init__(self, database_url: str, timezone_name: str) -> None:
        self.database_url = database_url
        self.zone = ZoneInfo(timezone_name)

    def on_day(self, team_code: str, day: date) -> list[BookingView]:
        """Every appointment of the team that day, cancelled ones included, by time."""
        start = datetime.combine(day, time(0), tzinfo=self.zone)
        end = start + timedelta(days=1)
        with session_scope(self.database_url) as session:
            rows = session.execute(
                select(Appointment, UserProfile.language)
                .outerjoin(UserProfile, UserProfile.sender_id == Appointment.owner_id)
                .where(Appointment.team_code == team_code,
                       Appointment.starts_at >= to_db_time(start),
                       Appointment.starts_at < to_db_time(end))
                .order_by(Appointment.starts_at, Appointment.seat)).all()
            return [self._view(row, language) for row, language in rows]

    def active_on_day(self, team_code: str, day: date) -> list[BookingView]:
        return [booking for booking in self.on_day(team_code, day) if not booking.cancelled]

    def find(self, reference: str) -> BookingView | None:
        with session_scope(self.database_url) as session:
            found = session.execute(
                select(Appointment, UserProfile.language)
                .outerjoin(UserProfile, UserProfile.sender_id == Appointment.owner_id)
                .where(Appointment.reference == reference)).first()
            return self._view(*found) if found else None

    def _view(self, row: Appointment, profile_language: str | None) -> BookingView:
        return BookingView(
            reference=row.reference, team_code=row.team_code,
            start=row.starts_at.replace(tzinfo=timezone.utc).astimezone(self.zone),
            end=row.ends_at.replace(tzinfo=timezone.utc).astimezone(self.zone),
            channel=channel_of(row.owner_id), language=row.language or profile_language,
            topic=row.topic, attendance=row.attendance,
            cancelled=row.cancelled_at is not None, cancelled_by=row.cancelled_by)


ATTENDANCE = ("arrived", "no_show")


class StaffActions:
    """What staff change on an appointment: attendance, and cancelling it for the resident
    (moving it goes through the appointment book, which checks the new time)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def set_attendance(self, reference: str, attendance: str | None) -> bool:
        if attendance is not None and attendance not in ATTENDANCE:
            raise ValueError(attendance)
        with session_scope(self.database_url) as session:
            row = session.execute(select(Appointment).where(
                Appointment.reference == reference,
                Appointment.cancelled_at.is_(None))).scalar_one_or_none()
            if row is None:
                return False
            row.attendance = attendance
            return True

    def owner_of(self, reference: str) -> str | None:
        """Who booked an active appointment (to move it on their behalf)."""
        with session_scope(self.database_url) as session:
            return session.execute(select(Appointment.owner_id).where(
                Appointment.reference == reference,
                Appointment.cancelled_at.is_(None))).scalar_one_or_none()

    def cancel(self, reference: str, by: str) -> tuple[str, BookedAppointment] | None:
        """Cancel an active appointment for its resident; their id and the appointment, or
        None when it was not active (cancelled meanwhile)."""
        with session_scope(self.database_url) as session:
            row = session.execute(select(Appointment).where(
                Appointment.reference == reference,
                Appointment.cancelled_at.is_(None))).scalar_one_or_none()
            if row is None:
                return None
            row.cancelled_at, row.cancelled_by = utc_now(), by
            return row.owner_id, BookedAppointment.from_row(row)
