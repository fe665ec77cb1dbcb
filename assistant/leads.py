"""Employer leads: an employer who did an intake and agreed to be contacted becomes a lead for
the werkgeversservicepunt, with a status the desk keeps up to date.

The contact (a phone number or an e-mail address) is asked by the gateway itself
(bot/lead.py), so Rasa never sees it; it is erased with the person's data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select

from assistant.storage import EmployerLead, session_scope, utc_now

STATUSES = ("new", "contacted", "placed", "closed")


@dataclass(frozen=True)
class Lead:
    id: int
    owner_id: str
    channel: str
    language: str
    check_id: str
    summary: list[list]  # [[label id, value id with args, or plain value], ...]
    fits: list[str]  # provision title ids
    contact: str
    status: str
    created_at: datetime
    updated_by: str | None


class Leads:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def add(self, owner_id: str, channel: str, language: str, check_id: str,
            summary: list, fits: list[str], contact: str) -> Lead:
        with session_scope(self.database_url) as session:
            row = EmployerLead(owner_id=owner_id, channel=channel, language=language,
                               check_id=check_id[:64], contact=contact[:254], status="new",
                               summary=json.dumps(summary, ensure_ascii=False),
                               fits=json.dumps(fits, ensure_ascii=False))
            session.add(row)
            session.flush()
            return _lead(row)

    def all(self) -> list[Lead]:
        """Every lead, open ones (new, contacted) first, newest first within."""
        with session_scope(self.database_url) as session:
            rows = list(session.execute(select(EmployerLead)
                                        .order_by(EmployerLead.created_at.desc())).scalars())
            leads = [_lead(row) for row in rows]
        return sorted(leads, key=lambda lead: lead.status not in ("new", "contacted"))

    def set_status(self, lead_id: int, status: str, by: str) -> Lead | None:
        if status not in STATUSES:
            raise ValueError(status)
        with session_scope(self.database_url) as session:
            row = session.get(EmployerLead, lead_id)
            if row is None:
                return None
            row.status, row.updated_at, row.updated_by = status, utc_now(), by
            return _lead(row)

    def forget(self, owner_id: str) -> int:
        with session_scope(self.database_url) as session:
            return session.execute(delete(EmployerLead).where(
                EmployerLead.owner_id == owner_id)).rowcount


def _lead(row: EmployerLead) -> Lead:
    return Lead(row.id, row.owner_id, row.channel, row.language, row.check_id,
                json.loads(row.summary or "[]"), json.loads(row.fits or "[]"), row.contact,
                row.status, row.created_at.replace(tzinfo=timezone.utc), row.updated_by)
