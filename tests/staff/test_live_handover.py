"""The live handover over real HTTP (the web chat's API and the console, one server, a fake
Rasa): a resident's request joins the queue, a medewerker takes it and reads the transcript,
the two exchange lines (the resident's go to the medewerker, not to Rasa, with personal data
replaced), buttons pause, and after handing back Rasa answers again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from assistant.handover import QUEUED_MARK, DatabaseQueue
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.staff.texts import StaffTexts
from bot.web.server import sender_id_for
from tests.fakes import FakeRasa, bot_message
from tests.staff.conftest import (
    ConsoleServer,
    Staffer,
    csrf_of,
    log_in,
    resident_session,
)

ASKING = "Ik wil een medewerker spreken"
TOKEN = "0123456789abcdef0123456789abcdef"
RESIDENT = sender_id_for(TOKEN)


@pytest.fixture
async def gateway(fake_rasa: FakeRasa, translator: Translator) -> AsyncIterator[Gateway]:
    """The real gateway with Rasa's API token: the console reads the transcript through it."""
    real_gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                           api_token=fake_rasa.api_token)
    yield real_gateway
    await real_gateway.close()


@pytest.fixture
async def resident(console_server: ConsoleServer) -> AsyncIterator[aiohttp.ClientSession]:
    """An English-speaking resident of the web chat (the session cookie of a known token)."""
    async with resident_session(TOKEN, "en") as session:
        yield session


def chat_url(server: ConsoleServer, path: str) -> str:
    return server.url.removesuffix("/staff") + path


async def test_a_resident_and_a_medewerker_talk_until_the_medewerker_hands_back(
        console_server: ConsoleServer, client: aiohttp.ClientSession,
        resident: aiohttp.ClientSession, medewerker: Staffer, fake_rasa: FakeRasa,
        sqlite_url: str, staff_texts: StaffTexts, translator: Translator) -> None:
    ticket = DatabaseQueue(sqlite_url).request(RESIDENT, "web", "klantmanager", "en",
                                               "apply_benefit", {"role": "resident"})
    queued = bot_message("handover.queued", {"team": "Klantmanager", "phone": "14 0593",
                                             "hours": "9-17"})
    fake_rasa.answers[ASKING] = [{"custom": {**queued["custom"], QUEUED_MARK: ticket.id}}]
    async with resident.post(chat_url(console_server, "/api/messages"),
                             json={"text": ASKING}) as response:
        data = await response.json()
    assert data["live"] == {"after": 0} and "stay in this conversation" in \
        data["messages"][0]["text"]
    waiting = asyncio.create_task(resident.get(chat_url(console_server, "/api/live?after=0")))

    await log_in(client, console_server, medewerker, sqlite_url)
    async with client.get(f"{console_server.url}/queue") as response:
        csrf = csrf_of(await response.text())
    async with client.post(f"{console_server.url}/queue/{ticket.id}/take",
                           data={"csrf": csrf}) as response:
        page = await response.text()
    assert str(response.url).endswith(f"/conversations/{ticket.id}?done=queue_take")
    assert ASKING in page  # the transcript: the resident's own words
    assert translator.text("handover.queued", "nl", {"team": "Klantmanager",
                                                     "phone": "14 0593",
                                                     "hours": "9-17"}) in page

    joined = await (await asyncio.wait_for(waiting, 5)).json()
    assert joined["live"] is True
    [notice] = joined["messages"]
    assert notice == {"author": "notice", "lang": "en",
                      "text": "Karel Klant from the municipality has joined and is reading "
                              "along. Just type your message."}

    sent_to_rasa = len(fake_rasa.received)
    async with resident.post(chat_url(console_server, "/api/messages"),
                             json={"text": "Hello, my BSN is 111222333"}) as response:
        data = await response.json()
    assert data["delivered"] is True and data["live"]["after"] > 0
    assert len(fake_rasa.received) == sent_to_rasa  # not to Rasa
    lines_url = f"{console_server.url}/conversations/{ticket.id}/lines"
    async with client.get(f"{lines_url}?after={joined['after']}") as response:
        lines = (await response.json())["lines"]
    assert [(line["author"], line["text"]) for line in lines] == [
        ("resident", "Hello, my BSN is […]")]

    async with client.post(f"{console_server.url}/conversations/{ticket.id}/say",
                           data={"text": "Goedemiddag!"}) as response:
        assert response.status == 403  # no CSRF token
    async with client.post(f"{console_server.url}/conversations/{ticket.id}/say",
                           data={"csrf": csrf, "text": "Good afternoon! How can I help?"},
                           headers={"Accept": "application/json"}) as response:
        assert response.status == 200
    async with resident.get(chat_url(
            console_server, f"/api/live?after={joined['after']}")) as response:
        said = await response.json()
    assert said["messages"] == [{"author": "staff", "text": "Good afternoon! How can I help?",
                                 "name": "Karel Klant", "lang": ""}]

    async with resident.post(chat_url(console_server, "/api/messages"),
                             json={"payload": "/greet"}) as response:
        paused = await response.json()
    assert paused["delivered"] is False
    assert paused["messages"][0]["text"] == translator.text("live.buttons_paused", "en")
    assert len(fake_rasa.received) == sent_to_rasa

    async with client.post(f"{console_server.url}/conversations/{ticket.id}/handback",
                           data={"csrf": csrf}) as response:
        assert staff_texts("staff.done.handed_back") in await response.text()
    async with resident.get(chat_url(
            console_server, f"/api/live?after={said['after']}")) as response:
        left = await response.json()
    assert left["live"] is False
    assert [m["text"] for m in left["messages"]] == [
        "Karel Klant has left the conversation. You are talking with the digital assistant "
        "again."]

    fake_rasa.answer("I want an appointment", "menu.book_appointment")
    async with resident.post(chat_url(console_server, "/api/messages"),
                             json={"text": "I want an appointment"}) as response:
        data = await response.json()
    assert fake_rasa.messages[-1] == "I want an appointment" and "live" not in data
    actions = [line.action for line in console_server.accounts.audit_lines()]
    assert {"queue.take", "conversation.view", "conversation.handback"} <= set(actions)


