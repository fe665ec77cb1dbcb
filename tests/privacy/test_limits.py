"""Limits against floods, with the real gateway, web server and python-telegram-bot objects:
too many messages from one person or one address get a friendly reply in their language
(never a silent drop), and one person cannot pile up appointments."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from assistant.appointments import AppointmentBook, TooManyAppointments, TooManyBookings
from assistant.policy.municipality import Municipality
from assistant.privacy.limits import DistinctKeys, MessageLimits, SlidingWindow
from assistant.settings import Settings
from bot.gateway import Conversation, Gateway
from bot.i18n import Translator
from bot.web import create_app
from tests.fakes import FakeRasa

LANGUAGES = ["nl", "en", "ar", "ti", "fa", "fa_AF", "tr", "uk"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_sliding_window_allows_the_limit_and_again_once_the_window_has_passed() -> None:
    clock = Clock()
    window = SlidingWindow(3, 60, clock)
    assert [window.allow("a") for _ in range(4)] == [True, True, True, False]
    assert window.allow("b")  # another person is not held up
    assert window.retry_after("a") == 61
    clock.now += 59
    assert not window.allow("a")  # a refused message is not counted, but the window is full
    clock.now += 1.5
    assert window.allow("a")


def test_distinct_sessions_per_address() -> None:
    clock = Clock()
    sessions = DistinctKeys(2, 3600, clock)
    assert sessions.allow("10.0.0.1", "s1") and sessions.allow("10.0.0.1", "s2")
    assert not sessions.allow("10.0.0.1", "s3")
    assert sessions.allow("10.0.0.1", "s1")  # a session already counted goes on
    assert sessions.allow("10.0.0.2", "s3")
    clock.now += 3601
    assert sessions.allow("10.0.0.1", "s3")


def limited_gateway(fake_rasa: FakeRasa, translator: Translator, per_minute: int,
                    clock: Clock, turns_waiting: int = 0) -> Gateway:
    settings = replace(Settings(), messages_per_minute=per_minute, messages_per_hour=1000)
    return Gateway(fake_rasa.url, translator, timeout_seconds=5,
                   limits=MessageLimits.from_settings(settings, clock), turns_waiting=turns_waiting)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_sixth_message_in_a_minute_gets_a_friendly_reply_in_the_persons_language(
        fake_rasa: FakeRasa, translator: Translator, language: str) -> None:
    clock = Clock()
    gateway = limited_gateway(fake_rasa, translator, 5, clock)
    person = Conversation(f"web:{language:0<32}", "web", language=language,
                          language_chosen=True)
    try:
        for _ in range(5):
            await gateway.handle_text(person, "bijstand")
        refused = await gateway.handle_text(person, "bijstand")
        pressed = await gateway.handle_payload(person, "/greet")
        clock.now += 61
        again = await gateway.handle_text(person, "bijstand")
    finally:
        await gateway.close()

    slow_down = translator.directed(translator.text("limits.slow_down", language), language)
    assert len(fake_rasa.received) == 6  # five, then one after the minute
    assert [r.text for r in refused] == [slow_down] and not refused[0].delivered
    assert [r.text for r in pressed] == [slow_down]
    assert again[0].delivered
    if language != "en":
        assert slow_down != translator.text("limits.slow_down", "en")


async def test_messages_sent_while_earlier_ones_wait_are_refused_kindly(
        fake_rasa: FakeRasa, translator: Translator) -> None:
    fake_rasa.delay_seconds = 0.5
    gateway = limited_gateway(fake_rasa, translator, 100, Clock(), turns_waiting=2)
    person = Conversation("telegram:77", "telegram", language="uk", language_chosen=True)
    try:
        answers = await asyncio.gather(*(gateway.handle_text(person, f"питання {n}")
                                         for n in range(4)))
    finally:
        await gateway.close()

    wait = translator.text("limits.one_at_a_time", "uk")
    refused = [a for a in answers if a[0].text == translator.directed(wait, "uk")]
    assert len(fake_rasa.received) == 2 and len(refused) == 2
    assert all(not a[0].delivered for a in refused)


async def test_the_web_api_answers_429_to_one_address_that_opens_too_many_sessions(
        fake_rasa: FakeRasa, translator: Translator, locales_dir: Path) -> None:
    settings = Settings(locales_dir=locales_dir, new_sessions_per_hour_per_address=3,
                       requests_per_minute_per_address=1000)
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5)
    client = TestClient(TestServer(create_app(gateway, translator, settings), host="127.0.0.1"))
    await client.start_server()
    try:
        statuses = []
        for _ in range(5):
            client.session.cookie_jar.clear()  # a new visitor each time, as a script does
            response = await client.post("/api/start?lang=tr", json={})
            statuses.append(response.status)
        body = await response.json()
        client.session.cookie_jar.clear()
        other = await client.post("/api/messages?lang=tr", json={"text": "merhaba"})
    finally:
        await client.close()
        await gateway.close()

    assert statuses == [200, 200, 200, 429, 429]
    assert response.headers["Retry-After"]
    assert body["delivered"] is False
    assert body["messages"][0]["text"] == translator.text("limits.too_many_conversations", "tr")
    assert other.status == 429
    assert len(fake_rasa.received) == 3


async def test_the_web_api_answers_429_to_too_many_requests_from_one_address(
        fake_rasa: FakeRasa, translator: Translator, locales_dir: Path) -> None:
    settings = Settings(locales_dir=locales_dir, requests_per_minute_per_address=4)
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5)
    client = TestClient(TestServer(create_app(gateway, translator, settings), host="127.0.0.1"))
    await client.start_server()
    try:
        await client.post("/api/start?lang=ar", json={})
        statuses = [(await client.post("/api/messages?lang=ar", json={"text": "مرحبا"})).status
                    for _ in range(4)]
        last = await client.post("/api/messages?lang=ar", json={"text": "مرحبا"})
        body = await last.json()
    finally:
        await client.close()
        await gateway.close()

    assert statuses == [200, 200, 200, 429]
    assert body["messages"][0]["text"] == translator.text("limits.slow_down", "ar")


def test_one_person_cannot_hold_more_appointments_or_book_too_often(
        sqlite_url: str, midden_drenthe: Municipality) -> None:
    book = AppointmentBook(midden_drenthe, sqlite_url, max_active=2, bookings_per_hour=3)
    team = next(iter(midden_drenthe.teams))
    slots = book.free_slots(team, limit=6)
    book.book("web:a", team, slots[0])
    book.book("web:a", team, slots[1])
    assert book.book("web:a", team, slots[1]).start == slots[1]  # the same slot again: fine
    with pytest.raises(TooManyAppointments):
        book.book("web:a", team, slots[2])
    book.book("web:b", team, slots[2])  # someone else is not held up

    book.cancel("web:a", book.upcoming("web:a")[0].reference)
    book.book("web:a", team, slots[3])  # a cancelled one frees a place ...
    book.cancel("web:a", book.upcoming("web:a")[0].reference)
    with pytest.raises(TooManyBookings):  # ... but not a fourth booking within the hour
        book.book("web:a", team, slots[4])
    assert [a.start for a in book.upcoming("web:a", now=slots[0] - timedelta(days=1))] == [
        slots[3]]


async def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(
        fake_rasa: FakeRasa, translator: Translator, locales_dir: Path) -> None:
    settings = Settings(locales_dir=locales_dir, new_sessions_per_hour_per_address=2,
                        trusted_proxies=("127.0.0.1",))
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5)
    client = TestClient(TestServer(create_app(gateway, translator, settings), host="127.0.0.1"))
    await client.start_server()

    async def new_session(forwarded: str) -> int:
        client.session.cookie_jar.clear()
        response = await client.post("/api/start", json={},
                                     headers={"X-Forwarded-For": forwarded})
        return response.status

    try:
        first = [await new_session("203.0.113.7") for _ in range(3)]
        second = [await new_session("198.51.100.9") for _ in range(2)]
        # A client that writes an address itself cannot escape: the proxy appends the real one.
        spoofed = await new_session("192.0.2.1, 203.0.113.7")
    finally:
        await client.close()
        await gateway.close()

    assert first == [200, 200, 429]
    assert second == [200, 200]
    assert spoofed == 429
