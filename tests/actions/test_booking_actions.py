"""The booking, listing, cancelling and erasing actions on a real database."""

from __future__ import annotations

import itertools
import json
from datetime import datetime

from actions.booking import AskAppointmentTime, BookingDone, ValidateBookingForm
from actions.common import appointment_book, local_zone
from actions.manage import (
    AskAppointmentReference,
    CancelDone,
    ListAppointments,
    RescheduleDone,
    ValidateCancelForm,
    ValidateRescheduleForm,
)
from actions.privacy import DeleteMyData
from tests.actions.conftest import make_tracker, run_action, sent_keys, slot_events

ME, SOMEONE_ELSE = "web:me", "telegram:42"


def payload_value(button: dict, slot: str) -> str:
    return json.loads("{" + button["payload"].split("{", 1)[1])[slot]


async def offered_times(domain, team: str = "schuldhulp", preference=None) -> list[str]:
    tracker = make_tracker(ME, slots={"team": team, "time_preference": preference},
                           active_loop="booking_form")
    messages, events = await run_action(AskAppointmentTime(), tracker, domain)
    assert sent_keys(messages)[-1] == "booking.ask_time"
    buttons = messages[-1]["custom"]["buttons"]
    assert slot_events(events)["offered_times"] == [payload_value(b, "appointment_time")
                                                     for b in buttons]
    return slot_events(events)["offered_times"]


async def validate(action, domain, sender: str, slots: dict, new_slots: dict, text: str = ""):
    tracker = make_tracker(sender, slots=slots, new_slots=new_slots, text=text,
                           active_loop=action.form_name())
    messages, events = await run_action(action, tracker, domain)
    return sent_keys(messages), slot_events(events)


async def book_via_actions(domain, sender: str, team: str, moment: str) -> str:
    _, slots = await validate(ValidateBookingForm(), domain, sender,
                              {"team": team, "appointment_time": moment}, {"confirmed": True})
    return slots["booked_reference"]


async def test_booking_from_offered_time_to_confirmation(action_settings, domain) -> None:
    times = await offered_times(domain)
    assert len(times) == 5 and times == sorted(times)
    keys, slots = await validate(ValidateBookingForm(), domain, ME, {"team": "schuldhulp"},
                                 {"appointment_time": times[0]})
    assert slots["appointment_time"] == times[0] and keys == []
    keys, slots = await validate(ValidateBookingForm(), domain, ME,
                                 {"team": "schuldhulp", "appointment_time": times[0]},
                                 {"confirmed": True})
    assert slots["confirmed"] is True
    [stored] = appointment_book().upcoming(ME)
    assert slots["booked_reference"] == stored.reference
    assert stored.start == datetime.fromisoformat(times[0])

    done = make_tracker(ME, slots={"team": "schuldhulp", "confirmed": True,
                                   "booked_reference": stored.reference})
    messages, events = await run_action(BookingDone(), done, domain)
    assert sent_keys(messages) == ["booking.confirmed"]
    assert messages[0]["custom"]["args"]["reference"] == stored.reference
    # the front ends follow it with the appointment's calendar file
    assert messages[0]["custom"]["calendar"] == {"reference": stored.reference,
                                                 "cancelled": False}
    assert all(value is None for value in slot_events(events).values())


async def test_a_time_taken_meanwhile_sends_the_person_back_to_choosing(action_settings,
                                                                        domain) -> None:
    times = await offered_times(domain)
    await book_via_actions(domain, SOMEONE_ELSE, "schuldhulp", times[0])
    keys, slots = await validate(ValidateBookingForm(), domain, ME,
                                 {"team": "schuldhulp", "appointment_time": times[0]},
                                 {"confirmed": True})
    assert keys == ["booking.slot_just_taken"]
    assert slots["appointment_time"] is None and slots["confirmed"] is None
    assert appointment_book().upcoming(ME) == []
    assert len(appointment_book().upcoming(SOMEONE_ELSE)) == 1
    assert times[0] not in await offered_times(domain)


async def test_typed_choices(action_settings, domain) -> None:
    times = await offered_times(domain)
    keys, slots = await validate(ValidateBookingForm(), domain, ME,
                                 {"team": "schuldhulp", "offered_times": times},
                                 {"appointment_time": "doe maar de tweede"})
    assert slots["appointment_time"] == times[1]
    keys, slots = await validate(ValidateBookingForm(), domain, ME,
                                 {"team": "schuldhulp", "offered_times": times},
                                 {"appointment_time": "3-1-2020"})
    assert keys == ["booking.date_in_past"] and slots["appointment_time"] is None
    keys, slots = await validate(ValidateBookingForm(), domain, ME,
                                 {"team": "schuldhulp", "offered_times": times},
                                 {"appointment_time": "blablabla"})
    assert keys == ["booking.time_not_understood"]


