"""A medewerker cancels a Telegram resident's appointment in the staff console: the real
python-telegram-bot Application sends the resident the news in their language, and the .ics
that takes the appointment out of their calendar."""

from __future__ import annotations

from dataclasses import replace

import aiohttp
from icalendar import Calendar
from telegram_fakes import RecordingRequest

from assistant.appointments import AppointmentBook
from assistant.policy.municipality import load_municipality
from assistant.settings import PROJECT_ROOT, Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.appointment_files import AppointmentFiles
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.staff.accounts import MEDEWERKER
from bot.staff.console import StaffConsole
from bot.telegram import TelegramFrontend
from bot.web import create_app, serve
from tests.staff.conftest import PASSWORD, ConsoleServer, Staffer, csrf_of, log_in


async def test_a_cancellation_in_the_console_reaches_the_resident_on_telegram(
        settings: Settings, gateway: Gateway, translator: Translator, buttons: ButtonStore,
        profiles: ProfileStore, telegram_api: RecordingRequest) -> None:
    municipality = load_municipality(PROJECT_ROOT / "policy" / "midden-drenthe")
    profiles.save("telegram:4242", "telegram", language="uk")
    book = AppointmentBook(municipality, settings.database_url)
    appointment = book.book("telegram:4242", "klantmanager",
                            book.free_slots("klantmanager", limit=1)[0])
    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api,
                                files=AppointmentFiles(book, translator))
    await frontend.application.initialize()
    console = StaffConsole(replace(settings, locales_dir=PROJECT_ROOT / "locales"), translator,
                           municipality, gateway=gateway, push=frontend.push)
    runner = await serve(create_app(gateway, translator, settings, staff_console=console),
                         "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    server = ConsoleServer(f"http://{host}:{port}/staff", console.accounts, console)
    staffer = Staffer(console.accounts.create("klant@gemeente.nl", "Karel", PASSWORD,
                                              MEDEWERKER, frozenset({"klantmanager"})), PASSWORD)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            await log_in(client, server, staffer, settings.database_url)
            url = f"{server.url}/appointments/{appointment.reference}"
            async with client.get(url) as response:
                csrf = csrf_of(await response.text())
            async with client.post(f"{url}/cancel", data={"csrf": csrf}) as response:
                assert response.status == 200
    finally:
        await runner.cleanup()
        await frontend.application.shutdown()

    [sent] = telegram_api.sent("sendMessage")
    assert str(sent["chat_id"]) == "4242"
    assert "Муніципалітет скасував ваш запис" in sent["text"]
    assert appointment.reference in sent["text"]
    pressed = [buttons.payload(b["callback_data"][2:])
               for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert pressed == ["/book_appointment"]
    assert book.upcoming("telegram:4242") == []
    [(method, parts)] = telegram_api.uploads
    calendar = Calendar.from_ical(parts["document"][1])
    assert method == "sendDocument" and str(calendar["method"]) == "CANCEL"
    assert appointment.reference in str(calendar.walk("VEVENT")[0]["uid"])
    assert telegram_api.sent("sendDocument")[0]["caption"] == translator.text(
        "calendar.telegram_caption_cancelled", "uk")
