"""Faults while residents talk: servers killed mid-booking, the database restarted under load,
two workers sharing one conversation. Real Rasa and action servers of these tests alone."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select, text

from assistant.settings import conversations_url
from assistant.storage import Appointment, get_engine, session_scope
from bot.gateway import Button, Conversation, Gateway, Reply
from bot.health import HealthCheck, Parts
from bot.i18n import Translator
from bot.services import RasaStack, redis_answers
from bot.web import create_app, serve
from tests.e2e.durable_servers import PrivatePostgres, postgres_binaries, running_stack

pytestmark = pytest.mark.e2e
# How long the gateway waits for a restarting server in these tests. A Rasa server is back in
# about 15 s on a quiet 2-core machine (issue 9 asks for 30 s); with several test suites
# sharing the cores it has taken 75-120 s, so the bound here is looser than the target and each
# test prints the time it took.
RESTART_BUDGET_SECONDS = 180
BOOK_WITH_KLANTMANAGER = '/book_appointment{"team":"klantmanager"}'


def new_resident() -> Conversation:
    return Conversation(sender_id=f"web:{uuid.uuid4().hex}", channel="web", language="nl")


def texts(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


def payloads(replies: list[Reply]) -> list[str]:
    return [button.payload for reply in replies for button in reply.buttons]


def offer(gateway: Gateway, resident: Conversation, *payloads: str) -> None:
    """As if the gateway had shown these buttons: it forwards only payloads it offered
    (issue 10), and these tests are about restarts and order, not about buttons."""
    gateway.remember_offered(resident.sender_id,
                             [Reply("", tuple(Button(p, p) for p in payloads))])


def active_appointments(database_url: str, sender_id: str) -> list[Appointment]:
    with session_scope(database_url) as session:
        return list(session.execute(select(Appointment).where(
            Appointment.owner_id == sender_id, Appointment.cancelled_at.is_(None))).scalars())


def stored_events(database_url: str, sender_id: str) -> list[str]:
    """The type of every event Rasa keeps of this conversation, read from the tracker store."""
    with get_engine(conversations_url(database_url)).connect() as connection:
        return list(connection.execute(text(
            "SELECT type_name FROM events WHERE sender_id = :sender ORDER BY id"),
            {"sender": sender_id}).scalars())


def gateway_for(stack: RasaStack, retry_seconds: float = RESTART_BUDGET_SECONDS) -> Gateway:
    settings = stack.settings
    return Gateway(stack.rasa_urls, Translator(settings.locales_dir, "nl", settings.timezone),
                   timeout_seconds=30, api_token=stack.api_token, retry_seconds=retry_seconds)


async def up_to_confirmation(gateway: Gateway, resident: Conversation) -> None:
    """Half way through the booking form: a team and a time chosen, the question open."""
    offer(gateway, resident, BOOK_WITH_KLANTMANAGER)
    replies = await gateway.handle_payload(resident, BOOK_WITH_KLANTMANAGER)
    times = [p for p in payloads(replies) if "appointment_time" in p]
    assert times, texts(replies)
    replies = await gateway.handle_payload(resident, times[0])
    assert "Zal ik deze afspraak maken?" in texts(replies)


def kill(stack: RasaStack, name: str) -> None:
    pid = stack.pid(name)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)


async def health(http: aiohttp.ClientSession, url: str) -> tuple[int, dict]:
    async with http.get(url) as response:
        return response.status, await response.json()


async def confirm_after_kill(stack: RasaStack, name: str, health_url: str | None = None) -> None:
    """kill -9 ``name`` with the question "Zal ik deze afspraak maken?" open: the person's
    "ja" waits for the restart, continues the form and books exactly once. With
    ``health_url``: /healthz says 503 while the server is down and 200 after."""
    database_url = stack.settings.database_url
    gateway = gateway_for(stack)
    http = aiohttp.ClientSession()
    try:
        resident = new_resident()
        await up_to_confirmation(gateway, resident)
        restarts = stack.restarts(name)
        kill(stack, name)
        if health_url:
            status, report = await health(http, f"{health_url}/healthz")
            part = "rasa" if name.startswith("rasa") else "action_server"
            assert status == 503 and report[part] == ["down"], report
            assert report["database"] == "ok" and report["web"] == "ok"
            assert (await health(http, f"{health_url}/healthz/ready"))[0] == 503
            assert (await health(http, f"{health_url}/healthz/live"))[0] == 200
        started = time.monotonic()
        replies = await gateway.handle_text(resident, "ja")
        took = time.monotonic() - started
        print(f"{name} killed: the next message was answered after {took:.1f} s")
        assert "Uw afspraak is gemaakt" in texts(replies), texts(replies)
        [booked] = active_appointments(database_url, resident.sender_id)
        assert booked.reference in texts(replies)
        assert stack.restarts(name) == restarts + 1
        if health_url:
            status, report = await health(http, f"{health_url}/healthz")
            assert status == 200 and report["status"] == "ok", report
        # The conversation goes on as usual afterwards.
        replies = await gateway.handle_text(resident, "wanneer is mijn afspraak")
        assert booked.reference in texts(replies)
        assert len(active_appointments(database_url, resident.sender_id)) == 1
    finally:
        await http.close()
        await gateway.close()


@pytest.fixture(scope="module")
def sqlite_stack(tmp_path_factory: pytest.TempPathFactory,
                 trained_model: Path) -> Iterator[RasaStack]:
    directory = tmp_path_factory.mktemp("durable-sqlite")
    with running_stack(f"sqlite:///{directory / 'assistant.sqlite3'}", trained_model,
                       directory / "logs") as stack:
        yield stack


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    if postgres_binaries() is None:
        pytest.skip("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    server = PrivatePostgres()
    server.start()
    yield server
    get_engine(server.url).dispose()
    server.stop()


@pytest.fixture(scope="module")
def postgres_stack(private_postgres: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory,
                   trained_model: Path) -> Iterator[RasaStack]:
    with running_stack(private_postgres.url, trained_model,
                       tmp_path_factory.mktemp("durable-pg") / "logs") as stack:
        yield stack


@pytest.mark.parametrize("name", ["rasa-0", "actions-0"])
async def test_killed_server_mid_booking_on_sqlite(sqlite_stack: RasaStack, health_client: str,
                                                   name: str) -> None:
    await confirm_after_kill(sqlite_stack, name, health_client)


@pytest.mark.parametrize("name", ["rasa-0", "actions-0"])
async def test_killed_server_mid_booking_on_postgresql(postgres_stack: RasaStack,
                                                       name: str) -> None:
    await confirm_after_kill(postgres_stack, name)


async def test_a_half_filled_form_is_kept_in_the_database(
        sqlite_stack: RasaStack) -> None:
    """The form's state is in the tracker store, where a restarted Rasa reads it."""
    gateway = gateway_for(sqlite_stack)
    try:
        resident = new_resident()
        await up_to_confirmation(gateway, resident)
        events = stored_events(sqlite_stack.settings.database_url, resident.sender_id)
        assert events.count("user") == 2 and "active_loop" in events
    finally:
        await gateway.close()


