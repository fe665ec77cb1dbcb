"""Handing a resident over to a person: the queue behind it, as an interface.

``HandoverQueue`` is what the assistant and the staff console use; ``DatabaseQueue`` keeps
the queue in our own database. A municipality whose contact centre has its own queue
implements the same protocol against that system and names it in ``queue_for``.

This is the first part of the live handover: requests join the team's queue with their
language, topic and what the assistant collected, and staff take and close them. Chatting
with the resident from the console comes next.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

from sqlalchemy import select, update

from assistant.storage import HandoverRequest, session_scope, utc_now

WAITING, TAKEN, CLOSED = "waiting", "taken", "closed"
OPEN = (WAITING, TAKEN)


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


def queue_for(database_url: str) -> HandoverQueue:
    """The queue this installation uses (only our own database, for now)."""
    return DatabaseQueue(database_url)


def _ticket(row: HandoverRequest) -> Ticket:
    return Ticket(row.id, row.owner_id, row.channel, row.team_code, row.language, row.topic,
                  json.loads(row.collected or "{}"), row.status,
                  row.requested_at.replace(tzinfo=timezone.utc), row.taken_by)
