"""Employer leads over real HTTP (web chat API and console in one server, a fake Rasa): the
employer presses the lead button the intake offered, leaves an e-mail address in the gateway
(never sent to Rasa), and the werkgeversservicepunt reads the answers in Dutch and keeps the
status; another team's medewerker cannot open the leads."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from assistant.leads import Leads
from bot.i18n import Translator
from bot.staff.accounts import MEDEWERKER
from bot.staff.texts import StaffTexts
from bot.web.server import SESSION_COOKIE
from tests.fakes import FakeRasa
from tests.staff.conftest import PASSWORD, ConsoleServer, Staffer, csrf_of, log_in

LEAD = "/employer_lead" + json.dumps({
    "check": "employer_intake",
    "summary": [["check.label.employer_sector",
                 {"key": "check.choice.sector_logistiek", "args": {}}],
                ["check.label.hours_per_week", {"key": "duration.hours", "args": {"count": 24}}]],
    "fits": ["policy.proefplaatsing.title"]}, separators=(",", ":"))


@pytest.fixture
async def employer(console_server: ConsoleServer) -> AsyncIterator[aiohttp.ClientSession]:
    jar = aiohttp.CookieJar(unsafe=True)
    jar.update_cookies({SESSION_COOKIE: "0011223344556677889900aabbccddee"})
    async with aiohttp.ClientSession(cookie_jar=jar,
                                     headers={"Accept-Language": "en"}) as session:
        yield session


async def test_an_employer_leaves_a_lead_and_the_desk_follows_it_up(
        console_server: ConsoleServer, client: aiohttp.ClientSession,
        employer: aiohttp.ClientSession, medewerker: Staffer, fake_rasa: FakeRasa,
        sqlite_url: str, staff_texts: StaffTexts, translator: Translator) -> None:
    chat = console_server.url.removesuffix("/staff")
    fake_rasa.answers["/offer_vacancy"] = [{"custom": {
        "key": "lead.offer_text", "args": {"team": "WSP"},
        "buttons": [{"key": "lead.offer", "args": {}, "payload": LEAD}]}}]

    async def send(body: dict) -> dict:
        async with employer.post(f"{chat}/api/messages", json=body) as response:
            assert response.status == 200
            return await response.json()

    fake_rasa.answers["vacancy"] = fake_rasa.answers["/offer_vacancy"]
    offered = await send({"text": "vacancy"})
    assert offered["messages"][0]["buttons"][0]["title"] == "Yes, please contact me"
    to_rasa = len(fake_rasa.received)
    asked = await send({"payload": LEAD})
    assert asked["messages"][0]["text"].startswith("How can")
    wrong = await send({"text": "tomorrow"})
    assert wrong["messages"][0]["text"] == translator.text("lead.contact_invalid", "en")
    done = await send({"text": "Mail me: p.jansen@transport-drenthe.nl"})
    assert done["messages"][0]["text"].startswith("Thank you.")
    assert len(fake_rasa.received) == to_rasa  # the contact never reached Rasa

    await log_in(client, console_server, medewerker, sqlite_url)  # klantmanager team
    async with client.get(f"{console_server.url}/leads") as response:
        assert response.status == 403
    client.cookie_jar.clear()
    desk = console_server.accounts.create("wsp@gemeente.nl", "Wim", PASSWORD, MEDEWERKER,
                                          frozenset({"werkgeversservicepunt"}))
    await log_in(client, console_server, Staffer(desk, PASSWORD), sqlite_url)
    async with client.get(f"{console_server.url}/leads") as response:
        page = await response.text()
    assert "Sector: Logistiek en transport<br>Uren per week: 24 uur" in page
    assert 'href="mailto:p.jansen@transport-drenthe.nl"' in page
    assert "Proefplaatsing" in page and "<td>Engels</td>" in page
    [lead] = Leads(sqlite_url).all()
    async with client.post(f"{console_server.url}/leads/{lead.id}/status",
                           data={"csrf": csrf_of(page), "status": "contacted"}) as response:
        page = await response.text()
    assert staff_texts("staff.done.lead_status") in page
    assert Leads(sqlite_url).all()[0].status == "contacted"
    async with client.post(f"{console_server.url}/leads/{lead.id}/status",
                           data={"csrf": csrf_of(page), "status": "hired"}) as response:
        assert response.status == 400
    actions = [line.action for line in console_server.accounts.audit_lines()]
    assert {"lead.view", "lead.status"} <= set(actions)
