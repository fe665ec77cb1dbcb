"""Reminders a day ahead go to Telegram users once, and to nobody else."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram_fakes import RecordingRequest

from assistant.appointments import AppointmentBook
from assistant.policy.municipality import load_municipality
from assistant.settings import PROJECT_ROOT, Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.gateway import Gateway
from bot.reminders import Reminders
from bot.telegram import TelegramFrontend

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=AMSTERDAM)  # 23 hours before
TOMORROW_ONE = datetime(2026, 12, 1, 13, 0, tzinfo=AMSTERDAM)
NEXT_WEEK = datetime(2026, 12, 8, 13, 0, tzinfo=AMSTERDAM)


async def test_a_day_ahead_once_and_only_on_telegram(settings: Settings, gateway: Gateway,
                                                     buttons: ButtonStore,
                                                     profiles: ProfileStore,
                                                     telegram_api: RecordingRequest) -> None:
    book = AppointmentBook(load_municipality(PROJECT_ROOT / "policy" / "midden-drenthe"),
                           settings.database_url, min_notice=timedelta(hours=1))
    soon = book.book("telegram:4242", "schuldhulp", TOMORROW_ONE, now=NOW)
    book.book("telegram:4242", "klantmanager", NEXT_WEEK, now=NOW)   # not due yet
    book.book("web:abc", "klantmanager", TOMORROW_ONE, now=NOW)     # cannot be reached
    cancelled = book.book("telegram:77", "klantmanager", TOMORROW_ONE, now=NOW)
    book.cancel("telegram:77", cancelled.reference)

    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api)
    await frontend.application.initialize()
    reminders = Reminders(book, gateway, profiles, frontend.push)
    try:
        assert await reminders.send_due(now=NOW) == 1
        assert await reminders.send_due(now=NOW) == 0
    finally:
        await frontend.application.shutdown()

    [sent] = telegram_api.sent("sendMessage")
    assert str(sent["chat_id"]) == "4242"
    assert soon.reference in sent["text"] and "Herinnering" in sent["text"]
    assert "dinsdag 1 december 2026 om 13:00" in sent["text"]
    pressed = [buttons.payload(b["callback_data"][2:])
               for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert f'/cancel_appointment{{"appointment_reference":"{soon.reference}"}}' in pressed
