"""The database goes down and comes back (a real PostgreSQL behind a proxy the test cuts):
a friendly page and reply in the person's language, 503 for the API, and no restart needed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html import escape

import pytest
from aiohttp.test_utils import TestClient, TestServer

from assistant.messages import with_appointments_button
from assistant.settings import Settings
from assistant.storage import ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app
from tests.fakes import FakeRasa


def database_down_text(translator: Translator, language: str) -> str:
    notice = with_appointments_button("error.database_unavailable")
    return translator.directed(translator.text(notice["key"], language, notice["args"]),
                               language)


@pytest.fixture
async def client(postgres_behind_proxy, fake_rasa: FakeRasa, translator: Translator,
                 settings: Settings) -> AsyncIterator[TestClient]:
    url, _ = postgres_behind_proxy
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5, profiles=ProfileStore(url))
    client = TestClient(TestServer(create_app(gateway, translator, settings), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()
    await gateway.close()


async def test_database_down_friendly_page_and_503_then_it_recovers_by_itself(
        client: TestClient, postgres_behind_proxy, fake_rasa: FakeRasa,
        translator: Translator) -> None:
    _, proxy = postgres_behind_proxy
    assert (await client.get("/")).status == 200  # up: the pool holds a live connection
    proxy.stop()

    page = await client.get("/", headers={"Accept-Language": "uk"})
    html = await page.text()
    assert page.status == 503 and page.headers["Retry-After"] == "30"
    assert escape(database_down_text(translator, "uk"), quote=True) in html  # in their language
    assert translator.text("web.title", "uk") in html
    assert html.count('http-equiv="refresh"') == 1  # it reloads itself until it is back

    for path, body in (("/api/messages", {"text": "Ik wil een afspraak maken"}),
                       ("/api/start", {})):
        response = await client.post(path, json=body, headers={"Accept-Language": "ar"})
        data = await response.json()
        assert response.status == 503, path
        assert data["delivered"] is False  # the page gives the person their text back
        assert [m["text"] for m in data["messages"]] == [database_down_text(translator, "ar")]
    assert fake_rasa.received == []  # nothing was half-done in Rasa

    proxy.start()  # the database is back: no restart of anything
    page = await client.get("/")
    assert page.status == 200 and 'http-equiv="refresh"' not in await page.text()
    response = await client.post("/api/messages", json={"text": "Ik wil een afspraak maken"})
    assert response.status == 200 and (await response.json())["delivered"] is True
    assert fake_rasa.messages == ["Ik wil een afspraak maken"]
