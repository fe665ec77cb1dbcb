"""Offering free times as buttons, understanding the time someone picks or types, and what
they hear when the chosen time cannot be booked: one implementation for booking and moving."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import appointment_book, language_of, local_zone, say, team_name
from assistant.appointments import (
    AppointmentNotFound,
    BookingError,
    SlotInPast,
    SlotTaken,
    TooManyAppointments,
    TooManyBookings,
)
from assistant.messages import N_, button, short_when
from assistant.settings import get_settings
from assistant.typed_answers import declines, ordinal_in, without_what_one_cannot
from assistant.when_parser import parse_when

SEARCH_DEPTH = 80  # free slots looked at when filtering on a preferred day or time


@dataclass(frozen=True)
class TimeChoice:
    moment: datetime | None = None
    # {"day": "2026-11-24", "at": "10:00", "afternoon": true, "week": "2026-11-30"}
    preference: dict | None = None
    problem: str | None = None      # catalog key explaining why no time was chosen


def offer_times(dispatcher: CollectingDispatcher, team_code: str | None,
                preference: dict | None, context: dict[str, str] | None = None) -> list[EventType]:
    """Show the next free times (on the preferred day or time when there is one). Each button
    also carries ``context`` (the team, or the appointment being moved), so a time pressed
    after the conversation expired, the next day on Telegram, still books or moves it."""
    if not team_code:
        say(dispatcher, "booking.ask_team_first")
        return []
    book = appointment_book()
    limit = get_settings().slots_offered
    after = _start_of_preferred_day(preference)
    candidates = book.free_slots(team_code, after=after, limit=SEARCH_DEPTH)
    chosen = [m for m in candidates if _matches(m, preference)][:limit]
    if preference and not chosen:
        say(dispatcher, "booking.no_times_as_preferred")
        chosen = next((nearby for nearby in (
            [m for m in candidates if _matches(m, relaxed)][:limit]
            for relaxed in _relaxed(preference)) if nearby), [])
        chosen = chosen or book.free_slots(team_code, limit=limit)
    if not chosen:
        say(dispatcher, "booking.no_free_times", [button("menu.request_human", "/request_human")],
            team=team_name(team_code))
        return [SlotSet("offered_times", [])]
    buttons = [button("booking.time_button", time_payload(m, context), when=short_when(m))
               for m in chosen]
    say(dispatcher, "booking.ask_time", buttons, team=team_name(team_code))
    return [SlotSet("offered_times", [m.isoformat() for m in chosen])]


def time_payload(moment: datetime, context: dict[str, str] | None) -> str:
    entities = {"appointment_time": moment.isoformat(), **(context or {})}
    return "/inform" + json.dumps(entities, separators=(",", ":"))


def understand_time(value: Any, team_code: str | None, offered: list[str] | None,
                    preference: dict | None = None, language: str = "nl") -> TimeChoice:
    """A pressed button (ISO time), a position in the list ("de tweede", "другий"), or a
    typed day and time. A time typed after a narrowed day ("dinsdagmiddag", then "14:00")
    is on that day."""
    if not isinstance(value, str) or not value.strip() or not team_code:
        return TimeChoice(problem=N_("booking.time_not_understood"))
    pressed = _iso_moment(value)
    if pressed is not None:
        return _check_free(team_code, pressed)
    zone = local_zone()
    today = datetime.now(zone).date()
    wanted = without_what_one_cannot(value, language)
    typed = parse_when(wanted, today)
    if wanted != value and typed.day is None and typed.at is None:
        # "dinsdag kan ik niet" and no other day: ask for another
        return TimeChoice(problem=NONE_SUITS, preference=preference)
    position = typed.ordinal
    if position is None and typed.day is None and typed.at is None:
        position = ordinal_in(value, language)
    if position is not None and offered:
        index = position - 1 if position > 0 else len(offered) + position
        if 0 <= index < len(offered):
            return _check_free(team_code, datetime.fromisoformat(offered[index]))
    day, week = typed.day, typed.week
    if day is None and week is None and (typed.at is not None or typed.afternoon is not None):
        day = _preferred_day(preference)  # the day narrowed to before still holds
        week = _preferred_week(preference)  # or the week ("volgende week", then "middag")
    if day is not None and day < today:
        return TimeChoice(problem=N_("booking.date_in_past"))
    if day is not None and typed.at is not None:
        return _check_free(team_code, datetime.combine(day, typed.at, tzinfo=zone))
    if typed.understood:
        return TimeChoice(preference=_preference(day, typed.at, typed.afternoon, week))
    # "nee", "weet ik niet": say how to ask another day or stop, not "not understood" again
    if declines(value, language):
        return TimeChoice(problem=NONE_SUITS, preference=preference)
    # What was narrowed to before ("dinsdagochtend") still holds when the answer is unclear.
    return TimeChoice(problem=N_("booking.time_not_understood"), preference=preference)


NONE_SUITS = N_("booking.no_time_suits")


def typed_preference(text: str) -> dict | None:
    """A day or time typed before a time was asked ("tomorrow afternoon" as the answer to
    "with whom?"): kept for when the times are offered; None when it names no day or time."""
    typed = parse_when(text, datetime.now(local_zone()).date())
    if typed.day is None and typed.at is None and typed.afternoon is None and typed.week is None:
        return None
    return _preference(typed.day, typed.at, typed.afternoon, typed.week)


def _preferred_day(preference: dict | None) -> date | None:
    if not preference or not preference.get("day"):
        return None
    return date.fromisoformat(preference["day"])


def _preferred_week(preference: dict | None) -> date | None:
    """The Monday of the week asked for ("volgende week", "next week", "الأسبوع القادم")."""
    if not preference or not preference.get("week"):
        return None
    return date.fromisoformat(preference["week"])


def opened_by_latest_message(tracker: Tracker) -> bool:
    """Whether a form's validation runs for the message that activates it: Rasa then sends
    the new loop with that message as its trigger (or, in some paths, no loop yet)."""
    loop = tracker.active_loop or {}
    if not loop.get("name"):
        return True
    trigger = loop.get("trigger_message") or {}
    latest = tracker.latest_message or {}
    return bool(trigger.get("message_id")) and trigger.get("message_id") == latest.get(
        "message_id")


class TimeInTheOpeningMessage:
    """Mixed into the booking and the moving form's validation: a day or time in the message
    that opened the form ("kan ik mijn afspraak verzetten naar vrijdag?", "morgenmiddag een
    afspraak bij de klantmanager") narrows the times offered, as if typed when they were."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)  # type: ignore[misc]
        if not opened_by_latest_message(tracker):
            return events  # the form is running: this message answers its question
        text = str(tracker.latest_message.get("text") or "")
        if text.startswith("/") or tracker.get_slot("time_preference"):
            return events  # a button says no day; a preference already holds
        # "ik kan maandag niet, kan het later?": not Monday's times
        preference = typed_preference(without_what_one_cannot(text, language_of(tracker)))
        return [*events, SlotSet("time_preference", preference)] if preference else events


