"""A resident books, lists and cancels an appointment in the web chat, in a real browser on a
phone-sized screen, through the real gateway, Rasa server, action server and database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from assistant.settings import PROJECT_ROOT
from assistant.storage import Appointment, session_scope
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve
from bot.web.server import SESSION_COOKIE, sender_id_for

pytestmark = pytest.mark.e2e
PHONE = {"width": 360, "height": 640}


@pytest.fixture
async def chat_url(gateway: Gateway, live_settings) -> AsyncIterator[str]:
    translator = Translator(live_settings.locales_dir, "nl", live_settings.timezone)
    runner = await serve(create_app(gateway, translator, live_settings), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/"
    await runner.cleanup()


async def say(page: Page, text: str) -> None:
    await page.fill("#message-input", text)
    await page.press("#message-input", "Enter")


async def press(page: Page, title: str) -> None:
    button = page.locator(".button-row button:not([disabled])", has_text=title).last
    await button.click()


async def appointments_of(context: BrowserContext, database_url: str) -> list[Appointment]:
    """The appointments of the person behind this browser (its session cookie)."""
    [token] = [c["value"] for c in await context.cookies() if c["name"] == SESSION_COOKIE]
    with session_scope(database_url) as session:
        return list(session.execute(select(Appointment).where(
            Appointment.owner_id == sender_id_for(token))).scalars())


async def test_book_list_and_cancel_in_the_web_chat(browser: Browser, chat_url: str,
                                                    live_settings) -> None:
    context = await browser.new_context(viewport=PHONE, locale="nl-NL")
    page = await context.new_page()
    await page.goto(chat_url)
    bot = page.locator(".message-bot")
    await expect(bot.first).to_contain_text("digitale assistent")

    await say(page, "ik wil een afspraak maken")
    await press(page, "taal en inburgering")
    await expect(bot.last).to_contain_text("eerste vrije tijden")
    await page.locator(".button-row").last.locator("button").first.click()
    await expect(bot.last).to_contain_text("Zal ik deze afspraak maken?")
    assert await appointments_of(context, live_settings.database_url) == []

    await press(page, "Ja")
    await expect(bot.last).to_contain_text("Uw afspraak is gemaakt")
    [booked] = await appointments_of(context, live_settings.database_url)
    await expect(bot.last).to_contain_text(booked.reference)

    # A reload shows the conversation so far, read back from the real Rasa's tracker.
    await page.reload()
    await expect(bot.last).to_contain_text(booked.reference)
    await expect(page.locator(".message-user").first).to_have_text("ik wil een afspraak maken")
    await expect(page.locator(".message-user", has_text="taal en inburgering")).to_have_count(1)
    await expect(page.locator(".message-user").last).to_have_text("Ja")

    await say(page, "wanneer is mijn afspraak")
    await expect(bot.last).to_contain_text(booked.reference)
    await press(page, "Afzeggen")
    await expect(bot.last).to_contain_text("Wilt u deze afspraak afzeggen?")
    await press(page, "Ja")
    await expect(bot.last).to_contain_text("is afgezegd")
    [cancelled] = await appointments_of(context, live_settings.database_url)
    assert cancelled.cancelled_at is not None
    await page.screenshot(path=str(PROJECT_ROOT / "var" / "webchat-booking.png"))
    await context.close()


async def test_choose_arabic_then_book_and_ask_in_arabic(browser: Browser, chat_url: str,
                                                         live_settings) -> None:
    """The whole journey in Arabic in a real browser: the page turns right to left, typed
    Arabic is understood, the booking lands in the database."""
    from assistant.language_data import training_examples

    arabic = Translator(live_settings.locales_dir, "nl", live_settings.timezone)

    def shown(key: str) -> str:  # the first line of a catalog text, without placeholders
        return arabic.text(key, "ar").split("\n")[0].split("{")[0].strip()

    def typed(intent: str) -> str:
        return next(e for e in training_examples("ar")[intent] if "[" not in e)

    context = await browser.new_context(viewport=PHONE, locale="nl-NL")
    page = await context.new_page()
    await page.goto(chat_url)
    await press(page, "العربية")  # the language menu that ends the welcome
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("#send-button")).to_have_text(arabic.text("web.send", "ar"))
    bot = page.locator(".message-bot")
    await expect(bot.last).to_contain_text(shown("language.changed"))

    await say(page, typed("book_appointment"))
    await press(page, arabic.text("team.taal_inburgering.name", "ar"))
    await expect(bot.last).to_contain_text(shown("booking.ask_time"))
    await page.locator(".button-row").last.locator("button").first.click()
    await expect(bot.last).to_contain_text(shown("booking.ask_confirm"))
    await say(page, typed("affirm"))
    await expect(bot.last).to_contain_text(shown("booking.confirmed"))
    [booked] = await appointments_of(context, live_settings.database_url)
    assert booked.team_code == "taal_inburgering" and booked.cancelled_at is None
    await expect(bot.last).to_contain_text(booked.reference)

    await say(page, typed("ask_language_course"))
    source = "Re-integratienota Midden-Drenthe 2021-2026 §5.8"
    await expect(bot.filter(has_text=source).last).to_be_visible()
    direction = await bot.last.evaluate("element => getComputedStyle(element).direction")
    assert direction == "rtl"
    await page.screenshot(path=str(PROJECT_ROOT / "var" / "webchat-arabic.png"))
    await context.close()
