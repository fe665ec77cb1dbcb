"""An appointment as an iCalendar (.ics) file for the person's own calendar.

The times carry the municipality's time zone (a VTIMEZONE is included), so a phone abroad or
on summer time still shows the hour the person booked. A moved appointment gives the same
event (same UID) with a higher SEQUENCE, and a cancelled one the same event with
STATUS:CANCELLED and a higher SEQUENCE still: calendars apply either to the event they have.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODUCT_ID = "-//werk-en-inkomen-assistent//appointment//NL"


def appointment_calendar(*, reference: str, start: datetime, end: datetime, summary: str,
                         location: str, description: str, timezone: str, uid_domain: str,
                         cancelled: bool = False, moves: int = 0) -> bytes:
    """The .ics bytes of one appointment; ``start``/``end`` aware, shown in ``timezone``;
    ``moves``: how often it was moved (its SEQUENCE; a cancellation adds one)."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{reference}@{uid_domain}")
    event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", moves + (1 if cancelled else 0))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
