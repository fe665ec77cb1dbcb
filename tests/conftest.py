"""Shared fixtures: real databases (SQLite always, PostgreSQL when a server answers)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from assistant.policy.municipality import Municipality, load_municipality
from assistant.settings import PROJECT_ROOT, get_settings
from bot.gateway import Gateway
from bot.i18n import Translator
from tests.fakes import FakeRasa, compile_locales, translator_for
from tests.tcp_proxy import TcpProxy

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL",
                                    "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'assistant.sqlite3'}"


@contextmanager
def throwaway_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards (the test is skipped
    when no server answers)."""
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        admin = psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=3)
    except psycopg2.OperationalError as error:
        pytest.skip(f"no PostgreSQL server at {POSTGRES_ADMIN_URL}: {error}")
    admin.autocommit = True
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    from assistant.storage import get_engine

    with throwaway_postgres_database("assistant_test") as url:
        yield url
        get_engine(url).dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """Each test using this runs on SQLite and on PostgreSQL (skipped when none answers)."""
    if request.param == "sqlite":
        yield sqlite_url
        return
    base = request.getfixturevalue("postgres_url")
    yield base
    from sqlalchemy import text

    from assistant.storage import get_engine

    with get_engine(base).begin() as connection:
        connection.execute(text("TRUNCATE appointments, user_profiles, button_payloads, "
                                "turn_outcomes, staff_accounts, staff_team_members, "
                                "staff_sessions, staff_login_failures, staff_audit_log, "
                                "team_schedules, team_closed_days, handover_requests"))


@pytest.fixture(scope="session")
def midden_drenthe() -> Municipality:
    return load_municipality(PROJECT_ROOT / "policy" / "midden-drenthe")


@pytest.fixture
def action_settings(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[str]:
    """Point the actions at a fresh SQLite database (they read settings from the env)."""
    from actions.common import appointment_book, handover_queue

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    appointment_book.cache_clear()
    handover_queue.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()
    appointment_book.cache_clear()
    handover_queue.cache_clear()


# Catalogs, a fake Rasa and a real gateway, shared by the gateway, web chat and Telegram tests.


@pytest.fixture(scope="session")
def locales_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every catalog compiled afresh into a directory of our own (the shared .mo stays)."""
    return compile_locales(tmp_path_factory.mktemp("locales"))


@pytest.fixture
def translator(locales_dir: Path) -> Translator:
    return translator_for(locales_dir)


@pytest.fixture
async def fake_rasa() -> AsyncIterator[FakeRasa]:
    rasa = FakeRasa()
    await rasa.start()
    yield rasa
    await rasa.stop()


@pytest.fixture
async def gateway(fake_rasa: FakeRasa, translator: Translator) -> AsyncIterator[Gateway]:
    """A real ``bot.gateway.Gateway`` talking to ``fake_rasa``."""
    real_gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5)
    yield real_gateway
    await real_gateway.close()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium driven by Playwright (never a browser Playwright downloads)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/ensure-chromium.sh or set "
                    "CHROMIUM_PATH")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
def postgres_behind_proxy(postgres_url: str) -> Iterator[tuple[str, TcpProxy]]:
    """The test PostgreSQL database reached through a proxy the test can cut and restore."""
    from urllib.parse import urlsplit

    server = urlsplit(postgres_url)
    proxy = TcpProxy(server.hostname or "127.0.0.1", server.port or 5432)
    proxy.start()
    url = postgres_url.replace(f"{server.hostname}:{server.port or 5432}",
                               f"127.0.0.1:{proxy.port}", 1)
    yield url, proxy
    proxy.stop()
    from assistant.storage import forget_engine

    forget_engine(url)