async def test_only_the_team_sees_a_conversation_and_only_the_taker_answers(
        console_server: ConsoleServer, client: aiohttp.ClientSession, medewerker: Staffer,
        beheerder: Staffer, sqlite_url: str, staff_texts: StaffTexts) -> None:
    queue = DatabaseQueue(sqlite_url)
    other_team = queue.request("web:elsewhere", "web", "schuldhulp", "uk", None, {})
    own = queue.request("web:own", "web", "klantmanager", "ar", None, {})
    await log_in(client, console_server, medewerker, sqlite_url)
    async with client.get(f"{console_server.url}/conversations/{other_team.id}") as response:
        assert response.status == 403
    async with client.get(f"{console_server.url}/conversations/{own.id}") as response:
        page = await response.text()
    assert response.status == 200 and staff_texts("staff.queue.take") in page
    assert 'id="say"' not in page  # not taken yet: nobody answers

    client.cookie_jar.clear()
    csrf = await log_in(client, console_server, beheerder, sqlite_url)
    async with client.post(f"{console_server.url}/queue/{other_team.id}/take",
                           data={"csrf": csrf}) as response:
        assert 'id="say"' in await response.text()
    await console_server.console.live.take(own.id, "klant@midden-drenthe.nl", "Karel Klant")
    async with client.post(f"{console_server.url}/conversations/{own.id}/say",
                           data={"csrf": csrf, "text": "Hallo"}) as response:
        assert response.status == 403
        assert staff_texts("staff.error.not_yours") in await response.text()
    actions = [line.action for line in console_server.accounts.audit_lines()]
    assert "conversation.refused" in actions
