"""WCAG 2.1 AA for the web chat page and the widget, in real Chromium: an axe-core audit
(installed from the npm registry by scripts/ensure-chromium.sh, injected from that local file),
keyboard-only booking and language choice with a visible focus, 200% zoom and 320 px, reduced
motion, a language per message. The real app and Gateway, all catalogs, a fake Rasa."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Browser, BrowserContext, Frame, Page, expect

from assistant.settings import PROJECT_ROOT, Settings
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve
from tests.web.test_widget import demo_site, start

AXE = PROJECT_ROOT / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA (the Dutch rules) and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = {"width": 360, "height": 640}

BOOK = "/book_appointment"
TEAM = '/choose_team{"team":"klantmanager"}'
TIMES = ['/choose_time{"time":"2026-12-08T10:00"}', '/choose_time{"time":"2026-12-08T11:00"}']
ENGLISH = '/choose_language{"language":"en"}'


def booking_dialogue(fake_rasa) -> None:
    """The bot's side of a booking, button by button (catalog keys, as Rasa sends them)."""
    fake_rasa.answer("/greet", "web.intro", buttons=[
        {"key": "menu.book_appointment", "args": {}, "payload": BOOK}])
    fake_rasa.answer(BOOK, "booking.ask_team", buttons=[
        {"key": "team.klantmanager.name", "args": {}, "payload": TEAM}])
    fake_rasa.answer(TEAM, "booking.ask_time", {"team": "Klantmanager"}, buttons=[
        {"key": "booking.time_button", "args": {"when": when}, "payload": payload}
        for when, payload in zip(["dinsdag 8 december 10:00", "dinsdag 8 december 11:00"],
                                 TIMES, strict=True)])
    details = {"team": "Klantmanager", "when": "dinsdag 8 december 11:00",
               "location": "Raadhuisstraat 2, Beilen"}
    fake_rasa.answer(TIMES[1], "booking.ask_confirm", details, buttons=[
        {"key": "button.yes", "args": {}, "payload": "/affirm"},
        {"key": "button.no", "args": {}, "payload": "/deny"}])
    fake_rasa.answer("/affirm", "booking.confirmed", {**details, "reference": "MD-4821"})
    fake_rasa.answers[ENGLISH] = [{"custom": {"key": "language.changed", "args": {},
                                              "set_language": "en"}}]


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: run scripts/ensure-chromium.sh")
    return AXE.read_text(encoding="utf-8")


# Rules about a whole page, which axe itself skips inside a frame (pageLevel): the widget's
# frame is audited on its own (below), but it is part of the site's page, not a page.
PAGE_LEVEL_RULES = ["landmark-one-main", "page-has-heading-one", "bypass"]


async def axe_violations(frame: Page | Frame, axe_source: str) -> list[str]:
    """axe-core's violations in this document. Each frame is audited on its own (the widget's
    frame is another origin than the site's page). Evaluated through the DevTools protocol, so
    the page's CSP, which forbids inline scripts, stays as it is."""
    await frame.evaluate(axe_source)
    in_frame = isinstance(frame, Frame) and frame.parent_frame is not None
    skipped = {rule: {"enabled": False} for rule in PAGE_LEVEL_RULES} if in_frame else {}
    return await frame.evaluate(
        """([tags, skipped]) => axe.run(document, {
                runOnly: {type: "tag", values: tags}, rules: skipped, iframes: false,
                resultTypes: ["violations"]})
            .then(result => result.violations.map(v => v.id + " (" + v.impact + "): "
                + v.nodes.map(n => n.target.join(" ")).join(", ")))""",
        [AXE_TAGS, skipped])


@pytest.fixture
async def chat_url(gateway: Gateway, translator: Translator,
                   settings: Settings) -> AsyncIterator[str]:
    runner = await serve(create_app(gateway, translator, settings), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/"
    await runner.cleanup()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    browser_context = await browser.new_context(viewport=PHONE, locale="nl-NL")
    yield browser_context
    await browser_context.close()


async def focused(page: Page | Frame) -> str:
    return await page.evaluate("document.activeElement.textContent")


async def tab_to(page: Page, name: str, frame: Frame | None = None) -> None:
    """Press Tab until the element called ``name`` has the focus (inside ``frame`` when the
    focus is in that frame)."""
    for _ in range(40):
        in_frame = frame is not None and await page.evaluate(
            "document.activeElement.tagName === 'IFRAME'")
        text = await focused(frame if in_frame and frame else page)
        if text.strip("\u200e\u200f\u2068\u2069 ") == name:
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"no button {name!r} reachable by Tab; focus on {await focused(page)!r}")


