"""Persistence: every table and the engine in one module (SQLAlchemy 1.4, 2.0-style API).

SQLite is the embedded default; PostgreSQL works the same through ``DATABASE_URL``.
Times are stored as naive UTC so both databases compare them identically.
"""

from __future__ import annotations

import hashlib
import threading
from base64 import b32encode
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import PurePath

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import (
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

from assistant.privacy.files import owner_only_file
from assistant.settings import CONVERSATIONS_SUFFIX, sqlite_file

Base = declarative_base()

# The database is down, unreachable, or kept busy past our limit (a lock held too long):
# whoever meets one of these tells the person so, and the next request simply tries again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)
# How long a statement may wait for a lock another transaction holds before it gives up.
LOCK_WAIT_SECONDS = 60
# Kept SQLite connections per process (the threads that run database work are fewer).
SQLITE_POOL_SIZE = 8
SQLITE_POOL_OVERFLOW = 8


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_db_time(moment: datetime) -> datetime:
    """Aware datetime -> naive UTC for storage."""
    if moment.tzinfo is None:
        raise ValueError("store only timezone-aware moments")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def from_db_time(stored: datetime) -> datetime:
    return stored.replace(tzinfo=timezone.utc)


class UserProfile(Base):
    """What we keep per person: their choices, not their conversation."""

    __tablename__ = "user_profiles"

    sender_id = Column(String(128), primary_key=True)
    channel = Column(String(32), nullable=False)
    language = Column(String(16), nullable=True)
    role = Column(String(32), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utc_now)
    updated_at = Column(DateTime, nullable=False, default=utc_now, onupdate=utc_now)


class Appointment(Base):
    __tablename__ = "appointments"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    owner_id = Column(String(128), nullable=False, index=True)
    team_code = Column(String(64), nullable=False)
    starts_at = Column(DateTime, nullable=False)
    ends_at = Column(DateTime, nullable=False)
    seat = Column(Integer, nullable=False, default=1)
    location = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utc_now)
    cancelled_at = Column(DateTime, nullable=True)
    reminded_at = Column(DateTime, nullable=True)
    # What the staff console shows and records (empty for bookings made before it existed).
    topic = Column(String(64), nullable=True)
    language = Column(String(16), nullable=True)
    attendance = Column(String(16), nullable=True)  # arrived, no_show
    cancelled_by = Column(String(254), nullable=True)  # a staff member's e-mail; empty: resident
    # Raised at every move: the SEQUENCE of the appointment's calendar event (.ics), so a
    # calendar replaces the event it has instead of adding a second one.
    revision = Column(Integer, nullable=False, default=0, server_default="0")

    __table_args__ = (
        # The guarantee against double booking: one active appointment per team, time and seat.
        Index(
            "uq_active_appointment_seat",
            "team_code", "starts_at", "seat",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
        # One person cannot hold the same slot twice, whatever is retried or sent again.
        Index(
            "uq_active_appointment_owner_slot",
            "owner_id", "team_code", "starts_at",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
    )

    @property
    def start(self) -> datetime:
        return from_db_time(self.starts_at)

    @property
    def end(self) -> datetime:
        return from_db_time(self.ends_at)


class TurnOutcome(Base):
    """What a booking, move or cancellation did, under the id of the turn that asked for it
    (its idempotency key): the same turn sent again gets this outcome instead of acting twice."""

    __tablename__ = "turn_outcomes"

    turn_id = Column(String(64), primary_key=True)
    owner_id = Column(String(128), nullable=False, index=True)
    operation = Column(String(16), nullable=False)  # book, move, cancel
    reference = Column(String(16), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utc_now)


class ButtonPayload(Base):
    """Telegram allows 64 bytes of callback data; we send a short token and keep the payload.
    ``created_at`` is renewed whenever the same button is sent again; old ones are pruned."""

    __tablename__ = "button_payloads"

    token = Column(String(24), primary_key=True)
    payload = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utc_now, index=True)


class StaffAccount(Base):
    """A municipality employee: a beheerder, or a medewerker of one or more teams."""

    __tablename__ = "staff_accounts"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    role = Column(String(16), nullable=False)  # beheerder, medewerker
    password_hash = Column(String(200), nullable=False)
    totp_secret = Column(String(64), nullable=False)
    totp_enrolled_at = Column(DateTime, nullable=True)  # until then the login enrols by QR
    last_totp_counter = Column(Integer, nullable=True)  # a code is accepted only once
    created_at = Column(DateTime, nullable=False, default=utc_now)
    disabled_at = Column(DateTime, nullable=True)


class StaffTeamMember(Base):
    __tablename__ = "staff_team_members"

    account_id = Column(Integer, ForeignKey("staff_accounts.id", ondelete="CASCADE"),
                        primary_key=True)
    team_code = Column(String(64), primary_key=True)


class StaffSession(Base):
    """A browser's login, kept on the server; the cookie holds a token whose hash is the key.
    ``verified_at`` is empty until the second factor was given."""

    __tablename__ = "staff_sessions"

    token_hash = Column(String(64), primary_key=True)
    account_id = Column(Integer, ForeignKey("staff_accounts.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utc_now)
    last_seen_at = Column(DateTime, nullable=False, default=utc_now)
    verified_at = Column(DateTime, nullable=True)


class StaffLoginFailure(Base):
    """A wrong password or code, by account and by address, for throttling."""

    __tablename__ = "staff_login_failures"

    id = Column(Integer, primary_key=True)
    key = Column(String(300), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utc_now, index=True)


class StaffAuditEntry(Base):
    """Who opened or changed what, and when (read by beheerders)."""

    __tablename__ = "staff_audit_log"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("staff_accounts.id"), nullable=False, index=True)
    action = Column(String(32), nullable=False)
    subject = Column(String(64), nullable=False)
    team_code = Column(String(64), nullable=True)
    at = Column(DateTime, nullable=False, default=utc_now, index=True)


class TeamSchedule(Base):
    """A team's opening hours, slot length and seats as set in the console; they take
    precedence over municipality.yml. ``opening_hours`` is JSON: weekday -> ["09:00-12:00"]."""

    __tablename__ = "team_schedules"

    team_code = Column(String(64), primary_key=True)
    opening_hours = Column(Text, nullable=False)
    slot_minutes = Column(Integer, nullable=False)
    seats = Column(Integer, nullable=False)
    updated_at = Column(DateTime, nullable=False, default=utc_now)
    updated_by = Column(String(254), nullable=False)


class TeamClosedDay(Base):
    __tablename__ = "team_closed_days"

    id = Column(Integer, primary_key=True)
    team_code = Column(String(64), nullable=False)
    day = Column(Date, nullable=False)
    reason = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utc_now)
    created_by = Column(String(254), nullable=False)

    __table_args__ = (UniqueConstraint("team_code", "day", name="uq_team_closed_day"),)


class HandoverRequest(Base):
    """A resident asked for a person: waiting in the team's queue, taken, or closed."""

    __tablename__ = "handover_requests"

    id = Column(Integer, primary_key=True)
    owner_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    team_code = Column(String(64), nullable=False, index=True)
    language = Column(String(16), nullable=False)
    topic = Column(String(64), nullable=True)
    collected = Column(Text, nullable=False, default="{}")  # JSON: what the assistant knew
    status = Column(String(16), nullable=False, default="waiting")  # waiting, taken, closed
    requested_at = Column(DateTime, nullable=False, default=utc_now, index=True)
    taken_by = Column(String(254), nullable=True)
    taken_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)
    # Why it closed without a medewerker: "no_one" when nobody took it within
    # HANDOVER_WAIT_MINUTES and the resident was offered a call-back instead.
    closed_reason = Column(String(16), nullable=True)



