"""A flood from one Telegram user: a friendly reply in their language, through real
python-telegram-bot objects (Update, Application) and the real gateway."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram_fakes import CHAT_ID, RecordingRequest, message_update

from assistant.privacy.limits import MessageLimits
from assistant.settings import Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.telegram import build_application
from tests.fakes import FakeRasa


async def test_the_fourth_message_in_a_minute_gets_slow_down_in_tigrinya(
        settings: Settings, fake_rasa: FakeRasa, translator: Translator,
        profiles: ProfileStore, buttons: ButtonStore, telegram_api: RecordingRequest) -> None:
    settings = replace(settings, messages_per_minute=3)
    profiles.save(f"telegram:{CHAT_ID}", "telegram", language="ti")
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5, profiles=profiles,
                      limits=MessageLimits.from_settings(settings))
    app = build_application(settings, gateway, buttons, profiles, request=telegram_api)
    await app.initialize()
    try:
        for number in range(5):
            await app.process_update(Update.de_json(message_update(number + 1, "ሰላም"), app.bot))
    finally:
        await app.shutdown()
        await gateway.close()

    slow_down = translator.directed(translator.text("limits.slow_down", "ti"), "ti")
    assert len(fake_rasa.received) == 3
    assert telegram_api.texts()[-2:] == [slow_down, slow_down]
    assert translator.text("limits.slow_down", "ti") != translator.text("limits.slow_down", "nl")