async def focus_is_visible(page: Page) -> bool:
    """The focused element draws an outline of 2 px or more (chat.css :focus-visible)."""
    return await page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    }""")


async def test_a_booking_by_keyboard_alone(context: BrowserContext, chat_url: str, fake_rasa,
                                          translator: Translator, axe_source: str) -> None:
    booking_dialogue(fake_rasa)
    page = await context.new_page()
    await page.goto(chat_url)
    await expect(page.locator(".message-bot").first).to_be_visible()
    await expect(page.locator(".message-bot")).to_have_count(2)

    await tab_to(page, translator.text("menu.book_appointment", "nl"))
    assert await focus_is_visible(page)
    await page.keyboard.press("Enter")
    # The keyboard goes on at the answer's first button: the team.
    await expect(page.locator(":focus")).to_have_text(translator.text("team.klantmanager.name",
                                                                       "nl"))
    assert await focus_is_visible(page)
    await page.keyboard.press("Space")
    await expect(page.locator(":focus")).to_have_text("dinsdag 8 december 10:00")
    await page.keyboard.press("Tab")  # the second time
    await expect(page.locator(":focus")).to_have_text("dinsdag 8 december 11:00")
    assert await focus_is_visible(page)
    await page.keyboard.press("Enter")
    await expect(page.locator(":focus")).to_have_text(translator.text("button.yes", "nl"))
    await page.keyboard.press("Enter")

    await expect(page.locator(".message-bot").last).to_contain_text("MD-4821")
    await expect(page.locator("#message-input")).to_be_focused()  # no buttons: back to typing
    assert fake_rasa.messages == ["/greet", BOOK, TEAM, TIMES[1], "/affirm"]
    assert await axe_violations(page, axe_source) == []


async def test_the_language_menu_by_keyboard(context: BrowserContext, chat_url: str,
                                             fake_rasa, translator: Translator,
                                             axe_source: str) -> None:
    booking_dialogue(fake_rasa)
    page = await context.new_page()
    await page.goto(chat_url)
    await expect(page.locator(".message-bot")).to_have_count(2)
    await tab_to(page, "English")
    assert await focus_is_visible(page)
    await page.keyboard.press("Enter")

    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#send-button")).to_have_text(translator.text("web.send", "en"))
    # Each message says its own language: the Dutch welcome stays Dutch, the answer is English.
    await expect(page.locator(".message-bot").first).to_have_attribute("lang", "nl")
    await expect(page.locator(".message-bot").last).to_have_attribute("lang", "en")
    await expect(page.locator(".message-bot").last).to_have_attribute("dir", "auto")
    assert await axe_violations(page, axe_source) == []


async def test_the_arabic_page_passes_the_audit(context: BrowserContext, chat_url: str,
                                                fake_rasa, axe_source: str) -> None:
    fake_rasa.answer("/greet", "web.intro")
    fake_rasa.answers['/choose_language{"language":"ar"}'] = [
        {"custom": {"key": "language.changed", "args": {}, "set_language": "ar"}}]
    page = await context.new_page()
    await page.goto(chat_url)
    await page.locator(".button-row button", has_text="العربية").click()
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator(".message-bot").last).to_have_attribute("lang", "ar")
    await page.locator("#message-input").fill("سؤال")
    await page.locator("#message-input").press("Enter")
    await expect(page.locator(".message-bot")).to_have_count(4)
    assert await axe_violations(page, axe_source) == []


@pytest.mark.parametrize("language", ["nl", "ar", "ti"])
async def test_the_privacy_page_passes_the_audit(context: BrowserContext, chat_url: str,
                                                 axe_source: str, language: str) -> None:
    page = await context.new_page()
    await page.goto(f"{chat_url}privacy?lang={language}")
    await expect(page.locator("h1")).to_be_visible()
    assert await axe_violations(page, axe_source) == []


@pytest.mark.parametrize("viewport", [{"width": 640, "height": 400},  # 1280x800 at 200%
                                      {"width": 320, "height": 568}], ids=["zoom200", "320px"])
async def test_usable_at_200_percent_zoom_and_320_pixels(
        browser: Browser, chat_url: str, fake_rasa, viewport: dict) -> None:
    fake_rasa.answer("/greet", "web.intro")
    context = await browser.new_context(viewport=viewport, locale="nl-NL")
    page = await context.new_page()
    await page.goto(chat_url)
    await expect(page.locator(".message-bot")).to_have_count(2)
    assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    for selector in ("#message-input", "#send-button", "#new-conversation"):
        box = await page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], selector
    last_button = page.locator(".button-row button").last
    await last_button.scroll_into_view_if_needed()
    await expect(last_button).to_be_in_viewport()
    await context.close()


async def test_reduced_motion_is_respected(browser: Browser, chat_url: str, fake_rasa) -> None:
    fake_rasa.answer("/greet", "web.intro")
    context = await browser.new_context(viewport=PHONE, reduced_motion="reduce")
    page = await context.new_page()
    await page.goto(chat_url)
    await expect(page.locator(".message-bot")).to_have_count(2)
    assert await page.evaluate("document.getAnimations().length") == 0
    styles = await page.locator(".button-row button").first.evaluate(
        "b => [getComputedStyle(b).transitionDuration, getComputedStyle(b).animationName, "
        "getComputedStyle(document.documentElement).scrollBehavior]")
    assert styles == ["0s", "none", "auto"]
    await context.close()


@pytest.fixture
async def demo_url(gateway: Gateway, translator: Translator, settings: Settings,
                   fake_rasa) -> AsyncIterator[str]:
    """demo/gemeente.html on one server, embedding the chat of another (allowed)."""
    fake_rasa.answer("/greet", "web.intro")
    runners: list[web.AppRunner] = []
    site_runner = web.AppRunner(web.Application())
    await site_runner.setup()
    site = web.TCPSite(site_runner, "127.0.0.1", 0)
    await site.start()
    host, port = site_runner.addresses[0][:2]
    await site_runner.cleanup()  # the port, to name in the allow-list before the chat starts
    chat_origin = await start(create_app(
        gateway, translator, replace(settings, embed_origins=(f"http://{host}:{port}",))),
        runners)
    demo_runner = web.AppRunner(demo_site(chat_origin))
    await demo_runner.setup()
    await web.TCPSite(demo_runner, host, port).start()
    runners.append(demo_runner)
    yield f"http://{host}:{port}/gemeente.html"
    for runner in runners:
        await runner.cleanup()


async def widget_frame(page: Page) -> Frame:
    handle = await page.wait_for_selector("iframe[data-webchat]")
    frame = await handle.content_frame()
    assert frame is not None
    await frame.wait_for_selector("#widget-launcher")
    return frame


async def test_the_widget_on_the_demo_page_passes_the_audit_and_works_by_keyboard(
        context: BrowserContext, demo_url: str, translator: Translator, fake_rasa,
        axe_source: str) -> None:
    page = await context.new_page()
    await page.goto(demo_url)
    frame = await widget_frame(page)
    assert await axe_violations(page, axe_source) == []  # the demo page itself
    assert await axe_violations(frame, axe_source) == []  # the closed widget

    await tab_to(page, translator.text("web.widget.open", "nl"), frame)
    assert await frame.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    }""")
    await page.keyboard.press("Enter")
    await expect(frame.locator(".message-bot").first).to_have_text(
        translator.text("web.intro", "nl"))
    await expect(frame.locator("#message-input")).to_be_focused()
    await page.keyboard.type("Hoe vraag ik bijstand aan?")
    await page.keyboard.press("Enter")
    await expect(frame.locator(".message-user")).to_have_text("Hoe vraag ik bijstand aan?")
    await expect(frame.locator(".message-bot")).to_have_count(3)
    assert await axe_violations(frame, axe_source) == []  # the open widget, in use

    await page.keyboard.press("Escape")
    await expect(frame.locator("#widget-launcher")).to_be_focused()
    assert fake_rasa.messages == ["/greet", "Hoe vraag ik bijstand aan?"]


def test_axe_comes_from_the_npm_registry_at_the_pinned_version() -> None:
    script = (PROJECT_ROOT / "scripts" / "ensure-chromium.sh").read_text()
    [pinned] = [line.split("=")[1] for line in script.splitlines()
                if line.startswith("AXE_VERSION=")]
    assert f'"version": "{pinned}"' in Path(AXE.parent / "package.json").read_text()
