"""Shared pieces of the web chat tests: freshly compiled catalogs and a fake Rasa server."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from assistant.settings import PROJECT_ROOT, Settings
from bot.i18n import Translator

DUTCH_PO = PROJECT_ROOT / "locales" / "nl" / "LC_MESSAGES" / "messages.po"


def compile_locales(directory: Path, languages: tuple[str, ...] = ("nl",),
                    overrides: dict[str, str] | None = None) -> Path:
    """The current Dutch .po compiled into ``directory`` (not the shared .mo) for each of
    ``languages``, with some texts replaced by ``overrides``."""
    with DUTCH_PO.open("rb") as po_file:
        catalog = read_po(po_file)
    for key, text in (overrides or {}).items():
        catalog[key].string = text
    for language in languages:
        target = directory / language / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as mo_file:
            write_mo(mo_file, catalog)
    return directory


def translator_for(locales_dir: Path) -> Translator:
    return Translator(locales_dir, default_language="nl", timezone="Europe/Amsterdam")


def settings_for(locales_dir: Path) -> Settings:
    return Settings(locales_dir=locales_dir, default_language="nl")


@pytest.fixture(scope="session")
def locales_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_locales(tmp_path_factory.mktemp("locales"))


@pytest.fixture
def compile_catalogs(tmp_path: Path) -> Callable[..., Path]:
    """``compile_catalogs(languages, overrides)``: a catalog directory of this test's own."""
    return functools.partial(compile_locales, tmp_path / "locales")


@pytest.fixture
def make_translator() -> Callable[[Path], Translator]:
    return translator_for


@pytest.fixture
def make_settings() -> Callable[[Path], Settings]:
    return settings_for


@pytest.fixture
def translator(locales_dir: Path) -> Translator:
    return translator_for(locales_dir)


@pytest.fixture
def settings(locales_dir: Path) -> Settings:
    return settings_for(locales_dir)


def bot_message(key: str, args: dict | None = None, buttons: list[dict] | None = None) -> dict:
    """One message in our REST-channel contract: a catalog key, never a text."""
    return {"custom": {"key": key, "args": args or {}, "buttons": buttons or []}}


DEFAULT_ANSWER = [bot_message("error.no_answer")]


class FakeRasa:
    """Stands in for Rasa's REST channel: records each request, answers from ``answers``."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answers: dict[str, list[dict]] = {}  # message received -> messages to answer
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        self.server = TestServer(app, host="127.0.0.1")

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        items = self.answers.get(body["message"], DEFAULT_ANSWER)
        return web.json_response([{"recipient_id": body["sender"], **item} for item in items])

    def answer(self, message: str, key: str, args: dict | None = None,
               buttons: list[dict] | None = None) -> None:
        """Answer ``message`` with the catalog text ``key``."""
        self.answers[message] = [bot_message(key, args, buttons)]

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    @property
    def messages(self) -> list[str]:
        return [body["message"] for body in self.received]

    async def start(self) -> None:
        await self.server.start_server()

    async def stop(self) -> None:
        await self.server.close()


@pytest.fixture
async def fake_rasa() -> AsyncIterator[FakeRasa]:
    rasa = FakeRasa()
    await rasa.start()
    yield rasa
    await rasa.stop()

