"""Call-back requests: outside a team's opening hours a resident who wants a person may leave
a phone number and a moment; the request is a task for the team in the staff console.

The phone number never reaches Rasa (the gateway replaces phone numbers before Rasa sees a
message): bot/callback.py asks for it in the gateway itself and stores it here. It is kept
only until a medewerker marks the call done, and is erased with the person's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import phonenumbers
from sqlalchemy import delete, select

from assistant.storage import CallbackRequest, session_scope, utc_now

MOMENTS = ("asap", "morning", "afternoon")
PHONE_REGION = "NL"  # a number typed without +31 is Dutch


@dataclass(frozen=True)
class CallBack:
    id: int
    owner_id: str
    channel: str
    team_code: str
    language: str
    phone: str | None
    moment: str
    requested_at: datetime
    done_at: datetime | None
    done_by: str | None


def phone_number_in(text: str) -> str | None:
    """The first valid phone number in ``text`` (E.164), or None."""
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION):
        if phonenumbers.is_valid_number(match.number):
            return phonenumbers.format_number(match.number,
                                              phonenumbers.PhoneNumberFormat.E164)
    return None


def readable_phone(e164: str) -> str:
    """A stored number as a person reads it (06 12345678 in the Netherlands)."""
    number = phonenumbers.parse(e164, PHONE_REGION)
    if phonenumbers.region_code_for_number(number) == PHONE_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class CallBacks:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def request(self, owner_id: str, channel: str, team_code: str, language: str, phone: str,
                moment: str) -> CallBack:
        if moment not in MOMENTS:
            raise ValueError(f"unknown moment {moment!r}")
        with session_scope(self.database_url) as session:
            row = CallbackRequest(owner_id=owner_id, channel=channel, team_code=team_code,
                                  language=language, phone=phone, moment=moment)
            session.add(row)
            session.flush()
            return _callback(row)

    def open_requests(self, team_codes: frozenset[str] | None) -> list[CallBack]:
        """Calls still to make for these teams (None: every team), oldest first."""
        with session_scope(self.database_url) as session:
            query = select(CallbackRequest).where(CallbackRequest.done_at.is_(None))
            if team_codes is not None:
                query = query.where(CallbackRequest.team_code.in_(sorted(team_codes)))
            rows = session.execute(query.order_by(CallbackRequest.requested_at,
                                                  CallbackRequest.id)).scalars()
            return [_callback(row) for row in rows]

    def find(self, callback_id: int) -> CallBack | None:
        with session_scope(self.database_url) as session:
            row = session.get(CallbackRequest, callback_id)
            return _callback(row) if row is not None else None

    def done(self, callback_id: int, staff_email: str) -> CallBack | None:
        """The call was made: the number is deleted. None when it was done already."""
        with session_scope(self.database_url) as session:
            row = session.get(CallbackRequest, callback_id)
            if row is None or row.done_at is not None:
                return None
            row.done_at, row.done_by, row.phone = utc_now(), staff_email, None
            return _callback(row)

    def forget(self, owner_id: str) -> int:
        with session_scope(self.database_url) as session:
            return session.execute(delete(CallbackRequest).where(
                CallbackRequest.owner_id == owner_id)).rowcount


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment is not None else None


def _callback(row: CallbackRequest) -> CallBack:
    return CallBack(row.id, row.owner_id, row.channel, row.team_code, row.language, row.phone,
                    row.moment, _aware(row.requested_at), _aware(row.done_at), row.done_by)
