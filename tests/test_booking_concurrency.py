"""Many people taking the same time at once: the database lets exactly the free seats through."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from assistant.appointments import AppointmentBook, SlotTaken
from assistant.storage import Appointment, session_scope

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=AMSTERDAM)
NINE = datetime(2026, 11, 30, 9, 0, tzinfo=AMSTERDAM)
PEOPLE = 24


def race_for(book: AppointmentBook, team: str, moment: datetime) -> tuple[list, list]:
    """Let PEOPLE threads book ``moment`` at the same instant; return successes and refusals."""
    start_together = threading.Barrier(PEOPLE)

    def attempt(person: int):
        start_together.wait()
        try:
            return book.book(f"web:person-{person}", team, moment, now=NOW)
        except SlotTaken as refusal:
            return refusal

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        outcomes = list(pool.map(attempt, range(PEOPLE)))
    booked = [o for o in outcomes if not isinstance(o, SlotTaken)]
    refused = [o for o in outcomes if isinstance(o, SlotTaken)]
    return booked, refused


def active_count(database_url: str, team: str, moment: datetime) -> int:
    with session_scope(database_url) as session:
        return session.execute(
            select(func.count()).select_from(Appointment).where(
                Appointment.team_code == team, Appointment.cancelled_at.is_(None),
                Appointment.starts_at == moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None))
        ).scalar_one()


def test_single_seat_goes_to_exactly_one_person(midden_drenthe, database_url) -> None:
    book = AppointmentBook(midden_drenthe, database_url, min_notice=timedelta(hours=1))
    booked, refused = race_for(book, "schuldhulp", NINE)
    assert len(booked) == 1
    assert len(refused) == PEOPLE - 1
    assert active_count(database_url, "schuldhulp", NINE) == 1


def test_two_seats_go_to_exactly_two_people(midden_drenthe, database_url) -> None:
    book = AppointmentBook(midden_drenthe, database_url, min_notice=timedelta(hours=1))
    booked, refused = race_for(book, "klantmanager", NINE)
    assert len(booked) == 2
    assert len({b.reference for b in booked}) == 2
    assert len(refused) == PEOPLE - 2
    assert active_count(database_url, "klantmanager", NINE) == 2
