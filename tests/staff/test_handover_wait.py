"""When nobody takes a handover request within HANDOVER_WAIT_MINUTES, over real HTTP with a
moved clock: the request is closed (marked: nobody took it), the resident reads in their own
language that nobody is free, with the call-back button of the outside-hours flow, and leaving
a number there becomes a task for the team; a request taken in time stays; a Telegram
resident gets the same offer through the bot; the insight page counts it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from sqlalchemy import select

from assistant.callbacks import CallBacks
from assistant.handover import CLOSED, NO_ONE, QUEUED_MARK, TAKEN, DatabaseQueue
from assistant.policy.municipality import Municipality
from assistant.settings import Settings
from assistant.storage import HandoverRequest, session_scope
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web.server import sender_id_for
from tests.fakes import FakeRasa, bot_message
from tests.staff.conftest import (
    ConsoleServer,
    PushRecorder,
    Staffer,
    log_in,
    resident_session,
    served_console,
)

ASKING = "I want to talk to a person"
TOKEN = "0123456789abcdef0123456789abcdef"
RESIDENT = sender_id_for(TOKEN)
WAIT_MINUTES = 10


class MovedClock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> MovedClock:
    return MovedClock()


@pytest.fixture
async def console_server(gateway: Gateway, translator: Translator, staff_settings: Settings,
                         midden_drenthe: Municipality, push_recorder: PushRecorder,
                         clock: MovedClock) -> AsyncIterator[ConsoleServer]:
    settings = replace(staff_settings, handover_wait_minutes=WAIT_MINUTES)
    async with served_console(gateway, translator, settings, midden_drenthe,
                              push_recorder) as server:
        server.console.live.clock = clock
        yield server


@pytest.fixture
async def resident(console_server: ConsoleServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with resident_session(TOKEN, "en") as session:
        yield session


async def test_nobody_takes_it_in_time_and_the_resident_is_offered_a_call_back(
        console_server: ConsoleServer, client: aiohttp.ClientSession,
        resident: aiohttp.ClientSession, beheerder: Staffer, fake_rasa: FakeRasa,
        sqlite_url: str, translator: Translator, push_recorder: PushRecorder,
        gateway: Gateway, clock: MovedClock) -> None:
    chat = console_server.url.removesuffix("/staff")
    live = console_server.console.live
    queue = DatabaseQueue(sqlite_url)
    ticket = queue.request(RESIDENT, "web", "klantmanager", "en", "apply_benefit", {})
    taken_in_time = queue.request("web:someone-else", "web", "klantmanager", "nl", None, {})
    on_telegram = queue.request("telegram:42", "telegram", "klantmanager", "tr", None, {})
    queued = bot_message("handover.queued", {"team": "Klantmanager", "phone": "14 0593",
                                             "hours": "9-17"})
    fake_rasa.answers[ASKING] = [{"custom": {**queued["custom"], QUEUED_MARK: ticket.id}}]
    async with resident.post(f"{chat}/api/messages", json={"text": ASKING}) as response:
        assert (await response.json())["live"] == {"after": 0}
    waiting = asyncio.create_task(resident.get(f"{chat}/api/live?after=0"))

    clock.now += timedelta(minutes=WAIT_MINUTES - 1)
    assert await live.expire_waiting() == []  # not yet
    assert queue.take(taken_in_time.id, "klant@gemeente.nl") is not None
    clock.now += timedelta(minutes=2)
    closed = await live.expire_waiting()
    assert sorted(t.id for t in closed) == [ticket.id, on_telegram.id]
    assert await live.expire_waiting() == []  # once (another gateway would find it closed)
    with session_scope(sqlite_url) as session:
        rows = {row.id: (row.status, row.closed_reason)
                for row in session.execute(select(HandoverRequest)).scalars()}
    assert rows == {ticket.id: (CLOSED, NO_ONE), taken_in_time.id: (TAKEN, None),
                    on_telegram.id: (CLOSED, NO_ONE)}

    # the web chat's long poll gets the offer in English, with the call-back button
    response = await asyncio.wait_for(waiting, 10)
    data = await response.json()
    [notice] = data["messages"]
    assert data["live"] is False
    assert notice["text"] == translator.text("live.no_one_free", "en", {
        "team": translator.text("team.klantmanager.name", "en")})
    [offer] = notice["buttons"]
    assert offer["title"] == "Call me back"
    assert json.loads(offer["payload"].removeprefix("/callback")) == {
        "team": "klantmanager", "soon": True}

    # pressing it is the outside-hours flow: the number (never sent to Rasa) and a moment
    to_rasa = len(fake_rasa.received)

    async def send(body: dict) -> dict:
        async with resident.post(f"{chat}/api/messages", json=body) as response:
            assert response.status == 200
            return await response.json()

    asked = await send({"payload": offer["payload"]})
    assert "phone number" in asked["messages"][0]["text"]
    moments = await send({"text": "06 12345678"})
    confirmed = await send({"payload": moments["messages"][0]["buttons"][0]["payload"]})
    assert confirmed["messages"][0]["text"].startswith("Thank you.") and \
        "open again" not in confirmed["messages"][0]["text"]  # it is open: they call soon
    assert len(fake_rasa.received) == to_rasa
    [task] = CallBacks(sqlite_url).open_requests(None)
    assert (task.owner_id, task.team_code, task.phone) == (RESIDENT, "klantmanager",
                                                          "+31612345678")

    # the Telegram resident got the same offer in Turkish, its button one they were shown
    [(sender, [reply])] = push_recorder.sent
    assert sender == "telegram:42" and reply.language == "tr"
    assert reply.text.startswith("Üzgünüm")
    assert gateway.was_offered("telegram:42", reply.buttons[0].payload)

    # the beheerder counts the requests nobody took
    await log_in(client, console_server, beheerder, sqlite_url)
    async with client.get(f"{console_server.url}/insight/handovers.csv?days=7") as response:
        rows = (await response.text()).splitlines()
    assert "Niet opgepakt (terugbellen aangeboden)" in rows[0]
    assert rows[1].split(",")[5] == "2"


async def test_without_a_wait_limit_a_request_waits_until_it_is_taken(
        console_server: ConsoleServer, sqlite_url: str, clock: MovedClock) -> None:
    live = console_server.console.live
    live.wait_minutes = 0
    ticket = DatabaseQueue(sqlite_url).request(RESIDENT, "web", "klantmanager", "en", None, {})
    clock.now += timedelta(hours=3)
    assert await live.expire_waiting() == []
    assert DatabaseQueue(sqlite_url).find(ticket.id).status == "waiting"
