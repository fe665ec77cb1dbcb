"""The staff console's capacity settings over municipality.yml, on SQLite and PostgreSQL:
validation in the staff's words, hours/slots/seats taking precedence, closed days gone from
the offered times at once and refused when booked anyway, reopening and resetting."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from assistant.appointments import AppointmentBook, SlotNotOffered
from assistant.capacity import Capacity, CapacityError, parse_periods, validated_team
from assistant.policy.municipality import Municipality

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=AMSTERDAM)  # a Monday morning
WEEKDAYS_ONLY = {day: "09:00-12:00" for day in range(5)}


def book_for(municipality: Municipality, database_url: str) -> AppointmentBook:
    return AppointmentBook(municipality, database_url, capacity=Capacity(database_url))


@pytest.mark.parametrize(("typed", "key"), [
    ("9-12", "staff.capacity.error.period"),
    ("09:00-12:00 13:00-14:00", "staff.capacity.error.period"),
    ("12:00-09:00", "staff.capacity.error.order"),
    ("09:00-12:00, 11:00-13:00", "staff.capacity.error.overlap"),
])
def test_periods_typed_wrong_are_explained(typed: str, key: str) -> None:
    with pytest.raises(CapacityError) as raised:
        parse_periods(typed, 2)
    assert raised.value.key == key and raised.value.arguments["day"] == 2


def test_periods_typed_loosely_are_read() -> None:
    periods = parse_periods(" 13:00-16:30 ; 9:00 - 12:00,", 0)
    assert [(f"{p.start:%H:%M}", f"{p.end:%H:%M}") for p in periods] == [
        ("09:00", "12:00"), ("13:00", "16:30")]
    assert parse_periods("", 6) == ()


@pytest.mark.parametrize(("minutes", "seats", "key"), [
    ("0", "1", "staff.capacity.error.slot_minutes"), ("30", "0", "staff.capacity.error.seats"),
    ("half uur", "1", "staff.capacity.error.number"), ("240", "1",
                                                        "staff.capacity.error.too_short"),
])
def test_slot_length_and_seats_are_checked(midden_drenthe: Municipality, minutes: str,
                                           seats: str, key: str) -> None:
    with pytest.raises(CapacityError) as raised:
        validated_team(midden_drenthe.team("klantmanager"), WEEKDAYS_ONLY, minutes, seats)
    assert raised.value.key == key


def test_console_hours_take_precedence_and_reset_restores(midden_drenthe: Municipality,
                                                          database_url: str) -> None:
    book = book_for(midden_drenthe, database_url)
    before = book.free_slots("klantmanager", now=NOW, limit=200)
    team = validated_team(midden_drenthe.team("klantmanager"), {1: "10:00-12:00"}, "60", "2")
    book.capacity.save(team, "beheer@gemeente.nl")

    after = book.free_slots("klantmanager", now=NOW, limit=200)
    assert after and {m.astimezone(AMSTERDAM).weekday() for m in after} == {1}
    assert {m.astimezone(AMSTERDAM).strftime("%H:%M") for m in after} == {"10:00", "11:00"}
    slot = after[0]
    book.book("web:a", "klantmanager", slot, now=NOW)
    book.book("web:b", "klantmanager", slot, now=NOW)  # two seats now
    assert slot not in book.free_slots("klantmanager", now=NOW, limit=200)
    # a team without settings keeps municipality.yml's
    assert book.team("schuldhulp") == midden_drenthe.team("schuldhulp")

    book.capacity.reset("klantmanager")
    assert book.team("klantmanager") == midden_drenthe.team("klantmanager")
    assert len(book.free_slots("klantmanager", now=NOW, limit=200)) >= len(before) - 1


def test_a_closed_day_is_gone_from_the_offer_at_once_and_reopens(
        midden_drenthe: Municipality, database_url: str) -> None:
    offering = book_for(midden_drenthe, database_url)  # as the actions hold it
    console = Capacity(database_url)
    first = offering.free_slots("klantmanager", now=NOW, limit=1)[0]
    day = first.astimezone(AMSTERDAM).date()

    assert console.close_day("klantmanager", day, "Teamdag", "beheer@gemeente.nl")
    assert not console.close_day("klantmanager", day, "again", "beheer@gemeente.nl")
    offered = offering.free_slots("klantmanager", now=NOW, limit=50)
    assert offered and all(m.astimezone(AMSTERDAM).date() != day for m in offered)
    with pytest.raises(SlotNotOffered):
        offering.book("web:late", "klantmanager", first, now=NOW)
    # other teams are open that day
    assert any(m.astimezone(AMSTERDAM).date() == day
               for m in offering.free_slots("schuldhulp", now=NOW, limit=50))
    [closed] = console.closed_days("klantmanager")
    assert closed.day == day and closed.reason == "Teamdag"

    assert console.reopen_day("klantmanager", day)
    assert offering.free_slots("klantmanager", now=NOW, limit=1)[0] == first
    assert offering.book("web:now", "klantmanager", first, now=NOW).start == first


def test_days_ahead_window_is_unchanged(midden_drenthe: Municipality, database_url: str) -> None:
    book = book_for(midden_drenthe, database_url)
    slots = book.free_slots("klantmanager", now=NOW, limit=1000)
    assert max(slots) < NOW + timedelta(days=book.days_ahead)
