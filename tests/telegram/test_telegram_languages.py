"""Every language through the Telegram front end: choose it in the menu, book an appointment
and ask a policy question, all rendered in that language by the real Application and
gateway (Rasa is faked here; tests/e2e runs the real one)."""

from __future__ import annotations

import pytest
from telegram import Update
from telegram.ext import Application
from telegram_fakes import CHAT_ID, RecordingRequest, callback_update, message_update

from assistant.storage import ProfileStore
from bot.i18n import RLM, Translator
from tests.fakes import FakeRasa, bot_message

LANGUAGES = ["nl", "en", "ar", "ti", "fa", "fa_AF", "tr", "uk"]
SLOT = "2026-12-01T08:30:00+00:00"
TEAM = {"type": "msg", "key": "team.klantmanager.name", "args": {}}
BOOKING = [bot_message("booking.ask_time", {"team": TEAM}, buttons=[
    {"key": "booking.time_button", "args": {"when": {"type": "short_datetime", "value": SLOT}},
     "payload": f'/inform{{"appointment_time":"{SLOT}"}}'}])]
CONFIRMED = [bot_message("booking.confirmed", {
    "reference": "ABC-DEF", "when": {"type": "datetime", "value": SLOT},
    "team": TEAM, "location": "Raadhuisplein 1, Beilen"})]
POLICY = [bot_message("policy.taalhuis.description"),
          bot_message("topic.source_and_next", {
              "source": "004 §5.8", "team": {"type": "msg", "key": "team.taal_inburgering.name",
                                             "args": {}}})]


async def process(application: Application, data: dict) -> None:
    await application.process_update(Update.de_json(data, application.bot))


def keyboard(telegram_api: RecordingRequest) -> list[dict]:
    return [row[0] for row in telegram_api.sent("sendMessage")[-1]["reply_markup"]
            ["inline_keyboard"]]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_booking_and_a_policy_question_in_every_language(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator, profiles: ProfileStore, language: str) -> None:
    def shown(key: str, args: dict | None = None) -> str:
        return translator.directed(translator.text(key, language, args), language)

    await process(application, message_update(1, "/taal"))
    choice = next(b for b in keyboard(telegram_api)
                  if b["text"] == translator.text("language.name", language))
    assert len(choice["callback_data"].encode()) <= 64
    fake_rasa.answers[f'/choose_language{{"language":"{language}"}}'] = [
        {"custom": {"key": "language.changed", "args": {}, "set_language": language}}]
    await process(application, callback_update(2, choice["callback_data"]))
    assert telegram_api.texts()[-1] == shown("language.changed")
    assert profiles.get(f"telegram:{CHAT_ID}").language == language

    fake_rasa.default_answer = BOOKING
    await process(application, message_update(3, "afspraak"))
    assert fake_rasa.received[-1]["metadata"]["language"] == language
    assert telegram_api.texts()[-1] == shown("booking.ask_time", {"team": TEAM})
    assert "{" not in telegram_api.texts()[-1]
    [slot_button] = keyboard(telegram_api)
    assert len(slot_button["callback_data"].encode()) <= 64
    fake_rasa.default_answer = CONFIRMED
    await process(application, callback_update(4, slot_button["callback_data"]))
    confirmed = telegram_api.texts()[-1]
    assert confirmed == shown("booking.confirmed", CONFIRMED[0]["custom"]["args"])
    assert "ABC-DEF" in confirmed

    fake_rasa.default_answer = POLICY
    await process(application, message_update(5, "taalhuis?"))
    answer, source = telegram_api.texts()[-2:]
    assert answer == shown("policy.taalhuis.description")
    assert "004 §5.8" in source
    if translator.is_right_to_left(language):
        assert all(text.startswith(RLM) for text in (confirmed, answer, source))
    if language != "nl":  # really in the language, not the Dutch fallback
        assert answer != translator.text("policy.taalhuis.description", "nl")
