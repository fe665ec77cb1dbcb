"""The handover queue page over real HTTP: a medewerker sees their teams' requests only,
takes one (once), closes it; another team's request is refused; the page updates itself (a
long poll of its table; without JavaScript a reload), in Chromium too."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from assistant.handover import QUEUED_MARK, DatabaseQueue
from bot.staff.texts import StaffTexts
from tests.staff.conftest import ConsoleServer, Staffer, csrf_of, log_in, next_code


async def test_a_medewerker_takes_and_closes_their_teams_requests(
        console_server: ConsoleServer, client: aiohttp.ClientSession, medewerker: Staffer,
        beheerder: Staffer, sqlite_url: str, staff_texts: StaffTexts) -> None:
    queue = DatabaseQueue(sqlite_url)
    own = queue.request("telegram:1", "telegram", "klantmanager", "ar", "apply_benefit",
                        {"role": "resident", "team": "klantmanager"})
    other = queue.request("web:2", "web", "schuldhulp", "uk", "ask_debt_help", {})
    await log_in(client, console_server, medewerker, sqlite_url)
    async with client.get(f"{console_server.url}/queue") as response:
        page = await response.text()
    assert '<noscript><meta http-equiv="refresh" content="15"></noscript>' in page
    assert f'data-ticket="{own.id}"' in page and f'data-ticket="{other.id}"' not in page
    assert "Uitkering aanvragen" in page and "Rol: resident" in page
    assert "<td>Arabisch</td>" in page and "<td>Klantmanagers werk en inkomen</td>" in page
    csrf = csrf_of(page)

    async with client.post(f"{console_server.url}/queue/{other.id}/take",
                           data={"csrf": csrf}) as response:
        assert response.status == 403
    async with client.post(f"{console_server.url}/queue/{own.id}/take", data={}) as response:
        assert response.status == 403  # no CSRF token
    async with client.post(f"{console_server.url}/queue/{own.id}/take",
                           data={"csrf": csrf}) as response:
        page = await response.text()
    assert staff_texts("staff.done.queue_take") in page
    assert f"{staff_texts('staff.queue.status.taken')} ({medewerker.member.email})" in page
    async with client.post(f"{console_server.url}/queue/{own.id}/take",
                           data={"csrf": csrf}) as response:
        assert staff_texts("staff.done.queue_gone") in await response.text()
    async with client.post(f"{console_server.url}/queue/{own.id}/close",
                           data={"csrf": csrf}) as response:
        page = await response.text()
    assert staff_texts("staff.done.queue_close") in page and f'data-ticket="{own.id}"' not in page

    assert queue.find(other.id).status == "waiting"
    actions = [line.action for line in console_server.accounts.audit_lines()]
    assert {"queue.view", "queue.take", "queue.close", "queue.refused"} <= set(actions)

    client.cookie_jar.clear()
    await log_in(client, console_server, beheerder, sqlite_url)
    async with client.get(f"{console_server.url}/queue") as response:
        assert f'data-ticket="{other.id}"' in await response.text()  # every team


async def test_the_queue_table_comes_again_when_a_request_arrives_or_is_taken(
        console_server: ConsoleServer, client: aiohttp.ClientSession, medewerker: Staffer,
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    queue = DatabaseQueue(sqlite_url)
    await log_in(client, console_server, medewerker, sqlite_url)
    async with client.get(f"{console_server.url}/queue") as response:
        page = await response.text()
    version = re.search(r'data-version="([0-9a-f]+)"', page).group(1)
    rows = f"{console_server.url}/queue/rows?version={version}"

    waiting = asyncio.create_task(client.get(rows))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # nothing new: it waits
    other = queue.request("web:2", "web", "schuldhulp", "uk", None, {})
    ticket = queue.request("telegram:1", "telegram", "klantmanager", "ar", "apply_benefit", {})
    console_server.console.live.saw("telegram:1", [{"custom": {QUEUED_MARK: ticket.id}}])
    response = await asyncio.wait_for(waiting, 5)  # woken at once by this process's change
    data = await response.json()
    assert data["waiting"] == 1 and data["version"] != version
    assert f'data-ticket="{ticket.id}"' in data["html"]
    assert f'data-ticket="{other.id}"' not in data["html"]  # another team's: not shown
    assert 'name="csrf"' in data["html"]  # its take button works

    monkeypatch.setattr("bot.staff.console.LIVE_WAIT_SECONDS", 0.5)
    async with client.get(f"{console_server.url}/queue/rows?version={data['version']}") as again:
        unchanged = await again.json()  # nothing changed: after the wait, without a table
    assert unchanged == {"version": data["version"], "waiting": 1}

    client.cookie_jar.clear()
    async with client.get(rows, allow_redirects=False) as response:
        assert response.status == 303  # no session: to the login


async def test_a_request_appears_in_the_open_queue_page_without_a_reload(
        browser: Browser, console_server: ConsoleServer, medewerker: Staffer,
        sqlite_url: str, staff_texts: StaffTexts) -> None:
    assert console_server.accounts.check_code(medewerker.member,  # enrolled already
                                              next_code(sqlite_url, medewerker.member))
    context = await browser.new_context(locale="nl-NL")
    page = await context.new_page()
    try:
        await page.goto(f"{console_server.url}/login")
        await page.get_by_label("E-mailadres").fill(medewerker.member.email)
        await page.get_by_label("Wachtwoord").fill(medewerker.password)
        await page.get_by_role("button", name="Inloggen").click()
        await page.get_by_label("Code").fill(next_code(sqlite_url, medewerker.member))
        await page.get_by_role("button", name=staff_texts("staff.code.submit")).click()
        await page.get_by_role("link", name=staff_texts("staff.nav.queue")).click()
        await expect(page.get_by_text(staff_texts("staff.queue.empty"))).to_be_visible()

        ticket = DatabaseQueue(sqlite_url).request("web:3", "web", "klantmanager", "tr",
                                                   "apply_benefit", {})
        console_server.console.live.saw("web:3", [{"custom": {QUEUED_MARK: ticket.id}}])
        row = page.locator(f'#queue tr[data-ticket="{ticket.id}"]')
        await expect(row).to_contain_text("Turks")
        await expect(page.locator("#queue-status[aria-live=polite]")).to_have_text(
            staff_texts("staff.queue.changed").replace("{waiting}", "1"))
        await row.get_by_role("button", name=staff_texts("staff.queue.take")).click()
        await expect(page).to_have_url(re.compile(rf"/conversations/{ticket.id}"))
    finally:
        await context.close()
