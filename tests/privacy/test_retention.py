"""Retention with a moved clock, on SQLite and PostgreSQL: conversations in Rasa's own tracker
store (written and read back by the tracker store Rasa runs), profiles, handover requests,
appointments and turn records."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import inspect, select, text

from assistant.appointments import AppointmentBook
from assistant.feedback import FeedbackStore
from assistant.handover import DatabaseQueue
from assistant.policy.municipality import Municipality
from assistant.privacy.retention import ANONYMOUS_OWNER, apply_retention
from assistant.settings import PROJECT_ROOT, Settings, conversations_url, load_settings
from assistant.storage import (
    Appointment,
    CallbackRequest,
    EmployerLead,
    HandoverRequest,
    LiveMessage,
    ProfileStore,
    TurnOutcome,
    UserProfile,
    get_engine,
    session_scope,
    to_db_time,
)
from bot.tracker_store import ProjectTrackerStore

DAY = 86400.0


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain"))


@pytest.fixture
def settings(database_url: str) -> Iterator[Settings]:
    yield replace(load_settings(), database_url=database_url, conversation_retention_days=30,
                  appointment_retention_days=90)
    engine = get_engine(conversations_url(database_url))
    if inspect(engine).has_table("events"):
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM events"))


def conversation(sender: str, at: float) -> DialogueStateTracker:
    """A short conversation whose messages were sent at ``at`` (seconds since 1970)."""
    events = [ActionExecuted("action_listen", timestamp=at),
              UserUttered("ik wil bijstand aanvragen", {"name": "ask_bijstand"}, timestamp=at),
              BotUttered(data={"custom": {"key": "bijstand.intro"}}, timestamp=at + 1)]
    return DialogueStateTracker.from_events(sender, events)


async def store(settings: Settings, domain: Domain, *trackers: DialogueStateTracker) -> None:
    tracker_store = ProjectTrackerStore(domain, host=conversations_url(settings.database_url))
    for tracker in trackers:
        await tracker_store.save(tracker)


async def stored(settings: Settings, domain: Domain, sender: str) -> int:
    tracker_store = ProjectTrackerStore(domain, host=conversations_url(settings.database_url))
    tracker = await tracker_store.retrieve_full_tracker(sender)
    return len(tracker.events) if tracker else 0


async def test_a_conversation_is_deleted_30_days_after_its_last_message(
        settings: Settings, domain: Domain) -> None:
    now = time.time()
    await store(settings, domain, conversation("web:old", now - 31 * DAY),
                conversation("telegram:42", now - 31 * DAY),
                conversation("web:recent", now - 29 * DAY))
    # A conversation that began long ago but went on yesterday is kept whole.
    going_on = conversation("telegram:7", now - 40 * DAY)
    going_on.update(UserUttered("nog een vraag", timestamp=now - DAY))
    await store(settings, domain, going_on)

    removed = apply_retention(settings)

    assert removed.conversations == 2 and removed.conversation_events == 6
    assert await stored(settings, domain, "web:old") == 0
    assert await stored(settings, domain, "telegram:42") == 0
    assert await stored(settings, domain, "web:recent") == 3
    assert await stored(settings, domain, "telegram:7") == 4
    # The clock moved on: now the recent one is past its period too.
    later = datetime.now(timezone.utc) + timedelta(days=2)
    assert apply_retention(settings, later).conversations == 1
    assert await stored(settings, domain, "web:recent") == 0


async def test_profiles_go_with_the_conversation_unless_an_appointment_is_to_come(
        settings: Settings, domain: Domain, midden_drenthe: Municipality) -> None:
    profiles = ProfileStore(settings.database_url)
    for sender in ("web:gone", "telegram:1", "telegram:2"):
        profiles.save(sender, sender.split(":")[0], language="uk")
    book = AppointmentBook(midden_drenthe, settings.database_url)
    team = next(iter(midden_drenthe.teams))
    slot = book.free_slots(team)[0]
    book.book("telegram:2", team, slot)

    # 31 days on: no message since from web:gone; telegram:1 wrote today (then), telegram:2
    # has an appointment still to come (its reminder is in their language).
    later = datetime.now(timezone.utc) + timedelta(days=31)
    await store(settings, domain, conversation("telegram:1", later.timestamp()))
    with session_scope(settings.database_url) as session:
        slot_time = to_db_time(later + timedelta(days=1))
        session.execute(Appointment.__table__.update().values(
            starts_at=slot_time, ends_at=slot_time + timedelta(minutes=30)))
    removed = apply_retention(settings, later)

    assert removed.profiles == 1
    assert profiles.get("web:gone") is None
    assert profiles.get("telegram:1").language == "uk"
    assert profiles.get("telegram:2").language == "uk"
    with session_scope(settings.database_url) as session:
        assert sorted(session.execute(select(UserProfile.sender_id)).scalars()) == [
            "telegram:1", "telegram:2"]


def test_appointments_are_anonymised_90_days_after_their_date(
        settings: Settings, midden_drenthe: Municipality) -> None:
    book = AppointmentBook(midden_drenthe, settings.database_url)
    team = next(iter(midden_drenthe.teams))
    first, second = book.free_slots(team)[:2]
    booked = book.book("telegram:5", team, first, turn_id="turn-1", language="ti",
                       topic="bijstand")
    book.book("web:abc", team, second)

    assert apply_retention(settings, first + timedelta(days=89)).appointments_anonymised == 0
    removed = apply_retention(settings, second + timedelta(days=91))

    assert removed.appointments_anonymised == 2
    assert book.upcoming("telegram:5", now=first - timedelta(days=1)) == []
    with session_scope(settings.database_url) as session:
        rows = session.execute(select(Appointment).order_by(Appointment.starts_at)).scalars().all()
        assert [row.owner_id.startswith(ANONYMOUS_OWNER) for row in rows] == [True, True]
        assert rows[0].reference == booked.reference and rows[0].topic == "bijstand"
        assert rows[0].language is None
        assert session.execute(select(TurnOutcome)).scalars().all() == []
    assert apply_retention(settings, second + timedelta(days=92)).appointments_anonymised == 0


def test_handover_requests_and_turn_records_are_deleted_after_their_period(
        settings: Settings) -> None:
    queue = DatabaseQueue(settings.database_url)
    ticket = queue.request("web:abc", "web", "werk-en-inkomen", "ar", "bijstand", {"age": "30"})
    queue.add_line(ticket, "resident", "ik heb een vraag over mijn uitkering")
    with session_scope(settings.database_url) as session:
        session.add(CallbackRequest(owner_id="web:abc", channel="web", team_code="klantmanager",
                                    language="ar", phone="+31612345678", moment="asap"))
        session.add(EmployerLead(owner_id="web:abc", channel="web", language="nl",
                                 check_id="no_riskpolis", contact="info@bakkerij.nl"))
    feedback = FeedbackStore(settings.database_url)
    feedback.give("web:abc", "web", "ar", "answer-0001", "policy.bbz", "down")
    feedback.add_remark("web:abc", "answer-0001", "te ingewikkeld")
    with session_scope(settings.database_url) as session:
        session.add(TurnOutcome(turn_id="t1", owner_id="web:abc", operation="book",
                                reference="ABC123"))
    now = datetime.now(timezone.utc)

    kept = apply_retention(settings, now + timedelta(days=29))
    assert kept.handover_requests == 0 and kept.turn_outcomes == 1
    assert (kept.live_lines, kept.callback_requests, kept.feedback_anonymised) == (0, 0, 0)
    removed = apply_retention(settings, now + timedelta(days=31))
    assert (removed.handover_requests, removed.live_lines, removed.callback_requests,
            removed.employer_leads) == (1, 1, 1, 1)
    with session_scope(settings.database_url) as session:
        for table in (HandoverRequest, LiveMessage, CallbackRequest, EmployerLead):
            assert session.execute(select(table)).scalars().all() == []
    # the rating stays for the figures, without its owner and remark
    assert removed.feedback_anonymised == 1
    [rating] = feedback.since(now - timedelta(days=1))
    assert (rating.owner_id, rating.remark, rating.rating, rating.topic) == (
        None, None, "down", "policy.bbz")


def test_the_command_prints_what_it_deleted(settings: Settings, monkeypatch, capsys) -> None:
    from assistant.privacy import retention
    from assistant.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        assert retention.main() == 0
    finally:
        get_settings.cache_clear()
    printed = capsys.readouterr().out
    assert "conversations: 0" in printed and "appointments anonymised: 0" in printed
