"""The whole live handover in real browsers (Chromium through Playwright), through the real
gateway, Rasa server, action server and database: a resident in the web chat asks for a
person; a medewerker logs in to the console (password, then a TOTP code the test computes),
takes the conversation and reads its transcript; they write to each other, each seeing the
other's lines without a reload; the medewerker hands back and the assistant answers again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pyotp
import pytest
from playwright.async_api import Browser, Page, expect

from assistant.capacity import Capacity, validated_team
from assistant.policy.municipality import Municipality, load_municipality
from assistant.settings import Settings
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.staff.accounts import MEDEWERKER
from bot.staff.console import StaffConsole
from bot.staff.texts import StaffTexts
from bot.web import create_app, serve

pytestmark = pytest.mark.e2e
PASSWORD = "een lang en goed wachtwoord"
ALL_DAY = "00:00-23:59"


@pytest.fixture
def staff_texts(live_settings: Settings) -> StaffTexts:
    return StaffTexts.load(live_settings.locales_dir)


@pytest.fixture
def municipality(live_settings: Settings) -> Municipality:
    return load_municipality(live_settings.municipality_dir)


@pytest.fixture
def team_open_now(live_settings: Settings, municipality: Municipality) -> Iterator[str]:
    """The residents' team open all day (as a beheerder can set it in the console), so the
    request joins its queue whenever the test runs; its own hours come back afterwards."""
    code = municipality.resident_team
    capacity = Capacity(live_settings.database_url)
    team = municipality.team(code)
    capacity.save(validated_team(team, {day: ALL_DAY for day in range(7)},
                                 str(team.slot_minutes), str(team.seats)), "test@gemeente.nl")
    yield code
    capacity.reset(code)


@pytest.fixture
async def site(gateway: Gateway, live_settings: Settings,
               municipality: Municipality) -> AsyncIterator[tuple[str, StaffConsole]]:
    translator = Translator(live_settings.locales_dir, "nl", live_settings.timezone)
    console = StaffConsole(live_settings, translator, municipality, gateway=gateway)
    runner = await serve(create_app(gateway, translator, live_settings, staff_console=console),
                         "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}", console
    await runner.cleanup()


async def new_page(browser: Browser, locale: str) -> Page:
    context = await browser.new_context(viewport={"width": 1024, "height": 800}, locale=locale)
    return await context.new_page()


async def say(page: Page, text: str) -> None:
    await page.fill("#message-input", text)
    await page.press("#message-input", "Enter")


async def log_in_first_time(page: Page, url: str, email: str,
                            staff_texts: StaffTexts) -> None:
    """Password, then enrolment: the test reads the secret under the QR code and computes
    the code an authenticator app would show."""
    await page.goto(f"{url}/staff/")
    await page.get_by_label(staff_texts("staff.login.email")).fill(email)
    await page.get_by_label(staff_texts("staff.login.password")).fill(PASSWORD)
    await page.get_by_role("button", name=staff_texts("staff.login.submit")).click()
    secret = (await page.locator(".staff-secret").inner_text()).strip()
    await page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name=staff_texts("staff.enrol.submit")).click()
    await expect(page).to_have_url(f"{url}/staff/")


async def test_a_full_live_handover_in_the_browser(
        browser: Browser, site: tuple[str, StaffConsole], team_open_now: str,
        staff_texts: StaffTexts) -> None:
    url, console = site
    console.accounts.create("klant@midden-drenthe.nl", "Karel Klant", PASSWORD, MEDEWERKER,
                            frozenset({team_open_now}))
    resident = await new_page(browser, "nl-NL")
    await resident.goto(f"{url}/")
    bot = resident.locator(".message-bot")
    await expect(bot.first).to_contain_text("digitale assistent")
    await say(resident, "Ik wil een medewerker spreken")
    await expect(bot.last).to_contain_text("Blijf in dit gesprek")

    staff = await new_page(browser, "nl-NL")
    await log_in_first_time(staff, url, "klant@midden-drenthe.nl", staff_texts)
    await staff.get_by_role("link", name=staff_texts("staff.nav.queue")).click()
    row = staff.locator("#queue tbody tr").first
    await expect(row).to_contain_text("Nederlands")
    await row.get_by_role("button", name=staff_texts("staff.queue.take")).click()
    await expect(staff.get_by_role("heading", level=1)).to_have_text(
        staff_texts("staff.live.title"))
    transcript = staff.locator("#transcript")
    await expect(transcript).to_contain_text("Ik wil een medewerker spreken")
    await expect(transcript).to_contain_text("Blijf in dit gesprek")

    notice = resident.locator(".message-notice")
    await expect(notice.last).to_contain_text("Karel Klant van de gemeente is er nu")
    await say(resident, "Ik heb een vraag over mijn uitkering")
    lines = staff.locator("#live-lines")
    await expect(lines).to_contain_text("Ik heb een vraag over mijn uitkering")

    await staff.get_by_label(staff_texts("staff.live.message")).fill(
        "Goedemiddag, ik kijk even met u mee.")
    await staff.get_by_role("button", name=staff_texts("staff.live.send")).click()
    from_staff = resident.locator(".message-staff")
    await expect(from_staff.last).to_contain_text("Goedemiddag, ik kijk even met u mee.")
    await expect(from_staff.last.locator(".message-name")).to_have_text("Karel Klant")
    await expect(lines).to_contain_text("Goedemiddag, ik kijk even met u mee.")
    await resident.screenshot(path="/tmp/live-handover-resident.png")
    await staff.screenshot(path="/tmp/live-handover-staff.png", full_page=True)

    await staff.get_by_role("button", name=staff_texts("staff.live.handback")).click()
    await expect(staff.get_by_role("status")).to_have_text(
        staff_texts("staff.done.handed_back"))
    await expect(notice.last).to_contain_text("U praat weer met de digitale assistent")
    answers_before = await bot.count()
    await say(resident, "ik wil een afspraak maken")
    await expect(bot).to_have_count(answers_before + 1)
    await expect(resident.locator(".button-row button:not([disabled])").first).to_be_visible()
