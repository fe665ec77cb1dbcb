"""Booking an appointment: the booking form, its questions and its outcome.

The booking itself happens when the person confirms (in ``validate_confirmed``), so a
time that was taken a moment earlier sends them straight back to choosing a time.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    DatabaseGuard,
    appointment_book,
    language_of,
    latest_topic,
    municipality,
    say,
    say_with_calendar,
    turn_id,
)
from actions.common import team_name as team_label
from actions.time_choice import (
    AppointmentTimeValidation,
    TimeInTheOpeningMessage,
    explain_booking_error,
    offer_times,
    typed_preference,
)
from actions.typed import TypedConfirmation, TypedTeam
from assistant.appointments import BookingError
from assistant.messages import N_, button, when

FORM_SLOTS_TO_CLEAR = ("team", "appointment_time", "time_preference", "offered_times",
                       "confirmed", "booked_reference")


class AskTeam(Action):
    """Which team: one button per team of this municipality."""

    def name(self) -> str:
        return "action_ask_team"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        buttons = [button(team.name_key, f'/inform{{"team":"{code}"}}')
                   for code, team in municipality().teams.items()]
        say(dispatcher, "booking.ask_team", buttons)
        return []


class AskAppointmentTime(DatabaseGuard, Action):
    """The next free times of the chosen team as buttons."""

    def name(self) -> str:
        return "action_ask_appointment_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        return await asyncio.to_thread(offer_times, dispatcher, tracker.get_slot("team"),
                                       tracker.get_slot("time_preference"),
                                       time_button_context(tracker))


def time_button_context(tracker: Tracker) -> dict[str, str]:
    """What a time button must carry to be understood without this form's slots: the
    appointment being moved, or the team to book with (nlu_data/rules/appointments.yml)."""
    reference, team = tracker.get_slot("appointment_reference"), tracker.get_slot("team")
    loop = (tracker.active_loop or {}).get("name")
    moving = loop == "reschedule_form" or (loop != "booking_form" and reference)
    if moving:
        return {"appointment_reference": reference} if reference else {}
    return {"team": team} if team else {}


class AskBookingConfirmation(Action):
    """Repeat what will be booked and ask for a yes."""

    def name(self) -> str:
        return "action_ask_booking_form_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        team_code = tracker.get_slot("team")
        start = datetime.fromisoformat(tracker.get_slot("appointment_time"))
        say(dispatcher, "booking.ask_confirm", yes_no_buttons(),
            team=team_label(team_code), when=when(start),
            location=municipality().team(team_code).location)
        return []


class ValidateBookingForm(DatabaseGuard, TimeInTheOpeningMessage, TypedTeam, TypedConfirmation,
                          AppointmentTimeValidation, FormValidationAction):
    def name(self) -> str:
        return "validate_booking_form"

    async def validate_team(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if isinstance(value, str) and value in municipality().teams:
            return {"team": value}
        if isinstance(value, str) and (preference := typed_preference(value)) is not None:
            # "tomorrow afternoon" before the team: kept for the times, the teams asked again
            say(dispatcher, "booking.time_noted_team_first")
            return {"team": None, "time_preference": preference}
        say(dispatcher, "booking.unknown_team")
        return {"team": None}

    async def validate_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is not True:
            return {"confirmed": False}
        start = datetime.fromisoformat(tracker.get_slot("appointment_time"))
        try:
            booked = await asyncio.to_thread(
                appointment_book().book, tracker.sender_id, tracker.get_slot("team"), start,
                turn_id=turn_id(tracker), language=language_of(tracker),
                topic=latest_topic(tracker))
        except BookingError as error:
            return explain_booking_error(error, dispatcher)
        return {"confirmed": True, "booked_reference": booked.reference}


class BookingDone(DatabaseGuard, Action):
    """The end of the booking form: the confirmation with reference, or nothing booked."""

    def name(self) -> str:
        return "action_booking_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        reference = tracker.get_slot("booked_reference")
        mine = await asyncio.to_thread(appointment_book().upcoming, tracker.sender_id)
        booked = next((a for a in mine if a.reference == reference), None)
        if tracker.get_slot("confirmed") and booked is not None:
            say_with_calendar(dispatcher, N_("booking.confirmed"), booked,
                              [button("menu.list_appointments", "/list_appointments")])
        else:
            team = tracker.get_slot("team")
            say(dispatcher, "booking.not_booked",
                [button("booking.choose_other_time", f'/book_appointment{{"team":"{team}"}}')])
        return [SlotSet(slot, None) for slot in FORM_SLOTS_TO_CLEAR]


def yes_no_buttons() -> list[dict]:
    return [button("button.yes", "/affirm"), button("button.no", "/deny")]
