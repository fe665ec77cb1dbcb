"""Booking, moving and cancelling happen once per turn, whatever is sent again, and a
database that cannot be reached gets a true answer instead of a failed action."""

from __future__ import annotations

from datetime import datetime

import pytest

from actions.booking import AskAppointmentTime, BookingDone, ValidateBookingForm
from actions.common import appointment_book
from actions.manage import CancelDone, ListAppointments, ValidateRescheduleForm
from assistant.settings import get_settings
from tests.actions.conftest import make_tracker, run_action, sent_keys, slot_events
from tests.actions.test_booking_actions import offered_times

ME = "web:me"


async def confirm(action, domain, slots: dict, turn: str) -> tuple[list[str], dict]:
    tracker = make_tracker(ME, slots=slots, new_slots={"confirmed": True}, text="ja",
                           intent="affirm", active_loop=action.form_name(),
                           metadata={"turn_id": turn, "channel": "web"})
    messages, events = await run_action(action, tracker, domain)
    return sent_keys(messages), slot_events(events)


async def test_a_booking_turn_sent_again_books_once(action_settings, domain) -> None:
    times = await offered_times(domain)
    slots = {"team": "schuldhulp", "appointment_time": times[0]}
    _, first = await confirm(ValidateBookingForm(), domain, slots, "turn-1")
    # the gateway (or a retry) sends the same turn again: the earlier outcome comes back
    _, again = await confirm(ValidateBookingForm(), domain, slots, "turn-1")
    # the person, told nothing came back, says "ja" again (a new turn): still one booking
    _, new_turn = await confirm(ValidateBookingForm(), domain, slots, "turn-2")

    [booked] = appointment_book().upcoming(ME)
    assert first["booked_reference"] == again["booked_reference"] == booked.reference
    assert new_turn["booked_reference"] == booked.reference
    assert first["confirmed"] is again["confirmed"] is new_turn["confirmed"] is True


async def test_a_cancel_turn_sent_again_cancels_once_and_says_so_again(action_settings,
                                                                       domain) -> None:
    times = await offered_times(domain)
    _, slots = await confirm(ValidateBookingForm(), domain,
                             {"team": "schuldhulp", "appointment_time": times[0]}, "book")
    done = make_tracker(ME, slots={"appointment_reference": slots["booked_reference"],
                                   "confirmed": True}, text="ja", intent="affirm",
                        metadata={"turn_id": "cancel-turn"})
    first, _ = await run_action(CancelDone(), done, domain)
    again, _ = await run_action(CancelDone(), done, domain)

    assert sent_keys(first) == sent_keys(again) == ["cancel.done"]
    assert again[0]["custom"]["args"]["reference"] == slots["booked_reference"]
    assert appointment_book().upcoming(ME) == []


async def test_a_move_turn_sent_again_moves_once(action_settings, domain) -> None:
    times = await offered_times(domain)
    _, booked = await confirm(ValidateBookingForm(), domain,
                              {"team": "schuldhulp", "appointment_time": times[0]}, "book")
    move = {"appointment_reference": booked["booked_reference"], "team": "schuldhulp",
            "appointment_time": times[2]}
    _, first = await confirm(ValidateRescheduleForm(), domain, move, "move-turn")
    # meanwhile moved again in another turn; the old turn sent again must not move it back
    await confirm(ValidateRescheduleForm(), domain, {**move, "appointment_time": times[3]},
                  "move-turn-2")
    _, again = await confirm(ValidateRescheduleForm(), domain, move, "move-turn")

    [moved] = appointment_book().upcoming(ME)
    assert first["confirmed"] is again["confirmed"] is True
    assert moved.start == datetime.fromisoformat(times[3])


@pytest.mark.parametrize("action", [ValidateBookingForm(), ValidateRescheduleForm()],
                         ids=["booking", "rescheduling"])
async def test_a_time_that_passed_gets_the_same_answer_when_booking_and_moving(
        action_settings, domain, action) -> None:
    times = await offered_times(domain)
    _, booked = await confirm(ValidateBookingForm(), domain,
                              {"team": "schuldhulp", "appointment_time": times[0]}, "book")
    passed = "2020-03-02T09:00:00+01:00"
    keys, slots = await confirm(action, domain, {
        "team": "schuldhulp", "appointment_time": passed,
        "appointment_reference": booked["booked_reference"]}, "late")

    assert keys == ["booking.time_passed"]
    assert slots == {"appointment_time": None, "confirmed": None, "offered_times": None}


@pytest.fixture
def actions_database(monkeypatch: pytest.MonkeyPatch, postgres_behind_proxy):
    """The actions' database: PostgreSQL behind a proxy the test can cut and restore."""
    url, proxy = postgres_behind_proxy
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    appointment_book.cache_clear()
    yield proxy
    get_settings.cache_clear()
    appointment_book.cache_clear()


async def test_database_down_the_booking_says_so_asks_again_and_books_once_it_is_back(
        actions_database, domain) -> None:
    actions_database.stop()
    times = ["2030-03-04T09:00:00+01:00"]
    keys, slots = await confirm(ValidateBookingForm(), domain,
                                {"team": "schuldhulp", "appointment_time": times[0]}, "turn")
    assert keys == ["error.database_unavailable"]
    assert slots == {"confirmed": None}  # the form asks for the yes again, nothing was booked

    for action, tracker in [
            (AskAppointmentTime(), make_tracker(ME, slots={"team": "schuldhulp"})),
            (ListAppointments(), make_tracker(ME)),
            (BookingDone(), make_tracker(ME, slots={"confirmed": True,
                                                    "booked_reference": "ABC-DEF"}))]:
        messages, events = await run_action(action, tracker, domain)
        assert sent_keys(messages) == ["error.database_unavailable"], action.name()
        assert messages[0]["custom"]["buttons"][0]["payload"] == "/list_appointments"

    actions_database.start()  # back: the same action server carries on, no restart
    times = await offered_times(domain)
    keys, slots = await confirm(ValidateBookingForm(), domain,
                                {"team": "schuldhulp", "appointment_time": times[0]}, "turn")
    assert keys == [] and slots["confirmed"] is True
    [booked] = appointment_book().upcoming(ME)
    assert booked.reference == slots["booked_reference"]
