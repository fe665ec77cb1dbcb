"""The resident's rights in a real browser (Chromium): the overview's download button is a
link that saves everything we keep about this session as a JSON file, and the privacy page
is linked under the chat."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from assistant.privacy.overview import DOWNLOAD_PAYLOAD
from assistant.settings import Settings
from assistant.storage import ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve
from tests.fakes import FakeRasa

QUESTION = "welke gegevens hebben jullie van mij"


@pytest.fixture
async def page(browser: Browser, fake_rasa: FakeRasa, translator: Translator,
               locales_dir: Path, tmp_path: Path) -> AsyncIterator[Page]:
    database = f"sqlite:///{tmp_path / 'assistant.sqlite3'}"
    settings = Settings(locales_dir=locales_dir, default_language="nl", database_url=database)
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                      profiles=ProfileStore(database))
    runner = await serve(create_app(gateway, translator, settings), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    fake_rasa.answer("/greet", "web.intro")
    fake_rasa.answer(QUESTION, "privacy.overview", {
        "language": "Nederlands", "appointments": 0, "messages": 1, "handovers": 0, "days": 30},
        buttons=[{"key": "privacy.download", "args": {}, "payload": DOWNLOAD_PAYLOAD},
                 {"key": "intent.delete_my_data", "args": {}, "payload": "/delete_my_data"}])
    context = await browser.new_context(accept_downloads=True, locale="nl-NL")
    chat = await context.new_page()
    await chat.goto(f"http://{host}:{port}/")
    await expect(chat.locator(".message-bot")).not_to_have_count(0)
    yield chat
    await context.close()
    await runner.cleanup()
    await gateway.close()


async def test_the_download_button_saves_this_sessions_data(page: Page, translator: Translator,
                                                            fake_rasa: FakeRasa) -> None:
    await page.locator("#message-input").fill(QUESTION)
    await page.locator("#message-input").press("Enter")
    link = page.get_by_role("link", name=translator.text("privacy.download", "nl"))
    await expect(link).to_be_visible()

    async with page.expect_download() as downloading:
        await link.click()
    download = await downloading.value
    data = json.loads(Path(await download.path()).read_text(encoding="utf-8"))

    assert download.suggested_filename == "my-data.json"
    assert data["sender_id"] == fake_rasa.received[0]["sender"]  # this session, nobody else
    assert DOWNLOAD_PAYLOAD not in fake_rasa.messages  # a link: Rasa never sees it
    await expect(page.get_by_role("button", name=translator.text(
        "intent.delete_my_data", "nl"))).to_be_enabled()


async def test_the_privacy_page_is_linked_under_the_chat(page: Page,
                                                         translator: Translator) -> None:
    link = page.get_by_role("link", name=translator.text("web.privacy_link", "nl"))
    async with page.context.expect_page() as opening:
        await link.click()
    privacy = await opening.value
    await expect(privacy.locator("h1")).to_have_text(translator.text("web.privacy_link", "nl"))
    await expect(privacy.get_by_text("14 0593", exact=False)).to_be_visible()
