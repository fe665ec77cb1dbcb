"""The real thing: the trained model in a real Rasa server, the real action server, a real
SQLite database, all on loopback. Started once per test run and shared by the e2e tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from assistant.settings import PROJECT_ROOT, Settings, load_settings
from assistant.storage import ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.services import RasaStack, free_ports
from bot.web import create_app


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """Train only if the training data changed since the last training (normally a no-op:
    ``make test`` trains before pytest runs)."""
    subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "train_if_changed.py")],
                   check=True, cwd=PROJECT_ROOT)
    return PROJECT_ROOT / "models" / "assistant.tar.gz"


@pytest.fixture(scope="session")
def live_settings(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Settings:
    database = tmp_path_factory.mktemp("e2e") / "assistant.sqlite3"
    rasa_port, action_port = free_ports(1, 1)
    return replace(load_settings(), database_url=f"sqlite:///{database}",
                   rasa_port=rasa_port, action_port=action_port, model_path=trained_model,
                   workers=1)


@pytest.fixture(scope="session")
def live_stack(live_settings: Settings,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    stack = RasaStack(live_settings, log_dir=tmp_path_factory.mktemp("logs"))
    stack.start(timeout_seconds=240)
    yield stack
    stack.stop()


@pytest.fixture
async def gateway(live_stack: RasaStack, live_settings: Settings) -> Gateway:
    translator = Translator(live_settings.locales_dir, "nl", live_settings.timezone)
    gateway = Gateway(live_settings.rasa_url, translator, api_token=live_stack.api_token,
                      profiles=ProfileStore(live_settings.database_url))
    yield gateway
    await gateway.close()


@pytest.fixture
async def web(gateway: Gateway, live_settings: Settings) -> AsyncIterator[TestClient]:
    """The web chat API in front of the shared stack, as the page talks to it."""
    translator = Translator(live_settings.locales_dir, "nl", live_settings.timezone)
    client = TestClient(TestServer(create_app(gateway, translator, live_settings),
                                   host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()