class LiveMessage(Base):
    """One line of a live conversation between a resident and a medewerker: what the resident
    typed (personal data already replaced at the gateway), what the medewerker typed, or a
    notice to the resident (a catalog id, rendered in their language when delivered)."""

    __tablename__ = "live_messages"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, nullable=False, index=True)
    owner_id = Column(String(128), nullable=False, index=True)
    author = Column(String(16), nullable=False)  # resident, staff, notice
    text = Column(Text, nullable=False, default="")
    key = Column(String(64), nullable=True)  # notices: the catalog id
    args = Column(Text, nullable=False, default="{}")  # notices: JSON arguments
    staff_name = Column(String(128), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utc_now)


class CallbackRequest(Base):
    """A resident asked to be called back (outside the team's opening hours): a task for the
    team. The phone number is kept only until a medewerker marks the call done."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    owner_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    team_code = Column(String(64), nullable=False, index=True)
    language = Column(String(16), nullable=False)
    phone = Column(String(32), nullable=True)  # E.164; emptied when done
    moment = Column(String(16), nullable=False)  # asap, morning, afternoon
    requested_at = Column(DateTime, nullable=False, default=utc_now, index=True)
    done_at = Column(DateTime, nullable=True)
    done_by = Column(String(254), nullable=True)


class TrainingExample(Base):
    """A question the assistant did not understand, marked in the console as training
    material (its text as Rasa stored it: personal data already replaced)."""

    __tablename__ = "training_examples"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    language = Column(String(16), nullable=False)
    marked_by = Column(String(254), nullable=False)
    marked_at = Column(DateTime, nullable=False, default=utc_now)


class OfferedButton(Base):
    """A button shown in a conversation: only those are forwarded to Rasa when pressed. Kept
    here, not only in one gateway's memory, so every gateway of the installation agrees."""

    __tablename__ = "offered_buttons"

    sender_id = Column(String(128), primary_key=True)
    payload_hash = Column(String(64), primary_key=True)  # sha256 of the payload
    offered_at = Column(DateTime, nullable=False, default=utc_now, index=True)


