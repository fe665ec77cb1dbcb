"""Handing a resident over to a person: the queue behind it, as an interface.

``HandoverQueue`` is what the assistant and the staff console use; ``DatabaseQueue`` keeps
the queue in our own database. A municipality whose contact centre has its own queue
implements the same protocol against that system and names it in ``queue_for``.

Requests join the team's queue with their language, topic and what the assistant
collected; a medewerker takes one, and the resident and the medewerker then exchange lines
(``Line``) until the medewerker hands back to the assistant or closes it. Delivering the
lines at once (the web chat, Telegram) is bot/live.py's part.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

from sqlalchemy import delete, select, update

from assistant.storage import HandoverRequest, LiveMessage, session_scope, utc_now

WAITING, TAKEN, CLOSED = "waiting", "taken", "closed"
NO_ONE = "no_one"  # closed_reason: nobody took it in time; a call-back was offered
OPEN = (WAITING, TAKEN)
RESIDENT, STAFF, NOTICE = "resident", "staff", "notice"  # who wrote a line
MAX_LINE_CHARS = 2000
# What the handover action adds to its message when the request joined a queue: the gateway
# then listens for the medewerker (bot/live.py).
QUEUED_MARK = "handover_ticket"


@dataclass(frozen=True)
class Ticket:
    id: int
    owner_id: str
    channel: str
    team_code: str
    language: str
    topic: str | None
    collected: dict[str, str]
    status: str
    requested_at: datetime
    taken_by: str | None


@dataclass(frozen=True)
class Line:
    """One line of a live conversation; a notice is a catalog id for the resident."""

    id: int
    ticket_id: int
    author: str
    text: str
    key: str | None
    args: dict[str, str]
    staff_name: str | None
    created_at: datetime


class HandoverQueue(Protocol):
    def request(self, owner_id: str, channel: str, team_code: str, language: str,
                topic: str | None, collected: dict[str, str]) -> Ticket:
        """Join the team's queue; a resident with an open request keeps that one (updated)."""

    def open_tickets(self, team_codes: frozenset[str] | None) -> list[Ticket]:
        """Waiting and taken requests of these teams (None: every team), oldest first."""

    def find(self, ticket_id: int) -> Ticket | None: ...

    def take(self, ticket_id: int, staff_email: str) -> Ticket | None:
        """Assign a waiting request; None when someone else took it first."""

    def close(self, ticket_id: int) -> Ticket | None: ...

    def give_up(self, ticket: Ticket, key: str, args: dict) -> Line | None:
        """Nobody took this waiting request in time: close it (reason ``NO_ONE``) and add the
        notice for the resident, at once (whoever sees it closed sees the notice too); None
        when it was taken or closed meanwhile."""

    def add_line(self, ticket: Ticket, author: str, text: str = "", key: str | None = None,
                 args: dict[str, str] | None = None, staff_name: str | None = None) -> Line:
        """Keep one line of the live conversation (a resident's, a medewerker's, a notice)."""

    def lines(self, ticket_id: int, after: int = 0) -> list[Line]:
        """The ticket's lines after line ``after``, oldest first."""

    def lines_of(self, owner_id: str, after: int = 0) -> list[Line]:
        """The lines of all of a resident's tickets after line ``after``, oldest first."""

    def forget(self, owner_id: str) -> int:
        """Erasure: delete the resident's requests and lines; returns how many requests."""


