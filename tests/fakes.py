"""Test doubles and catalog helpers shared by every suite.

``FakeRasa`` stands in for Rasa's REST channel: a small aiohttp server on a free loopback port
that records each request body and answers in our contract (catalog keys, never texts). It keeps
each conversation's events as Rasa's tracker does and shows them at Rasa's HTTP API path
(GET /conversations/<id>/tracker?token=...).
``compile_locales``/``compile_dutch`` compile the catalogs into a directory of the test's own,
so the shared ``locales/*/LC_MESSAGES/messages.mo`` files are never touched.
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from assistant.settings import PROJECT_ROOT
from bot.i18n import Translator

LOCALES = PROJECT_ROOT / "locales"
DUTCH_PO = LOCALES / "nl" / "LC_MESSAGES" / "messages.po"


def bot_message(key: str, args: dict | None = None, buttons: list[dict] | None = None) -> dict:
    """One message in our REST-channel contract: a catalog key with arguments and buttons."""
    return {"custom": {"key": key, "args": args or {}, "buttons": buttons or []}}


def closed_port_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago): Rasa is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class FakeRasa:
    """Rasa's REST channel: records each request body in ``received`` and answers each message
    from ``answers`` (set with ``answer``), or else with ``default_answer``."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: dict[str, list[dict]] = {}  # message received -> messages to answer
        self.default_answer: list[dict] = [bot_message("error.no_answer")]
        self.delay_seconds = 0.0  # a slow Rasa: it handles the message, but late
        self.url = ""
        self.api_token = "fake-rasa-api-token"
        # When set, the REST channel wants ``Authorization: Bearer <webhook_token>`` (401).
        self.webhook_token = ""
        self.events: dict[str, list[dict]] = {}  # sender id -> its tracker's events
        self.tracker_reads = 0  # GET /conversations/<id>/tracker requests answered
        self._runner: web.AppRunner | None = None

    def answer(self, message: str, key: str, args: dict | None = None,
               buttons: list[dict] | None = None) -> None:
        """Answer ``message`` with the catalog text ``key``."""
        self.answers[message] = [bot_message(key, args, buttons)]

    @property
    def messages(self) -> list[str]:
        """The ``message`` of every request, in order."""
        return [body["message"] for body in self.received]

    async def webhook(self, request: web.Request) -> web.Response:
        if self.webhook_token and (request.headers.get("Authorization")
                                   != f"Bearer {self.webhook_token}"):
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        self.received.append(body)
        await asyncio.sleep(self.delay_seconds)
        items = self.answers.get(body["message"], self.default_answer)
        events = self.events.setdefault(body["sender"], [])
        events.append({"event": "user", "timestamp": time.time(), "text": body["message"],
                       "metadata": body.get("metadata") or {}})
        events.extend({"event": "bot", "timestamp": time.time(), "text": None,
                       "data": {"custom": item["custom"]}} for item in items)
        return web.json_response([{"recipient_id": body["sender"], **item} for item in items])

    async def status(self, request: web.Request) -> web.Response:
        """Rasa's GET /status: 401 without the right token."""
        if request.query.get("token") != self.api_token:
            return web.json_response({"status": "failure"}, status=401)
        return web.json_response({"model_id": "fake"})

    async def tracker(self, request: web.Request) -> web.Response:
        """Rasa's GET /conversations/<id>/tracker: 401 without the right token."""
        if request.query.get("token") != self.api_token:
            return web.json_response({"status": "failure"}, status=401)
        self.tracker_reads += 1
        sender = request.match_info["sender"]
        events = self.events.get(sender, [])
        latest = max((event["timestamp"] for event in events), default=None)
        return web.json_response({"sender_id": sender, "events": events,
                                  "latest_event_time": latest})

    async def replace_events(self, request: web.Request) -> web.Response:
        """Rasa's PUT /conversations/<id>/tracker/events (erasure replaces them by none)."""
        if request.query.get("token") != self.api_token:
            return web.json_response({"status": "failure"}, status=401)
        self.events[request.match_info["sender"]] = list(await request.json())
        return web.json_response({"sender_id": request.match_info["sender"]})

    def age(self, sender: str, seconds: float) -> None:
        """Make the conversation of ``sender`` ``seconds`` older (an idle person)."""
        for event in self.events.get(sender, []):
            event["timestamp"] -= seconds

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        app.router.add_get("/", lambda _: web.json_response({"status": "ok"}))
        app.router.add_get("/status", self.status)
        app.router.add_get("/conversations/{sender}/tracker", self.tracker)
        app.router.add_put("/conversations/{sender}/tracker/events", self.replace_events)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Stop listening (again is fine: a test may stop it to play 'Rasa is down')."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _write_mo(po_path: Path, target: Path, overrides: dict[str, str] | None = None) -> None:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    for key, text in (overrides or {}).items():
        catalog[key].string = text
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as mo_file:
        write_mo(mo_file, catalog)


def compile_locales(directory: Path) -> Path:
    """Every catalog of ``locales/`` compiled afresh into ``directory``."""
    for po_path in LOCALES.glob("*/LC_MESSAGES/messages.po"):
        _write_mo(po_path, directory / po_path.relative_to(LOCALES).with_suffix(".mo"))
    return directory


def compile_dutch(directory: Path, languages: tuple[str, ...] = ("nl",),
                  overrides: dict[str, str] | None = None) -> Path:
    """The Dutch catalog compiled into ``directory`` under each of ``languages``, with some
    texts replaced by ``overrides``."""
    for language in languages:
        _write_mo(DUTCH_PO, directory / language / "LC_MESSAGES" / "messages.mo", overrides)
    return directory


def translator_for(locales_dir: Path) -> Translator:
    return Translator(locales_dir, default_language="nl", timezone="Europe/Amsterdam")
