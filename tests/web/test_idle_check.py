"""The idle check of the web chat costs no read of Rasa's tracker per message: the web chat
remembers each conversation's last turn; only the first request after a restart reads the
tracker (fake Rasa's HTTP API, real Gateway and app)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from assistant.settings import Settings
from assistant.storage import ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app
from bot.web.history import LastActivity
from bot.web.server import SESSION_COOKIE, WEB_CHAT

IDLE_MINUTES = 30
ClientFactory = Callable[[], Awaitable[TestClient]]


@pytest.fixture
async def make_client(fake_rasa, translator: Translator, settings: Settings,
                      sqlite_url: str) -> AsyncIterator[ClientFactory]:
    """Each call is a web chat process of its own (a restart), against the same Rasa."""
    clients: list[TestClient] = []
    fake_rasa.answer("/greet", "web.intro")

    async def build() -> TestClient:
        gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                          api_token=fake_rasa.api_token, profiles=ProfileStore(sqlite_url))
        app = create_app(gateway, translator, replace(settings, web_idle_minutes=IDLE_MINUTES))
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.app[WEB_CHAT].gateway.close()
        await client.close()


async def say(client: TestClient, text: str, token: str) -> dict:
    response = await client.post("/api/messages", json={"text": text},
                                 headers={"Cookie": f"{SESSION_COOKIE}={token}"})
    assert response.status == 200
    return await response.json()


async def new_conversation(client: TestClient) -> str:
    response = await client.post("/api/start", json={})
    assert response.status == 200
    return response.cookies[SESSION_COOKIE].value


async def test_messages_of_a_conversation_read_no_tracker(make_client: ClientFactory,
                                                          fake_rasa) -> None:
    client = await make_client()
    token = await new_conversation(client)
    for text in ("Hallo", "Ik wil een afspraak", "Dank u"):
        answer = await say(client, text, token)
        assert answer["delivered"] is True
    assert fake_rasa.messages == ["/greet", "Hallo", "Ik wil een afspraak", "Dank u"]
    assert fake_rasa.tracker_reads == 0


async def test_after_a_restart_the_tracker_is_read_once_and_an_idle_conversation_closes(
        make_client: ClientFactory, fake_rasa) -> None:
    first = await make_client()
    token = await new_conversation(first)
    await say(first, "Hallo", token)
    [sender] = fake_rasa.events
    fake_rasa.age(sender, (IDLE_MINUTES + 1) * 60)

    restarted = await make_client()
    answer = await say(restarted, "Is mijn afspraak nog geldig?", token)
    assert answer["restarted"] is True and answer["delivered"] is False
    assert "Is mijn afspraak nog geldig?" not in fake_rasa.messages
    assert fake_rasa.tracker_reads == 1


async def test_after_a_restart_a_recent_conversation_goes_on_with_one_tracker_read(
        make_client: ClientFactory, fake_rasa) -> None:
    first = await make_client()
    token = await new_conversation(first)
    await say(first, "Hallo", token)
    [sender] = fake_rasa.events
    fake_rasa.age(sender, (IDLE_MINUTES - 1) * 60)

    restarted = await make_client()
    for text in ("Nog een vraag", "Over bijstand"):
        answer = await say(restarted, text, token)
        assert answer["delivered"] is True and "restarted" not in answer
    assert fake_rasa.messages[-2:] == ["Nog een vraag", "Over bijstand"]
    assert fake_rasa.tracker_reads == 1


async def test_an_idle_known_conversation_is_closed_without_reading_the_tracker(
        make_client: ClientFactory, fake_rasa) -> None:
    client = await make_client()
    token = await new_conversation(client)
    [sender] = fake_rasa.events
    activity = client.app[WEB_CHAT].activity
    activity.note(sender, activity.get(sender) - (IDLE_MINUTES + 1) * 60)
    answer = await say(client, "Hallo", token)
    assert answer["restarted"] is True
    assert fake_rasa.tracker_reads == 0


def test_the_oldest_conversations_are_forgotten_beyond_the_limit() -> None:
    activity = LastActivity(limit=2, clock=lambda: 100.0)
    activity.note("web:a")
    activity.note("web:b", 50.0)
    activity.note("web:a")  # a is the latest again
    activity.note("web:c")
    assert "web:b" not in activity
    assert activity.get("web:a") == 100.0 and activity.get("web:c") == 100.0


def test_a_forgotten_conversation_is_unknown_again() -> None:
    activity = LastActivity(clock=lambda: 100.0)
    activity.note("web:a")
    activity.forget("web:a")
    activity.forget("web:never-seen")  # nothing to forget: no error
    assert "web:a" not in activity and activity.get("web:a") is None
