"""Figures for the insight page: what residents asked and how the assistant did, from Rasa's
conversations (its ``events`` table, read with plain SQL so the web server needs no Rasa) and
from our own tables (appointments, handover and call-back requests, questions marked as
training material, residents' feedback on answers). Every figure is a ``Table``: the page
draws it (SVG, bot/staff/charts.py) and offers it as CSV. Residents' words appear only as
Rasa stored them (after the gateway replaced personal data) or, for remarks on answers,
as stored after the same replacement.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from assistant.feedback import UP, FeedbackStore, Given
from assistant.handover import NO_ONE
from assistant.settings import conversations_url
from assistant.storage import (
    Appointment,
    CallbackRequest,
    HandoverRequest,
    TrainingExample,
    get_engine,
    session_scope,
    to_db_time,
    utc_now,
)

PERIODS = (7, 30, 90)  # days to choose from
FALLBACK_INTENT = "nlu_fallback"
HANDOVER_INTENT = "request_human"
# Turns that say nothing about what a resident needs.
SOCIAL_INTENTS = {"greet", "goodbye", "affirm", "deny", "thank", "choose_language",
                  FALLBACK_INTENT}
NOT_UNDERSTOOD_SHOWN = 50
REMARKS_SHOWN = 50
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: str  # the CSV's name and the page's anchor
    columns: tuple[str, ...]  # staff.po ids of the column headings
    rows: list[tuple]


@dataclass(frozen=True)
class UserTurn:
    sender_id: str
    day: date
    intent: str | None
    language: str
    text: str


@dataclass(frozen=True)
class Insight:
    days: int
    conversations_per_day: Table
    languages: Table
    topics: Table
    rates: Table
    not_understood: Table
    bookings: Table
    handovers: Table
    feedback_per_day: Table
    feedback_topics: Table
    feedback_languages: Table
    feedback_remarks: Table


class InsightReader:
    def __init__(self, database_url: str, timezone_name: str) -> None:
        self.database_url = database_url
        self.zone = ZoneInfo(timezone_name)

    def read(self, days: int, now: datetime | None = None) -> Insight:
        since = (now or datetime.now(timezone.utc)) - timedelta(days=days)
        turns = self.user_turns(since)
        first = since.astimezone(self.zone).date()
        given = FeedbackStore(self.database_url).since(since)
        return Insight(days, per_day(turns, first, days), per_language(turns),
                       top_topics(turns), rates(turns, given), self.not_understood(turns),
                       self.bookings(since), self.handovers(since),
                       *self.feedback(given, first, days))

    def feedback(self, given: list[Given], first: date,
                 days: int) -> tuple[Table, Table, Table, Table]:
        """Ratings per day, per topic and per language (with the share positive), and the
        latest remarks (personal data was replaced before they were stored)."""
        by_day: dict[str, Counter] = defaultdict(Counter)
        by_topic: dict[str, Counter] = defaultdict(Counter)
        by_language: dict[str, Counter] = defaultdict(Counter)
        for rating in given:
            day = rating.given_at.astimezone(self.zone).date().isoformat()
            for counts in (by_day[day], by_topic[rating.topic], by_language[rating.language]):
                counts[rating.rating] += 1
        columns = ("staff.insight.col.up", "staff.insight.col.down",
                   "staff.insight.col.positive")

        def counted(counts: Counter) -> tuple:
            return (counts[UP], counts["down"], _percent(counts[UP], counts[UP] + counts["down"]))

        every_day = [(first + timedelta(days=n)).isoformat() for n in range(days + 1)]
        most = sorted(by_topic.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        remarks = [(rating.given_at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M"),
                    rating.language, rating.topic, rating.rating, rating.remark)
                   for rating in reversed(given) if rating.remark][:REMARKS_SHOWN]
        return (
            Table("feedback_per_day", ("staff.insight.col.day", *columns),
                  [(day, *counted(by_day[day])) for day in every_day]),
            Table("feedback_topics", ("staff.insight.col.answer_topic", *columns),
                  [(topic, *counted(counts)) for topic, counts in most]),
            Table("feedback_languages", ("staff.insight.col.language", *columns),
                  [(language, *counted(counts)) for language, counts in sorted(
                      by_language.items(), key=lambda item: (-sum(item[1].values()), item[0]))]),
            Table("feedback_remarks", ("staff.insight.col.when", "staff.insight.col.language",
                                       "staff.insight.col.answer_topic",
                                       "staff.insight.col.rating",
                                       "staff.insight.col.remark"), remarks))

    def user_turns(self, since: datetime) -> list[UserTurn]:
        """What residents typed or pressed since ``since`` (empty when Rasa never ran here)."""
        engine = get_engine(conversations_url(self.database_url))
        if not inspect(engine).has_table("events"):
            return []
        query = text("SELECT sender_id, timestamp, intent_name, data FROM events "
                     "WHERE type_name = 'user' AND timestamp >= :since ORDER BY id")
        try:
            with engine.connect() as connection:
                rows = connection.execute(query, {"since": since.timestamp()}).all()
        except (OperationalError, ProgrammingError):
            return []
        return [self._turn(row) for row in rows]

    def _turn(self, row) -> UserTurn:
        try:
            data = json.loads(row.data or "{}")
        except ValueError:
            data = {}
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        moment = datetime.fromtimestamp(row.timestamp, timezone.utc).astimezone(self.zone)
        return UserTurn(row.sender_id, moment.date(), row.intent_name,
                        str(metadata.get("language") or "?"), str(data.get("text") or ""))

    def not_understood(self, turns: list[UserTurn]) -> Table:
        marked = self.marked_texts()
        rows = [(turn.day.isoformat(), turn.language, turn.text,
                 "ja" if turn.text in marked else "")
                for turn in reversed(turns)
                if turn.intent == FALLBACK_INTENT and turn.text and not turn.text.startswith("/")]
        return Table("not_understood", ("staff.insight.col.day", "staff.insight.col.language",
                                        "staff.insight.col.question",
                                        "staff.insight.col.training"),
                     rows[:NOT_UNDERSTOOD_SHOWN])

    def marked_texts(self) -> set[str]:
        with session_scope(self.database_url) as session:
            return set(session.execute(select(TrainingExample.text)).scalars())

    def mark(self, question: str, language: str, by: str) -> bool:
        """Keep a not-understood question as training material (once)."""
        if not question.strip() or question in self.marked_texts():
            return False
        with session_scope(self.database_url) as session:
            session.add(TrainingExample(text=question[:1000], language=language[:16],
                                        marked_by=by, marked_at=utc_now()))
        return True

    def bookings(self, since: datetime) -> Table:
        counts: dict[str, Counter] = defaultdict(Counter)
        with session_scope(self.database_url) as session:
            rows = session.execute(select(Appointment.team_code, Appointment.cancelled_at,
                                          Appointment.attendance)
                                   .where(Appointment.starts_at >= to_db_time(since))).all()
        for team, cancelled_at, attendance in rows:
            counts[team]["booked"] += 1
            counts[team]["cancelled"] += cancelled_at is not None
            counts[team][attendance or "none"] += cancelled_at is None
        return Table("bookings", ("staff.insight.col.team", "staff.insight.col.booked",
                                  "staff.insight.col.cancelled", "staff.insight.col.arrived",
                                  "staff.insight.col.no_show"),
                     [(team, c["booked"], c["cancelled"], c["arrived"], c["no_show"])
                      for team, c in sorted(counts.items())])

    def handovers(self, since: datetime) -> Table:
        waits: dict[str, list[float]] = defaultdict(list)
        asked: Counter = Counter()
        with session_scope(self.database_url) as session:
            requests = session.execute(select(HandoverRequest.team_code,
                                              HandoverRequest.requested_at,
                                              HandoverRequest.taken_at,
                                              HandoverRequest.closed_reason)
                                       .where(HandoverRequest.requested_at
                                              >= to_db_time(since))).all()
            callbacks = Counter(session.execute(
                select(CallbackRequest.team_code)
                .where(CallbackRequest.requested_at >= to_db_time(since))).scalars())
        no_one: Counter = Counter()
        for team, requested_at, taken_at, closed_reason in requests:
            asked[team] += 1
            no_one[team] += closed_reason == NO_ONE
            if taken_at is not None:
                waits[team].append((taken_at - requested_at).total_seconds() / 60)
        teams = sorted(set(asked) | set(callbacks))
        return Table("handovers", ("staff.insight.col.team", "staff.insight.col.requests",
                                   "staff.insight.col.taken", "staff.insight.col.wait_median",
                                   "staff.insight.col.wait_longest",
                                   "staff.insight.col.not_taken",
                                   "staff.insight.col.callbacks"),
                     [(team, asked[team], len(waits[team]), _minutes(waits[team], median=True),
                       _minutes(waits[team], median=False), no_one[team], callbacks[team])
                      for team in teams])


def per_day(turns: list[UserTurn], first: date, days: int) -> Table:
    senders: dict[date, set[str]] = defaultdict(set)
    for turn in turns:
        senders[turn.day].add(turn.sender_id)
    every_day = [first + timedelta(days=n) for n in range(days + 1)]
    return Table("conversations_per_day", ("staff.insight.col.day",
                                           "staff.insight.col.conversations"),
                 [(day.isoformat(), len(senders[day])) for day in every_day])


def per_language(turns: list[UserTurn]) -> Table:
    languages: dict[str, set[str]] = defaultdict(set)
    for turn in turns:
        languages[turn.language].add(turn.sender_id)
    return Table("languages", ("staff.insight.col.language", "staff.insight.col.conversations"),
                 sorted(((language, len(senders)) for language, senders in languages.items()),
                        key=lambda row: (-row[1], row[0])))


def top_topics(turns: list[UserTurn], limit: int = 10) -> Table:
    counted = Counter(turn.intent for turn in turns
                      if turn.intent and turn.intent not in SOCIAL_INTENTS)
    return Table("topics", ("staff.insight.col.topic", "staff.insight.col.questions"),
                 counted.most_common(limit))


def rates(turns: list[UserTurn], given: list[Given] = ()) -> Table:
    """Share of residents' messages the assistant did not understand, of conversations
    that asked for a person, and of the ratings of answers that were positive."""
    conversations = {turn.sender_id for turn in turns}
    handover = {turn.sender_id for turn in turns if turn.intent == HANDOVER_INTENT}
    typed = [turn for turn in turns if not turn.text.startswith("/")]
    fallback = sum(turn.intent == FALLBACK_INTENT for turn in typed)
    positive = sum(rating.rating == UP for rating in given)
    return Table("rates", ("staff.insight.col.measure", "staff.insight.col.count",
                           "staff.insight.col.of", "staff.insight.col.percent"),
                 [("staff.insight.rate.fallback", fallback, len(typed),
                   _percent(fallback, len(typed))),
                  ("staff.insight.rate.handover", len(handover), len(conversations),
                   _percent(len(handover), len(conversations))),
                  ("staff.insight.rate.positive", positive, len(given),
                   _percent(positive, len(given)))])


def as_csv(table: Table, heading: Callable[[str], str],
           cell: Callable[[str, object], str]) -> str:
    """The table as CSV with Dutch headings and labels; a cell that a spreadsheet would take
    for a formula (a resident's question starting with =, +, - or @) is quoted as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading(column) for column in table.columns])
    for row in table.rows:
        values = [cell(column, value) for column, value in zip(table.columns, row, strict=True)]
        writer.writerow(["'" + value if value[:1] in FORMULA_STARTS else value
                         for value in values])
    return out.getvalue()


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}".replace(".", ",") if whole else "–"


def _minutes(values: list[float], median: bool) -> str:
    if not values:
        return "–"
    value = statistics.median(values) if median else max(values)
    return f"{value:.0f}"
