"""Rasa's conversations in the project's database (bot/tracker_store.py): a save writes only
the new events, in one statement, and a conversation read back is the one that was saved;
a replacement (erasure) really replaces; a tracker kept in memory between turns is used only
while the stored conversation is as it left it; SQLite connections are kept and the
conversations file is written with synchronous=NORMAL, the appointments with FULL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event, text

from assistant.settings import conversations_url
from assistant.storage import forget_engine, get_engine
from bot.tracker_store import ProjectTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, book]
slots:
  team:
    type: text
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: "Hallo"}]
""")


@pytest.fixture()
def database(tmp_path: Path) -> Iterator[str]:
    url = conversations_url(f"sqlite:///{tmp_path / 'assistant.sqlite3'}")
    yield url
    forget_engine(url)


@contextmanager
def statements(url: str) -> Iterator[list[str]]:
    """Every SQL statement run on the database meanwhile (an executemany counts once)."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _many) -> None:
        seen.append(" ".join(statement.split()).upper())

    engine = get_engine(url)
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def a_turn(number: int) -> list:
    return [UserUttered(f"bericht {number}", {"name": "book", "confidence": 0.9}),
            SlotSet("team", f"team {number}"),
            ActionExecuted("utter_greet"), BotUttered(f"antwoord {number}"),
            ActionExecuted("action_listen")]


def stored_rows(url: str, sender_id: str) -> int:
    with get_engine(url).connect() as connection:
        return connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                  {"s": sender_id}).scalar_one()


async def test_a_save_writes_only_the_new_events_in_one_statement(database: str) -> None:
    store, sender = ProjectTrackerStore(DOMAIN, host=database), uuid.uuid4().hex
    tracker = await store.create_tracker(sender)
    for number in range(3):
        tracker = await store.retrieve(sender)
        for new in a_turn(number):
            tracker.update(new)
        with statements(database) as seen:
            await store.save(tracker)
        writes = [s for s in seen if not s.startswith(("SELECT", "PRAGMA"))]
        assert [s.split(" (")[0] for s in writes] == ["INSERT INTO EVENTS"], seen
        # Nothing counted first; after the insert only the stamp of the kept tracker.
        assert not [s for s in seen[:seen.index(writes[0])] if "COUNT(" in s], seen
        assert stored_rows(database, sender) == len(tracker.events)
    # A second save of the same tracker adds only what came after the first.
    tracker.update(UserUttered("nog iets", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)
    await store.save(tracker)
    assert stored_rows(database, sender) == len(tracker.events)


async def test_a_conversation_reads_back_as_it_was_saved(database: str) -> None:
    store, sender = ProjectTrackerStore(DOMAIN, host=database), uuid.uuid4().hex
    tracker = await store.create_tracker(sender)
    for number in range(2):
        tracker = await store.retrieve(sender)
        for new in a_turn(number):
            tracker.update(new)
        await store.save(tracker)
    # Another worker (another store on the same database) reads it back unchanged.
    other = ProjectTrackerStore(DOMAIN, host=database)
    with statements(database) as seen:
        again = await other.retrieve(sender)
    # Only the events' JSON is read (after the stamp): no ORM object per event.
    assert [s for s in seen if s.startswith("SELECT")][1].startswith(
        "SELECT EVENTS.DATA AS EVENTS_DATA FROM")
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in tracker.events]
    assert again.get_slot("team") == "team 1"
    assert again.current_state() == tracker.current_state()


async def test_a_tracker_the_store_did_not_read_replaces_what_is_stored(database: str) -> None:
    """Rasa's "replace events" API (the gateway's erasure) saves a tracker it built itself:
    with fewer events than stored, the stored ones are replaced; with none, none are left."""
    store, sender = ProjectTrackerStore(DOMAIN, host=database), uuid.uuid4().hex
    tracker = await store.create_tracker(sender)
    for new in a_turn(1):
        tracker.update(new)
    await store.save(tracker)
    replaced = DialogueStateTracker.from_events(
        sender, [SessionStarted(), ActionExecuted("action_listen")], DOMAIN.slots)
    await store.save(replaced)
    assert stored_rows(database, sender) == 2
    assert (await store.retrieve(sender)).get_slot("team") is None
    await store.save(DialogueStateTracker.from_events(sender, [], DOMAIN.slots))
    assert stored_rows(database, sender) == 0
    assert await store.retrieve(sender) is None


async def test_a_failed_save_is_written_whole_by_the_next(database: str) -> None:
    store, sender = ProjectTrackerStore(DOMAIN, host=database), uuid.uuid4().hex
    await store.create_tracker(sender)
    tracker = await store.retrieve(sender)
    for new in a_turn(1):
        tracker.update(new)

    def refuse(*_args) -> None:
        raise RuntimeError("database down")

    engine = get_engine(database)
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(RuntimeError):
            await store.save(tracker)
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    await store.save(tracker)
    again = await store.retrieve(sender)
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in tracker.events]


async def a_saved_turn(store: ProjectTrackerStore, sender: str, number: int) -> None:
    tracker = await store.retrieve(sender)
    for new in a_turn(number):
        tracker.update(new)
    await store.save(tracker)


def events_of(tracker: DialogueStateTracker) -> list[dict]:
    return [e.as_dict() for e in tracker.events]


async def test_a_kept_tracker_is_used_while_the_stored_conversation_is_unchanged(
        database: str) -> None:
    store, sender = ProjectTrackerStore(DOMAIN, host=database), uuid.uuid4().hex
    await store.create_tracker(sender)
    await a_saved_turn(store, sender, 1)
    saved = await store.retrieve(sender)  # kept by the save of the turn before
    for new in a_turn(2):
        saved.update(new)
    await store.save(saved)
    with statements(database) as seen:
        again = await store.retrieve(sender)
    assert again is saved
    assert [s.split(" FROM")[0] for s in seen if not s.startswith("PRAGMA")] == [
        "SELECT COUNT(EVENTS.ID) AS COUNT_1, MAX(EVENTS.ID) AS MAX_1, "
        "MAX(EVENTS.TIMESTAMP) AS MAX_2"]  # the stamp only, no events
    fresh = await ProjectTrackerStore(DOMAIN, host=database).retrieve(sender)
    assert events_of(again) == events_of(fresh)
    assert again.current_state() == fresh.current_state()


async def test_a_kept_tracker_is_not_used_once_others_changed_the_conversation(
        database: str) -> None:
    store, sender = ProjectTrackerStore(DOMAIN, host=database), uuid.uuid4().hex
    await store.create_tracker(sender)
    for number in range(2):
        await a_saved_turn(store, sender, number)
    # Another worker takes a turn: this worker's kept tracker is one turn behind.
    other = ProjectTrackerStore(DOMAIN, host=database)
    await a_saved_turn(other, sender, 7)
    assert (await store.retrieve(sender)).get_slot("team") == "team 7"
    await a_saved_turn(store, sender, 3)
    # Erased elsewhere (the other worker, retention) and written again with just as many
    # events: SQLite can give the same ids out again, the times still differ.
    with get_engine(database).begin() as connection:
        rows = connection.execute(text("SELECT id, sender_id, type_name, timestamp, "
                                       "intent_name, action_name, data FROM events WHERE "
                                       "sender_id = :s ORDER BY id"), {"s": sender}).all()
        connection.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
        for row in rows:
            connection.execute(text(
                "INSERT INTO events (id, sender_id, type_name, timestamp, intent_name, "
                "action_name, data) VALUES (:id, :s, :t, :ts, :i, :a, :d)"),
                {"id": row[0], "s": sender, "t": row[2], "ts": row[3] + 1, "i": row[4],
                 "a": row[5], "d": row[6].replace("team 3", "team 9")})
    assert (await store.retrieve(sender)).get_slot("team") == "team 9"
    await a_saved_turn(store, sender, 4)
    with get_engine(database).begin() as connection:
        connection.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})
    assert await store.retrieve(sender) is None


async def test_a_turn_that_failed_leaves_no_kept_tracker(database: str) -> None:
    """The events a failed turn added in memory were never stored: the next turn reads the
    conversation from the database."""
    store, sender = ProjectTrackerStore(DOMAIN, host=database), uuid.uuid4().hex
    await store.create_tracker(sender)
    await a_saved_turn(store, sender, 1)
    await a_saved_turn(store, sender, 2)
    failed = await store.retrieve(sender)
    failed.update(SlotSet("team", "never saved"))
    again = await store.retrieve(sender)
    assert again is not failed
    assert again.get_slot("team") == "team 2"


async def test_a_turn_that_began_a_new_session_is_read_again(database: str) -> None:
    store, sender = ProjectTrackerStore(DOMAIN, host=database), uuid.uuid4().hex
    await store.create_tracker(sender)
    await a_saved_turn(store, sender, 1)
    tracker = await store.retrieve(sender)
    for new in [ActionExecuted("action_session_start"), SessionStarted(),
                ActionExecuted("action_listen"), *a_turn(2)]:
        tracker.update(new)
    await store.save(tracker)
    again = await store.retrieve(sender)
    assert again is not tracker  # the database's reading: the last session only
    assert len(again.events) < len(tracker.events)


async def test_kept_trackers_are_bounded(database: str, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.setattr("bot.tracker_store.KEPT_CONVERSATIONS", 2)
    store = ProjectTrackerStore(DOMAIN, host=database)
    senders = [uuid.uuid4().hex for _ in range(3)]
    for sender in senders:
        await store.create_tracker(sender)
        await a_saved_turn(store, sender, 1)
        await a_saved_turn(store, sender, 2)
    assert list(store._kept) == senders[1:]


def test_sqlite_connections_are_kept_and_synchronous_fits_the_file(tmp_path: Path) -> None:
    main = f"sqlite:///{tmp_path / 'assistant.sqlite3'}"
    try:
        for url, level in ((main, 2), (conversations_url(main), 1)):  # FULL, NORMAL
            engine = get_engine(url)
            with engine.connect() as connection:
                assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
                assert connection.execute(text("PRAGMA synchronous")).scalar_one() == level
                first = connection.connection.dbapi_connection
            with engine.connect() as connection:
                assert connection.connection.dbapi_connection is first  # the same, kept
    finally:
        forget_engine(main)
        forget_engine(conversations_url(main))