@pytest.fixture
async def health_client(sqlite_stack: RasaStack) -> AsyncIterator[str]:
    settings = sqlite_stack.settings
    gateway = gateway_for(sqlite_stack, retry_seconds=0)
    health = HealthCheck(Parts(tuple(sqlite_stack.rasa_urls), tuple(sqlite_stack.action_urls),
                               settings.database_url, sqlite_stack.api_token))
    translator = Translator(settings.locales_dir, "nl", settings.timezone)
    runner = await serve(create_app(gateway, translator, settings, health=health),
                         "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()
    await gateway.close()
    await health.close()


async def test_postgresql_restarted_under_load(private_postgres: PrivatePostgres,
                                               postgres_stack: RasaStack) -> None:
    """Five residents confirm a booking (each another time) and ten others ask questions
    while the database restarts: every booking confirmed exists once, nobody holds two, and
    everyone is answered afterwards."""
    database_url = postgres_stack.settings.database_url
    gateway = gateway_for(postgres_stack)
    bookers = [new_resident() for _ in range(5)]
    askers = [new_resident() for _ in range(10)]
    stop_asking = asyncio.Event()

    async def confirm(number: int, resident: Conversation) -> str:
        await asyncio.sleep(0.5 * number)  # the confirmations fall before, in and after
        return texts(await gateway.handle_text(resident, "ja"))

    async def ask(resident: Conversation) -> int:
        answered = 0
        while not stop_asking.is_set():
            replies = await gateway.handle_text(resident, "wat is loonkostensubsidie")
            answered += all(reply.delivered for reply in replies)
        return answered

    try:
        for number, resident in enumerate(bookers):  # each up to "shall I book?", another time
            offer(gateway, resident, BOOK_WITH_KLANTMANAGER)
            replies = await gateway.handle_payload(resident, BOOK_WITH_KLANTMANAGER)
            times = [p for p in payloads(replies) if "appointment_time" in p]
            replies = await gateway.handle_payload(resident, times[number])
            assert "Zal ik deze afspraak maken?" in texts(replies), texts(replies)
        asking = [asyncio.create_task(ask(resident)) for resident in askers]
        bookings = [asyncio.create_task(confirm(n, resident))
                    for n, resident in enumerate(bookers)]
        await asyncio.sleep(0.4)
        await asyncio.to_thread(private_postgres.restart)
        answers = await asyncio.gather(*bookings)
        stop_asking.set()
        await asyncio.gather(*asking)
        for resident, answer in zip(bookers, answers, strict=True):
            held = active_appointments(database_url, resident.sender_id)
            assert len(held) <= 1, [a.reference for a in held]
            if "Uw afspraak is gemaakt" in answer:
                assert len(held) == 1 and held[0].reference in answer
            else:  # not told it was booked: then it was not, or they are sent to look
                assert not held or "Mijn afspraken" in answer, answer
        confirmed = sum("Uw afspraak is gemaakt" in answer for answer in answers)
        assert confirmed >= 3, answers
        for resident in bookers + askers:  # replies resume for everyone
            replies = await gateway.handle_text(resident, "hallo")
            assert "digitale assistent" in texts(replies), texts(replies)
    finally:
        stop_asking.set()
        await gateway.close()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory,
                trained_model: Path) -> Iterator[RasaStack]:
    if not redis_answers("redis://127.0.0.1:6379/0"):
        pytest.skip("no Redis at 127.0.0.1:6379 for Rasa's lock store")
    directory = tmp_path_factory.mktemp("durable-workers")
    with running_stack(f"sqlite:///{directory / 'assistant.sqlite3'}", trained_model,
                       directory / "logs", workers=2) as stack:
        yield stack


