"""Residents' feedback on Telegram, through the real python-telegram-bot Application (a recorded
Bot API), the real gateway and the console's wiring: a policy answer is followed by one short
question with 👍 and 👎 in one row (a greeting by none), in the person's language; a thumbs
down asks for a remark, which is stored without the phone number in it; a second press on
the same answer is not counted again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from telegram import Update
from telegram_fakes import CHAT_ID, RecordingRequest, callback_update, message_update

from assistant.feedback import FeedbackStore
from assistant.policy.municipality import load_municipality
from assistant.settings import PROJECT_ROOT, Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.staff.console import StaffConsole
from bot.telegram import TelegramFrontend
from tests.fakes import FakeRasa, bot_message

SENDER = f"telegram:{CHAT_ID}"
POLICY_ANSWER = [
    bot_message("policy.bbz.description"),
    bot_message("topic.source_and_next", {"source": "Bbz 2004", "team": "Klantmanager"},
                [{"key": "menu.request_human", "args": {}, "payload": "/request_human"}]),
]


async def test_a_telegram_resident_rates_an_answer_and_leaves_a_remark(
        settings: Settings, gateway: Gateway, translator: Translator, buttons: ButtonStore,
        profiles: ProfileStore, telegram_api: RecordingRequest, fake_rasa: FakeRasa) -> None:
    profiles.save(SENDER, "telegram", language="uk")
    fake_rasa.answers["Привіт"] = [bot_message("greet.welcome")]
    fake_rasa.answers["Що таке Bbz?"] = POLICY_ANSWER
    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api)
    application = frontend.application
    await application.initialize()
    StaffConsole(replace(settings, locales_dir=PROJECT_ROOT / "locales"), translator,
                 load_municipality(PROJECT_ROOT / "policy" / "midden-drenthe"),
                 gateway=gateway, push=frontend.push)  # wires the feedback into the gateway

    async def process(data: dict) -> None:
        await application.process_update(Update.de_json(data, application.bot))

    try:
        await process(message_update(1, "Привіт"))
        assert len(telegram_api.sent("sendMessage")) == 1  # a greeting asks nothing

        await process(message_update(2, "Що таке Bbz?"))
        *answer, question = telegram_api.sent("sendMessage")[1:]
        assert len(answer) == 2
        assert answer[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == translator.text(
            "menu.request_human", "uk")  # the answer keeps its own buttons
        assert question["text"] == translator.text("feedback.question", "uk")
        [row] = question["reply_markup"]["inline_keyboard"]
        assert [button["text"] for button in row] == [
            "👍 " + translator.text("feedback.up", "uk"),
            "👎 " + translator.text("feedback.down", "uk")]
        up, down = (button["callback_data"] for button in row)

        to_rasa = len(fake_rasa.received)
        await process(callback_update(3, down))
        assert telegram_api.sent("editMessageReplyMarkup")  # the row is taken away
        assert telegram_api.texts()[-1] == translator.text("feedback.ask_remark", "uk")
        await process(message_update(4, "Занадто складно. Мій номер 06 12345678"))
        assert telegram_api.texts()[-1] == translator.text("feedback.remark_thanks", "uk")
        await process(callback_update(5, up))  # the same answer again (an old keyboard)
        assert telegram_api.texts()[-1] == translator.text("feedback.already", "uk")
        assert len(fake_rasa.received) == to_rasa  # none of it reached Rasa
    finally:
        await application.shutdown()

    [given] = FeedbackStore(settings.database_url).since(
        datetime.now(timezone.utc) - timedelta(hours=1))
    assert (given.owner_id, given.channel, given.language, given.topic, given.rating) == (
        SENDER, "telegram", "uk", "policy.bbz", "down")
    assert given.remark == "Занадто складно. Мій номер […]"
