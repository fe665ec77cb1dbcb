"""What we keep about one person (their right of access, AVG art. 15), in the chat and as a
download: the profile (language), appointments, handover requests and the conversation as Rasa
keeps it (what they typed, already without personal data, and what the assistant answered).

Read straight from the databases, so the web chat and Telegram show the same, and the action
server (the overview message) and the gateway (the download) agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from sqlalchemy import inspect, select, text

from assistant.settings import Settings, conversations_url
from assistant.storage import (
    Appointment,
    CallbackRequest,
    EmployerLead,
    HandoverRequest,
    LiveMessage,
    ResidentFeedback,
    UserProfile,
    from_db_time,
    get_engine,
    session_scope,
)

EVENTS_TABLE = "events"
# Slots that only steer the dialogue: not something the person told us.
_DIALOGUE_SLOTS = {"requested_slot", "offered_times", "confirmed", "session_started_metadata"}
DOWNLOAD_PAYLOAD = "/download_my_data"  # the front ends answer it themselves (not Rasa)
DOWNLOAD_FILE_NAME = "my-data.json"


@dataclass
class Overview:
    sender_id: str
    language: str | None = None
    profile_since: str | None = None
    appointments: list[dict] = field(default_factory=list)
    handover_requests: list[dict] = field(default_factory=list)
    live_conversation: list[dict] = field(default_factory=list)  # with a colleague
    callback_requests: list[dict] = field(default_factory=list)
    employer_leads: list[dict] = field(default_factory=list)
    ratings_of_answers: list[dict] = field(default_factory=list)  # residents' feedback
    conversation: list[dict] = field(default_factory=list)
    answers: dict[str, object] = field(default_factory=dict)

    @property
    def messages_from_person(self) -> int:
        return sum(1 for entry in self.conversation if entry["from"] == "you")

    @property
    def active_appointments(self) -> int:
        return sum(1 for a in self.appointments if a["status"] == "booked")


def overview_of(sender_id: str, settings: Settings,
                render: Callable[[dict], str] | None = None) -> Overview:
    """Everything stored under ``sender_id``; ``render`` turns a bot message (catalog id and
    arguments) into the text the person saw."""
    overview = Overview(sender_id)
    with session_scope(settings.database_url) as session:
        profile = session.get(UserProfile, sender_id)
        if profile is not None:
            overview.language = profile.language
            overview.profile_since = _iso(profile.created_at)
        overview.appointments = [_appointment(row) for row in session.execute(
            select(Appointment).where(Appointment.owner_id == sender_id)
            .order_by(Appointment.starts_at)).scalars()]
        overview.handover_requests = [_handover(row) for row in session.execute(
            select(HandoverRequest).where(HandoverRequest.owner_id == sender_id)
            .order_by(HandoverRequest.requested_at)).scalars()]
        overview.live_conversation = [
            {"time": _iso(row.created_at), "from": row.author,
             "text": row.text or row.key, "colleague": row.staff_name}
            for row in session.execute(select(LiveMessage).where(
                LiveMessage.owner_id == sender_id).order_by(LiveMessage.id)).scalars()]
        overview.callback_requests = [
            {"team": row.team_code, "phone": row.phone, "when": row.moment,
             "requested_at": _iso(row.requested_at), "done_at": _iso(row.done_at)}
            for row in session.execute(select(CallbackRequest).where(
                CallbackRequest.owner_id == sender_id)).scalars()]
        overview.employer_leads = [
            {"check": row.check_id, "contact": row.contact, "status": row.status,
             "answers": json.loads(row.summary or "[]"), "made_at": _iso(row.created_at)}
            for row in session.execute(select(EmployerLead).where(
                EmployerLead.owner_id == sender_id)).scalars()]
        overview.ratings_of_answers = [
            {"given_at": _iso(row.given_at), "answer_about": row.topic,
             "rating": "helpful" if row.rating == "up" else "not helpful",
             "remark": row.remark}
            for row in session.execute(select(ResidentFeedback).where(
                ResidentFeedback.owner_id == sender_id)
                .order_by(ResidentFeedback.given_at)).scalars()]
    _read_conversation(overview, settings, render)
    return overview


def _read_conversation(overview: Overview, settings: Settings,
                       render: Callable[[dict], str] | None) -> None:
    engine = get_engine(conversations_url(settings.database_url))
    if not inspect(engine).has_table(EVENTS_TABLE):
        return
    with engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT data FROM {EVENTS_TABLE} WHERE sender_id = :sender ORDER BY id"),
            {"sender": overview.sender_id})
        for (data,) in rows:
            _add_event(overview, json.loads(data), render)


def _add_event(overview: Overview, event: dict, render: Callable[[dict], str] | None) -> None:
    kind, at = event.get("event"), _time(event.get("timestamp"))
    if kind == "user" and not str(event.get("text") or "").startswith("/"):
        overview.conversation.append({"time": at, "from": "you", "text": event.get("text")})
    elif kind == "user":  # a button they pressed
        overview.conversation.append({"time": at, "from": "you", "button": event.get("text")})
    elif kind == "bot":
        custom = (event.get("data") or {}).get("custom")
        if isinstance(custom, dict) and "key" in custom:
            shown = render(custom) if render else custom["key"]
            overview.conversation.append({"time": at, "from": "assistant", "text": shown})
    elif kind == "slot" and event.get("name") not in _DIALOGUE_SLOTS:
        if event.get("value") is None:
            overview.answers.pop(event.get("name"), None)
        else:
            overview.answers[event["name"]] = event["value"]


def _appointment(row: Appointment) -> dict:
    status = "cancelled" if row.cancelled_at else "booked"
    return {"reference": row.reference, "team": row.team_code, "starts": _iso(row.starts_at),
            "ends": _iso(row.ends_at), "location": row.location, "topic": row.topic,
            "language": row.language, "status": status, "booked_at": _iso(row.created_at)}


def _handover(row: HandoverRequest) -> dict:
    return {"team": row.team_code, "language": row.language, "topic": row.topic,
            "what_the_assistant_passed_on": json.loads(row.collected or "{}"),
            "status": row.status, "requested_at": _iso(row.requested_at)}


def _iso(stored: datetime | None) -> str | None:
    return from_db_time(stored).isoformat(timespec="seconds") if stored else None


def _time(timestamp: object) -> str | None:
    if not isinstance(timestamp, int | float):
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


def download(overview: Overview, settings: Settings) -> bytes:
    """The download: everything in ``overview`` and how long each part is kept, as JSON."""
    content = {
        "what": "Everything the assistant keeps about you (AVG/GDPR art. 15)",
        "made_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "kept_for": {
            "conversation_and_language": f"{settings.conversation_retention_days} days after "
                                         "your last message",
            "appointments": f"{settings.appointment_retention_days} days after their date, "
                            "then no longer linked to you",
            "requests_for_a_colleague_and_call_backs":
                f"{settings.conversation_retention_days} days",
            "ratings_of_answers": f"{settings.conversation_retention_days} days, then no "
                                  "longer linked to you and without your remark",
        },
        **asdict(overview),
    }
    return json.dumps(content, ensure_ascii=False, indent=2).encode("utf-8")