async def test_a_typed_day_offers_times_on_that_day(action_settings, domain) -> None:
    first_day = datetime.fromisoformat((await offered_times(domain))[0]).date()
    keys, slots = await validate(ValidateBookingForm(), domain, ME, {"team": "schuldhulp"},
                                 {"appointment_time": first_day.strftime("%d-%m-%Y")})
    assert slots["appointment_time"] is None
    assert slots["time_preference"]["day"] == first_day.isoformat()
    times = await offered_times(domain, preference=slots["time_preference"])
    assert {datetime.fromisoformat(t).date() for t in times} == {first_day}


def free_mornings(team: str, after: datetime | None = None) -> list[datetime]:
    book = appointment_book()
    return [m for m in book.free_slots(team, after=after, limit=200)
            if m.astimezone(local_zone()).hour < 12]


async def test_a_full_morning_offers_mornings_of_the_days_after(action_settings, domain) -> None:
    """"volgende week dinsdag", then "in de ochtend" when that morning is full: the mornings
    that follow, not the first free times of the whole calendar."""
    day = free_mornings("schuldhulp")[0].astimezone(local_zone()).date()
    fillers = itertools.count()
    for moment in [m for m in free_mornings("schuldhulp")
                   if m.astimezone(local_zone()).date() == day]:
        while moment in free_mornings("schuldhulp", after=moment):
            appointment_book().book(f"web:filler-{next(fillers)}", "schuldhulp", moment)
    morning_of_that_day = {"day": day.isoformat(), "at": None, "afternoon": False}
    times = [datetime.fromisoformat(t) for t in
             await offered_times(domain, preference=morning_of_that_day)]
    assert all(t.astimezone(local_zone()).hour < 12 for t in times), times
    assert all(t.astimezone(local_zone()).date() > day for t in times), times
    assert times[0] == free_mornings("schuldhulp")[0]  # the earliest now free


async def test_unknown_team_is_refused(action_settings, domain) -> None:
    keys, slots = await validate(ValidateBookingForm(), domain, ME, {}, {"team": "zwembad"})
    assert keys == ["booking.unknown_team"] and slots["team"] is None


async def test_people_list_and_cancel_only_their_own(action_settings, domain) -> None:
    times = await offered_times(domain)
    mine = await book_via_actions(domain, ME, "schuldhulp", times[0])
    theirs = await book_via_actions(domain, SOMEONE_ELSE, "schuldhulp", times[1])

    messages, _ = await run_action(ListAppointments(), make_tracker(ME), domain)
    assert sent_keys(messages) == ["appointments.count", "appointments.item"]
    assert messages[1]["custom"]["args"]["reference"] == mine

    keys, slots = await validate(ValidateCancelForm(), domain, ME, {},
                                 {"appointment_reference": theirs})
    assert keys == ["appointments.not_found"] and slots["appointment_reference"] is None

    keys, slots = await validate(ValidateCancelForm(), domain, ME, {},
                                 {"appointment_reference": mine.lower()})
    assert slots["appointment_reference"] == mine
    tracker = make_tracker(ME, slots={"appointment_reference": mine, "confirmed": True})
    messages, _ = await run_action(CancelDone(), tracker, domain)
    assert sent_keys(messages) == ["cancel.done"]
    assert messages[0]["custom"]["calendar"] == {"reference": mine, "cancelled": True}
    assert appointment_book().upcoming(ME) == []
    assert [a.reference for a in appointment_book().upcoming(SOMEONE_ELSE)] == [theirs]


async def opening(form, domain, sender: str, text: str = "ik wil mijn afspraak afzeggen",
                  intent: str = "cancel_appointment"):
    """The form's validation for the message that opens the form (no loop yet)."""
    tracker = make_tracker(sender, text=text, intent=intent, metadata={"language": "nl"})
    messages, events = await run_action(form(), tracker, domain)
    return sent_keys(messages), slot_events(events)


async def test_a_form_opened_with_one_appointment_takes_that_one(action_settings,
                                                                domain) -> None:
    for form in (ValidateCancelForm, ValidateRescheduleForm):
        keys, slots = await opening(form, domain, ME)
        assert (keys, slots) == ([], {})  # the form asks for the reference of an earlier one
    reference = await book_via_actions(domain, ME, "klantmanager",
                                       (await offered_times(domain, "klantmanager"))[0])
    for form in (ValidateCancelForm, ValidateRescheduleForm):
        keys, slots = await opening(form, domain, ME)
        assert keys == []
        assert slots == {"appointment_reference": reference, "team": "klantmanager"}
    messages, _ = await run_action(AskAppointmentReference(), make_tracker(ME), domain)
    assert [b["args"]["reference"] for b in messages[0]["custom"]["buttons"]] == [reference]
    # once the form runs, the appointments are not looked at again for each answer
    tracker = make_tracker(ME, text="ja", intent="affirm", active_loop="cancel_form",
                           slots={"requested_slot": "confirmed"})
    tracker.active_loop["trigger_message"] = {"message_id": "opening"}
    _, events = await run_action(ValidateCancelForm(), tracker, domain)
    assert "appointment_reference" not in slot_events(events)


