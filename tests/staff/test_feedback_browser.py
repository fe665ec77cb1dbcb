"""Residents' feedback in real Chromium (Playwright): a resident rates an answer of the web chat
by keyboard alone (the thumbs are named for screen readers, the page passes the axe-core
audit with them) and types a remark; a beheerder logs in with password and TOTP and finds the
rating and the remark, without the phone number in it, on the insight page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pyotp
import pytest
from playwright.async_api import Browser, BrowserContext, expect

from bot.i18n import Translator
from bot.staff.texts import StaffTexts
from tests.fakes import FakeRasa, bot_message
from tests.staff.conftest import ConsoleServer, Staffer
from tests.web.test_accessibility import AXE, axe_violations

POLICY_ANSWER = [
    bot_message("policy.bbz.description"),
    bot_message("topic.source_and_next", {"source": "Bbz 2004", "team": "Klantmanager"},
                [{"key": "menu.request_human", "args": {}, "payload": "/request_human"}]),
]


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    browser_context = await browser.new_context(viewport={"width": 1024, "height": 900},
                                                locale="nl-NL")
    yield browser_context
    await browser_context.close()


async def test_a_resident_rates_by_keyboard_and_the_beheerder_sees_it(
        context: BrowserContext, console_server: ConsoleServer, beheerder: Staffer,
        fake_rasa: FakeRasa, sqlite_url: str, translator: Translator,
        staff_texts: StaffTexts) -> None:
    fake_rasa.answers["/greet"] = [bot_message("greet.welcome")]
    fake_rasa.answers["Wat is het Bbz?"] = POLICY_ANSWER
    chat = await context.new_page()
    await chat.goto(console_server.url.removesuffix("/staff") + "/")
    log = chat.get_by_role("log")
    await expect(log).to_contain_text("Waarmee kan ik u helpen?")
    await expect(chat.locator(".feedback")).to_have_count(0)  # not under the welcome

    field = chat.get_by_role("textbox")
    await field.focus()
    await chat.keyboard.type("Wat is het Bbz?")
    await chat.keyboard.press("Enter")
    group = chat.get_by_role("group", name=translator.text("feedback.question", "nl"))
    await expect(group).to_have_count(1)
    up = group.get_by_role("button", name=translator.text("feedback.up", "nl"))
    down = group.get_by_role("button", name=translator.text("feedback.down", "nl"))
    await expect(down).to_have_attribute("aria-pressed", "false")
    assert await axe_violations(chat, AXE.read_text(encoding="utf-8")) == []

    await expect(field).to_be_focused()
    await chat.keyboard.press("Shift+Tab")  # the thumbs are right before the input
    await expect(down).to_be_focused()
    await chat.keyboard.press("Enter")
    await expect(log).to_contain_text(translator.text("feedback.ask_remark", "nl"))
    await expect(down).to_have_attribute("aria-pressed", "true")
    await expect(up).to_be_disabled()
    await expect(field).to_be_focused()  # the remark is typed at once
    await chat.keyboard.type("Te ingewikkeld, bel me op 06 12345678")
    await chat.keyboard.press("Enter")
    await expect(log).to_contain_text(translator.text("feedback.remark_thanks", "nl"))
    await chat.screenshot(path="/tmp/chat-feedback.png")

    staff = await context.new_page()
    await staff.goto(f"{console_server.url}/login")
    await staff.get_by_label("E-mailadres").fill(beheerder.member.email)
    await staff.get_by_label("Wachtwoord").fill(beheerder.password)
    await staff.get_by_role("button", name="Inloggen").click()
    await expect(staff).to_have_url(f"{console_server.url}/enrol")
    secret = (await staff.locator(".staff-secret").inner_text()).strip()  # first login: enrol
    await staff.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    await staff.get_by_role("button", name=staff_texts("staff.enrol.submit")).click()
    await expect(staff).to_have_url(f"{console_server.url}/")
    await staff.get_by_role("link", name=staff_texts("staff.nav.insight")).click()
    remarks = staff.locator("#table-feedback_remarks tbody tr")
    await expect(remarks).to_have_count(1)
    await expect(remarks).to_contain_text("Te ingewikkeld, bel me op […]")
    await expect(remarks).to_contain_text(staff_texts("staff.insight.rating.down"))
    await expect(remarks).to_contain_text("Een eigen bedrijf beginnen vanuit de bijstand (Bbz)")
    topics = staff.locator("#table-feedback_topics tbody tr")
    await expect(topics).to_contain_text("0,0")
    await expect(staff.locator("main")).not_to_contain_text("12345678")
    await staff.locator("#feedback").scroll_into_view_if_needed()
    await staff.screenshot(path="/tmp/staff-insight-feedback.png", full_page=True)
