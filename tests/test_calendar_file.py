"""The appointment's .ics file, read back with a real iCalendar parser."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

from assistant.calendar_file import appointment_calendar

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ics(cancelled: bool = False, start_utc: datetime | None = None) -> Calendar:
    start = start_utc or datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)  # 10:00 in winter
    data = appointment_calendar(
        reference="MD-4821", start=start, end=start.replace(minute=30),
        summary="Afspraak met Klantmanager", location="Raadhuisstraat 2, Beilen",
        description="Uw kenmerk: MD-4821. Neem een identiteitsbewijs mee.",
        timezone="Europe/Amsterdam", uid_domain="middendrenthe.nl", cancelled=cancelled)
    return Calendar.from_ical(data)


def test_the_event_holds_the_local_time_place_team_and_reference() -> None:
    calendar = ics()
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2026, 12, 8, 10, 0, tzinfo=AMSTERDAM)
    assert start.utcoffset().total_seconds() == 3600
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("dtend") - start == datetime(2026, 12, 8, 9, 30) - datetime(
        2026, 12, 8, 9, 0)
    assert str(event["location"]) == "Raadhuisstraat 2, Beilen"
    assert "Klantmanager" in str(event["summary"])
    assert "MD-4821" in str(event["description"])
    assert str(event["uid"]) == "MD-4821@middendrenthe.nl"
    assert str(event["status"]) == "CONFIRMED"
    [zone] = calendar.walk("VTIMEZONE")  # the receiving calendar need not know the zone
    assert str(zone["tzid"]) == "Europe/Amsterdam"


def test_summer_time_is_kept() -> None:
    [event] = ics(start_utc=datetime(2027, 6, 1, 8, 0, tzinfo=timezone.utc)).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2027, 6, 1, 10, 0, tzinfo=AMSTERDAM)


def test_a_cancelled_appointment_cancels_the_same_event() -> None:
    booked, cancelled = ics().walk("VEVENT")[0], ics(cancelled=True)
    [event] = cancelled.walk("VEVENT")
    assert str(cancelled["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert event["uid"] == booked["uid"]
    assert event["sequence"] > booked["sequence"]


def test_a_moved_appointment_is_the_same_event_with_a_higher_sequence() -> None:
    booked = ics().walk("VEVENT")[0]
    data = appointment_calendar(
        reference="MD-4821", start=datetime(2026, 12, 9, 13, 0, tzinfo=timezone.utc),
        end=datetime(2026, 12, 9, 13, 30, tzinfo=timezone.utc), summary="Afspraak",
        location="Beilen", description="MD-4821", timezone="Europe/Amsterdam",
        uid_domain="middendrenthe.nl", moves=2)
    [moved] = Calendar.from_ical(data).walk("VEVENT")
    assert moved["uid"] == booked["uid"] and moved["sequence"] == 2
    assert moved.decoded("dtstart") == datetime(2026, 12, 9, 14, 0, tzinfo=AMSTERDAM)