async def test_a_named_appointment_is_kept_when_there_are_several(action_settings,
                                                                 domain) -> None:
    times = await offered_times(domain, "klantmanager")
    first = await book_via_actions(domain, ME, "klantmanager", times[0])
    await book_via_actions(domain, ME, "klantmanager", times[1])
    keys, slots = await opening(ValidateCancelForm, domain, ME)
    assert (keys, slots) == ([], {})  # which one: the form asks
    tracker = make_tracker(ME, text="/cancel_appointment", intent="cancel_appointment",
                           new_slots={"appointment_reference": first})
    _, events = await run_action(ValidateCancelForm(), tracker, domain)
    assert slot_events(events) == {"appointment_reference": first, "team": "klantmanager"}


async def test_reschedule_keeps_team_and_moves_time(action_settings, domain) -> None:
    times = await offered_times(domain)
    reference = await book_via_actions(domain, ME, "schuldhulp", times[0])
    keys, slots = await validate(ValidateRescheduleForm(), domain, ME, {},
                                 {"appointment_reference": reference})
    assert slots == {"appointment_reference": reference, "team": "schuldhulp"}
    keys, slots = await validate(ValidateRescheduleForm(), domain, ME,
                                 {"appointment_reference": reference, "team": "schuldhulp",
                                  "appointment_time": times[3]}, {"confirmed": True})
    assert slots["confirmed"] is True
    [moved] = appointment_book().upcoming(ME)
    assert (moved.reference, moved.start) == (reference, datetime.fromisoformat(times[3]))
    assert moved.revision == 1  # the next .ics replaces the event (SEQUENCE 1)
    done = make_tracker(ME, slots={"appointment_reference": reference, "confirmed": True})
    messages, _ = await run_action(RescheduleDone(), done, domain)
    assert sent_keys(messages) == ["reschedule.done"]
    assert messages[0]["custom"]["calendar"] == {"reference": reference, "cancelled": False}


async def test_erasure_removes_appointments_after_a_yes(action_settings, domain) -> None:
    times = await offered_times(domain)
    await book_via_actions(domain, ME, "schuldhulp", times[0])
    await book_via_actions(domain, SOMEONE_ELSE, "schuldhulp", times[1])
    messages, _ = await run_action(DeleteMyData(), make_tracker(ME, slots={"confirmed": False}),
                                   domain)
    assert sent_keys(messages) == ["privacy.kept"]
    assert len(appointment_book().upcoming(ME)) == 1
    messages, _ = await run_action(DeleteMyData(), make_tracker(ME, slots={"confirmed": True}),
                                   domain)
    assert sent_keys(messages) == ["privacy.deleted", "privacy.deleted_what"]
    assert messages[0]["custom"]["args"]["count"] == 1
    assert messages[1]["custom"]["args"] == {"appointments": 1, "requests": 0, "callbacks": 0,
                                             "leads": 0, "feedback": 0,
                                             "profile": 0}  # it says what it removed
    assert appointment_book().upcoming(ME) == []
    assert len(appointment_book().upcoming(SOMEONE_ELSE)) == 1


async def test_a_booking_keeps_language_and_topic_for_the_staff_console(action_settings,
                                                                       domain) -> None:
    from sqlalchemy import select

    from assistant.storage import Appointment, session_scope

    [moment, *_] = await offered_times(domain)
    asked = {"event": "user", "text": "borç yardımı",
             "parse_data": {"intent": {"name": "ask_debt_help", "confidence": 0.9}}}
    tracker = make_tracker(ME, slots={"team": "schuldhulp", "appointment_time": moment},
                           new_slots={"confirmed": True}, text="evet",
                           metadata={"language": "tr"}, active_loop="booking_form")
    tracker.events.insert(0, asked)
    _, events = await run_action(ValidateBookingForm(), tracker, domain)
    reference = slot_events(events)["booked_reference"]
    with session_scope(action_settings) as session:
        row = session.execute(select(Appointment)
                              .where(Appointment.reference == reference)).scalar_one()
        assert (row.language, row.topic) == ("tr", "ask_debt_help")


# --- Coming back another day: a web conversation ends after an idle hour ---------------------

