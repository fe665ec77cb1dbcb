"""The widget on a municipality's site that is another site than the chat's (the page on
http://127.0.0.1, the chat on http://localhost: two sites for the browser), in real Chromium,
which keeps no third-party cookie that is not partitioned. The chat's session cookie
(SameSite=None; Secure; Partitioned, bot/web/server.py) is kept: a reload of the site's page
shows the conversation so far, and an appointment's .ics and confirmation work inside the
frame. Real app, Gateway (with Rasa's HTTP API token), appointment book and database; Rasa is
faked here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web
from icalendar import Calendar
from playwright.async_api import BrowserContext, FrameLocator, Page, async_playwright, expect

from assistant.appointments import AppointmentBook, describe
from assistant.messages import message, with_calendar
from assistant.settings import Settings
from assistant.storage import ProfileStore
from bot.appointment_files import AppointmentFiles
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve
from bot.web.server import SESSION_COOKIE, sender_id_for
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.test_widget import demo_site

DESKTOP = {"width": 1280, "height": 800}
CONTROL_COOKIE = "not_partitioned"  # what the browser does without Partitioned


@web.middleware
async def control_cookie(request: web.Request, handler) -> web.StreamResponse:
    """Also set a third-party cookie without Partitioned: the browser must drop it, or this
    test would not show that partitioning is what keeps the session."""
    response = await handler(request)
    response.headers.add("Set-Cookie",
                         f"{CONTROL_COOKIE}=1; Path=/; HttpOnly; SameSite=None; Secure")
    return response


@pytest.fixture
def book(midden_drenthe, sqlite_url: str) -> AppointmentBook:
    return AppointmentBook(midden_drenthe, sqlite_url, min_notice=timedelta(hours=1))


@pytest.fixture
async def site(fake_rasa, translator: Translator, settings: Settings, sqlite_url: str,
               book: AppointmentBook) -> AsyncIterator[str]:
    """The demo page of http://127.0.0.1:<port>, embedding the chat of http://localhost."""
    fake_rasa.answer("/greet", "web.intro")
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                      api_token=fake_rasa.api_token, profiles=ProfileStore(sqlite_url))
    page_runner = await serve(demo_site(""), "127.0.0.1", 0)  # its address first
    site_origin = f"http://127.0.0.1:{page_runner.addresses[0][1]}"
    chat = create_app(gateway, translator, replace(settings, embed_origins=(site_origin,)),
                      files=AppointmentFiles(book, translator))
    chat.middlewares.append(control_cookie)
    chat_runner = await serve(chat, "127.0.0.1", 0)
    chat_origin = f"http://localhost:{chat_runner.addresses[0][1]}"
    await page_runner.cleanup()
    page_runner = web.AppRunner(demo_site(chat_origin))
    await page_runner.setup()
    await web.TCPSite(page_runner, "127.0.0.1", int(site_origin.rsplit(":", 1)[1])).start()
    yield f"{site_origin}/gemeente.html"
    await page_runner.cleanup()
    await chat_runner.cleanup()
    await gateway.close()


@pytest.fixture
async def context() -> AsyncIterator[BrowserContext]:
    """Chromium told to block third-party cookies as browsers do more and more (this one
    does by default too; the control cookie shows it)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"])
        browser_context = await browser.new_context(viewport=DESKTOP, locale="nl-NL",
                                                    accept_downloads=True)
        yield browser_context
        await browser.close()


def widget(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[data-webchat]")


async def open_widget(page: Page, url: str) -> FrameLocator:
    await page.goto(url)
    await widget(page).locator("#widget-launcher").click()
    await expect(widget(page).locator(".message-bot").first).to_be_visible()
    return widget(page)


async def session_cookie(context: BrowserContext) -> dict:
    [cookie] = [c for c in await context.cookies() if c["name"] == SESSION_COOKIE]
    return cookie


async def test_the_conversation_stays_in_a_widget_on_another_site(
        context: BrowserContext, site: str, fake_rasa, translator: Translator) -> None:
    page = await context.new_page()
    chat = await open_widget(page, site)
    fake_rasa.answer("Hoe vraag ik bijstand aan?", "error.no_answer")
    await chat.locator("#message-input").fill("Hoe vraag ik bijstand aan?")
    await chat.locator("#message-input").press("Enter")
    await expect(chat.locator(".message-bot").last).to_have_text(
        translator.text("error.no_answer", "nl"))

    cookie = await session_cookie(context)
    assert cookie["domain"] == "localhost" and cookie["secure"] and cookie["sameSite"] == "None"
    assert cookie["partitionKey"] == "http://127.0.0.1"  # kept for this site only
    names = {c["name"] for c in await context.cookies()}
    assert CONTROL_COOKIE not in names  # a third-party cookie without Partitioned is dropped

    await page.reload()
    chat = await open_widget(page, site)
    await expect(chat.locator(".message-user")).to_have_text("Hoe vraag ik bijstand aan?")
    assert fake_rasa.messages == ["/greet", "Hoe vraag ik bijstand aan?"]  # one conversation
    assert {body["sender"] for body in fake_rasa.received} == {
        sender_id_for(cookie["value"])}


async def test_an_appointments_file_and_confirmation_inside_the_widget(
        context: BrowserContext, site: str, fake_rasa, book: AppointmentBook,
        translator: Translator) -> None:
    page = await context.new_page()
    chat = await open_widget(page, site)
    me = sender_id_for((await session_cookie(context))["value"])
    booked = book.book(me, "klantmanager", book.free_slots("klantmanager", limit=1)[0])
    said = message("booking.confirmed", **describe(booked, book.municipality))
    fake_rasa.answers["ja"] = [{"custom": with_calendar(said, booked.reference)}]
    await chat.locator("#message-input").fill("ja")
    await chat.locator("#message-input").press("Enter")
    await expect(chat.locator(".message-bot").last).to_contain_text(booked.reference)

    async with page.expect_download() as download_info:
        await chat.get_by_role("link", name=translator.text("calendar.add", "nl")).click()
    ics = Calendar.from_ical(Path(await (await download_info.value).path()).read_bytes())
    assert booked.reference in str(ics.walk("VEVENT")[0]["uid"])

    # The confirmation opens in the frame (a tab of its own would be another partition) ...
    await chat.get_by_role("link", name=translator.text("calendar.print", "nl")).click()
    await expect(chat.locator(".confirmation-reference")).to_have_text(booked.reference)
    await expect(chat.locator("main")).to_contain_text(booked.location)
    # ... and leads back to the open chat with the conversation so far.
    await chat.get_by_role("link", name=translator.text("confirmation.back", "nl")).click()
    await expect(chat.locator(".message-bot").last).to_contain_text(booked.reference)
    await expect(chat.locator("#chat")).to_be_visible()
    await expect(chat.locator("#widget-launcher")).to_be_hidden()
    box = await page.locator("iframe[data-webchat]").bounding_box()
    assert box is not None and box["height"] >= 400  # the frame is the open chat's size
