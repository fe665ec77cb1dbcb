"""Exactly once, in the database itself (SQLite and PostgreSQL): one person cannot hold the
same slot twice, and a turn sent again returns what it did instead of doing it again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assistant.appointments import AppointmentBook
from assistant.storage import (
    Appointment,
    ButtonPayload,
    ButtonStore,
    TurnOutcome,
    session_scope,
    to_db_time,
)
from tests.test_booking_concurrency import NINE, NOW

ME = "web:resident"
TEAM = "klantmanager"  # two seats: without the rule one person could take both


def active(database_url: str, owner: str = ME) -> list[Appointment]:
    with session_scope(database_url) as session:
        return session.execute(select(Appointment).where(
            Appointment.owner_id == owner, Appointment.cancelled_at.is_(None))).scalars().all()


def row(seat: int, reference: str) -> Appointment:
    return Appointment(reference=reference, owner_id=ME, team_code=TEAM,
                       starts_at=to_db_time(NINE), ends_at=to_db_time(NINE + timedelta(minutes=30)),
                       seat=seat, location="Beilen")


def test_the_database_refuses_a_second_active_booking_of_the_same_slot_by_one_person(
        database_url) -> None:
    with session_scope(database_url) as session:
        session.add(row(1, "AAA-AAA"))
    with pytest.raises(IntegrityError), session_scope(database_url) as session:
        session.add(row(2, "BBB-BBB"))  # another seat, same person, same slot
    with session_scope(database_url) as session:  # once cancelled, it may be booked again
        session.execute(select(Appointment)).scalars().one().cancelled_at = datetime(2026, 1, 1)
        session.add(row(2, "CCC-CCC"))
    assert [a.reference for a in active(database_url)] == ["CCC-CCC"]


def test_people_saying_yes_at_once_in_many_turns_get_one_appointment(midden_drenthe,
                                                                      database_url) -> None:
    """Eight turns of the same person confirm the same time at the same instant: four are
    the same turn sent again (a retry), four are new turns ("ja" typed again)."""
    book = AppointmentBook(midden_drenthe, database_url)
    together = threading.Barrier(8)

    def confirm(attempt: int) -> str:
        together.wait()
        turn = "turn-1" if attempt % 2 else f"turn-{attempt + 2}"
        return book.book(ME, TEAM, NINE, now=NOW, turn_id=turn).reference

    with ThreadPoolExecutor(max_workers=8) as pool:
        references = set(pool.map(confirm, range(8)))
    [booked] = active(database_url)
    assert references == {booked.reference}
    assert book.book("web:neighbour", TEAM, NINE, now=NOW).reference != booked.reference


def test_a_repeated_cancel_or_move_turn_returns_the_first_outcome(midden_drenthe,
                                                                  database_url) -> None:
    book = AppointmentBook(midden_drenthe, database_url)
    first = book.book(ME, TEAM, NINE, now=NOW, turn_id="book")
    later = NINE + timedelta(hours=1)
    moved = book.reschedule(ME, first.reference, later, now=NOW, turn_id="move")
    assert book.reschedule(ME, first.reference, later, now=NOW, turn_id="move") == moved
    cancelled = book.cancel(ME, first.reference, turn_id="cancel")
    assert book.cancel(ME, first.reference, turn_id="cancel") == cancelled
    assert active(database_url) == []
    # someone else's turn id shows nothing of this person's
    assert book.earlier_outcome("web:someone-else", "book") is None


def test_buttons_expire_and_are_pruned(database_url) -> None:
    store = ButtonStore(database_url, lifetime=timedelta(days=30))
    old, fresh = store.save_all(["/inform{\"team\":\"schuldhulp\"}", "/affirm"])
    month_ago = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=31)
    with session_scope(database_url) as session:
        session.get(ButtonPayload, old).created_at = month_ago
        session.get(ButtonPayload, fresh).created_at = month_ago
    store.save("/affirm")  # sent again today: it lives on

    assert store.payload(old) is None  # pressed after it expired: "this button no longer works"
    assert store.prune() == 1
    assert store.payload(fresh) == "/affirm"
    with session_scope(database_url) as session:
        assert session.execute(select(func.count()).select_from(ButtonPayload)).scalar_one() == 1


def test_saving_buttons_prunes_at_most_once_per_interval(database_url) -> None:
    store = ButtonStore(database_url, lifetime=timedelta(days=30),
                        prune_every=timedelta(hours=1))
    store.save("/greet")
    with session_scope(database_url) as session:
        session.add(ButtonPayload(token="expired", payload="/deny",
                                  created_at=datetime(2020, 1, 1)))
    store.save("/thank")  # pruned less than an hour ago: the expired one stays for now
    assert store.prune() == 1  # an explicit prune removes it
    fresh_store = ButtonStore(database_url)  # a new process prunes on its first save
    with session_scope(database_url) as session:
        session.add(ButtonPayload(token="expired", payload="/deny",
                                  created_at=datetime(2020, 1, 1)))
    fresh_store.save("/greet")
    assert store.payload("expired") is None
    with session_scope(database_url) as session:
        assert session.get(ButtonPayload, "expired") is None


def test_turn_outcomes_are_forgotten_after_a_week(midden_drenthe, database_url) -> None:
    book = AppointmentBook(midden_drenthe, database_url)
    old = book.book(ME, TEAM, NINE, now=NOW, turn_id="old-turn")
    book.book("web:neighbour", TEAM, NINE, now=NOW, turn_id="recent-turn")
    with session_scope(database_url) as session:
        session.get(TurnOutcome, "old-turn").created_at = datetime(2026, 11, 1)

    assert book.forget_old_turns(now=datetime(2026, 11, 30, tzinfo=timezone.utc)) == 1
    assert book.earlier_outcome(ME, "old-turn") is None
    assert book.earlier_outcome("web:neighbour", "recent-turn") is not None
    assert [a.reference for a in active(database_url)] == [old.reference]  # kept
