"""What the web chat's idle check costs per message, before and after it kept each
conversation's last turn in memory (bot/web/history.py ``LastActivity``).

    .venv/bin/python scripts/idle_check_cost.py [--turns 40]

Starts the real Rasa and action server (one worker, a fresh SQLite database) and the web chat,
then sends the same typed messages in two conversations, turn by turn in alternation: one as
the web chat does now (its memory says when the conversation was last active), one as before
(the memory is emptied before each message, so every message first reads Rasa's tracker over
its HTTP API, as the old check did). It prints the time per message (the whole POST
/api/messages) for both, by how far the conversation has come (the tracker grows with it),
and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import load_settings  # noqa: E402
from assistant.storage import ProfileStore  # noqa: E402
from bot.gateway import Gateway  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.services import RasaStack  # noqa: E402
from bot.web import create_app, serve  # noqa: E402
from bot.web.server import SESSION_COOKIE, WEB_CHAT, sender_id_for  # noqa: E402
from tests.e2e.conftest import free_port  # noqa: E402

MESSAGES = ["hallo", "ik zoek werk", "wat is loonkostensubsidie", "wat is bijstand",
            "hoe vraag ik bijstand aan", "ik heb schulden", "wat doet de budgetconsulent",
            "bedankt", "ik wil inburgeren", "waar is het gemeentehuis"]


async def converse(url: str, turns: int, chat, timings: dict[str, list[float]]) -> None:
    """Both conversations, message by message in turn; ``before`` forgets its last activity
    before each message, so the idle check reads Rasa's tracker as it used to."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as now, \
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as before:
        for session in (now, before):
            await session.post(f"{url}/api/start", json={})
        [cookie] = [c for c in before.cookie_jar if c.key == SESSION_COOKIE]
        forgotten = sender_id_for(cookie.value)
        for turn in range(turns):
            text = MESSAGES[turn % len(MESSAGES)]
            for name, session in (("before", before), ("after", now)):
                if name == "before":
                    chat.activity.forget(forgotten)
                started = time.perf_counter()
                async with session.post(f"{url}/api/messages", json={"text": text}) as reply:
                    assert reply.status == 200, reply.status
                    await reply.read()
                timings[name].append(time.perf_counter() - started)


def report(timings: dict[str, list[float]], turns: int) -> None:
    print(f"time per message (ms), {turns} messages per conversation, real Rasa, loopback:")
    parts = [(0, min(10, turns)), (max(0, turns - 10), turns)]
    for name in ("before", "after"):
        values = [t * 1000 for t in timings[name]]
        split = "  ".join(f"turns {a + 1}-{b}: median {statistics.median(values[a:b]):.1f}"
                          for a, b in parts)
        print(f"  {name:6}  mean {statistics.mean(values):6.1f}  median "
              f"{statistics.median(values):6.1f}  p95 "
              f"{sorted(values)[int(len(values) * 0.95) - 1]:6.1f}  {split}")
    saved = statistics.median(timings["before"]) - statistics.median(timings["after"])
    print(f"  the memory saves {saved * 1000:.1f} ms per message at the median")


async def main(turns: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = replace(load_settings(), database_url=f"sqlite:///{folder}/a.sqlite3",
                           rasa_port=free_port(), action_port=free_port(), workers=1)
        stack = RasaStack(settings, log_dir=Path(folder))
        stack.start(timeout_seconds=240)
        translator = Translator(settings.locales_dir, "nl", settings.timezone)
        gateway = Gateway(settings.rasa_url, translator, api_token=stack.api_token,
                          profiles=ProfileStore(settings.database_url))
        app = create_app(gateway, translator, settings)
        runner = await serve(app, "127.0.0.1", 0)
        host, port = runner.addresses[0][:2]
        timings: dict[str, list[float]] = {"before": [], "after": []}
        try:
            await converse(f"http://{host}:{port}", turns, app[WEB_CHAT], timings)
        finally:
            await runner.cleanup()
            await gateway.close()
            stack.stop()
        report(timings, turns)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=40)
    asyncio.run(main(parser.parse_args().turns))
