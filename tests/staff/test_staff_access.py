"""Access to the staff console over real HTTP: nothing without a login, CSRF on every form,
throttled passwords and codes, sessions that end, teams kept apart, views audited."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import update

from assistant.appointments import AppointmentBook, BookedAppointment
from assistant.policy.municipality import Municipality
from assistant.storage import StaffSession, session_scope
from bot.staff.accounts import MAX_FAILURES_PER_ACCOUNT, token_hash
from bot.staff.console import SESSION_COOKIE
from bot.staff.texts import StaffTexts
from tests.staff.conftest import (
    ConsoleServer,
    Staffer,
    csrf_of,
    log_in,
    next_code,
)

NO_REDIRECTS = {"allow_redirects": False}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def book(municipality: Municipality, database_url: str, team: str,
         owner: str = "telegram:42") -> BookedAppointment:
    appointment_book = AppointmentBook(municipality, database_url)
    return appointment_book.book(owner, team, appointment_book.free_slots(team, limit=1)[0])


def local_day(appointment: BookedAppointment) -> str:
    return appointment.start.astimezone(AMSTERDAM).date().isoformat()


def console_urls(server: ConsoleServer, reference: str, day: str) -> list[tuple[str, str]]:
    """Every route of the console with its parameters filled in, but the login's own."""
    values = {"team": "klantmanager", "day": day, "reference": reference, "ticket": "1",
              "callback": "1", "table": "languages", "lead": "1",
              "action": "take"}
    urls = []
    for method, path, _handler, name in server.console.routes():
        if name not in ("login", "login_post"):
            filled = re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: values[m.group(1)], path)
            urls.append((method, server.url + filled))
    return urls


async def test_every_console_url_without_a_session_goes_to_the_login(
        console_server: ConsoleServer, client: aiohttp.ClientSession,
        midden_drenthe: Municipality, sqlite_url: str, beheerder: Staffer) -> None:
    appointment = book(midden_drenthe, sqlite_url, "klantmanager")
    urls = console_urls(console_server, appointment.reference, local_day(appointment))
    assert len(urls) >= 18
    for method, url in urls:
        async with client.request(method, url, data={"csrf": "x"}, **NO_REDIRECTS) as response:
            assert response.status == 303, url
            assert response.headers["Location"] == "/staff/login", url
    # a made-up session token is no session either
    client.cookie_jar.update_cookies({SESSION_COOKIE: "made-up"})
    async with client.get(f"{console_server.url}/audit", **NO_REDIRECTS) as response:
        assert response.headers["Location"] == "/staff/login"


async def test_after_the_password_only_the_second_factor_is_reachable(
        console_server: ConsoleServer, client: aiohttp.ClientSession,
        beheerder: Staffer) -> None:
    async with client.get(f"{console_server.url}/login") as response:
        csrf = csrf_of(await response.text())
    async with client.post(f"{console_server.url}/login", data={
            "csrf": csrf, "email": "beheer@midden-drenthe.nl", "password": beheerder.password},
            **NO_REDIRECTS) as response:
        assert response.headers["Location"] == "/staff/enrol"  # not enrolled yet
    for page in ("/", "/audit", "/teams/klantmanager/2026-12-07"):
        async with client.get(console_server.url + page, **NO_REDIRECTS) as response:
            assert response.headers["Location"] == "/staff/enrol"


async def test_a_full_login_opens_the_console_and_logging_out_ends_it(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        sqlite_url: str, staff_texts: StaffTexts) -> None:
    csrf = await log_in(client, console_server, beheerder, sqlite_url)
    async with client.get(f"{console_server.url}/") as response:
        page = await response.text()
        assert staff_texts("staff.home.title") in page and "Bea Beheer" in page
        cookie = response.cookies.get(SESSION_COOKIE) or client.cookie_jar.filter_cookies(
            console_server.url + "/").get(SESSION_COOKIE)
        assert cookie is not None
    async with client.post(f"{console_server.url}/logout", data={"csrf": csrf}) as response:
        assert str(response.url).endswith("/staff/login")
    async with client.get(f"{console_server.url}/", **NO_REDIRECTS) as response:
        assert response.headers["Location"] == "/staff/login"


