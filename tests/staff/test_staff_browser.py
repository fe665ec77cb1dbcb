"""The staff console in a real browser (Debian's Chromium through Playwright): enrolling the
authenticator by QR code, logging in with password and TOTP, a day's appointments, the audit
log, logging out."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pyotp
import pytest
from playwright.async_api import Browser, Page, expect

from assistant.policy.municipality import Municipality
from bot.staff.texts import StaffTexts
from tests.staff.conftest import ConsoleServer, Staffer, next_code
from tests.staff.test_staff_access import AMSTERDAM, book, local_day

SCREENSHOT_DIR = "/tmp"


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1024, "height": 768}, locale="nl-NL")
    yield await context.new_page()
    await context.close()


async def enter_password(page: Page, server: ConsoleServer, staffer: Staffer) -> None:
    await page.goto(f"{server.url}/")  # not logged in: sent to the login
    await expect(page).to_have_url(f"{server.url}/login")
    await page.get_by_label("E-mailadres").fill(staffer.member.email.upper())
    await page.get_by_label("Wachtwoord").fill(staffer.password)
    await page.get_by_role("button", name="Inloggen").click()


async def test_a_beheerder_enrols_by_qr_code_and_reads_the_audit_log(
        page: Page, console_server: ConsoleServer, beheerder: Staffer, medewerker: Staffer,
        sqlite_url: str, midden_drenthe: Municipality, staff_texts: StaffTexts) -> None:
    appointment = book(midden_drenthe, sqlite_url, "klantmanager")
    await enter_password(page, console_server, beheerder)

    await expect(page).to_have_url(f"{console_server.url}/enrol")
    qr = page.locator(".staff-qr svg")
    await expect(qr).to_be_visible()
    assert (await qr.bounding_box())["width"] > 100
    secret = (await page.locator(".staff-secret").inner_text()).strip()
    await page.get_by_label("Code").fill("000000" if pyotp.TOTP(secret).now() != "000000"
                                         else "111111")
    await page.get_by_role("button", name=staff_texts("staff.enrol.submit")).click()
    await expect(page.get_by_role("alert")).to_have_text(staff_texts("staff.code.wrong"))
    await page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name=staff_texts("staff.enrol.submit")).click()

    await expect(page).to_have_url(f"{console_server.url}/")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        staff_texts("staff.home.title"))
    await page.locator(".staff-teams a[href*='/teams/klantmanager']").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("afspraken op")
    await page.goto(f"{console_server.url}/teams/klantmanager/{local_day(appointment)}")
    row = page.locator("#appointments tbody tr", has_text=appointment.reference)
    await expect(row).to_contain_text(appointment.start.astimezone(AMSTERDAM).strftime("%H:%M"))
    await expect(row).to_contain_text(staff_texts("staff.status.booked"))
    await row.get_by_role("link", name=appointment.reference).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        staff_texts("staff.appointment.title", reference=appointment.reference))
    await page.screenshot(path=f"{SCREENSHOT_DIR}/staff-appointment.png")

    await page.get_by_role("link", name=staff_texts("staff.nav.audit")).click()
    line = page.locator("#audit tbody tr", has_text=appointment.reference)
    await expect(line).to_contain_text(staff_texts("staff.audit.action.appointment.view"))
    await expect(line).to_contain_text(beheerder.member.email)
    await page.screenshot(path=f"{SCREENSHOT_DIR}/staff-audit.png")

    await page.get_by_role("button", name=staff_texts("staff.nav.logout")).click()
    await expect(page).to_have_url(f"{console_server.url}/login")
    await page.goto(f"{console_server.url}/audit")
    await expect(page).to_have_url(f"{console_server.url}/login")


async def test_a_medewerker_logs_in_with_password_and_totp_and_sees_only_their_team(
        page: Page, console_server: ConsoleServer, medewerker: Staffer, sqlite_url: str,
        staff_texts: StaffTexts) -> None:
    assert console_server.accounts.check_code(medewerker.member,
                                              next_code(sqlite_url, medewerker.member))
    await enter_password(page, console_server, medewerker)
    await expect(page).to_have_url(f"{console_server.url}/code")
    await page.get_by_label("Code").fill(next_code(sqlite_url, medewerker.member))
    await page.get_by_role("button", name=staff_texts("staff.code.submit")).click()
    await expect(page).to_have_url(f"{console_server.url}/")
    await expect(page.locator(".staff-teams li")).to_have_count(1)
    await expect(page.get_by_role("link", name=staff_texts("staff.nav.audit"))).to_have_count(0)
    await page.goto(f"{console_server.url}/teams/schuldhulp/2026-12-08")
    await expect(page.get_by_role("alert")).to_have_text(staff_texts("staff.error.other_team"))


async def test_a_beheerder_closes_a_day_and_sees_its_bookings_to_follow_up(
        page: Page, console_server: ConsoleServer, beheerder: Staffer, sqlite_url: str,
        midden_drenthe: Municipality, staff_texts: StaffTexts, action_settings: str) -> None:
    from actions.common import appointment_book  # what the booking form offers from

    appointment = book(midden_drenthe, sqlite_url, "klantmanager")
    day = appointment.start.astimezone(AMSTERDAM).date()
    offered_days = {m.astimezone(AMSTERDAM).date()
                    for m in appointment_book().free_slots("klantmanager", limit=30)}
    assert day in offered_days
    assert console_server.accounts.check_code(beheerder.member,
                                              next_code(sqlite_url, beheerder.member))
    await enter_password(page, console_server, beheerder)
    await page.get_by_label("Code").fill(next_code(sqlite_url, beheerder.member))
    await page.get_by_role("button", name=staff_texts("staff.code.submit")).click()
    await page.locator(".staff-teams a[href$='/capacity/klantmanager']").click()
    free = page.locator("#free-slots li", has_text=day.strftime("%d-%m-%Y"))
    await expect(free.first).to_be_visible()

    await page.get_by_label(staff_texts("staff.capacity.day"), exact=True).fill(day.isoformat())
    await page.get_by_label(staff_texts("staff.capacity.reason"),
                            exact=True).fill("Heidag van het team")
    await page.get_by_role("button", name=staff_texts("staff.capacity.close")).click()

    notice = page.locator("#closed-now")
    await expect(notice).to_contain_text(staff_texts(
        "staff.capacity.closed_now", day=day.strftime("%d-%m-%Y"), count=1))
    listed = notice.get_by_role("link", name=appointment.reference, exact=False)
    await expect(listed).to_be_visible()
    closed_row = page.locator("#closed-days tbody tr", has_text="Heidag van het team")
    await expect(closed_row).to_contain_text(appointment.reference)
    await expect(free).to_have_count(0)
    await page.screenshot(path=f"{SCREENSHOT_DIR}/staff-capacity.png", full_page=True)
    assert day not in {m.astimezone(AMSTERDAM).date()
                       for m in appointment_book().free_slots("klantmanager", limit=30)}

    await listed.click()
    await expect(page.locator("#status")).to_have_text(staff_texts("staff.status.booked"))


async def test_a_beheerder_makes_a_medewerker_who_enrols_at_the_first_login(
        page: Page, browser: Browser, console_server: ConsoleServer, beheerder: Staffer,
        sqlite_url: str, staff_texts: StaffTexts) -> None:
    assert console_server.accounts.check_code(beheerder.member,
                                              next_code(sqlite_url, beheerder.member))
    await enter_password(page, console_server, beheerder)
    await page.get_by_label("Code").fill(next_code(sqlite_url, beheerder.member))
    await page.get_by_role("button", name=staff_texts("staff.code.submit")).click()
    await page.get_by_role("link", name=staff_texts("staff.nav.accounts")).click()

    async def fill_in(with_team: bool) -> None:
        await page.get_by_label(staff_texts("staff.login.email")).fill("nieuw@gemeente.nl")
        await page.get_by_label(staff_texts("staff.accounts.name"), exact=True).fill("Nina")
        await page.get_by_label(staff_texts("staff.accounts.role")).select_option("medewerker")
        if with_team:
            await page.locator("input[name=team][value=schuldhulp]").check()
        await page.get_by_label(staff_texts("staff.accounts.password")).fill(
            "een goed eerste wachtwoord")
        await page.get_by_role("button", name=staff_texts("staff.accounts.create")).click()

    await fill_in(with_team=False)
    await expect(page.get_by_role("alert")).to_have_text(
        staff_texts("staff.account.error.teams"))  # a medewerker needs a team
    await fill_in(with_team=True)
    row = page.locator("#accounts tbody tr", has_text="nieuw@gemeente.nl")
    await expect(row).to_contain_text(staff_texts("staff.accounts.not_enrolled"))
    await page.screenshot(path=f"{SCREENSHOT_DIR}/staff-accounts.png", full_page=True)

    context = await browser.new_context()
    newcomer = await context.new_page()
    staffer = Staffer(next(m for m in console_server.accounts.all_members()
                           if m.email == "nieuw@gemeente.nl"), "een goed eerste wachtwoord")
    await enter_password(newcomer, console_server, staffer)
    await expect(newcomer).to_have_url(f"{console_server.url}/enrol")
    secret = (await newcomer.locator(".staff-secret").inner_text()).strip()
    await newcomer.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    await newcomer.get_by_role("button", name=staff_texts("staff.enrol.submit")).click()
    await expect(newcomer.locator(".staff-teams li")).to_have_count(1)
    await context.close()

    await page.reload()
    await expect(row).to_contain_text(staff_texts("staff.accounts.active"))
    await row.get_by_role("button", name=staff_texts("staff.accounts.disable")).click()
    await expect(row).to_contain_text(staff_texts("staff.accounts.disabled"))
    assert console_server.accounts.check_password("nieuw@gemeente.nl",
                                                  "een goed eerste wachtwoord") is None