class EmployerLead(Base):
    """An employer who did an intake and agreed to be contacted by the werkgeversservicepunt:
    their answers (catalog ids, rendered for staff), what fits, the contact they chose to
    leave, and how far the desk got (new, contacted, placed, closed)."""

    __tablename__ = "employer_leads"

    id = Column(Integer, primary_key=True)
    owner_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    language = Column(String(16), nullable=False)
    check_id = Column(String(64), nullable=False)
    summary = Column(Text, nullable=False, default="[]")  # JSON: [[label id, value], ...]
    fits = Column(Text, nullable=False, default="[]")  # JSON: provision title ids
    contact = Column(String(254), nullable=False)
    status = Column(String(16), nullable=False, default="new")
    created_at = Column(DateTime, nullable=False, default=utc_now, index=True)
    updated_at = Column(DateTime, nullable=True)
    updated_by = Column(String(254), nullable=True)


class ResidentFeedback(Base):
    """A resident's thumbs up or down on one answer of the assistant (``answer_id``: the id
    the gateway gave that answer; once per answer), with an optional remark, personal data
    replaced before it was stored. After the retention period the owner and the remark go;
    the rating, day, topic and language stay for the figures."""

    __tablename__ = "resident_feedback"

    id = Column(Integer, primary_key=True)
    answer_id = Column(String(32), nullable=False, unique=True)
    owner_id = Column(String(128), nullable=True, index=True)  # None: anonymised
    channel = Column(String(32), nullable=False)
    language = Column(String(16), nullable=False)
    topic = Column(String(96), nullable=False)  # what the answer was about (assistant/feedback.py)
    rating = Column(String(8), nullable=False)  # up, down
    remark = Column(Text, nullable=True)
    given_at = Column(DateTime, nullable=False, default=utc_now, index=True)


_engines: dict[str, Engine] = {}
_session_factories: dict[str, sessionmaker] = {}
_engines_lock = threading.Lock()


def get_engine(database_url: str) -> Engine:
    """One engine per database URL per process; the schema brought up to date on first use
    (the launcher migrates before serving; this covers every other process and the tests).
    When the database cannot be reached nothing is kept, so the next call tries again."""
    from assistant.migrations import migrate

    with _engines_lock:
        if database_url not in _engines:
            engine = create_engine_for(database_url)
            try:
                migrate(engine)
            except BaseException:
                engine.dispose()
                raise
            _engines[database_url] = engine
            _session_factories[database_url] = sessionmaker(
                bind=engine, future=True, expire_on_commit=False)
        return _engines[database_url]