YESTERDAY_ON_THE_WEB, TODAY_ON_THE_WEB = "web:yesterday", "web:today"


async def ask_reference(domain, form, sender: str, typed: str, events: list[dict] | None = None):
    tracker = make_tracker(sender, slots={"requested_slot": "appointment_reference"},
                           text=typed, new_slots={"appointment_reference": typed},
                           active_loop=form().form_name(), metadata={"language": "nl"})
    tracker.events[:0] = events or []
    messages, events = await run_action(form(), tracker, domain)
    return sent_keys(messages), slot_events(events)


async def test_no_appointment_here_asks_for_the_reference_with_a_stop_button(
        action_settings, domain) -> None:
    messages, _ = await run_action(AskAppointmentReference(), make_tracker(ME), domain)
    assert sent_keys(messages) == ["appointments.ask_reference_code"]
    assert [b["payload"] for b in messages[0]["custom"]["buttons"]] == ["/stop"]


async def test_the_reference_from_yesterdays_web_conversation_brings_it_here(
        action_settings, domain) -> None:
    reference = await book_via_actions(domain, YESTERDAY_ON_THE_WEB, "klantmanager",
                                       (await offered_times(domain, "klantmanager"))[0])
    keys, slots = await ask_reference(domain, ValidateCancelForm, TODAY_ON_THE_WEB,
                                      f"mijn kenmerk is {reference.lower().replace('-', '')}")
    assert keys == ["appointments.found_earlier"] and slots["appointment_reference"] == reference
    assert [a.reference for a in appointment_book().upcoming(TODAY_ON_THE_WEB)] == [reference]
    assert appointment_book().upcoming(YESTERDAY_ON_THE_WEB) == []


async def test_a_reference_in_the_opening_message_is_found_at_once(action_settings,
                                                                   domain) -> None:
    reference = await book_via_actions(domain, YESTERDAY_ON_THE_WEB, "klantmanager",
                                       (await offered_times(domain, "klantmanager"))[0])
    keys, slots = await opening(ValidateRescheduleForm, domain, TODAY_ON_THE_WEB,
                                f"kan ik afspraak {reference} verzetten?",
                                "reschedule_appointment")
    assert slots == {"appointment_reference": reference, "team": "klantmanager"}
    assert keys == ["appointments.found_earlier"]


async def test_a_telegram_chats_appointment_stays_with_the_chat(action_settings,
                                                                domain) -> None:
    """Telegram chats do not end, and their reminders go to the chat."""
    reference = await book_via_actions(domain, SOMEONE_ELSE, "klantmanager",
                                       (await offered_times(domain, "klantmanager"))[0])
    keys, slots = await ask_reference(domain, ValidateCancelForm, ME, reference)
    assert keys == ["appointments.reference_unknown"] and slots["appointment_reference"] is None
    assert [a.reference for a in appointment_book().upcoming(SOMEONE_ELSE)] == [reference]


async def test_three_unknown_references_end_the_search_for_this_conversation(
        action_settings, domain) -> None:
    """Against guessing: after three unknown references even a right one is not looked up
    in this conversation, and a medewerker is offered."""
    reference = await book_via_actions(domain, YESTERDAY_ON_THE_WEB, "klantmanager",
                                       (await offered_times(domain, "klantmanager"))[0])
    said: list[dict] = []
    for attempt, guess in enumerate(["KPT-4QX", "ZZZ-999", "MMM-222"]):
        keys, slots = await ask_reference(domain, ValidateRescheduleForm, ME, guess, said)
        expected = ("appointments.reference_unknown" if attempt < 2
                    else "appointments.reference_help")
        assert keys == [expected]
        said.append({"event": "bot", "data": {"custom": {"key": expected}}})
    assert slots == {"appointment_reference": "-", "appointment_time": "-", "confirmed": False}
    keys, slots = await ask_reference(domain, ValidateRescheduleForm, ME, reference, said)
    assert keys == ["appointments.reference_help"]
    assert appointment_book().upcoming(ME) == []
    tracker = make_tracker(ME, slots={"appointment_reference": "-", "confirmed": False})
    messages, _ = await run_action(RescheduleDone(), tracker, domain)
    assert sent_keys(messages) == []


async def test_no_reference_at_hand_offers_a_medewerker_and_ends_the_form(action_settings,
                                                                         domain) -> None:
    keys, slots = await ask_reference(domain, ValidateCancelForm, ME, "weet ik niet")
    assert keys == ["appointments.reference_help"]
    assert slots == {"appointment_reference": "-", "confirmed": False}
    messages, _ = await run_action(
        CancelDone(), make_tracker(ME, slots={"appointment_reference": "-"}), domain)
    assert sent_keys(messages) == []
