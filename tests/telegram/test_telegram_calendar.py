"""On Telegram an appointment's .ics follows the message about it as a document: booked, moved
(the same event, a higher SEQUENCE) and cancelled; in the person's language; never for another
person's appointment. Real python-telegram-bot Application and gateway, a real database, the
file read back with icalendar (Rasa is faked here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from telegram import Update
from telegram.ext import Application
from telegram_fakes import CHAT_ID, RecordingRequest, message_update

from assistant.appointments import AppointmentBook, BookedAppointment, describe
from assistant.messages import message, with_calendar
from assistant.policy.municipality import load_municipality
from assistant.settings import Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.appointment_files import AppointmentFiles
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.telegram import build_application
from tests.fakes import FakeRasa

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ME = f"telegram:{CHAT_ID}"


@pytest.fixture
def book(settings: Settings) -> AppointmentBook:
    return AppointmentBook(load_municipality(settings.municipality_dir), settings.database_url,
                           min_notice=timedelta(hours=1))


@pytest.fixture
async def application(settings: Settings, gateway: Gateway, buttons: ButtonStore,
                      profiles: ProfileStore, telegram_api: RecordingRequest,
                      book: AppointmentBook, translator: Translator,
                      ) -> AsyncIterator[Application]:
    app = build_application(settings, gateway, buttons, profiles, request=telegram_api,
                            files=AppointmentFiles(book, translator))
    await app.initialize()
    yield app
    await app.shutdown()


def answer_with(fake_rasa: FakeRasa, book: AppointmentBook, key: str,
                appointment: BookedAppointment, cancelled: bool = False) -> None:
    said = message(key, **describe(appointment, book.municipality))
    fake_rasa.default_answer = [{"custom": with_calendar(said, appointment.reference,
                                                         cancelled)}]


async def say(application: Application, update_id: int, text: str) -> None:
    await application.process_update(Update.de_json(message_update(update_id, text),
                                                    application.bot))


def sent_calendar(telegram_api: RecordingRequest) -> tuple[str, Calendar, dict]:
    method, parts = telegram_api.uploads[-1]
    assert method == "sendDocument"
    filename, content, _ = parts["document"]
    return filename, Calendar.from_ical(content), telegram_api.sent("sendDocument")[-1]


async def test_booked_moved_and_cancelled_each_come_with_their_calendar_file(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        book: AppointmentBook, translator: Translator) -> None:
    start = book.free_slots("klantmanager", limit=1)[0]
    booked = book.book(ME, "klantmanager", start)
    answer_with(fake_rasa, book, "booking.confirmed", booked)
    await say(application, 1, "ja")

    assert [name for name, _ in telegram_api.calls][-2:] == ["sendMessage", "sendDocument"]
    filename, calendar, sent = sent_calendar(telegram_api)
    assert filename == f"afspraak-{booked.reference}.ics"
    assert sent["chat_id"] == CHAT_ID
    assert sent["caption"] == translator.text("calendar.telegram_caption", "nl")
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start.astimezone(AMSTERDAM)
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert str(event["location"]) == booked.location
    assert translator.text("team.klantmanager.name", "nl") in str(event["summary"])
    assert booked.reference in str(event["description"])
    assert (str(event["status"]), event["sequence"]) == ("CONFIRMED", 0)

    later = book.free_slots("klantmanager", after=start + timedelta(days=1), limit=1)[0]
    moved = book.reschedule(ME, booked.reference, later)
    answer_with(fake_rasa, book, "reschedule.done", moved)
    await say(application, 2, "ja")
    _, calendar, _ = sent_calendar(telegram_api)
    [moved_event] = calendar.walk("VEVENT")
    assert moved_event["uid"] == event["uid"] and moved_event["sequence"] == 1
    assert moved_event.decoded("dtstart") == later.astimezone(AMSTERDAM)

    cancelled = book.cancel(ME, booked.reference)
    answer_with(fake_rasa, book, "cancel.done", cancelled, cancelled=True)
    await say(application, 3, "ja")
    _, calendar, sent = sent_calendar(telegram_api)
    [cancelled_event] = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL" and str(cancelled_event["status"]) == "CANCELLED"
    assert cancelled_event["uid"] == event["uid"] and cancelled_event["sequence"] == 2
    assert sent["caption"] == translator.text("calendar.telegram_caption_cancelled", "nl")
    assert len(telegram_api.sent("sendDocument")) == 3


async def test_the_file_is_in_the_persons_language(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        book: AppointmentBook, translator: Translator, profiles: ProfileStore) -> None:
    profiles.save(ME, "telegram", language="ti")
    booked = book.book(ME, "schuldhulp", book.free_slots("schuldhulp", limit=1)[0])
    answer_with(fake_rasa, book, "booking.confirmed", booked)
    await say(application, 1, "እወ")
    _, calendar, sent = sent_calendar(telegram_api)
    assert sent["caption"] == translator.text("calendar.telegram_caption", "ti")
    assert sent["caption"] != translator.text("calendar.telegram_caption", "nl")
    [event] = calendar.walk("VEVENT")
    assert translator.text("team.schuldhulp.name", "ti") in str(event["summary"])


async def test_no_file_for_another_persons_appointment(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        book: AppointmentBook) -> None:
    theirs = book.book("telegram:77", "klantmanager", book.free_slots("klantmanager")[0])
    answer_with(fake_rasa, book, "booking.confirmed", theirs)
    await say(application, 1, "ja")
    assert telegram_api.sent("sendMessage")  # the message itself is shown
    assert telegram_api.sent("sendDocument") == [] and telegram_api.uploads == []


async def test_a_failed_upload_keeps_the_message_and_says_nothing_more(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        book: AppointmentBook, translator: Translator) -> None:
    booked = book.book(ME, "klantmanager", book.free_slots("klantmanager")[0])
    answer_with(fake_rasa, book, "booking.confirmed", booked)
    telegram_api.failures["sendDocument"] = {"error_code": 400,
                                             "description": "Bad Request: file is too big"}
    await say(application, 1, "ja")
    texts = telegram_api.texts()
    assert len(texts) == 1 and booked.reference in texts[0]
    assert translator.text("error.no_answer", "nl") not in texts