class DatabaseQueue:
    """The handover queue in our own database."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def request(self, owner_id: str, channel: str, team_code: str, language: str,
                topic: str | None, collected: dict[str, str]) -> Ticket:
        with session_scope(self.database_url) as session:
            row = session.execute(
                select(HandoverRequest).where(HandoverRequest.owner_id == owner_id,
                                              HandoverRequest.status.in_(OPEN))
                .order_by(HandoverRequest.id)).scalars().first()
            if row is None:
                row = HandoverRequest(owner_id=owner_id, channel=channel, status=WAITING)
                session.add(row)
            row.team_code, row.language = team_code, language
            row.topic = topic or row.topic
            row.collected = json.dumps(collected, ensure_ascii=False, sort_keys=True)
            session.flush()
            return _ticket(row)

    def open_tickets(self, team_codes: frozenset[str] | None) -> list[Ticket]:
        with session_scope(self.database_url) as session:
            query = select(HandoverRequest).where(HandoverRequest.status.in_(OPEN))
            if team_codes is not None:
                query = query.where(HandoverRequest.team_code.in_(sorted(team_codes)))
            rows = session.execute(query.order_by(HandoverRequest.requested_at,
                                                  HandoverRequest.id)).scalars()
            return [_ticket(row) for row in rows]

    def find(self, ticket_id: int) -> Ticket | None:
        with session_scope(self.database_url) as session:
            row = session.get(HandoverRequest, ticket_id)
            return _ticket(row) if row is not None else None

    def take(self, ticket_id: int, staff_email: str) -> Ticket | None:
        with session_scope(self.database_url) as session:
            # one UPDATE that only a waiting request matches: two takers, one wins
            taken = session.execute(
                update(HandoverRequest)
                .where(HandoverRequest.id == ticket_id, HandoverRequest.status == WAITING)
                .values(status=TAKEN, taken_by=staff_email, taken_at=utc_now()))
            if taken.rowcount != 1:
                return None
            return _ticket(session.get(HandoverRequest, ticket_id))

    def close(self, ticket_id: int) -> Ticket | None:
        with session_scope(self.database_url) as session:
            row = session.get(HandoverRequest, ticket_id)
            if row is None or row.status == CLOSED:
                return None
            row.status, row.closed_at = CLOSED, utc_now()
            return _ticket(row)

    def give_up(self, ticket: Ticket, key: str, args: dict) -> Line | None:
        with session_scope(self.database_url) as session:
            # one UPDATE that only a still waiting request matches: a take at the same moment
            # wins or loses as a whole
            closed = session.execute(
                update(HandoverRequest)
                .where(HandoverRequest.id == ticket.id, HandoverRequest.status == WAITING)
                .values(status=CLOSED, closed_at=utc_now(), closed_reason=NO_ONE))
            if closed.rowcount != 1:
                return None
            row = LiveMessage(ticket_id=ticket.id, owner_id=ticket.owner_id, author=NOTICE,
                              text="", key=key, args=json.dumps(args, ensure_ascii=False))
            session.add(row)
            session.flush()
            return _line(row)

    def add_line(self, ticket: Ticket, author: str, text: str = "", key: str | None = None,
                 args: dict[str, str] | None = None, staff_name: str | None = None) -> Line:
        with session_scope(self.database_url) as session:
            row = LiveMessage(ticket_id=ticket.id, owner_id=ticket.owner_id, author=author,
                              text=text[:MAX_LINE_CHARS], key=key,
                              args=json.dumps(args or {}, ensure_ascii=False),
                              staff_name=staff_name)
            session.add(row)
            session.flush()
            return _line(row)

    def lines(self, ticket_id: int, after: int = 0) -> list[Line]:
        with session_scope(self.database_url) as session:
            rows = session.execute(select(LiveMessage).where(
                LiveMessage.ticket_id == ticket_id, LiveMessage.id > after)
                .order_by(LiveMessage.id)).scalars()
            return [_line(row) for row in rows]

    def lines_of(self, owner_id: str, after: int = 0) -> list[Line]:
        with session_scope(self.database_url) as session:
            rows = session.execute(select(LiveMessage).where(
                LiveMessage.owner_id == owner_id, LiveMessage.id > after)
                .order_by(LiveMessage.id)).scalars()
            return [_line(row) for row in rows]

    def forget(self, owner_id: str) -> int:
        with session_scope(self.database_url) as session:
            session.execute(delete(LiveMessage).where(LiveMessage.owner_id == owner_id))
            return session.execute(delete(HandoverRequest).where(
                HandoverRequest.owner_id == owner_id)).rowcount


def queue_for(database_url: str) -> HandoverQueue:
    """The queue this installation uses (only our own database, for now)."""
    return DatabaseQueue(database_url)


def _ticket(row: HandoverRequest) -> Ticket:
    return Ticket(row.id, row.owner_id, row.channel, row.team_code, row.language, row.topic,
                  json.loads(row.collected or "{}"), row.status,
                  row.requested_at.replace(tzinfo=timezone.utc), row.taken_by)


def _line(row: LiveMessage) -> Line:
    return Line(row.id, row.ticket_id, row.author, row.text, row.key,
                json.loads(row.args or "{}"), row.staff_name,
                row.created_at.replace(tzinfo=timezone.utc))
