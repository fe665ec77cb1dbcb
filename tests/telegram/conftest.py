"""Fixtures of the Telegram front-end tests: real gateway, catalogs and SQLite stores."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from telegram.ext import Application
from telegram_fakes import BOT_TOKEN, FakeRasa, RecordingRequest

from assistant.settings import PROJECT_ROOT, Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.telegram import build_application


@pytest.fixture(scope="session")
def locales_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every catalog compiled afresh into a directory of our own (the shared .mo stays)."""
    directory = tmp_path_factory.mktemp("telegram-locales")
    for po_path in (PROJECT_ROOT / "locales").glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        target = directory / po_path.relative_to(PROJECT_ROOT / "locales").with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as mo_file:
            write_mo(mo_file, catalog)
    return directory


@pytest.fixture
def translator(locales_dir: Path) -> Translator:
    return Translator(locales_dir, default_language="nl", timezone="Europe/Amsterdam")


@pytest.fixture
def settings(locales_dir: Path, tmp_path: Path) -> Settings:
    return Settings(locales_dir=locales_dir, default_language="nl",
                    database_url=f"sqlite:///{tmp_path / 'assistant.sqlite3'}",
                    telegram_token=BOT_TOKEN)


@pytest.fixture
def buttons(settings: Settings) -> ButtonStore:
    return ButtonStore(settings.database_url)


@pytest.fixture
def profiles(settings: Settings) -> ProfileStore:
    return ProfileStore(settings.database_url)


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    server = FakeRasa()
    await server.start()
    yield server
    await server.runner.cleanup()


@pytest.fixture
async def gateway(rasa: FakeRasa, translator: Translator) -> AsyncIterator[Gateway]:
    real_gateway = Gateway(rasa.url, translator, timeout_seconds=5)
    yield real_gateway
    await real_gateway.close()


@pytest.fixture
def telegram_api() -> RecordingRequest:
    return RecordingRequest()


@pytest.fixture
async def application(settings: Settings, gateway: Gateway, buttons: ButtonStore,
                      profiles: ProfileStore, telegram_api: RecordingRequest,
                      ) -> AsyncIterator[Application]:
    app = build_application(settings, gateway, buttons, profiles, request=telegram_api)
    await app.initialize()
    yield app
    await app.shutdown()