async def test_two_workers_answer_one_persons_rapid_messages_in_order(
        two_workers: RasaStack) -> None:
    """Twenty messages of one person, 30 ms apart, through the gateway of two workers: all
    answered, kept in the order sent, each turn finished before the next began."""
    settings = two_workers.settings
    gateway = Gateway(two_workers.rasa_urls, Translator(settings.locales_dir, "nl",
                                                        settings.timezone),
                      timeout_seconds=120, api_token=two_workers.api_token)
    resident = new_resident()
    messages = numbered_messages(20)
    offer(gateway, resident, *messages)

    async def send(number: int) -> list[Reply]:
        await asyncio.sleep(0.03 * number)
        return await gateway.handle_payload(resident, messages[number])

    try:
        answers = await asyncio.gather(*(send(n) for n in range(20)))
    finally:
        await gateway.close()
    assert all(replies and all(r.delivered for r in replies) for replies in answers), answers
    steps = stored_conversation(settings.database_url, resident.sender_id)
    assert [step for step in steps if step != "action_listen"] == messages
    assert_one_turn_at_a_time(steps, 20)


async def test_two_workers_never_run_one_persons_turns_at_once(two_workers: RasaStack) -> None:
    """The same person's messages sent alternately to both workers (as two machines behind
    a load balancer would): the lock store in Redis lets one turn run at a time, none lost."""
    settings = two_workers.settings
    translator = Translator(settings.locales_dir, "nl", settings.timezone)
    gateways = [Gateway(url, translator, timeout_seconds=120, api_token=two_workers.api_token)
                for url in two_workers.rasa_urls]
    resident = new_resident()
    messages = numbered_messages(20)
    for each in gateways:
        offer(each, resident, *messages)

    async def send(number: int) -> list[Reply]:
        await asyncio.sleep(0.03 * number)
        return await gateways[number % 2].handle_payload(resident, messages[number])

    try:
        answers = await asyncio.gather(*(send(n) for n in range(20)))
    finally:
        for gateway in gateways:
            await gateway.close()
    assert all(replies and all(r.delivered for r in replies) for replies in answers), answers
    steps = stored_conversation(settings.database_url, resident.sender_id)
    assert sorted(step for step in steps if step != "action_listen") == sorted(messages)
    assert_one_turn_at_a_time(steps, 20)


def numbered_messages(count: int) -> list[str]:
    """Greetings and thanks (answered by rules, never a "did you mean?"), each with its own
    number so that their order can be read back from the store."""
    return [f'/{"thank" if n % 2 else "greet"}{{"n":"{n}"}}' for n in range(count)]


def stored_conversation(database_url: str, sender_id: str) -> list[str]:
    """The conversation as Rasa applies it: each message (its text) and each listen, with
    what Rasa's own ``rewind`` undid taken out (the "did you mean ...?" fallback re-reads a
    message that way)."""
    with get_engine(conversations_url(database_url)).connect() as connection:
        rows = connection.execute(text(
            "SELECT data FROM events WHERE sender_id = :sender ORDER BY id"),
            {"sender": sender_id}).scalars().all()
    steps: list[str] = []
    for event in map(json.loads, rows):
        if event["event"] == "user":
            steps.append(event["text"])
        elif event["event"] == "action" and event["name"] == "action_listen":
            steps.append("action_listen")
        elif event["event"] == "rewind":
            while steps and steps.pop() == "action_listen":
                pass
            if steps and steps[-1] == "action_listen":
                steps.pop()
    return steps


def assert_one_turn_at_a_time(steps: list[str], turns: int) -> None:
    """Each message's turn ends with one listen before the next message comes in."""
    first = next(n for n, step in enumerate(steps) if step != "action_listen")
    assert steps[first + 1::2] == ["action_listen"] * turns, steps
    assert len(steps[first:]) == 2 * turns, steps
