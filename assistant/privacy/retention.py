"""Retention: what we keep about people is deleted when its period is over (README: Privacy).

- A conversation (Rasa's tracker events: what was typed and answered, in the web chat and on
  Telegram; a reloaded web page shows it again from there), ``CONVERSATION_RETENTION_DAYS``
  (30) after its last message.
- A person's profile (their language) the same period after their last message and last
  change, unless they still have an appointment to come (its reminder is in their language).
- Handover requests (what the assistant collected for a colleague), the lines of a live
  conversation with a colleague, call-back requests (with the phone number) and employer
  leads (with the employer's contact): the same period after they were made.
- Appointments: ``APPOINTMENT_RETENTION_DAYS`` (90) after their date no longer linked to the
  person (owner, language and turn records removed; team, time and attendance stay for the
  municipality's figures).
- Ratings of answers (residents' feedback): the same period after they were given, then
  without owner and remark (rating, day, topic and language stay for the figures).
- The records that make a retried turn act once: after a day; Telegram button tokens: after
  30 days (``ButtonStore``); which buttons a conversation was shown: with the conversation.

Run by the launcher every ``RETENTION_EVERY_MINUTES`` and by hand:
``python -m assistant.privacy.retention`` (prints what it deleted).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, exists, inspect, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import InstrumentedAttribute

from assistant.feedback import FeedbackStore
from assistant.settings import Settings, conversations_url, get_settings
from assistant.storage import (
    DATABASE_UNAVAILABLE,
    Appointment,
    ButtonStore,
    CallbackRequest,
    EmployerLead,
    HandoverRequest,
    LiveMessage,
    OfferedButton,
    TurnOutcome,
    UserProfile,
    get_engine,
    session_scope,
    to_db_time,
)

logger = logging.getLogger(__name__)

EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore (bot/tracker_store.py)
ANONYMOUS_OWNER = "anonymised:"  # + the appointment's id: unique, and no one's sender id
TURN_OUTCOME_DAYS = 1


@dataclass(frozen=True)
class Removed:
    conversations: int = 0
    conversation_events: int = 0
    profiles: int = 0
    handover_requests: int = 0
    live_lines: int = 0
    callback_requests: int = 0
    employer_leads: int = 0
    feedback_anonymised: int = 0
    appointments_anonymised: int = 0
    turn_outcomes: int = 0
    buttons: int = 0
    offered_buttons: int = 0


def apply_retention(settings: Settings, now: datetime | None = None) -> Removed:
    """Delete and anonymise everything past its period; returns how much."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=settings.conversation_retention_days)
    conversations, events = delete_old_conversations(
        get_engine(conversations_url(settings.database_url)), cutoff)
    url = settings.database_url
    return Removed(
        conversations=conversations, conversation_events=events,
        profiles=delete_old_profiles(url, cutoff, now),
        handover_requests=delete_old_handover_requests(url, cutoff),
        live_lines=delete_older(url, LiveMessage, LiveMessage.created_at, cutoff),
        callback_requests=delete_older(url, CallbackRequest, CallbackRequest.requested_at,
                                       cutoff),
        employer_leads=delete_older(url, EmployerLead, EmployerLead.created_at, cutoff),
        feedback_anonymised=FeedbackStore(url).anonymise_older(cutoff),
        appointments_anonymised=anonymise_old_appointments(
            url, now - timedelta(days=settings.appointment_retention_days)),
        turn_outcomes=delete_old_turn_outcomes(url, now - timedelta(days=TURN_OUTCOME_DAYS)),
        buttons=ButtonStore(url).prune(now),
        offered_buttons=delete_older(url, OfferedButton, OfferedButton.offered_at, cutoff))


def delete_old_conversations(engine: Engine, cutoff: datetime) -> tuple[int, int]:
    """Every event of each conversation whose last event is older than ``cutoff``; returns
    (conversations, events). Rasa's timestamps are seconds since 1970."""
    if not inspect(engine).has_table(EVENTS_TABLE):
        return 0, 0
    old = text(f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id "
               "HAVING MAX(timestamp) < :cutoff")
    with engine.begin() as connection:
        senders = [row[0] for row in connection.execute(old, {"cutoff": cutoff.timestamp()})]
        removed = 0
        for sender in senders:  # one by one: a list of thousands would not fit one statement
            removed += connection.execute(
                text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :sender"),
                {"sender": sender}).rowcount
    return len(senders), removed


def last_message_times(engine: Engine) -> dict[str, float]:
    if not inspect(engine).has_table(EVENTS_TABLE):
        return {}
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT sender_id, MAX(timestamp) FROM {EVENTS_TABLE} "
                                       "GROUP BY sender_id"))
        return {sender: float(latest or 0) for sender, latest in rows}


def delete_old_profiles(url: str, cutoff: datetime, now: datetime) -> int:
    """Profiles unchanged since ``cutoff``, without a later message and without an
    appointment to come."""
    recent = {sender for sender, latest in
              last_message_times(get_engine(conversations_url(url))).items()
              if latest >= cutoff.timestamp()}
    coming = exists().where(Appointment.owner_id == UserProfile.sender_id,
                            Appointment.cancelled_at.is_(None),
                            Appointment.starts_at >= to_db_time(now))
    with session_scope(url) as session:
        candidates = session.execute(
            select(UserProfile.sender_id).where(UserProfile.updated_at < to_db_time(cutoff),
                                                ~coming)).scalars().all()
        old = [sender for sender in candidates if sender not in recent]
        for sender in old:
            session.execute(delete(UserProfile).where(UserProfile.sender_id == sender))
        return len(old)


def delete_old_handover_requests(url: str, cutoff: datetime) -> int:
    return delete_older(url, HandoverRequest, HandoverRequest.requested_at, cutoff)


def delete_older(url: str, table: type, moment: InstrumentedAttribute,
                 cutoff: datetime) -> int:
    """Rows of ``table`` whose ``moment`` is before ``cutoff``."""
    with session_scope(url) as session:
        return session.execute(delete(table).where(moment < to_db_time(cutoff))).rowcount


def anonymise_old_appointments(url: str, cutoff: datetime) -> int:
    """Appointments that ended before ``cutoff``: no owner, no language any more."""
    with session_scope(url) as session:
        rows = session.execute(select(Appointment.id, Appointment.reference).where(
            Appointment.ends_at < to_db_time(cutoff),
            ~Appointment.owner_id.startswith(ANONYMOUS_OWNER))).all()
        for row_id, reference in rows:
            session.execute(update(Appointment).where(Appointment.id == row_id).values(
                owner_id=f"{ANONYMOUS_OWNER}{row_id}", language=None))
            session.execute(delete(TurnOutcome).where(TurnOutcome.reference == reference))
        return len(rows)


def delete_old_turn_outcomes(url: str, cutoff: datetime) -> int:
    with session_scope(url) as session:
        return session.execute(delete(TurnOutcome).where(
            TurnOutcome.created_at < to_db_time(cutoff))).rowcount


async def keep_applying(settings: Settings) -> None:
    """The launcher's job: now, then every ``retention_every_minutes``; a database that is
    down is tried again next time."""
    while True:
        try:
            removed = await asyncio.to_thread(apply_retention, settings)
            logger.info("retention applied: %s", asdict(removed))
        except DATABASE_UNAVAILABLE as error:
            logger.error("retention not applied, database unavailable: %s",
                         type(error).__name__)
        await asyncio.sleep(settings.retention_every_minutes * 60)


def main() -> int:
    settings = get_settings()
    removed = apply_retention(settings)
    for name, count in asdict(removed).items():
        print(f"{name.replace('_', ' ')}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
