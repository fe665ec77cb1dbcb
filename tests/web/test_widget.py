"""The web chat embedded in another site's page with one <script> tag (demo/gemeente.html),
in real Chromium: the demo page and the chat are two servers (two origins), the real app and
Gateway with all catalogs, a fake Rasa behind them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import Browser, FrameLocator, Page, expect

from assistant.settings import PROJECT_ROOT, Settings
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve

DEMO_PAGE = PROJECT_ROOT / "demo" / "gemeente.html"
DEMO_CHAT_ORIGIN = "http://127.0.0.1:8000"  # where the demo page expects the chat
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}

Site = Callable[[], Awaitable[str]]


async def start(app: web.Application, runners: list[web.AppRunner]) -> str:
    runner = await serve(app, "127.0.0.1", 0)
    runners.append(runner)
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}"


@pytest.fixture
async def servers() -> AsyncIterator[list[web.AppRunner]]:
    runners: list[web.AppRunner] = []
    yield runners
    for runner in runners:
        await runner.cleanup()


def demo_site(chat_origin: str) -> web.Application:
    """A municipality's site serving demo/gemeente.html, its tag pointing at ``chat_origin``."""
    page = DEMO_PAGE.read_text(encoding="utf-8").replace(DEMO_CHAT_ORIGIN, chat_origin)

    async def gemeente(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/gemeente.html", gemeente)
    return app


@pytest.fixture
async def embedding(servers: list[web.AppRunner], gateway: Gateway, translator: Translator,
                    settings: Settings, fake_rasa) -> tuple[str, str]:
    """(demo page URL on an allowed site, a second site's URL that is not allowed)."""
    fake_rasa.answer("/greet", "web.intro")
    allowed_site = await start(demo_site(""), servers)  # origin first; the page comes below
    chat_app = create_app(gateway, translator, replace(settings, embed_origins=(allowed_site,)))
    chat_origin = await start(chat_app, servers)
    await servers[0].cleanup()  # the first site again, now with the chat's address in its tag
    servers.pop(0)
    host, port = allowed_site.removeprefix("http://").split(":")
    runner = web.AppRunner(demo_site(chat_origin))
    await runner.setup()
    await web.TCPSite(runner, host, int(port)).start()
    servers.append(runner)
    other_site = await start(demo_site(chat_origin), servers)
    return f"{allowed_site}/gemeente.html", f"{other_site}/gemeente.html"


def widget(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[data-webchat]")


async def test_one_tag_puts_a_working_chat_on_the_page(
        browser: Browser, embedding: tuple[str, str], translator: Translator,
        fake_rasa) -> None:
    demo_url, _ = embedding
    context = await browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = await context.new_page()
    await page.goto(demo_url)
    launcher = widget(page).get_by_role("button", name=translator.text("web.widget.open", "nl"))
    await expect(launcher).to_be_visible()
    assert fake_rasa.messages == []  # a page view alone does not start a conversation
    frame_title = translator.text("web.title", "nl")
    await expect(page.locator("iframe[data-webchat]")).to_have_attribute("title", frame_title)

    # The page's own styles (yellow 30 px Comic Sans buttons, red iframe borders) stay out.
    styles = await launcher.evaluate(
        "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).fontSize]")
    assert styles == ["rgb(0, 75, 102)", "16px"]
    assert await page.locator("iframe[data-webchat]").evaluate(
        "f => getComputedStyle(f).borderTopWidth") == "0px"
    # ... and the page's scripts cannot reach into the chat (another origin).
    assert await page.locator("iframe[data-webchat]").evaluate("f => f.contentDocument") is None

    await launcher.click()
    chat = widget(page)
    await expect(chat.locator(".message-bot").first).to_have_text(
        translator.text("web.intro", "nl"))
    await expect(chat.locator("#message-input")).to_be_focused()
    fake_rasa.answer("Ik wil een afspraak maken", "error.no_answer")
    await chat.locator("#message-input").fill("Ik wil een afspraak maken")
    await chat.locator("#message-input").press("Enter")
    await expect(chat.locator(".message-bot").last).to_have_text(
        translator.text("error.no_answer", "nl"))
    box = await page.locator("iframe[data-webchat]").bounding_box()
    assert box is not None and box["width"] >= 300 and box["height"] >= 400

    await chat.locator("#message-input").press("Escape")
    await expect(launcher).to_be_focused()
    await expect(chat.locator("#chat")).to_be_hidden()
    await page.screenshot(path="/tmp/webchat-widget.png")
    await context.close()


async def test_the_open_widget_fits_a_320_pixel_screen(
        browser: Browser, embedding: tuple[str, str], translator: Translator) -> None:
    demo_url, _ = embedding
    context = await browser.new_context(viewport={"width": 320, "height": 560}, locale="nl-NL")
    page = await context.new_page()
    await page.goto(demo_url)
    await widget(page).locator("#widget-launcher").click()
    chat = widget(page)
    await expect(chat.locator(".message-bot").first).to_be_visible()
    frame = await page.locator("iframe[data-webchat]").bounding_box()
    assert frame is not None
    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= 320
    assert frame["y"] >= 0 and frame["y"] + frame["height"] <= 560
    send = await chat.locator("#send-button").bounding_box()
    assert send is not None and send["x"] + send["width"] <= 320
    await context.close()


async def test_a_site_not_on_the_allow_list_gets_no_chat(
        browser: Browser, embedding: tuple[str, str]) -> None:
    _, other_url = embedding
    context = await browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = await context.new_page()
    refusals: list[str] = []
    page.on("console", lambda message: refusals.append(message.text))
    await page.goto(other_url)
    await page.wait_for_timeout(1000)
    assert await widget(page).locator("#widget-launcher").count() == 0
    assert any("frame-ancestors" in text for text in refusals), refusals
    await context.close()


async def test_the_widget_follows_its_data_language(
        browser: Browser, servers: list[web.AppRunner], gateway: Gateway,
        translator: Translator, settings: Settings, fake_rasa) -> None:
    """data-language="ar": the frame is in Arabic, right to left, before anyone chose."""
    fake_rasa.answer("/greet", "web.intro")
    chat_origin = await start(create_app(gateway, translator, settings), servers)
    context = await browser.new_context(viewport=PHONE, locale="nl-NL")
    page = await context.new_page()
    await page.goto(chat_origin + "/embed?lang=ar&municipality=midden-drenthe")
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("#widget-launcher")).to_have_text(
        translator.text("web.widget.open", "ar"))
    await page.locator("#widget-launcher").click()
    await expect(page.locator("#widget-close")).to_have_text(
        translator.text("web.widget.close", "ar"))
    assert fake_rasa.received[0]["metadata"]["language"] == "ar"
    await context.close()


async def test_embed_headers_and_municipality(
        servers: list[web.AppRunner], gateway: Gateway, translator: Translator,
        settings: Settings) -> None:
    allowed = ("https://www.middendrenthe.nl", "https://werk.middendrenthe.nl")
    chat_origin = await start(create_app(gateway, translator,
                                         replace(settings, embed_origins=allowed)), servers)
    async with aiohttp.ClientSession() as session:
        async with session.get(chat_origin + "/embed?municipality=midden-drenthe") as embed:
            assert embed.status == 200
            policy = embed.headers["Content-Security-Policy"]
            assert "frame-ancestors 'self' https://www.middendrenthe.nl " \
                   "https://werk.middendrenthe.nl" in policy
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        async with session.get(chat_origin + "/") as page:
            assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        async with session.get(chat_origin + "/embed?municipality=assen") as elsewhere:
            assert elsewhere.status == 404
