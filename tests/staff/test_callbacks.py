"""Call-back requests outside opening hours, over real HTTP (the web chat's API and the console
in one server, a fake Rasa): the resident leaves a number and a moment in the gateway (the
number never reaches Rasa), the team sees the task, a medewerker marks it done and the number
is gone; another team's medewerker sees nothing of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from assistant.callbacks import CallBacks, phone_number_in, readable_phone
from bot.i18n import Translator
from bot.staff.accounts import MEDEWERKER
from bot.staff.texts import StaffTexts
from bot.web.server import sender_id_for
from tests.fakes import FakeRasa
from tests.staff.conftest import (
    PASSWORD,
    ConsoleServer,
    Staffer,
    csrf_of,
    log_in,
    resident_session,
)

OFFER = '/callback{"team":"klantmanager"}'
TOKEN = "fedcba9876543210fedcba9876543210"


@pytest.fixture
async def resident(console_server: ConsoleServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with resident_session(TOKEN, "nl") as session:
        yield session


def test_phone_numbers_are_found_in_what_people_type() -> None:
    assert phone_number_in("bel me op 06-12345678 graag") == "+31612345678"
    assert phone_number_in("+32 470 12 34 56") == "+32470123456"
    assert phone_number_in("0592 123456") == "+31592123456"
    assert phone_number_in("morgen om 10 uur") is None
    assert phone_number_in("12345") is None
    assert readable_phone("+31612345678") == "06 12345678"


async def test_a_resident_leaves_a_number_and_the_team_calls_back(
        console_server: ConsoleServer, client: aiohttp.ClientSession,
        resident: aiohttp.ClientSession, medewerker: Staffer, fake_rasa: FakeRasa,
        sqlite_url: str, staff_texts: StaffTexts, translator: Translator) -> None:
    chat = console_server.url.removesuffix("/staff")
    fake_rasa.answers["Ik wil iemand spreken"] = [{"custom": {
        "key": "handover.how", "args": {"phone": "14 0593", "hours": "9-17", "team": "KM"},
        "buttons": [{"key": "callback.offer", "args": {}, "payload": OFFER}]}}]

    async def send(body: dict) -> dict:
        async with resident.post(f"{chat}/api/messages", json=body) as response:
            assert response.status == 200
            return await response.json()

    offered = await send({"text": "Ik wil iemand spreken"})
    assert offered["messages"][0]["buttons"][0]["title"] == "Bel mij terug"
    to_rasa = len(fake_rasa.received)
    asked = await send({"payload": OFFER})
    assert "Op welk telefoonnummer" in asked["messages"][0]["text"]
    wrong = await send({"text": "weet ik niet"})
    assert wrong["messages"][0]["text"] == translator.text("callback.phone_invalid", "nl")
    moments = await send({"text": "bel me op 06-12345678 graag"})
    assert [b["title"] for b in moments["messages"][0]["buttons"]] == [
        "Zo snel mogelijk", "'s Ochtends", "'s Middags", "Stoppen"]
    confirmed = await send({"payload": moments["messages"][0]["buttons"][1]["payload"]})
    assert "06 12345678 ('s Ochtends)" in confirmed["messages"][0]["text"]
    assert len(fake_rasa.received) == to_rasa  # neither the number nor the steps reached Rasa
    assert all("12345678" not in body["message"] for body in fake_rasa.received)

    [request] = CallBacks(sqlite_url).open_requests(None)
    assert (request.owner_id, request.team_code, request.phone, request.moment) == (
        sender_id_for(TOKEN), "klantmanager", "+31612345678", "morning")

    other = console_server.accounts.create("schuld@gemeente.nl", "Sanne", PASSWORD,
                                           MEDEWERKER, frozenset({"schuldhulp"}))
    await log_in(client, console_server, Staffer(other, PASSWORD), sqlite_url)
    async with client.get(f"{console_server.url}/callbacks") as response:
        page = await response.text()
    assert "06 12345678" not in page and staff_texts("staff.callbacks.empty") in page
    async with client.post(f"{console_server.url}/callbacks/{request.id}/done",
                           data={"csrf": csrf_of(page)}) as response:
        assert response.status == 403

    client.cookie_jar.clear()
    await log_in(client, console_server, medewerker, sqlite_url)
    async with client.get(f"{console_server.url}/callbacks") as response:
        page = await response.text()
    assert 'href="tel:+31612345678"' in page and staff_texts(
        "staff.callbacks.moment.morning") in page
    async with client.post(f"{console_server.url}/callbacks/{request.id}/done",
                           data={"csrf": csrf_of(page)}) as response:
        page = await response.text()
    assert staff_texts("staff.done.callback_done") in page and "06 12345678" not in page
    assert CallBacks(sqlite_url).find(request.id).phone is None
    actions = [line.action for line in console_server.accounts.audit_lines()]
    assert {"callback.view", "callback.done", "callback.refused"} <= set(actions)


async def test_stopping_makes_no_request(console_server: ConsoleServer,
                                         resident: aiohttp.ClientSession, fake_rasa: FakeRasa,
                                         sqlite_url: str, translator: Translator) -> None:
    chat = console_server.url.removesuffix("/staff")
    fake_rasa.answers["help"] = [{"custom": {
        "key": "handover.how", "args": {"phone": "1", "hours": "2", "team": "KM"},
        "buttons": [{"key": "callback.offer", "args": {}, "payload": OFFER}]}}]
    async with resident.post(f"{chat}/api/messages", json={"text": "help"}):
        pass
    async with resident.post(f"{chat}/api/messages", json={"payload": OFFER}) as response:
        stop = (await response.json())["messages"][0]["buttons"][0]["payload"]
    async with resident.post(f"{chat}/api/messages", json={"payload": stop}) as response:
        assert (await response.json())["messages"][0]["text"] == translator.text(
            "callback.stopped", "nl")
    async with resident.post(f"{chat}/api/messages", json={"text": "bel 0612345678 aub"}):
        pass
    assert fake_rasa.messages[-1] == "bel […] aub"  # the assistant again, number replaced
    assert CallBacks(sqlite_url).open_requests(None) == []
