"""Fixtures of the staff console tests: the real web app with the console on a free port,
a real SQLite database, a beheerder and a medewerker of the klantmanager team."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

import aiohttp
import pyotp
import pytest
from sqlalchemy import select

from assistant.policy.municipality import Municipality
from assistant.settings import PROJECT_ROOT, Settings
from assistant.storage import StaffAccount, session_scope
from bot.gateway import Gateway, Reply
from bot.i18n import Translator
from bot.staff.accounts import BEHEERDER, MEDEWERKER, StaffAccounts, StaffMember
from bot.staff.console import StaffConsole
from bot.staff.texts import StaffTexts
from bot.web import create_app, serve
from bot.web.server import SESSION_COOKIE

PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]*)"')


@dataclass
class Staffer:
    member: StaffMember
    password: str


@dataclass
class ConsoleServer:
    url: str  # ends in /staff
    accounts: StaffAccounts
    console: StaffConsole


@pytest.fixture
def staff_settings(sqlite_url: str) -> Settings:
    return Settings(locales_dir=PROJECT_ROOT / "locales", database_url=sqlite_url)


@pytest.fixture
def staff_texts() -> StaffTexts:
    return StaffTexts.load(PROJECT_ROOT / "locales")


class PushRecorder:
    """Stands in for the Telegram bot's push in the HTTP tests (the Telegram test uses the
    real Application)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Reply]]] = []

    async def push(self, sender: str, replies: list[Reply]) -> None:
        self.sent.append((sender, replies))


@pytest.fixture
def push_recorder() -> PushRecorder:
    return PushRecorder()


@asynccontextmanager
async def served_console(gateway: Gateway, translator: Translator, settings: Settings,
                         municipality: Municipality,
                         push_recorder: PushRecorder) -> AsyncIterator[ConsoleServer]:
    """The web app with the console on a free port, for ``settings``."""
    console = StaffConsole(settings, translator, municipality, gateway=gateway,
                           push=push_recorder.push)
    app = create_app(gateway, translator, settings, staff_console=console)
    runner = await serve(app, "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    try:
        yield ConsoleServer(f"http://{host}:{port}/staff", console.accounts, console)
    finally:
        await runner.cleanup()


@pytest.fixture
async def console_server(gateway: Gateway, translator: Translator, staff_settings: Settings,
                         midden_drenthe: Municipality,
                         push_recorder: PushRecorder) -> AsyncIterator[ConsoleServer]:
    async with served_console(gateway, translator, staff_settings, midden_drenthe,
                              push_recorder) as server:
        yield server


def resident_session(token: str, language: str) -> aiohttp.ClientSession:
    """A web chat resident: the session cookie of a known token, a browser language."""
    jar = aiohttp.CookieJar(unsafe=True)
    jar.update_cookies({SESSION_COOKIE: token})
    return aiohttp.ClientSession(cookie_jar=jar, headers={"Accept-Language": language})


@pytest.fixture
def beheerder(console_server: ConsoleServer) -> Staffer:
    member = console_server.accounts.create("Beheer@Midden-Drenthe.nl", "Bea Beheer", PASSWORD,
                                            BEHEERDER)
    return Staffer(member, PASSWORD)


@pytest.fixture
def medewerker(console_server: ConsoleServer) -> Staffer:
    member = console_server.accounts.create("klant@midden-drenthe.nl", "Karel Klant", PASSWORD,
                                            MEDEWERKER, frozenset({"klantmanager"}))
    return Staffer(member, PASSWORD)


def next_code(database_url: str, member: StaffMember) -> str:
    """A TOTP code the console accepts now: this period's, or the next one's if it was used
    (so a test can log the same person in twice within 30 seconds)."""
    with session_scope(database_url) as session:
        row = session.execute(select(StaffAccount)
                              .where(StaffAccount.id == member.id)).scalar_one()
        secret, last = row.totp_secret, row.last_totp_counter
    totp = pyotp.TOTP(secret)
    current = totp.timecode(datetime.now(timezone.utc))
    counter = next(c for c in (current, current + 1) if last is None or c > last)
    return totp.generate_otp(counter)


def csrf_of(page: str) -> str:
    found = CSRF_FIELD.search(page)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def log_in(client: aiohttp.ClientSession, server: ConsoleServer, staffer: Staffer,
                 database_url: str) -> str:
    """Password and TOTP through the real forms; returns the CSRF token of the session."""
    async with client.get(f"{server.url}/login") as response:
        login_csrf = csrf_of(await response.text())
    async with client.post(f"{server.url}/login", data={
            "csrf": login_csrf, "email": staffer.member.email,
            "password": staffer.password}) as response:
        assert response.status == 200, await response.text()
        page = await response.text()
        second_step = str(response.url).rsplit("/", 1)[-1]
    async with client.post(f"{server.url}/{second_step}", data={
            "csrf": csrf_of(page),
            "code": next_code(database_url, staffer.member)}) as response:
        assert response.status == 200 and str(response.url).endswith("/staff/")
        return csrf_of(await response.text())


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    # unsafe: keep cookies of an IP-address host (127.0.0.1)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session