def forget_engine(database_url: str) -> None:
    """Close and drop this process's engine for the URL (tests; a database that moved)."""
    with _engines_lock:
        engine = _engines.pop(database_url, None)
        _session_factories.pop(database_url, None)
    if engine is not None:
        engine.dispose()


def create_engine_for(database_url: str) -> Engine:
    """A new engine with our settings: bounded waits, SQLite in WAL mode.

    SQLite connections are kept in a pool and used again (SQLAlchemy 1.4 opens a new one
    for every session of a file database, and each new one runs the pragmas below: about a
    tenth of the gateway's time under load). ``synchronous`` is FULL (every commit on disk
    before it returns) except for Rasa's conversations file (``conversations_url``), where
    NORMAL is enough: in WAL mode a commit then still survives a killed process, and only a
    power cut can lose the last turns, not a booking (those are in the main file)."""
    path = sqlite_file(database_url)
    if path is not None:
        memory = not path
        if not memory:
            # SQLite gives its -wal and -shm files the database file's permissions.
            owner_only_file(path)
        pooling = {} if memory else {"poolclass": QueuePool, "pool_size": SQLITE_POOL_SIZE,
                                     "max_overflow": SQLITE_POOL_OVERFLOW}
        engine = create_engine(database_url, future=True,
                               connect_args={"timeout": LOCK_WAIT_SECONDS,
                                             "check_same_thread": False}, **pooling)
        conversations = not memory and PurePath(path).stem.endswith(CONVERSATIONS_SUFFIX)
        synchronous = "NORMAL" if conversations else "FULL"
        event.listen(engine, "connect", partial(_sqlite_pragmas, synchronous=synchronous))
        return engine
    # Bounded waits: a dead server is noticed within seconds, a held lock within a minute.
    # pool_pre_ping replaces connections that died while the database was down.
    return create_engine(database_url, future=True, pool_pre_ping=True, pool_timeout=10,
                         connect_args={"connect_timeout": 5,
                                       "options": f"-c lock_timeout={LOCK_WAIT_SECONDS}s"})


def _sqlite_pragmas(dbapi_connection, _record, synchronous: str = "FULL") -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def reading(database_url: str) -> Iterator[Connection]:
    """A read-only transaction on a plain connection, for statements built once (Core, no
    ORM objects): the ORM session builds and checks each query anew, several times the
    cost of the read itself. Nothing is written, so it ends without a commit."""
    with get_engine(database_url).connect() as connection:
        yield connection


