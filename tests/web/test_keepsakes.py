"""Something to keep of an appointment in the web chat: the message about it carries "In mijn
agenda zetten" and the printable confirmation; the .ics and the page are served to the
conversation that owns the appointment only. Real app, Gateway, appointment book and database;
the .ics read back with icalendar (Rasa is faked here; tests/e2e books with the real one)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar
from playwright.async_api import Browser, expect

from assistant.appointments import AppointmentBook, BookedAppointment, describe
from assistant.messages import message, when, with_calendar
from assistant.settings import Settings
from assistant.storage import ProfileStore
from bot.appointment_files import AppointmentFiles
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app
from bot.web.server import SESSION_COOKIE, WEB_CHAT, sender_id_for

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SITE = "https://www.middendrenthe.nl"


@pytest.fixture
def book(midden_drenthe, sqlite_url: str) -> AppointmentBook:
    return AppointmentBook(midden_drenthe, sqlite_url, min_notice=timedelta(hours=1))


@pytest.fixture
async def client(fake_rasa, translator: Translator, settings: Settings, sqlite_url: str,
                 book: AppointmentBook) -> AsyncIterator[TestClient]:
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5,
                      api_token=fake_rasa.api_token, profiles=ProfileStore(sqlite_url))
    app = create_app(gateway, translator, replace(settings, embed_origins=(SITE,)),
                     files=AppointmentFiles(book, translator))
    # No cookie jar: each request carries the cookie the test gives it, or none.
    test_client = TestClient(TestServer(app, host="127.0.0.1"), cookie_jar=DummyCookieJar())
    await test_client.start_server()
    yield test_client
    await test_client.close()
    await gateway.close()


async def session(client: TestClient) -> tuple[str, str]:
    """A new conversation: (its cookie token, its sender id for Rasa and the database)."""
    response = await client.post("/api/start", json={})
    # read by hand: Python's cookie parser (before 3.14) drops a cookie marked Partitioned
    token = re.match(rf"{SESSION_COOKIE}=([0-9a-f]{{32}});", response.headers["Set-Cookie"])[1]
    return token, sender_id_for(token)


def as_person(token: str) -> dict:
    return {"Cookie": f"{SESSION_COOKIE}={token}"}


def answer_with(fake_rasa, book: AppointmentBook, key: str, appointment: BookedAppointment,
                cancelled: bool = False) -> None:
    said = message(key, **describe(appointment, book.municipality))
    fake_rasa.default_answer = [{"custom": with_calendar(said, appointment.reference,
                                                         cancelled)}]


async def calendar_of(client: TestClient, token: str, reference: str,
                      lang: str = "nl") -> Calendar:
    response = await client.get(f"/appointments/{reference}.ics?lang={lang}",
                                headers=as_person(token))
    assert response.status == 200
    assert response.content_type == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="afspraak-{reference}.ics"')
    assert response.headers["Cache-Control"] == "no-store"
    return Calendar.from_ical(await response.read())


async def test_the_booking_message_offers_the_calendar_file_and_the_confirmation(
        client: TestClient, fake_rasa, book: AppointmentBook, translator: Translator) -> None:
    token, me = await session(client)
    start = book.free_slots("klantmanager", limit=1)[0]
    booked = book.book(me, "klantmanager", start)
    answer_with(fake_rasa, book, "booking.confirmed", booked)

    response = await client.post("/api/messages", json={"text": "ja"}, headers=as_person(token))
    [shown] = (await response.json())["messages"]
    assert booked.reference in shown["text"]
    assert shown["calendar"] == {
        "ics": f"/appointments/{booked.reference}.ics",
        "ics_label": translator.text("calendar.add", "nl"),
        "confirmation": f"/appointments/{booked.reference}",
        "confirmation_label": translator.text("calendar.print", "nl")}

    [event] = (await calendar_of(client, token, booked.reference)).walk("VEVENT")
    assert event.decoded("dtstart") == start.astimezone(AMSTERDAM)
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
    assert str(event["location"]) == booked.location
    assert translator.text("team.klantmanager.name", "nl") in str(event["summary"])
    assert booked.reference in str(event["description"])

    # A reload shows the message again, links and all.
    client.app[WEB_CHAT].activity.note(me)
    restored = await client.post("/api/start", json={}, headers=as_person(token))
    history = (await restored.json())["messages"]
    assert history[-1]["calendar"]["ics"] == f"/appointments/{booked.reference}.ics"


async def test_a_move_updates_the_event_and_a_cancellation_cancels_it(
        client: TestClient, fake_rasa, book: AppointmentBook, translator: Translator) -> None:
    token, me = await session(client)
    start = book.free_slots("schuldhulp", limit=1)[0]
    booked = book.book(me, "schuldhulp", start)
    [first] = (await calendar_of(client, token, booked.reference)).walk("VEVENT")

    later = book.free_slots("schuldhulp", after=start + timedelta(days=2), limit=1)[0]
    book.reschedule(me, booked.reference, later)
    [moved] = (await calendar_of(client, token, booked.reference)).walk("VEVENT")
    assert moved["uid"] == first["uid"] and moved["sequence"] > first["sequence"]
    assert moved.decoded("dtstart") == later.astimezone(AMSTERDAM)

    cancelled = book.cancel(me, booked.reference)
    answer_with(fake_rasa, book, "cancel.done", cancelled, cancelled=True)
    response = await client.post("/api/messages", json={"text": "ja"}, headers=as_person(token))
    [shown] = (await response.json())["messages"]
    assert shown["calendar"]["ics_label"] == translator.text("calendar.add_cancelled", "nl")
    calendar = await calendar_of(client, token, booked.reference)
    [gone] = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL" and str(gone["status"]) == "CANCELLED"
    assert gone["uid"] == first["uid"] and gone["sequence"] > moved["sequence"]


async def test_only_the_owning_conversation_gets_the_file_and_the_page(
        client: TestClient, book: AppointmentBook, translator: Translator) -> None:
    owner, me = await session(client)
    stranger, _ = await session(client)
    booked = book.book(me, "klantmanager", book.free_slots("klantmanager", limit=1)[0])
    not_found = translator.text("confirmation.not_found", "nl")
    for path in (f"/appointments/{booked.reference}.ics", f"/appointments/{booked.reference}",
                 "/appointments/ZZZ-999.ics"):
        for headers in (as_person(stranger), {}):
            response = await client.get(path, headers=headers)
            assert response.status == 404
            assert not_found in await response.text()
            assert booked.location not in await response.text()
    assert (await client.get(f"/appointments/{booked.reference}.ics",
                             headers=as_person(owner))).status == 200


async def test_the_printable_confirmation_in_the_persons_language(
        client: TestClient, book: AppointmentBook, translator: Translator) -> None:
    token, me = await session(client)
    ProfileStore(book.database_url).save(me, "web", language="ar")
    booked = book.book(me, "klantmanager", book.free_slots("klantmanager", limit=1)[0])
    response = await client.get(f"/appointments/{booked.reference}", headers=as_person(token))
    assert response.status == 200
    page = await response.text()
    assert '<html lang="ar" dir="rtl">' in page
    for text in (translator.text("confirmation.title", "ar"), booked.reference,
                 booked.location, translator.text("team.klantmanager.name", "ar"),
                 translator.format_arg(when(booked.start), "ar"),
                 translator.text("calendar.add", "ar"), translator.text("confirmation.print",
                                                                        "ar")):
        assert text in page
    assert '<link rel="stylesheet" href="/static/confirmation.css">' in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and f"frame-ancestors 'self' {SITE}" in policy
    assert response.headers["Cache-Control"] == "no-store"

    embedded = await client.get(f"/appointments/{booked.reference}?embedded=1&lang=ar",
                                headers=as_person(token))
    assert 'href="/embed?lang=ar&amp;open=1"' in await embedded.text()


async def test_a_cancelled_appointment_page_says_so_and_asks_for_no_id(
        client: TestClient, book: AppointmentBook, translator: Translator) -> None:
    token, me = await session(client)
    booked = book.book(me, "klantmanager", book.free_slots("klantmanager", limit=1)[0])
    book.cancel(me, booked.reference)
    page = await (await client.get(f"/appointments/{booked.reference}",
                                   headers=as_person(token))).text()
    assert translator.text("confirmation.cancelled", "nl") in page
    assert translator.text("confirmation.bring", "nl") not in page
    assert translator.text("calendar.add_cancelled", "nl") in page


async def test_the_arabic_confirmation_page_passes_the_audit_and_prints_without_buttons(
        browser: Browser, client: TestClient, book: AppointmentBook,
        translator: Translator) -> None:
    from tests.web.test_accessibility import AXE, axe_violations

    token, me = await session(client)
    ProfileStore(book.database_url).save(me, "web", language="ar")
    booked = book.book(me, "klantmanager", book.free_slots("klantmanager", limit=1)[0])
    url = str(client.make_url(f"/appointments/{booked.reference}"))
    context = await browser.new_context(viewport={"width": 320, "height": 640})
    await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": url}])
    page = await context.new_page()
    await page.goto(url)
    await expect(page.locator("h1")).to_have_text(translator.text("confirmation.title", "ar"))
    assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert await axe_violations(page, AXE.read_text(encoding="utf-8")) == []
    # 320 px: nothing wider than the screen
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320
    await page.emulate_media(media="print")
    await expect(page.locator(".confirmation-actions")).to_be_hidden()
    await expect(page.locator(".confirmation-reference")).to_have_text(booked.reference)
    await context.close()
