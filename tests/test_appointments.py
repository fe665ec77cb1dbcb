"""The appointment book on a real database: booking, owning, moving, cancelling, erasing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from assistant.appointments import (
    AppointmentBook,
    AppointmentNotFound,
    SlotInPast,
    SlotNotOffered,
    SlotTaken,
    normalise_reference,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Monday morning before opening; the week of 30 November 2026 has no holidays.
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def book(midden_drenthe, database_url) -> AppointmentBook:
    return AppointmentBook(midden_drenthe, database_url, days_ahead=28,
                           min_notice=timedelta(hours=1))


def test_free_slots_follow_opening_hours(book: AppointmentBook) -> None:
    slots = book.free_slots("klantmanager", limit=8, now=NOW)
    assert slots[0] == datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)
    assert slots[1] - slots[0] == timedelta(minutes=30)
    # the morning has six 30-minute slots (09:00-12:00); the seventh is after lunch
    assert slots[6] == datetime(2026, 11, 30, 13, 0, tzinfo=AMSTERDAM)


def test_full_slot_is_no_longer_offered(book: AppointmentBook) -> None:
    nine = datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)
    book.book("web:a", "klantmanager", nine, now=NOW)
    assert nine in book.free_slots("klantmanager", limit=3, now=NOW)  # two seats
    book.book("web:b", "klantmanager", nine, now=NOW)
    assert nine not in book.free_slots("klantmanager", limit=3, now=NOW)
    with pytest.raises(SlotTaken):
        book.book("web:c", "klantmanager", nine, now=NOW)


def test_booking_outside_opening_hours_or_in_the_past_is_refused(book: AppointmentBook) -> None:
    with pytest.raises(SlotNotOffered):
        book.book("web:a", "klantmanager", datetime(2026, 11, 30, 12, 30, tzinfo=AMSTERDAM),
                  now=NOW)
    with pytest.raises(SlotNotOffered):  # Saturday
        book.book("web:a", "klantmanager", datetime(2026, 12, 5, 9, 0, tzinfo=AMSTERDAM), now=NOW)
    with pytest.raises(SlotInPast):
        book.book("web:a", "klantmanager", datetime(2026, 11, 27, 9, 0, tzinfo=AMSTERDAM),
                  now=NOW)
    with pytest.raises(SlotNotOffered):
        book.book("web:a", "no-such-team", datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM),
                  now=NOW)


def test_holidays_and_closed_days_have_no_slots(book: AppointmentBook) -> None:
    christmas_week = datetime(2026, 12, 24, 7, 0, tzinfo=AMSTERDAM)
    slots = book.free_slots("klantmanager", limit=1, now=christmas_week)
    # 24 Dec is a municipal closed day, 25 and 26 Dec are public holidays, 27 is a Sunday
    assert slots[0].date() == datetime(2026, 12, 28).date()


def test_people_see_and_change_only_their_own_appointments(book: AppointmentBook) -> None:
    mine = book.book("telegram:1", "schuldhulp", datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM),
                     now=NOW)
    book.book("telegram:2", "schuldhulp", datetime(2026, 11, 30, 9, 45, tzinfo=AMSTERDAM),
              now=NOW)
    assert [a.reference for a in book.upcoming("telegram:1", now=NOW)] == [mine.reference]
    with pytest.raises(AppointmentNotFound):
        book.cancel("telegram:2", mine.reference)
    with pytest.raises(AppointmentNotFound):
        book.reschedule("telegram:2", mine.reference,
                        datetime(2026, 12, 1, 13, 0, tzinfo=AMSTERDAM), now=NOW)
    assert book.upcoming("telegram:1", now=NOW)[0].start == mine.start


def test_reschedule_moves_and_frees_the_old_time(book: AppointmentBook) -> None:
    old = datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)
    new = datetime(2026, 12, 1, 13, 0, tzinfo=AMSTERDAM)
    booked = book.book("web:a", "schuldhulp", old, now=NOW)
    moved = book.reschedule("web:a", booked.reference.lower().replace("-", ""), new, now=NOW)
    assert (moved.reference, moved.start) == (booked.reference, new)
    assert old in book.free_slots("schuldhulp", limit=1, now=NOW)
    assert new not in book.free_slots("schuldhulp", limit=20, now=NOW)


def test_reschedule_to_a_taken_time_keeps_the_old_one(book: AppointmentBook) -> None:
    old = datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)
    taken = datetime(2026, 11, 30, 9, 45, tzinfo=AMSTERDAM)
    booked = book.book("web:a", "schuldhulp", old, now=NOW)
    book.book("web:b", "schuldhulp", taken, now=NOW)
    with pytest.raises(SlotTaken):
        book.reschedule("web:a", booked.reference, taken, now=NOW)
    assert book.upcoming("web:a", now=NOW)[0].start == old


def test_cancel_frees_the_slot_and_forget_erases_everything(book: AppointmentBook) -> None:
    nine = datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)
    first = book.book("web:a", "schuldhulp", nine, now=NOW)
    book.cancel("web:a", first.reference)
    assert book.upcoming("web:a", now=NOW) == []
    book.book("web:b", "schuldhulp", nine, now=NOW)  # the slot is free again
    book.book("web:a", "klantmanager", nine, now=NOW)
    assert book.forget("web:a") == 2  # the cancelled one too
    assert book.forget("web:a") == 0
    assert len(book.upcoming("web:b", now=NOW)) == 1


def test_times_are_stored_in_utc_and_shown_in_amsterdam(book: AppointmentBook) -> None:
    # 30 November is winter time (UTC+1); 9:00 in Beilen is 8:00 UTC
    booked = book.book("web:a", "klantmanager", datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc),
                       now=NOW)
    assert booked.start.astimezone(AMSTERDAM).hour == 9


def test_references_are_read_forgivingly() -> None:
    assert normalise_reference("abc def") == "ABC-DEF"
    assert normalise_reference(" kp7-4qx ") == "KP7-4QX"


def test_find_shows_ones_own_appointment_in_every_state_and_counts_its_moves(
        book: AppointmentBook) -> None:
    nine = datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)
    booked = book.book("web:a", "klantmanager", nine, now=NOW)
    assert booked.revision == 0 and not booked.cancelled
    assert book.find("web:b", booked.reference) is None  # another person's: unknown
    moved = book.reschedule("web:a", booked.reference, nine + timedelta(hours=1), now=NOW)
    moved = book.reschedule("web:a", booked.reference, nine + timedelta(hours=2), now=NOW)
    assert moved.revision == 2
    book.cancel("web:a", booked.reference)
    found = book.find("web:a", booked.reference.lower().replace("-", ""))
    assert found is not None and found.cancelled and found.revision == 2
    assert found.start == nine + timedelta(hours=2)
