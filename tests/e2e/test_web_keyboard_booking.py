"""Booking by keyboard alone in the web chat, against the real gateway, Rasa server, action
server and database, in real Chromium: then "In mijn agenda zetten" downloads the .ics
(read back with icalendar: the booked time in Europe/Amsterdam) and the printable
confirmation opens, passes the axe audit and prints, all without a mouse."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.async_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from assistant.appointments import AppointmentBook
from assistant.storage import Appointment, from_db_time, session_scope
from bot.appointment_files import AppointmentFiles
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve
from bot.web.server import SESSION_COOKIE, sender_id_for
from tests.web.test_accessibility import AXE, axe_violations, focus_is_visible

pytestmark = pytest.mark.e2e
PHONE = {"width": 360, "height": 640}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# window.print() opens no dialog in a headless browser: count the calls instead.
COUNT_PRINTS = "window.printed = 0; window.print = () => { window.printed += 1; };"


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: run scripts/ensure-chromium.sh")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def translator(live_settings) -> Translator:
    return Translator(live_settings.locales_dir, "nl", live_settings.timezone)


@pytest.fixture
async def chat_url(gateway: Gateway, live_settings, translator: Translator
                   ) -> AsyncIterator[str]:
    files = AppointmentFiles(AppointmentBook.from_settings(live_settings), translator)
    runner = await serve(create_app(gateway, translator, live_settings, files=files),
                         "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/"
    await runner.cleanup()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    browser_context = await browser.new_context(viewport=PHONE, locale="nl-NL",
                                                accept_downloads=True)
    await browser_context.add_init_script(COUNT_PRINTS)
    yield browser_context
    await browser_context.close()


def bare(text: str) -> str:
    return text.strip("\u200e\u200f\u2068\u2069 ")


async def move_focus_to(page: Page, name: str, key: str = "Tab") -> None:
    """Press ``key`` (Tab or Shift+Tab) until the element called ``name`` has the focus."""
    for _ in range(60):
        if bare(await page.evaluate("document.activeElement.textContent || ''")) == name:
            return
        await page.keyboard.press(key)
    raise AssertionError(f"{name!r} not reachable with {key}")


async def focus_the_input(page: Page) -> None:
    for _ in range(60):
        if await page.evaluate("document.activeElement.id") == "message-input":
            return
        await page.keyboard.press("Tab")
    raise AssertionError("the message input is not reachable with Tab")


async def booked_by(context: BrowserContext, database_url: str) -> Appointment:
    [token] = [c["value"] for c in await context.cookies() if c["name"] == SESSION_COOKIE]
    with session_scope(database_url) as session:
        [appointment] = session.execute(select(Appointment).where(
            Appointment.owner_id == sender_id_for(token))).scalars()
        return appointment


async def test_a_booking_by_keyboard_alone_then_the_calendar_file_and_the_confirmation(
        context: BrowserContext, chat_url: str, live_settings, translator: Translator,
        axe_source: str) -> None:
    def text(key: str) -> str:
        return translator.text(key, "nl")

    page = await context.new_page()
    await page.goto(chat_url)
    bot = page.locator(".message-bot")
    await expect(bot.first).to_be_visible()

    await focus_the_input(page)
    await page.keyboard.type("ik wil een afspraak maken")
    await page.keyboard.press("Enter")
    await expect(bot.last).to_contain_text(text("booking.ask_team").split("\n")[0])
    # From the input back up to the team buttons of the answer.
    await move_focus_to(page, text("team.taal_inburgering.name"), "Shift+Tab")
    assert await focus_is_visible(page)
    await page.keyboard.press("Enter")
    await expect(bot.last).to_contain_text("eerste vrije tijden")
    # The keyboard goes on at the first free time; Enter takes it.
    first_time = page.locator(".button-row").last.locator("button").first
    await expect(first_time).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(bot.last).to_contain_text("Zal ik deze afspraak maken?")
    await expect(page.locator(":focus")).to_have_text(text("button.yes"))
    await page.keyboard.press("Enter")
    await expect(bot.last).to_contain_text("Uw afspraak is gemaakt")
    booked = await booked_by(context, live_settings.database_url)
    await expect(bot.last).to_contain_text(booked.reference)
    assert booked.team_code == "taal_inburgering"

    # "In mijn agenda zetten": back from the answer's button to the link, Enter downloads.
    await move_focus_to(page, text("calendar.add"), "Shift+Tab")
    assert await focus_is_visible(page)
    async with page.expect_download() as download_info:
        await page.keyboard.press("Enter")
    download = await download_info.value
    assert download.suggested_filename == f"afspraak-{booked.reference}.ics"
    calendar = Calendar.from_ical(Path(await download.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == from_db_time(booked.starts_at).astimezone(AMSTERDAM)
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert str(event["location"]) == booked.location
    assert text("team.taal_inburgering.name") in str(event["summary"])
    assert booked.reference in str(event["description"])
    assert await axe_violations(page, axe_source) == []

    # The printable confirmation opens in a tab of its own; its print button by keyboard.
    await move_focus_to(page, text("calendar.print"))
    async with context.expect_page() as new_tab:
        await page.keyboard.press("Enter")
    confirmation = await new_tab.value
    await expect(confirmation.locator("h1")).to_have_text(text("confirmation.title"))
    await expect(confirmation.locator(".confirmation-reference")).to_have_text(
        booked.reference)
    await expect(confirmation.locator("main")).to_contain_text(booked.location)
    assert await axe_violations(confirmation, axe_source) == []
    await move_focus_to(confirmation, text("confirmation.print"))
    await confirmation.keyboard.press("Enter")
    assert await confirmation.evaluate("window.printed") == 1
    await confirmation.emulate_media(media="print")  # on paper: the details, no buttons
    await expect(confirmation.locator(".confirmation-actions")).to_be_hidden()
    await expect(confirmation.locator(".confirmation-details")).to_be_visible()
