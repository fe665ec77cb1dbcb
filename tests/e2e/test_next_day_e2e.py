"""Coming back the next day: Rasa's session (60 minutes) has expired, but the time buttons of
yesterday's message are still on the person's screen (Telegram keeps them). Pressing one still
books with that team, or moves that appointment: each button carries what it needs."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from assistant.settings import conversations_url
from bot.gateway import Gateway
from tests.e2e.test_dutch_conversation import (
    all_text,
    appointments_of,
    book_with_a_klantmanager,
    button_payloads,
    choose_team_if_asked,
    new_resident,
)

pytestmark = pytest.mark.e2e
A_DAY = 24 * 60 * 60


def a_day_passes(database_url: str, sender_id: str) -> None:
    """Move every event of this conversation in Rasa's tracker store a day back."""
    engine = create_engine(conversations_url(database_url))
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT id, timestamp, data FROM events "
                                       "WHERE sender_id = :sender"), {"sender": sender_id})
        for row_id, timestamp, data in rows.fetchall():
            event = json.loads(data)
            event["timestamp"] = event.get("timestamp", timestamp) - A_DAY
            connection.execute(text("UPDATE events SET timestamp = :t, data = :d WHERE id = :i"),
                               {"t": timestamp - A_DAY, "d": json.dumps(event), "i": row_id})
    engine.dispose()


def time_buttons(replies) -> list[str]:
    return [p for p in button_payloads(replies) if "appointment_time" in p]


async def test_yesterdays_time_button_still_books(gateway: Gateway, live_settings) -> None:
    resident = new_resident()
    replies = await gateway.handle_text(resident, "ik wil een afspraak maken over mn schulden")
    replies = await choose_team_if_asked(gateway, resident, replies, "schuldhulp")
    pressed = time_buttons(replies)[1]
    a_day_passes(live_settings.database_url, resident.sender_id)

    replies = await gateway.handle_payload(resident, pressed)
    assert "Zal ik deze afspraak maken?" in all_text(replies), all_text(replies)
    replies = await gateway.handle_text(resident, "ja")
    [booked] = appointments_of(live_settings.database_url, resident.sender_id)
    assert booked.team_code == "schuldhulp"
    start = booked.start if booked.start.tzinfo else booked.start.replace(tzinfo=timezone.utc)
    assert start == datetime.fromisoformat(
        json.loads(pressed.split("/inform", 1)[1])["appointment_time"])
    assert booked.reference in all_text(replies)


async def test_yesterdays_time_button_of_a_move_still_moves(gateway: Gateway,
                                                            live_settings) -> None:
    resident = new_resident()
    await book_with_a_klantmanager(gateway, resident)
    [booked] = appointments_of(live_settings.database_url, resident.sender_id)

    replies = await gateway.handle_text(resident, "ik wil mijn afspraak verzetten")
    pressed = time_buttons(replies)[-1]
    assert booked.reference in pressed
    a_day_passes(live_settings.database_url, resident.sender_id)

    replies = await gateway.handle_payload(resident, pressed)
    assert "verzetten" in all_text(replies), all_text(replies)
    await gateway.handle_text(resident, "ja")
    [moved] = appointments_of(live_settings.database_url, resident.sender_id)
    assert moved.reference == booked.reference and moved.start != booked.start
    assert moved.cancelled_at is None  # moved, not a second appointment


async def test_tomorrow_in_a_new_web_conversation_the_reference_cancels(gateway: Gateway,
                                                                      live_settings) -> None:
    """A web conversation ends after an idle hour: the next day the resident is someone new
    to us. The reference from yesterday's confirmation, typed, finds the appointment."""
    yesterday = new_resident()
    await book_with_a_klantmanager(gateway, yesterday)
    [booked] = appointments_of(live_settings.database_url, yesterday.sender_id)

    today = new_resident()
    replies = await gateway.handle_text(
        today, "Goedemorgen. Ik heb gisteren een afspraak gemaakt maar mijn dochter is ziek, "
               "dus ik kan niet komen. Kan ik die afzeggen?")
    assert "kenmerk" in all_text(replies), all_text(replies)
    replies = await gateway.handle_text(today, f"het is {booked.reference.lower()}")
    assert "Ik heb uw afspraak gevonden" in all_text(replies), all_text(replies)
    assert "Wilt u deze afspraak afzeggen?" in all_text(replies), all_text(replies)
    replies = await gateway.handle_text(today, "ja graag")
    assert "is afgezegd" in all_text(replies), all_text(replies)
    [cancelled] = appointments_of(live_settings.database_url, today.sender_id)
    assert cancelled.reference == booked.reference and cancelled.cancelled_at is not None
    assert appointments_of(live_settings.database_url, yesterday.sender_id) == []


async def test_no_reference_at_hand_offers_a_medewerker(gateway: Gateway,
                                                        live_settings) -> None:
    resident = new_resident()
    replies = await gateway.handle_text(resident, "ik wil mijn afspraak verzetten")
    assert "kenmerk" in all_text(replies), all_text(replies)
    replies = await gateway.handle_text(resident, "dat weet ik niet meer")
    assert "medewerker" in all_text(replies), all_text(replies)
    assert "/request_human" in button_payloads(replies)
    replies = await gateway.handle_text(resident, "wat is bijstand?")
    assert "kenmerk" not in all_text(replies), all_text(replies)  # the form has ended
