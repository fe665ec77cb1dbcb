"""The web chat page in a real browser (Debian's Chromium driven by Playwright) on a phone-sized
screen, against the real app, Gateway and Dutch catalog, with a fake Rasa behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Browser, Dialog, Page, expect

from assistant.settings import Settings
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve

PHONE = {"width": 360, "height": 640}
SCREENSHOT = Path("/tmp/webchat.png")
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
TOPIC_PAYLOAD = '/choose_topic{"topic": "uitkering"}'


class ChatServer:
    """The real web chat app on a free loopback port."""

    def __init__(self, runner: web.AppRunner) -> None:
        self.runner = runner
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"

    async def stop(self) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def chat_server(gateway: Gateway, translator: Translator,
                      settings: Settings) -> AsyncIterator[ChatServer]:
    server = ChatServer(await serve(create_app(gateway, translator, settings), "127.0.0.1", 0))
    yield server
    await server.stop()


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
async def page(browser: Browser, chat_server: ChatServer, fake_rasa,
               dialogs: list[str]) -> AsyncIterator[Page]:
    """The chat page on a 360x640 screen, after the welcome and the language menu arrived."""
    fake_rasa.answer("/greet", "web.intro", buttons=[
        {"key": "error.unknown_button", "args": {}, "payload": TOPIC_PAYLOAD}])

    async def note_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    context = await browser.new_context(viewport=PHONE, locale="nl-NL")
    chat_page = await context.new_page()
    chat_page.on("dialog", note_dialog)
    await chat_page.goto(chat_server.url)
    await expect(chat_page.locator(".message-bot")).to_have_count(2)
    yield chat_page
    await context.close()


async def type_and_enter(page: Page, text: str) -> None:
    await page.locator("#message-input").fill(text)
    await page.locator("#message-input").press("Enter")


async def test_welcome_message_appears(page: Page, translator: Translator,
                                       fake_rasa) -> None:
    await expect(page.locator(".message-bot").first).to_have_text(
        translator.text("web.intro", "nl"))
    assert fake_rasa.messages == ["/greet"]
    await expect(page).to_have_title(translator.text("web.title", "nl"))


async def test_typed_message_and_reply(page: Page, translator: Translator, fake_rasa) -> None:
    fake_rasa.answer("Wanneer wordt mijn uitkering betaald?", "error.no_answer")
    await type_and_enter(page, "Wanneer wordt mijn uitkering betaald?")

    await expect(page.locator(".message-user")).to_have_text(
        "Wanneer wordt mijn uitkering betaald?")
    await expect(page.locator(".message-bot").last).to_have_text(
        translator.text("error.no_answer", "nl"))
    await expect(page.locator("#message-input")).to_have_value("")
    await expect(page.locator("#typing")).to_be_hidden()
    await page.screenshot(path=str(SCREENSHOT))


async def test_bot_text_is_shown_literally(page: Page, fake_rasa, dialogs: list[str]) -> None:
    fake_rasa.answer("test", "error.message_too_long", {"limit": HOSTILE + "\nregel twee"})
    await type_and_enter(page, "test")

    reply = page.locator(".message-bot").last
    await expect(reply).to_contain_text(HOSTILE)
    await expect(reply).to_be_visible()
    assert HOSTILE + "\nregel twee" in await reply.inner_text()  # line breaks are kept
    assert await page.locator(".chat-log script, .chat-log img").count() == 0
    await page.wait_for_timeout(300)  # time for an onerror handler to fire, if it existed
    assert dialogs == []


async def test_user_text_is_shown_literally(page: Page, dialogs: list[str]) -> None:
    await type_and_enter(page, HOSTILE)
    await expect(page.locator(".message-user")).to_have_text(HOSTILE)
    await page.wait_for_timeout(300)
    assert dialogs == []


async def test_button_sends_its_payload_and_disables_its_row(
        page: Page, fake_rasa, translator: Translator) -> None:
    row = page.locator(".button-row")
    button = row.get_by_role("button", name=translator.text("error.unknown_button", "nl"))
    box = await button.bounding_box()
    assert box is not None and box["height"] >= 44  # a comfortable tap target

    await button.click()
    await expect(page.locator(".message-user")).to_have_text(
        translator.text("error.unknown_button", "nl"))
    await expect(page.locator(".message-bot")).to_have_count(3)
    assert fake_rasa.messages == ["/greet", TOPIC_PAYLOAD]
    await expect(button).to_be_disabled()


async def test_rasa_down_gives_the_text_back(page: Page, fake_rasa,
                                             translator: Translator) -> None:
    await fake_rasa.stop()
    await type_and_enter(page, "Kan ik een afspraak maken?")

    await expect(page.locator(".message-bot").last).to_have_text(
        translator.text("error.assistant_unavailable", "nl"))
    await expect(page.locator("#message-input")).to_have_value("Kan ik een afspraak maken?")
    await expect(page.locator("#send-button")).to_be_enabled()


async def test_connection_lost_shows_the_error_and_gives_the_text_back(
        page: Page, chat_server: ChatServer, translator: Translator) -> None:
    await chat_server.stop()
    await type_and_enter(page, "Hallo?")

    await expect(page.locator(".message-error")).to_have_text(
        translator.text("web.error.connection", "nl"))
    await expect(page.locator("#message-input")).to_have_value("Hallo?")


async def test_input_stays_within_the_phone_screen(page: Page, fake_rasa) -> None:
    for number in range(12):  # enough messages to scroll
        await type_and_enter(page, f"Vraag {number}")
        await expect(page.locator(".message-user")).to_have_count(number + 1)

    for selector in ("#message-input", "#send-button"):
        box = await page.locator(selector).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    page_width = await page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"]  # no sideways scrolling


async def test_choosing_arabic_turns_the_page_right_to_left(
        page: Page, fake_rasa, translator: Translator) -> None:
    choice = '/choose_language{"language":"ar"}'
    fake_rasa.answers[choice] = [{"custom": {"key": "language.changed", "args": {},
                                             "set_language": "ar"}}]
    await expect(page.locator("html")).to_have_attribute("dir", "ltr")
    await page.locator(".button-row button", has_text="العربية").click()

    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("html")).to_have_attribute("lang", "ar")
    await expect(page.locator("#send-button")).to_have_text(translator.text("web.send", "ar"))
    await expect(page.locator("#message-input")).to_have_attribute(
        "placeholder", translator.text("web.input_placeholder", "ar"))
    reply = page.locator(".message-bot").last
    await expect(reply).to_contain_text(translator.text("language.changed", "ar"))
    assert await reply.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert fake_rasa.received[-1]["metadata"]["language"] == "nl"  # chosen from Dutch


async def test_an_english_browser_gets_english_until_the_person_chooses(
        browser: Browser, chat_server: ChatServer, fake_rasa, translator: Translator) -> None:
    fake_rasa.answer("/greet", "greet.welcome")
    context = await browser.new_context(viewport=PHONE, locale="en-GB")
    page = await context.new_page()
    await page.goto(chat_server.url)
    await expect(page.locator(".message-bot").first).to_have_text(
        translator.text("greet.welcome", "en"))
    await expect(page.locator(".message-bot").last).to_have_text(
        translator.text("language.choose", "en"))
    assert fake_rasa.received[0]["metadata"]["language"] == "en"
    await context.close()


async def test_tigrinya_arabic_and_ukrainian_are_drawn_with_fonts_for_their_script(
        page: Page, fake_rasa) -> None:
    """chat.css names a font for every script of the catalogs; Chromium reports which font it
    really drew each message with (not a box for a missing Ge'ez glyph)."""
    samples = {"ti": "ሰላም! ብኸመይ ክሕግዘኩም እኽእል?", "ar": "مرحبًا! كيف يمكنني مساعدتكم؟",
               "uk": "Вітаю! Чим я можу вам допомогти?"}
    for number, text in enumerate(samples.values()):
        await type_and_enter(page, text)
        await expect(page.locator(".message-user").nth(number)).to_have_text(text)
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("DOM.enable")
    await cdp.send("CSS.enable")
    root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
    users = (await cdp.send("DOM.querySelectorAll",
                            {"nodeId": root, "selector": ".message-user"}))["nodeIds"]
    drawn = []
    for node in users:
        fonts = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})
        drawn.append({font["familyName"] for font in fonts["fonts"]})
    assert len(drawn) == 3
    tigrinya, arabic, ukrainian = drawn
    assert "Noto Sans Ethiopic" in tigrinya, tigrinya
    assert any("Arabic" in family for family in arabic), arabic
    assert ukrainian and all("Ethiopic" not in family for family in ukrainian), ukrainian