async def test_session_cookie_is_httponly_and_strict(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer) -> None:
    async with client.get(f"{console_server.url}/login") as response:
        csrf = csrf_of(await response.text())
    async with client.post(f"{console_server.url}/login", data={
            "csrf": csrf, "email": beheerder.member.email, "password": beheerder.password},
            **NO_REDIRECTS) as response:
        header = next(h for h in response.headers.getall("Set-Cookie")
                      if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/staff" in header


async def test_posts_without_the_csrf_token_are_refused(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        sqlite_url: str, staff_texts: StaffTexts) -> None:
    # the login form: no token, or a token that is not this browser's cookie
    for data in ({"email": beheerder.member.email, "password": beheerder.password},
                 {"csrf": "forged", "email": beheerder.member.email,
                  "password": beheerder.password}):
        async with client.post(f"{console_server.url}/login", data=data,
                               **NO_REDIRECTS) as response:
            assert response.status == 403
            assert staff_texts("staff.error.csrf") in await response.text()
    csrf = await log_in(client, console_server, beheerder, sqlite_url)
    for data in ({}, {"csrf": ""}, {"csrf": csrf[:-1] + "x"}):
        async with client.post(f"{console_server.url}/logout", data=data,
                               **NO_REDIRECTS) as response:
            assert response.status == 403
    async with client.get(f"{console_server.url}/", **NO_REDIRECTS) as response:
        assert response.status == 200  # still logged in: the forged logout did nothing


async def test_wrong_passwords_are_throttled(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        staff_texts: StaffTexts) -> None:
    async def attempt(password: str) -> aiohttp.ClientResponse:
        async with client.get(f"{console_server.url}/login") as response:
            csrf = csrf_of(await response.text())
        async with client.post(f"{console_server.url}/login", data={
                "csrf": csrf, "email": beheerder.member.email, "password": password},
                **NO_REDIRECTS) as response:
            await response.read()
            return response

    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert (await attempt("wrong password!")).status == 401
    refused = await attempt(beheerder.password)  # even the right one, for a while
    assert refused.status == 429


async def test_wrong_totp_codes_are_throttled_and_codes_work_once(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        sqlite_url: str, staff_texts: StaffTexts) -> None:
    csrf = await log_in(client, console_server, beheerder, sqlite_url)  # enrols
    await client.post(f"{console_server.url}/logout", data={"csrf": csrf})
    async with client.get(f"{console_server.url}/login") as response:
        login_csrf = csrf_of(await response.text())
    async with client.post(f"{console_server.url}/login", data={
            "csrf": login_csrf, "email": beheerder.member.email,
            "password": beheerder.password}) as response:
        assert str(response.url).endswith("/staff/code")
        csrf = csrf_of(await response.text())
    right = next_code(sqlite_url, beheerder.member)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for code in [wrong, "abc", "12345"] + [wrong] * (MAX_FAILURES_PER_ACCOUNT - 3):
        async with client.post(f"{console_server.url}/code",
                               data={"csrf": csrf, "code": code}) as response:
            assert response.status == 401
            assert staff_texts("staff.code.wrong") in await response.text()
    async with client.post(f"{console_server.url}/code",
                           data={"csrf": csrf, "code": right}) as response:
        assert response.status == 429
        assert staff_texts("staff.code.throttled") in await response.text()
    async with client.get(f"{console_server.url}/", **NO_REDIRECTS) as response:
        assert response.headers["Location"] == "/staff/code"


async def test_a_used_code_is_not_accepted_again(console_server: ConsoleServer,
                                                 beheerder: Staffer, sqlite_url: str) -> None:
    code = next_code(sqlite_url, beheerder.member)
    assert console_server.accounts.check_code(beheerder.member, code)
    assert not console_server.accounts.check_code(beheerder.member, code)


async def test_sessions_expire_after_a_quiet_spell(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        sqlite_url: str) -> None:
    await log_in(client, console_server, beheerder, sqlite_url)
    token = client.cookie_jar.filter_cookies(console_server.url + "/")[SESSION_COOKIE].value
    with session_scope(sqlite_url) as session:
        row = session.get(StaffSession, token_hash(token))
        session.execute(update(StaffSession).where(StaffSession.token_hash == row.token_hash)
                        .values(last_seen_at=row.last_seen_at - timedelta(minutes=31)))
    async with client.get(f"{console_server.url}/", **NO_REDIRECTS) as response:
        assert response.headers["Location"] == "/staff/login"
    with session_scope(sqlite_url) as session:
        assert session.get(StaffSession, token_hash(token)) is None


@pytest.mark.parametrize("page", ["day", "appointment"])
async def test_a_medewerker_cannot_open_another_teams_appointments(
        page: str, console_server: ConsoleServer, client: aiohttp.ClientSession,
        medewerker: Staffer, sqlite_url: str, midden_drenthe: Municipality,
        staff_texts: StaffTexts) -> None:
    other = book(midden_drenthe, sqlite_url, "schuldhulp")
    own = book(midden_drenthe, sqlite_url, "klantmanager", owner="web:abc")
    await log_in(client, console_server, medewerker, sqlite_url)
    paths = {"day": lambda a: f"/teams/{a.team_code}/{local_day(a)}",
             "appointment": lambda a: f"/appointments/{a.reference}"}
    async with client.get(console_server.url + paths[page](other)) as response:
        assert response.status == 403
        text = await response.text()
        assert staff_texts("staff.error.other_team") in text and other.reference not in text
    async with client.get(console_server.url + paths[page](own)) as response:
        assert response.status == 200 and own.reference in await response.text()
    actions = [(line.action, line.email) for line in console_server.accounts.audit_lines()]
    assert (f"{'team_day' if page == 'day' else 'appointment'}.refused",
            medewerker.member.email) in actions


async def test_the_audit_log_records_views_and_only_beheerders_read_it(
        console_server: ConsoleServer, client: aiohttp.ClientSession, medewerker: Staffer,
        beheerder: Staffer, sqlite_url: str, midden_drenthe: Municipality,
        staff_texts: StaffTexts) -> None:
    appointment = book(midden_drenthe, sqlite_url, "klantmanager")
    await log_in(client, console_server, medewerker, sqlite_url)
    async with client.get(f"{console_server.url}/appointments/{appointment.reference}"):
        pass
    async with client.get(f"{console_server.url}/audit") as response:
        assert response.status == 403
    client.cookie_jar.clear()
    await log_in(client, console_server, beheerder, sqlite_url)
    async with client.get(f"{console_server.url}/audit") as response:
        page = await response.text()
    assert staff_texts("staff.audit.action.appointment.view") in page
    row = page.split(appointment.reference)[0].rsplit("<tr>", 1)[1]
    assert medewerker.member.email in row


async def test_sessions_nobody_came_back_to_are_deleted(console_server: ConsoleServer,
                                                       beheerder: Staffer,
                                                       sqlite_url: str) -> None:
    accounts = console_server.accounts
    old = accounts.start_session(beheerder.member)
    with session_scope(sqlite_url) as session:
        session.execute(update(StaffSession)
                        .where(StaffSession.token_hash == token_hash(old.token))
                        .values(created_at=StaffSession.created_at - timedelta(hours=11)))
    accounts.start_session(beheerder.member)
    with session_scope(sqlite_url) as session:
        assert session.get(StaffSession, token_hash(old.token)) is None


async def test_console_pages_are_never_framed_nor_cached(
        console_server: ConsoleServer, client: aiohttp.ClientSession, beheerder: Staffer,
        sqlite_url: str) -> None:
    await log_in(client, console_server, beheerder, sqlite_url)
    for path in ("/login", "/", "/audit", "/accounts", "/queue"):
        async with client.get(console_server.url + path) as response:
            assert response.status == 200, path
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
            assert response.headers["Cache-Control"] == "no-store"
