"""A conversation that stays: a reload or a new tab shows the conversation so far, read back
from the (fake) Rasa's tracker through Rasa's HTTP API, in the person's language; "Nieuw
gesprek" starts afresh; an idle conversation is closed with a notice. Real Chromium, the real
app and Gateway (with an API token and a real profile store), all catalogs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp import web
from playwright.async_api import Browser, BrowserContext, Page, expect

from assistant.settings import Settings
from assistant.storage import ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve
from bot.web.server import SESSION_COOKIE, WEB_CHAT, sender_id_for

PHONE = {"width": 360, "height": 640}
TOPIC_PAYLOAD = '/choose_topic{"topic": "uitkering"}'
ARABIC = '/choose_language{"language":"ar"}'
IDLE_MINUTES = 30


@pytest.fixture
async def chat_app(fake_rasa, translator: Translator, settings: Settings,
                   sqlite_url: str) -> AsyncIterator[web.Application]:
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                      api_token=fake_rasa.api_token, profiles=ProfileStore(sqlite_url))
    yield create_app(gateway, translator, replace(settings, web_idle_minutes=IDLE_MINUTES))
    await gateway.close()


@pytest.fixture
async def chat_url(chat_app: web.Application) -> AsyncIterator[str]:
    runner = await serve(chat_app, "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/"
    await runner.cleanup()


def make_idle(app: web.Application, fake_rasa, sender: str, seconds: float) -> None:
    """``sender`` said nothing for ``seconds``: in Rasa's tracker and in the web chat's
    memory of each conversation's last turn."""
    fake_rasa.age(sender, seconds)
    activity = app[WEB_CHAT].activity
    activity.note(sender, activity.get(sender) - seconds)


@pytest.fixture
async def context(browser: Browser, fake_rasa) -> AsyncIterator[BrowserContext]:
    fake_rasa.answer("/greet", "web.intro", buttons=[
        {"key": "menu.apply_benefit", "args": {}, "payload": TOPIC_PAYLOAD}])
    fake_rasa.answer(TOPIC_PAYLOAD, "error.no_answer")
    fake_rasa.answers[ARABIC] = [{"custom": {"key": "language.changed", "args": {},
                                             "set_language": "ar"}}]
    browser_context = await browser.new_context(viewport=PHONE, locale="nl-NL")
    yield browser_context
    await browser_context.close()


async def open_chat(context: BrowserContext, url: str) -> Page:
    page = await context.new_page()
    await page.goto(url)
    await expect(page.locator(".message-bot").first).to_be_visible()
    return page


async def type_and_enter(page: Page, text: str) -> None:
    await page.locator("#message-input").fill(text)
    await page.locator("#message-input").press("Enter")


async def sender_of(context: BrowserContext) -> str:
    [token] = [c["value"] for c in await context.cookies() if c["name"] == SESSION_COOKIE]
    return sender_id_for(token)


def in_arabic(translator: Translator, key: str) -> str:
    return translator.directed(translator.text(key, "ar"), "ar")


async def shown(page: Page) -> list[str]:
    """The conversation on the screen: bubbles and buttons in order, each with its author."""
    return await page.locator(".message, .button-row button").evaluate_all(
        "nodes => nodes.map(n => (n.tagName === 'BUTTON' ? 'button' : n.className) + ': ' "
        "+ n.textContent + (n.disabled ? ' (disabled)' : ''))")


async def test_a_reload_and_a_new_tab_show_the_conversation_so_far(
        context: BrowserContext, chat_url: str, fake_rasa, translator: Translator) -> None:
    page = await open_chat(context, chat_url)
    await page.get_by_role("button", name=translator.text("menu.apply_benefit", "nl")).click()
    await expect(page.locator(".message-bot")).to_have_count(3)
    await type_and_enter(page, "Wanneer wordt mijn uitkering betaald? Ik wacht al lang.")
    await expect(page.locator(".message-bot")).to_have_count(4)
    before = await shown(page)

    await page.reload()
    await expect(page.locator(".message-bot")).to_have_count(3)  # no language menu: see below
    after = await shown(page)
    second_tab = await open_chat(context, chat_url)
    await expect(second_tab.locator(".message-bot")).to_have_count(3)

    # The language menu the gateway adds on a first visit is not part of Rasa's conversation.
    menu = f"message message-bot: {translator.text('language.choose', 'nl')}"
    assert [line for line in before if line != menu and not line.startswith("button")] \
        == [line for line in after if not line.startswith("button")]
    assert "message message-user: Wanneer wordt mijn uitkering betaald? Ik wacht al lang." \
        in after
    assert f"message message-user: {translator.text('menu.apply_benefit', 'nl')}" in after
    assert any(line.endswith("(disabled)") for line in after)  # answered buttons stay pressed
    assert await shown(second_tab) == after
    assert fake_rasa.messages.count("/greet") == 1  # nothing was sent to Rasa again


