"""Residents' feedback: a thumbs up or down on one of the assistant's answers, and after a
thumbs down an optional short remark.

Not every message asks for it: only the end of a turn that answered something (a policy
answer, the outcome of an eligibility check, a booked appointment) and the goodbye
(``topic_of``). The gateway gives such an answer an id and two buttons that carry it
(bot/feedback.py); only buttons the conversation was shown are accepted, and the id is unique
here, so each answer is rated once, by the person it was sent to.

The remark is typed text: personal data is replaced (assistant/privacy/detectors.py) before
it is stored. After ``CONVERSATION_RETENTION_DAYS`` the owner and the remark are removed; the
rating, its day, topic and language stay for the figures (assistant/privacy/retention.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from assistant.privacy.detectors import redact
from assistant.storage import ResidentFeedback, session_scope, to_db_time, utc_now

UP, DOWN = "up", "down"
RATINGS = (UP, DOWN)
MAX_REMARK_CHARS = 500
_ANSWER_ID = re.compile(r"[A-Za-z0-9_-]{8,32}")
_POLICY_DESCRIPTION = re.compile(r"policy\.([a-z0-9_]+)\.description")
_CHECK_TITLE = re.compile(r"check\.([a-z0-9_]+)\.title")
# The last message of a turn that answered something, and what the topic is then called.
POLICY_END = "topic.source_and_next"
CHECK_TITLE = "check.outcome.title"
BOOKED = "booking.confirmed"
GOODBYE = "goodbye"


def valid_answer_id(answer_id: object) -> bool:
    return isinstance(answer_id, str) and _ANSWER_ID.fullmatch(answer_id) is not None


def topic_of(items: list[dict]) -> str | None:
    """What the assistant's answer in one turn (Rasa's messages, catalog ids with their
    arguments) was about, when it is worth asking for feedback on: ``policy.<provision>`` or
    ``topic.<...>`` for a policy answer, ``check.<check>`` for an eligibility outcome,
    ``booking`` for a booked appointment and ``goodbye`` at the end; None for questions,
    menus and everything else (asking after every message would be a nuisance)."""
    keys = [item["custom"].get("key") for item in items
            if isinstance(item, dict) and isinstance(item.get("custom"), dict)]
    customs = [item["custom"] for item in items
               if isinstance(item, dict) and isinstance(item.get("custom"), dict)]
    if POLICY_END in keys:
        first = str(keys[0] or "")
        described = _POLICY_DESCRIPTION.fullmatch(first)
        return f"policy.{described.group(1)}" if described else first[:96] or None
    for custom in customs:
        if custom.get("key") == CHECK_TITLE:
            title = (custom.get("args") or {}).get("title")
            found = _CHECK_TITLE.fullmatch(str(title.get("key"))) if isinstance(
                title, dict) else None
            return f"check.{found.group(1)}" if found else "check"
    if BOOKED in keys:
        return "booking"
    if keys and keys[-1] == GOODBYE:
        return "goodbye"
    return None


@dataclass(frozen=True)
class Given:
    id: int
    answer_id: str
    owner_id: str | None
    channel: str
    language: str
    topic: str
    rating: str
    remark: str | None
    given_at: datetime


class FeedbackStore:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def give(self, owner_id: str, channel: str, language: str, answer_id: str, topic: str,
             rating: str) -> Given | None:
        """Keep a rating; None when this answer was rated already (once per answer)."""
        if rating not in RATINGS or not valid_answer_id(answer_id):
            raise ValueError("not a rating of an answer")
        try:
            with session_scope(self.database_url) as session:
                row = ResidentFeedback(answer_id=answer_id, owner_id=owner_id,
                                       channel=channel[:32], language=language[:16],
                                       topic=topic[:96], rating=rating, given_at=utc_now())
                session.add(row)
                session.flush()
                return _given(row)
        except IntegrityError:
            return None

    def add_remark(self, owner_id: str, answer_id: str, text: str) -> str | None:
        """The remark on the person's own rating, personal data replaced first; returns what
        was stored (None: nothing left to store, or not their rating)."""
        remark = redact(" ".join(text.split())).text[:MAX_REMARK_CHARS].strip()
        if not remark:
            return None
        with session_scope(self.database_url) as session:
            changed = session.execute(update(ResidentFeedback).where(
                ResidentFeedback.answer_id == answer_id,
                ResidentFeedback.owner_id == owner_id,
                ResidentFeedback.remark.is_(None)).values(remark=remark)).rowcount
        return remark if changed == 1 else None

    def of_owner(self, owner_id: str) -> list[Given]:
        with session_scope(self.database_url) as session:
            return [_given(row) for row in session.execute(
                select(ResidentFeedback).where(ResidentFeedback.owner_id == owner_id)
                .order_by(ResidentFeedback.given_at, ResidentFeedback.id)).scalars()]

    def since(self, since: datetime) -> list[Given]:
        """Every rating given since ``since``, oldest first (the insight page)."""
        with session_scope(self.database_url) as session:
            return [_given(row) for row in session.execute(
                select(ResidentFeedback).where(ResidentFeedback.given_at >= to_db_time(since))
                .order_by(ResidentFeedback.given_at, ResidentFeedback.id)).scalars()]

    def forget(self, owner_id: str) -> int:
        """Erasure: the person's ratings and remarks."""
        with session_scope(self.database_url) as session:
            return session.execute(delete(ResidentFeedback).where(
                ResidentFeedback.owner_id == owner_id)).rowcount

    def anonymise_older(self, cutoff: datetime) -> int:
        """Retention: ratings given before ``cutoff`` lose their owner and remark."""
        with session_scope(self.database_url) as session:
            return session.execute(update(ResidentFeedback).where(
                ResidentFeedback.given_at < to_db_time(cutoff),
                ResidentFeedback.owner_id.is_not(None)).values(owner_id=None,
                                                               remark=None)).rowcount


def _given(row: ResidentFeedback) -> Given:
    return Given(row.id, row.answer_id, row.owner_id, row.channel, row.language, row.topic,
                 row.rating, row.remark, row.given_at.replace(tzinfo=timezone.utc))
