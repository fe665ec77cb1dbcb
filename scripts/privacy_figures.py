"""Figures of issue 10's limits, retention and shared button store, printed:

- 500 new web sessions from one address, and 500 messages in one session, against the real
  web app and gateway with the default limits (a fake Rasa behind them, so only the limits
  are measured);
- the retention job over 10,000 stored conversations (half of them past their period) in
  SQLite;
- one write and one read of the shared offered-button store in SQLite.

    PYTHONPATH=. .venv/bin/python scripts/privacy_figures.py
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from assistant.privacy.limits import MessageLimits
from assistant.privacy.retention import apply_retention
from assistant.settings import Settings, conversations_url, load_settings
from assistant.storage import OfferedButtons, get_engine
from bot.gateway import Gateway
from bot.web import create_app
from tests.fakes import FakeRasa, compile_locales, translator_for

DAY = 86400


async def web_limits(scratch: Path) -> None:
    locales = compile_locales(scratch / "locales")
    translator = translator_for(locales)
    rasa = FakeRasa()
    await rasa.start()
    settings = Settings(locales_dir=locales, database_url=f"sqlite:///{scratch / 'w.sqlite3'}")
    gateway = Gateway(rasa.url, translator, timeout_seconds=5,
                      limits=MessageLimits.from_settings(settings),
                      turns_waiting=settings.turns_waiting_per_person)
    try:
        await many_sessions(gateway, translator, settings, rasa)
        await many_messages(gateway, translator, settings, rasa)
    finally:
        await gateway.close()
        await rasa.stop()


async def many_sessions(gateway: Gateway, translator, settings: Settings,
                        rasa: FakeRasa) -> None:
    client = TestClient(TestServer(create_app(gateway, translator, settings), host="127.0.0.1"))
    await client.start_server()
    statuses: dict[int, int] = {}
    started = time.monotonic()
    for _ in range(500):
        client.session.cookie_jar.clear()  # a new visitor each time, as a script does
        response = await client.post("/api/start", json={})
        statuses[response.status] = statuses.get(response.status, 0) + 1
    print(f"500 new sessions from one address in {time.monotonic() - started:.1f} s: "
          f"HTTP {statuses}; Rasa asked {len(rasa.received)} times")
    await client.close()


async def many_messages(gateway: Gateway, translator, settings: Settings,
                        rasa: FakeRasa) -> None:
    unlimited_address = replace(settings, requests_per_minute_per_address=0)
    client = TestClient(TestServer(create_app(gateway, translator, unlimited_address),
                                   host="127.0.0.1"))
    await client.start_server()
    before = len(rasa.received)
    await client.post("/api/start", json={})
    answered = 0
    started = time.monotonic()
    for _ in range(500):
        body = await (await client.post("/api/messages", json={"text": "hallo"})).json()
        answered += bool(body["delivered"])
    print(f"500 messages in one session in {time.monotonic() - started:.1f} s: {answered} "
          f"answered, {500 - answered} told to slow down; Rasa asked "
          f"{len(rasa.received) - before} times (the welcome included)")
    await client.close()


def retention(scratch: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    url = f"sqlite:///{scratch / 'r.sqlite3'}"
    engine = get_engine(conversations_url(url))
    SQLTrackerStore.Base.metadata.create_all(engine)
    now = time.time()
    rows = [{"sender": f"web:{n}", "at": now - (40 if n % 2 else 10) * DAY + event,
             "data": json.dumps({"event": "user", "text": "hallo"})}
            for n in range(10_000) for event in range(3)]
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                                "VALUES (:sender, 'user', :at, :data)"), rows)
    started = time.monotonic()
    removed = apply_retention(replace(load_settings(), database_url=url))
    print(f"retention over 10,000 conversations (30,000 events, SQLite): "
          f"{removed.conversations} conversations, {removed.conversation_events} events "
          f"deleted in {time.monotonic() - started:.2f} s")


def offered_store(scratch: Path) -> None:
    store = OfferedButtons(f"sqlite:///{scratch / 'o.sqlite3'}")
    store.remember("warm-up", ["/greet"])
    started = time.monotonic()
    for n in range(200):
        store.remember(f"web:{n}", [f"/choose{n}", "/affirm", "/deny"])
    written = (time.monotonic() - started) / 200
    started = time.monotonic()
    for n in range(200):
        store.was_offered(f"web:{n}", "/affirm")
    read = (time.monotonic() - started) / 200
    print(f"offered-button store (SQLite): a reply's buttons written in {written * 1000:.1f} "
          f"ms, one read {read * 1000:.1f} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        asyncio.run(web_limits(scratch))
        retention(scratch)
        offered_store(scratch)


if __name__ == "__main__":
    main()
