"""Listing, cancelling and moving one's own appointments.

Every lookup goes through the person's own sender id: someone else's reference is
simply "not found", so nobody can see or change another person's appointment. One way in
from an earlier conversation: a web chat conversation ends after an idle hour, and the
next day the resident is someone new to us, so the reference from the confirmation brings
an appointment made in an earlier web conversation into this one (AppointmentBook.claim),
with a few tries per conversation against guessing.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import yes_no_buttons
from actions.common import (
    DatabaseGuard,
    appointment_args,
    appointment_book,
    language_of,
    say,
    say_with_calendar,
    turn_id,
)
from actions.time_choice import (
    AppointmentTimeValidation,
    TimeInTheOpeningMessage,
    explain_booking_error,
    opened_by_latest_message,
)
from actions.typed import TypedConfirmation
from assistant.appointments import (
    AppointmentNotFound,
    BookedAppointment,
    BookingError,
    normalise_reference,
)
from assistant.messages import N_, NP_, button, when
from assistant.typed_answers import declines
from assistant.when_parser import parse_when

REFERENCE_PATTERN = re.compile(r"\b([A-Za-z2-9]{3})-?([A-Za-z2-9]{3})\b")
MAX_REFERENCE_TRIES = 3  # unknown references typed per conversation before we stop looking
NO_REFERENCE = "-"  # the form ends without an appointment (none found, or the person gave up)
MANAGE_SLOTS_TO_CLEAR = ("appointment_reference", "appointment_time", "time_preference",
                         "offered_times", "confirmed", "team")


class ListAppointments(DatabaseGuard, Action):
    """Upcoming appointments of this person, each with buttons to move or cancel it."""

    def name(self) -> str:
        return "action_list_appointments"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        appointments = await upcoming(tracker)
        if not appointments:
            say(dispatcher, "appointments.none", [
                button("menu.book_appointment", "/book_appointment"),
                button("appointments.move", "/reschedule_appointment"),
                button("appointments.cancel", "/cancel_appointment")])
            return []
        say(dispatcher, NP_("appointments.count", "appointments.count"), count=len(appointments))
        for appointment in appointments:
            chosen = f'{{"appointment_reference":"{appointment.reference}"}}'
            say(dispatcher, "appointments.item", [
                button("appointments.move", f"/reschedule_appointment{chosen}"),
                button("appointments.cancel", f"/cancel_appointment{chosen}"),
            ], **appointment_args(appointment))
        return []


class AppointmentsCheckedWhenOpened:
    """Mixed into the cancelling and the moving form's validation: when the form opens, are
    there appointments, and is it clear which one? A reference in the opening message ("kan
    ik XMQ-7VP afzeggen?") from an earlier web conversation brings that appointment here;
    the only one is the one meant, validated like a reference the person named (which also
    keeps its team for the times offered). Without any, the form asks for the reference.
    This was ``action_check_appointments``, an action call of its own (and a prediction)
    before either form; it decided nothing the dialogue needed, both answers led to the form."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if opened_by_latest_message(tracker):
            reference = await the_one_appointment(tracker, dispatcher)
            if reference is not None:
                tracker.slots["appointment_reference"] = reference
                tracker.events.append({"event": "slot", "name": "appointment_reference",
                                       "value": reference, "timestamp": None})
        return await super().run(dispatcher, tracker, domain)  # type: ignore[misc]


async def the_one_appointment(tracker: Tracker, dispatcher: CollectingDispatcher) -> str | None:
    """The reference of the person's only appointment when none was named; an appointment of
    an earlier web conversation named in the message is brought here first."""
    appointments = await upcoming(tracker)
    text = str(tracker.latest_message.get("text") or "")
    if not appointments and not text.startswith("/"):
        claimed = await claim_typed(tracker, text, dispatcher)
        appointments = [claimed] if claimed is not None else []
    if len(appointments) == 1 and not tracker.get_slot("appointment_reference"):
        return appointments[0].reference
    return None


class AskAppointmentReference(DatabaseGuard, Action):
    def name(self) -> str:
        return "action_ask_appointment_reference"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        buttons = [button("appointments.choose_button",
                          f'/inform{{"appointment_reference":"{a.reference}"}}',
                          when=when(a.start), reference=a.reference)
                   for a in await upcoming(tracker)]
        if buttons:
            say(dispatcher, "appointments.ask_which", buttons)
        else:
            say(dispatcher, "appointments.ask_reference_code", [button("button.stop", "/stop")])
        return []


class AskCancelConfirmation(DatabaseGuard, Action):
    def name(self) -> str:
        return "action_ask_cancel_form_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        appointment = await own_appointment(tracker)
        if appointment is not None:
            say(dispatcher, "cancel.ask_confirm", yes_no_buttons(), **appointment_args(appointment))
        return []


class AskRescheduleConfirmation(DatabaseGuard, Action):
    def name(self) -> str:
        return "action_ask_reschedule_form_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        appointment = await own_appointment(tracker)
        new_start = datetime.fromisoformat(tracker.get_slot("appointment_time"))
        if appointment is not None:
            say(dispatcher, "reschedule.ask_confirm", yes_no_buttons(),
                new_when=when(new_start), **appointment_args(appointment))
        return []


class ReferenceValidation:
    """Shared by the cancel and reschedule forms: the reference must be one's own."""

    async def validate_appointment_reference(
            self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> dict[str, Any]:
        mine = await upcoming(tracker)
        chosen = pick_reference(value, mine)
        if chosen is None and isinstance(value, str) and not value.startswith("/"):
            chosen = await claim_typed(tracker, value, dispatcher)
        if chosen is not None:
            return {"appointment_reference": chosen.reference, "team": chosen.team_code}
        if mine:
            say(dispatcher, "appointments.not_found")
            return {"appointment_reference": None}
        return self.no_reference_found(value, dispatcher, tracker)

    def no_reference_found(self, value: Any, dispatcher: CollectingDispatcher,
                           tracker: Tracker) -> dict[str, Any]:
        """No appointment of one's own and no reference we know: try again a few times; after
        "nee"/"weet ik niet" or too many tries, a medewerker can help, and the form ends."""
        gave_up = isinstance(value, str) and declines(value, language_of(tracker))
        if not gave_up and reference_tries(tracker) + 1 < MAX_REFERENCE_TRIES:
            say(dispatcher, "appointments.reference_unknown", [button("button.stop", "/stop")])
            return {"appointment_reference": None}
        say(dispatcher, "appointments.reference_help", [
            button("menu.request_human", "/request_human"),
            button("menu.book_appointment", "/book_appointment")])
        return {slot: NO_REFERENCE if slot != "confirmed" else False
                for slot in self.required_slots_ending_the_form()}

    def required_slots_ending_the_form(self) -> tuple[str, ...]:
        return ("appointment_reference", "confirmed")


class ValidateCancelForm(DatabaseGuard, AppointmentsCheckedWhenOpened, ReferenceValidation,
                         TypedConfirmation, FormValidationAction):
    def name(self) -> str:
        return "validate_cancel_form"

    async def validate_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return {"confirmed": value is True}


class ValidateRescheduleForm(DatabaseGuard, TimeInTheOpeningMessage,
                             AppointmentsCheckedWhenOpened, ReferenceValidation,
                             TypedConfirmation, AppointmentTimeValidation, FormValidationAction):
    def name(self) -> str:
        return "validate_reschedule_form"

    def required_slots_ending_the_form(self) -> tuple[str, ...]:
        return ("appointment_reference", "appointment_time", "confirmed")

    async def validate_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is not True:
            return {"confirmed": False}
        new_start = datetime.fromisoformat(tracker.get_slot("appointment_time"))
        try:
            await asyncio.to_thread(appointment_book().reschedule, tracker.sender_id,
                                    tracker.get_slot("appointment_reference"), new_start,
                                    turn_id=turn_id(tracker))
        except BookingError as error:
            return explain_booking_error(error, dispatcher)
        return {"confirmed": True}


class CancelDone(DatabaseGuard, Action):
    def name(self) -> str:
        return "action_cancel_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        reference = tracker.get_slot("appointment_reference")
        if reference == NO_REFERENCE:
            return clear_slots()  # no appointment was found: the person has heard why
        if not tracker.get_slot("confirmed"):
            say(dispatcher, "cancel.kept", reference=reference)
            return clear_slots()
        try:
            cancelled = await asyncio.to_thread(appointment_book().cancel, tracker.sender_id,
                                                reference, turn_id=turn_id(tracker))
        except AppointmentNotFound:
            say(dispatcher, "appointments.not_found")
            return clear_slots()
        say_with_calendar(dispatcher, N_("cancel.done"), cancelled,
                          [button("menu.book_appointment", "/book_appointment")],
                          cancelled=True)
        return clear_slots()


class RescheduleDone(DatabaseGuard, Action):
    def name(self) -> str:
        return "action_reschedule_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("appointment_reference") == NO_REFERENCE:
            return clear_slots()  # no appointment was found: the person has heard why
        appointment = await own_appointment(tracker)
        if tracker.get_slot("confirmed") and appointment is not None:
            say_with_calendar(dispatcher, N_("reschedule.done"), appointment)
        else:
            say(dispatcher, "reschedule.kept", reference=tracker.get_slot("appointment_reference"))
        return clear_slots()


async def upcoming(tracker: Tracker) -> list[BookedAppointment]:
    """This person's upcoming appointments, read in a worker thread (never on the loop)."""
    return await asyncio.to_thread(appointment_book().upcoming, tracker.sender_id)


async def own_appointment(tracker: Tracker) -> BookedAppointment | None:
    reference = tracker.get_slot("appointment_reference")
    return next((a for a in await upcoming(tracker)
                 if reference and a.reference == normalise_reference(reference)), None)


async def claim_typed(tracker: Tracker, text: str,
                      dispatcher: CollectingDispatcher) -> BookedAppointment | None:
    """The first reference in ``text`` that names an appointment of an earlier web
    conversation, brought into this one, and the person told which one it is; nothing after
    MAX_REFERENCE_TRIES unknown ones."""
    if reference_tries(tracker) >= MAX_REFERENCE_TRIES:
        return None
    for match in REFERENCE_PATTERN.finditer(text):
        claimed = await asyncio.to_thread(appointment_book().claim, tracker.sender_id, match[0])
        if claimed is not None:
            say(dispatcher, "appointments.found_earlier", **appointment_args(claimed))
            return claimed
    return None


def reference_tries(tracker: Tracker) -> int:
    """Unknown references answered in this conversation (since its session started)."""
    tries = 0
    for event in tracker.events:
        if event.get("event") == "session_started":
            tries = 0
        elif event.get("event") == "bot" and ((event.get("data") or {}).get("custom") or {}).get(
                "key") in ("appointments.reference_unknown", "appointments.reference_help"):
            tries += 1
    return tries


def pick_reference(value: Any, mine: list[BookedAppointment]) -> BookedAppointment | None:
    """A reference (typed or pressed) or "de eerste"/"de tweede" from the person's own list."""
    if not isinstance(value, str) or not mine:
        return None
    by_reference = {a.reference: a for a in mine}
    if (found := by_reference.get(normalise_reference(value))) is not None:
        return found
    for match in REFERENCE_PATTERN.finditer(value):
        if (found := by_reference.get(normalise_reference(match[0]))) is not None:
            return found
    ordinal = parse_when(value, datetime.now().date()).ordinal
    if ordinal is not None and -len(mine) <= (ordinal - 1 if ordinal > 0 else -1) < len(mine):
        return mine[ordinal - 1 if ordinal > 0 else -1]
    return None


def clear_slots() -> list[EventType]:
    return [SlotSet(slot, None) for slot in MANAGE_SLOTS_TO_CLEAR]
