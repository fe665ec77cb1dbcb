"""What every action needs: the appointment book, the municipality and a way to speak."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from assistant.appointments import AppointmentBook, BookedAppointment, describe
from assistant.handover import HandoverQueue, queue_for
from assistant.messages import (
    N_,
    button,
    message,
    msg,
    with_appointments_button,
    with_calendar,
)
from assistant.policy import Policy, load_policy, read_vocabulary
from assistant.policy.citation import cite
from assistant.policy.models import DocumentSpec
from assistant.policy.municipality import Municipality, load_municipality
from assistant.settings import get_settings
from assistant.storage import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)
TURN_ID_KEY = "turn_id"  # set by bot/gateway.py in every message's metadata
MAX_TURN_ID_CHARS = 64


def municipality() -> Municipality:
    return load_municipality(get_settings().municipality_dir)


def current_policy() -> Policy:
    """The policy in force today (national layer plus this municipality's overrides)."""
    settings = get_settings()
    return _policy_on(settings.policy_dir, settings.municipality, date.today())


def cited(*sources: str) -> str:
    """Sources as a resident reads them: a policy document by its title, not its number."""
    return cite(sources, _documents(get_settings().policy_dir))


@lru_cache(maxsize=2)
def _documents(policy_dir: Path) -> dict[str, DocumentSpec]:
    return read_vocabulary(policy_dir).documents


@lru_cache(maxsize=2)
def _policy_on(policy_dir: Path, municipality_code: str, day: date) -> Policy:
    return load_policy(policy_dir, municipality_code, on=day)


def local_zone() -> ZoneInfo:
    return ZoneInfo(municipality().timezone)


@lru_cache(maxsize=1)
def appointment_book() -> AppointmentBook:
    return AppointmentBook.from_settings(get_settings())


@lru_cache(maxsize=1)
def handover_queue() -> HandoverQueue:
    return queue_for(get_settings().database_url)


def say(dispatcher: CollectingDispatcher, key: str, buttons: list[dict] | None = None,
        **args) -> None:
    """Send one catalog message; the gateway renders it in the user's language."""
    dispatcher.utter_message(json_message=message(key, buttons, **args))


def say_with_calendar(dispatcher: CollectingDispatcher, key: str,
                      appointment: BookedAppointment, buttons: list[dict] | None = None,
                      cancelled: bool = False) -> None:
    """A catalog message about one appointment (its team, time, place and reference), which
    the front ends follow with its calendar file."""
    said = message(key, buttons, **appointment_args(appointment))
    dispatcher.utter_message(json_message=with_calendar(said, appointment.reference,
                                                        cancelled))


def team_name(team_code: str) -> dict:
    return msg(municipality().team(team_code).name_key)


def appointment_args(appointment: BookedAppointment) -> dict:
    """The arguments every message about one appointment uses."""
    return describe(appointment, municipality())


def main_menu_buttons() -> list[dict]:
    return [
        button("menu.book_appointment", "/book_appointment"),
        button("menu.list_appointments", "/list_appointments"),
        button("menu.request_human", "/request_human"),
    ]


def turn_id(tracker: Tracker) -> str | None:
    """The idempotency key the gateway gave this turn: a booking, move or cancellation made
    under it is made once, however often the turn is sent."""
    metadata = tracker.latest_message.get("metadata") or {}
    value = metadata.get(TURN_ID_KEY) if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= MAX_TURN_ID_CHARS else None


Run = Callable[[Any, CollectingDispatcher, Tracker, DomainDict], Awaitable[list[EventType]]]


def _guarded(run: Run) -> Run:
    @functools.wraps(run)
    async def guarded(self: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: DomainDict) -> list[EventType]:
        try:
            return await run(self, dispatcher, tracker, domain)
        except DATABASE_UNAVAILABLE:
            logger.exception("database unavailable in %s", type(self).__name__)
            dispatcher.utter_message(
                json_message=with_appointments_button(N_("error.database_unavailable")))
            return self.events_when_database_unavailable(tracker)
    return guarded


class DatabaseGuard:
    """Mixed into every action that uses the database (before its Action base class): when
    the database is down or kept busy too long, the person hears so in their language and is
    sent to 'Mijn afspraken', instead of the action failing and the turn going silent."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "run" in cls.__dict__:  # an action's own run: guard it too
            cls.run = _guarded(cls.__dict__["run"])

    async def _base_run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> list[EventType]:
        return await super().run(dispatcher, tracker, domain)  # type: ignore[misc]

    run = _guarded(_base_run)  # a form validation's run, inherited from rasa_sdk

    def events_when_database_unavailable(self, tracker: Tracker) -> list[EventType]:
        """A form's validation forgets what it was checking, so the form asks it again."""
        if isinstance(self, FormValidationAction):
            return [SlotSet(name, None) for name in tracker.slots_to_validate()]
        return []


def language_of(tracker: Tracker) -> str:
    """The person's language: the front end sends it with every message."""
    metadata = tracker.latest_message.get("metadata") or {}
    return metadata.get("language") or tracker.get_slot("language") or "nl"


def latest_topic(tracker: Tracker) -> str | None:
    """The last topic the person asked about in this conversation (an intent the
    municipality's topic map knows), for the staff console's appointment list."""
    topics = municipality().topics
    for event in reversed(tracker.events):
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if event.get("event") == "user" and intent in topics:
            return intent
    return None