class AppointmentTimeValidation:
    """``validate_appointment_time`` of the booking and the reschedule form (one for both)."""

    async def validate_appointment_time(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        choice = await asyncio.to_thread(understand_time, value, tracker.get_slot("team"),
                                         tracker.get_slot("offered_times"),
                                         tracker.get_slot("time_preference"),
                                         language_of(tracker))
        return choice_to_slots(choice, dispatcher)


def choice_to_slots(choice: TimeChoice, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """Turn what was understood of a typed or pressed time into slot values and feedback."""
    if choice.moment is not None:
        return {"appointment_time": choice.moment.isoformat(), "time_preference": None}
    if choice.problem == NONE_SUITS:
        say(dispatcher, choice.problem, [button("button.stop", "/stop")])
    elif choice.problem:
        say(dispatcher, choice.problem)
    return {"appointment_time": None, "time_preference": choice.preference}


LIST_BUTTON = button("menu.list_appointments", "/list_appointments")
CHOOSE_AGAIN = {"appointment_time": None, "confirmed": None, "offered_times": None}


def explain_booking_error(error: BookingError, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """Why a booking or a move did not go ahead, and the slots that send the person back to
    the step to redo: the same message for the same reason in both forms."""
    if isinstance(error, AppointmentNotFound):
        say(dispatcher, "appointments.not_found")
        return {"appointment_reference": None, "confirmed": None}
    # A cap per person (assistant/appointments.py): another time would not help.
    if isinstance(error, TooManyAppointments):
        say(dispatcher, "limits.too_many_appointments", [LIST_BUTTON],
            limit=get_settings().max_active_appointments)
        return {"confirmed": False}
    if isinstance(error, TooManyBookings):
        say(dispatcher, "limits.too_many_bookings", [LIST_BUTTON],
            limit=get_settings().bookings_per_hour)
        return {"confirmed": False}
    if isinstance(error, SlotTaken):
        say(dispatcher, "booking.slot_just_taken")
    elif isinstance(error, SlotInPast):
        say(dispatcher, "booking.time_passed")
    else:
        say(dispatcher, "booking.time_not_offered")
    return dict(CHOOSE_AGAIN)


def _check_free(team_code: str, moment: datetime) -> TimeChoice:
    if moment < datetime.now(moment.tzinfo):
        return TimeChoice(problem=N_("booking.date_in_past"))
    next_free = appointment_book().free_slots(team_code, after=moment, limit=1)
    if next_free and next_free[0] == moment:
        return TimeChoice(moment=moment)
    return TimeChoice(problem=N_("booking.time_not_free"),
                      preference=_preference(moment.astimezone(local_zone()).date(), None, None))


def _preference(day: date | None, at: time | None, afternoon: bool | None,
                week: date | None = None) -> dict:
    preference = {"day": day.isoformat() if day else None,
                  "at": at.strftime("%H:%M") if at else None,
                  "afternoon": afternoon}
    if week is not None and day is None:  # "volgende week": any day of that week
        preference["week"] = week.isoformat()
    return preference


def _relaxed(preference: dict) -> list[dict]:
    """What comes nearest when nothing is free as asked ("volgende week dinsdag", then "in de
    ochtend"): the same time of day on the days after, then any time on that day; after
    "volgende week", then "middag": any time in that week."""
    if preference.get("at") is None and preference.get("afternoon") is None:
        return []
    if preference.get("week"):
        return [{**preference, "at": None, "afternoon": None}]
    if not preference.get("day"):
        return []
    return [{**preference, "day": None}, {**preference, "at": None, "afternoon": None}]


def _start_of_preferred_day(preference: dict | None) -> datetime | None:
    day = _preferred_day(preference) or _preferred_week(preference)
    return None if day is None else datetime.combine(day, time(0), tzinfo=local_zone())


def _matches(moment: datetime, preference: dict | None) -> bool:
    if not preference:
        return True
    local = moment.astimezone(local_zone())
    if preference.get("day") and local.date().isoformat() != preference["day"]:
        return False
    week = _preferred_week(preference)
    if week is not None and not week <= local.date() < week + timedelta(days=7):
        return False
    if preference.get("at") and local.strftime("%H:%M") != preference["at"]:
        return False
    afternoon = preference.get("afternoon")
    return afternoon is None or (local.hour >= 12) == afternoon


def _iso_moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=local_zone())


__all__ = ["AppointmentTimeValidation", "TimeChoice", "TimeInTheOpeningMessage",
           "choice_to_slots", "explain_booking_error", "offer_times", "time_payload",
           "typed_preference", "understand_time"]
