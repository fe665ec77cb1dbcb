"""What residents typed through the web chat that failed, with the real Rasa and action
servers: Arabic without hamza ("اريد الغاء موعدي"), "next week" where a time is asked, a
Dutch team name or a booking reference typed in an Arabic conversation (no language menu),
a check chosen by its position ("الثاني") and "ما بعرف" (Levantine "I don't know") as an
answer. The conversation's language is only hinted (?lang=ar), never chosen, as for a
resident who opens the chat from an Arabic page: the script hint is live."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from actions.common import local_zone
from assistant.storage import Appointment, session_scope
from bot.web.server import SESSION_COOKIE, sender_id_for
from tests.e2e.test_dutch_conversation import appointments_of
from tests.e2e.test_languages_e2e import Screen, payloads, texts
from tests.e2e.test_typed_answers_e2e import screen_for

pytestmark = pytest.mark.e2e


async def start_in(web: TestClient, language: str) -> None:
    response = await web.post(f"/api/start?lang={language}", json={})
    assert response.status == 200


async def post(web: TestClient, body: dict, language: str = "ar") -> dict:
    """A message from the page opened as /?lang=ar (the page sends its language along)."""
    response = await web.post(f"/api/messages?lang={language}", json=body)
    assert response.status == 200
    return await response.json()


def offered_days(answer: dict) -> set:
    return {datetime.fromisoformat(json.loads(p.split("/inform", 1)[1])["appointment_time"])
            .astimezone(local_zone()).date() for p in payloads(answer) if "appointment_time" in p}


def no_language_menu(screen: Screen, answer: dict) -> bool:
    return screen.first_line("language.choose") not in texts(answer)


async def test_book_next_week_and_cancel_typed_in_arabic_without_hamza(
        web: TestClient, live_settings) -> None:
    screen = screen_for(live_settings, "ar")
    await start_in(web, "ar")
    answer = await post(web, {"text": "اريد حجز موعد"})
    assert screen.first_line("booking.ask_team") in texts(answer), texts(answer)
    answer = await post(web, {"text": "klantmanager"})  # the Dutch name on its button
    assert screen.first_line("booking.ask_time") in texts(answer), texts(answer)
    assert no_language_menu(screen, answer), texts(answer)

    answer = await post(web, {"text": "الاسبوع القادم"})  # next week, without hamza
    today = datetime.now(local_zone()).date()
    monday = today + timedelta(days=7 - today.weekday())
    days = offered_days(answer)
    assert days and all(monday <= day < monday + timedelta(days=7) for day in days), texts(answer)
    answer = await post(web, {"text": "الاول"})
    assert screen.first_line("booking.ask_confirm") in texts(answer), texts(answer)
    await post(web, {"text": "نعم"})
    token = next(c.value for c in web.session.cookie_jar if c.key == SESSION_COOKIE)
    [booked] = appointments_of(live_settings.database_url, sender_id_for(token))

    # Another day, another conversation: the reference from the confirmation, typed.
    web.session.cookie_jar.clear()
    await start_in(web, "ar")
    answer = await post(web, {"text": "اريد الغاء موعدي"})  # "أريد إلغاء موعدي" as typed
    assert screen.first_line("appointments.ask_reference_code") in texts(answer), texts(answer)
    answer = await post(web, {"text": booked.reference.lower()})
    assert no_language_menu(screen, answer), texts(answer)
    assert screen.first_line("cancel.ask_confirm") in texts(answer), texts(answer)
    await post(web, {"text": "نعم"})
    with session_scope(live_settings.database_url) as session:  # claimed by the new one
        cancelled = session.execute(select(Appointment).where(
            Appointment.reference == booked.reference)).scalar_one()
        assert cancelled.cancelled_at is not None


async def test_a_check_chosen_by_position_and_answered_in_dialect(
        web: TestClient, live_settings) -> None:
    screen = screen_for(live_settings, "ar")
    await start_in(web, "ar")
    answer = await post(web, {"text": "هل يحق لي الحصول على مساعدة؟"})
    assert screen.first_line("check.menu") in texts(answer), texts(answer)
    answer = await post(web, {"text": "الثاني"})  # the second check: the newcomers' route
    assert screen.first_line("check.question.migrant_group") in texts(answer), texts(answer)
    answer = await post(web, {"text": "الاول"})
    assert screen.first_line("check.question.age") in texts(answer), texts(answer)
    answer = await post(web, {"text": "خمسة وعشرين"})
    asked = screen.first_line("check.question.has_studiefinanciering_right")
    assert asked in texts(answer), texts(answer)
    answer = await post(web, {"text": "ما بعرف"})  # Levantine: I don't know
    assert no_language_menu(screen, answer), texts(answer)
    assert asked not in texts(answer), texts(answer)  # answered: the next question