@contextmanager
def session_scope(database_url: str) -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back on any exception."""
    get_engine(database_url)
    session = _session_factories[database_url]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class ButtonStore:
    """Maps long button payloads to short, stable tokens (the same payload, the same token).

    A button lives ``lifetime`` after it was last sent (pressed later, it says it no longer
    works); expired ones are deleted at most once per ``prune_every``."""

    def __init__(self, database_url: str, lifetime: timedelta = timedelta(days=30),
                 prune_every: timedelta = timedelta(hours=1)) -> None:
        self.database_url = database_url
        self.lifetime = lifetime
        self.prune_every = prune_every
        self._pruned_at: datetime | None = None

    @staticmethod
    def token_for_payload(payload: str) -> str:
        digest = hashlib.sha256(payload.encode("utf-8")).digest()
        return b32encode(digest).decode("ascii")[:20].lower()

    def save(self, payload: str) -> str:
        return self.save_all([payload])[0]

    def save_all(self, payloads: list[str]) -> list[str]:
        """Tokens for all buttons of one message, stored in one transaction."""
        tokens = [self.token_for_payload(payload) for payload in payloads]
        self._prune_if_due()
        try:
            with session_scope(self.database_url) as session:
                known = set(session.execute(select(ButtonPayload.token)
                                            .where(ButtonPayload.token.in_(tokens))).scalars())
                if known:  # sent again: it lives on from now
                    session.execute(update(ButtonPayload)
                                    .where(ButtonPayload.token.in_(known))
                                    .values(created_at=utc_now()))
                for token, payload in dict(zip(tokens, payloads, strict=True)).items():
                    if token not in known:
                        session.add(ButtonPayload(token=token, payload=payload))
        except IntegrityError:
            # Saved at the same moment by another request (same payload, same token):
            # store one by one so the others are not lost.
            for token, payload in zip(tokens, payloads, strict=True):
                self._save_one(token, payload)
        return tokens

    def _save_one(self, token: str, payload: str) -> None:
        try:
            with session_scope(self.database_url) as session:
                if session.get(ButtonPayload, token) is None:
                    session.add(ButtonPayload(token=token, payload=payload))
        except IntegrityError:
            pass

    def payload(self, token: str) -> str | None:
        """The payload of a live button; None when unknown or expired."""
        with session_scope(self.database_url) as session:
            return session.execute(
                select(ButtonPayload.payload).where(
                    ButtonPayload.token == token,
                    ButtonPayload.created_at >= utc_now() - self.lifetime)
            ).scalar_one_or_none()

    def prune(self, now: datetime | None = None) -> int:
        """Delete the buttons not sent for ``lifetime``; returns how many."""
        oldest_kept = (to_db_time(now) if now else utc_now()) - self.lifetime
        with session_scope(self.database_url) as session:
            result = session.execute(delete(ButtonPayload)
                                     .where(ButtonPayload.created_at < oldest_kept))
            return result.rowcount

    def _prune_if_due(self) -> None:
        now = utc_now()
        if self._pruned_at is None or now - self._pruned_at >= self.prune_every:
            self._pruned_at = now
            self.prune()


_CHOSEN_LANGUAGE = select(UserProfile.language).where(UserProfile.sender_id == bindparam("sender"))


class ProfileStore:
    """Per-person preferences (language, role) that survive restarts."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def get(self, sender_id: str) -> UserProfile | None:
        with session_scope(self.database_url) as session:
            return session.get(UserProfile, sender_id)

    def language(self, sender_id: str) -> str | None:
        """The language this person chose, if they did: the web chat asks at every message,
        so with a statement built once (an ORM session was a tenth of the gateway's time)."""
        with reading(self.database_url) as connection:
            return connection.execute(_CHOSEN_LANGUAGE, {"sender": sender_id}).scalar()

    def save(self, sender_id: str, channel: str, *, language: str | None = None,
             role: str | None = None) -> UserProfile:
        with session_scope(self.database_url) as session:
            profile = session.get(UserProfile, sender_id)
            if profile is None:
                profile = UserProfile(sender_id=sender_id, channel=channel)
                session.add(profile)
            if language is not None:
                profile.language = language
            if role is not None:
                profile.role = role
            return profile

    def delete(self, sender_id: str) -> bool:
        with session_scope(self.database_url) as session:
            profile = session.get(UserProfile, sender_id)
            if profile is None:
                return False
            session.delete(profile)
            return True


class OfferedButtons:
    """The buttons each conversation was shown (``OfferedButton``), shared by every gateway."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    @staticmethod
    def digest(payload: str) -> str:
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()

    def remember(self, sender_id: str, payloads: list[str]) -> None:
        digests = sorted({self.digest(payload) for payload in payloads})
        try:
            self._remember(sender_id, digests)
        except IntegrityError:  # the same button at the same moment from another gateway
            self._remember(sender_id, digests)

    def _remember(self, sender_id: str, digests: list[str]) -> None:
        with session_scope(self.database_url) as session:
            known = set(session.execute(select(OfferedButton.payload_hash).where(
                OfferedButton.sender_id == sender_id,
                OfferedButton.payload_hash.in_(digests))).scalars())
            if known:  # shown again: it lives on from now
                session.execute(update(OfferedButton).where(
                    OfferedButton.sender_id == sender_id,
                    OfferedButton.payload_hash.in_(known)).values(offered_at=utc_now()))
            session.add_all(OfferedButton(sender_id=sender_id, payload_hash=digest)
                            for digest in digests if digest not in known)

    def was_offered(self, sender_id: str, payload: str) -> bool:
        with session_scope(self.database_url) as session:
            return session.get(OfferedButton, (sender_id, self.digest(payload))) is not None

    def forget(self, sender_id: str) -> int:
        with session_scope(self.database_url) as session:
            return session.execute(delete(OfferedButton).where(
                OfferedButton.sender_id == sender_id)).rowcount
