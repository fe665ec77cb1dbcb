"""Fixtures of the Telegram front-end tests: SQLite stores and a recorded Bot API
(catalogs, translator, fake Rasa and the real gateway: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application
from telegram_fakes import BOT_TOKEN, RecordingRequest

from assistant.settings import Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.gateway import Gateway
from bot.telegram import build_application


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
async def gateway(fake_rasa, translator, profiles: ProfileStore) -> AsyncIterator[Gateway]:
    """The real gateway, keeping language choices in the same database as the front end."""
    real_gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5, profiles=profiles)
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