async def test_the_conversation_comes_back_in_the_language_chosen(
        context: BrowserContext, chat_url: str, fake_rasa, translator: Translator) -> None:
    page = await open_chat(context, chat_url)
    await page.locator(".button-row button", has_text="العربية").click()
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")

    await page.reload()
    await expect(page.locator("html")).to_have_attribute("lang", "ar")
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    bots = page.locator(".message-bot")
    await expect(bots).to_have_count(2)
    await expect(bots.first).to_have_text(in_arabic(translator, "web.intro"))
    await expect(bots.last).to_have_text(in_arabic(translator, "language.changed"))
    await expect(page.locator(".message-user")).to_contain_text(  # the button, by its title
        translator.text("language.name", "ar"))
    assert fake_rasa.messages == ["/greet", ARABIC]


async def test_new_conversation_starts_afresh_and_stays_new_after_a_reload(
        context: BrowserContext, chat_url: str, fake_rasa) -> None:
    page = await open_chat(context, chat_url)
    first_sender = await sender_of(context)
    await type_and_enter(page, "Ik heb een vraag over mijn uitkering")
    await expect(page.locator(".message-user")).to_have_count(1)

    await page.locator("#new-conversation").click()
    await expect(page.locator(".message-user")).to_have_count(0)
    await expect(page.locator(".message-bot").first).to_be_visible()
    assert await sender_of(context) != first_sender
    await page.reload()
    await expect(page.locator(".message-bot").first).to_be_visible()
    await expect(page.locator(".message-user")).to_have_count(0)
    assert fake_rasa.messages == ["/greet", "Ik heb een vraag over mijn uitkering", "/greet"]


async def test_an_idle_conversation_is_closed_on_reload_with_a_notice(
        context: BrowserContext, chat_url: str, fake_rasa, translator: Translator) -> None:
    page = await open_chat(context, chat_url)
    await type_and_enter(page, "Mijn adres is veranderd")
    await expect(page.locator(".message-user")).to_have_count(1)
    old_sender = await sender_of(context)
    fake_rasa.age(old_sender, (IDLE_MINUTES + 1) * 60)

    await page.reload()
    bots = page.locator(".message-bot")
    await expect(bots.first).to_have_text(translator.text("web.conversation_expired", "nl"))
    await expect(bots.nth(1)).to_have_text(translator.text("web.intro", "nl"))
    await expect(page.locator(".message-user")).to_have_count(0)
    assert await sender_of(context) != old_sender


async def test_a_message_after_the_idle_time_gets_the_notice_and_is_given_back(
        context: BrowserContext, chat_app: web.Application, chat_url: str, fake_rasa,
        translator: Translator) -> None:
    page = await open_chat(context, chat_url)
    await page.locator(".button-row button", has_text="العربية").click()
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    make_idle(chat_app, fake_rasa, await sender_of(context), (IDLE_MINUTES + 5) * 60)

    await type_and_enter(page, "متى موعدي؟")
    bots = page.locator(".message-bot")
    await expect(bots.first).to_have_text(in_arabic(translator, "web.conversation_expired"))
    await expect(page.locator(".message-user")).to_have_count(0)
    await expect(page.locator("#message-input")).to_have_value("متى موعدي؟")
    assert "متى موعدي؟" not in fake_rasa.messages  # not handled in the closed conversation
    assert fake_rasa.received[-1]["message"] == "/greet"
    assert fake_rasa.received[-1]["metadata"]["language"] == "ar"  # the new one, in Arabic


async def test_a_conversation_within_the_idle_time_is_not_closed(
        context: BrowserContext, chat_url: str, fake_rasa, translator: Translator) -> None:
    page = await open_chat(context, chat_url)
    await type_and_enter(page, "Hallo")
    await expect(page.locator(".message-user")).to_have_count(1)
    fake_rasa.age(await sender_of(context), (IDLE_MINUTES - 1) * 60)
    await page.reload()
    await expect(page.locator(".message-user")).to_have_text("Hallo")
    await expect(page.locator(".message-bot", has_text=translator.text(
        "web.conversation_expired", "nl"))).to_have_count(0)
