"""/privacy on Telegram and the download of the person's data as a document, through real
python-telegram-bot objects, the real gateway and the real database."""

from __future__ import annotations

import json

from telegram import Update
from telegram.ext import Application
from telegram_fakes import CHAT_ID, RecordingRequest, callback_update, message_update

from assistant.appointments import AppointmentBook
from assistant.policy.municipality import Municipality
from assistant.privacy.overview import DOWNLOAD_PAYLOAD
from assistant.settings import Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.i18n import Translator
from tests.fakes import FakeRasa, bot_message

SENDER = f"telegram:{CHAT_ID}"


async def process(application: Application, data: dict) -> None:
    await application.process_update(Update.de_json(data, application.bot))


def keyboard(telegram_api: RecordingRequest, number: int = -1) -> list[str]:
    markup = telegram_api.sent("sendMessage")[number]["reply_markup"]
    return [row[0]["callback_data"] for row in markup["inline_keyboard"]]


async def test_privacy_says_what_why_how_long_and_who_in_the_persons_language(
        application: Application, telegram_api: RecordingRequest, translator: Translator,
        profiles: ProfileStore, buttons: ButtonStore, fake_rasa: FakeRasa) -> None:
    profiles.save(SENDER, "telegram", language="fa_AF")

    await process(application, message_update(1, "/privacy"))

    [text] = telegram_api.texts()
    assert text == translator.directed(translator.text("privacy.statement", "fa_AF", {
        "days": 30, "appointment_days": 90, "log_days": 14, "phone": "14 0593"}), "fa_AF")
    assert fake_rasa.received == []  # needs no Rasa: it works while Rasa restarts
    payloads = [buttons.payload(data.removeprefix("b:")) for data in keyboard(telegram_api)]
    assert payloads == ["/show_my_data", "/delete_my_data"]

    await process(application, callback_update(2, keyboard(telegram_api)[0]))
    assert fake_rasa.messages == ["/show_my_data"]  # the overview is Rasa's (any language)


async def test_the_download_button_sends_everything_we_keep_as_a_document(
        application: Application, telegram_api: RecordingRequest, translator: Translator,
        profiles: ProfileStore, fake_rasa: FakeRasa, settings: Settings,
        midden_drenthe: Municipality) -> None:
    profiles.save(SENDER, "telegram", language="tr")
    book = AppointmentBook(midden_drenthe, settings.database_url)
    team = next(iter(midden_drenthe.teams))
    booked = book.book(SENDER, team, book.free_slots(team)[0])
    fake_rasa.default_answer = [bot_message("privacy.overview", {
        "language": "Türkçe", "appointments": 1, "messages": 3, "handovers": 0, "days": 30},
        buttons=[{"key": "privacy.download", "args": {}, "payload": DOWNLOAD_PAYLOAD}])]

    await process(application, message_update(1, "hakkımda hangi bilgileriniz var"))
    await process(application, callback_update(2, keyboard(telegram_api)[0]))

    [(method, files)] = telegram_api.uploads
    [(name, content, _mime)] = files.values()
    data = json.loads(content)
    assert method == "sendDocument"
    assert name == "my-data.json"
    assert data["sender_id"] == SENDER and data["language"] == "tr"
    assert [a["reference"] for a in data["appointments"]] == [booked.reference]
    [sent] = telegram_api.sent("sendDocument")
    assert sent["caption"] == translator.text("privacy.download_caption", "tr")
    assert fake_rasa.messages == ["hakkımda hangi bilgileriniz var"]  # not sent to Rasa


async def test_a_download_button_never_offered_sends_nothing(
        application: Application, telegram_api: RecordingRequest, buttons: ButtonStore,
        fake_rasa: FakeRasa) -> None:
    token = buttons.save(DOWNLOAD_PAYLOAD)  # known to the store, not offered in this chat

    await process(application, callback_update(1, f"b:{token}"))

    assert telegram_api.uploads == [] and fake_rasa.received == []


async def test_erasure_from_privacy_empties_rasas_copy_and_says_what_it_removed(
        settings: Settings, fake_rasa: FakeRasa, translator: Translator, profiles: ProfileStore,
        buttons: ButtonStore, telegram_api: RecordingRequest) -> None:
    from bot.gateway import Gateway
    from bot.telegram import build_application

    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5, profiles=profiles,
                      api_token=fake_rasa.api_token)
    app = build_application(settings, gateway, buttons, profiles, request=telegram_api)
    await app.initialize()
    profiles.save(SENDER, "telegram", language="uk")
    fake_rasa.answer("/delete_my_data", "privacy.ask_confirm",
                     buttons=[{"key": "privacy.yes_delete", "args": {}, "payload": "/affirm"}])
    removed = {"appointments": 2, "requests": 1, "callbacks": 0, "leads": 0, "feedback": 1,
               "profile": 1}
    fake_rasa.answers["/affirm"] = [
        {"custom": {"key": "privacy.deleted", "args": {"count": 2},
                    "forget_conversation": True}},
        bot_message("privacy.deleted_what", removed)]
    try:
        await process(app, message_update(1, "/privacy"))
        await process(app, callback_update(2, keyboard(telegram_api)[1]))  # delete my data
        assert fake_rasa.events[SENDER]  # what Rasa kept so far
        await process(app, callback_update(3, keyboard(telegram_api)[0]))  # yes
    finally:
        await app.shutdown()
        await gateway.close()

    assert fake_rasa.messages == ["/delete_my_data", "/affirm"]
    assert fake_rasa.events[SENDER] == []  # Rasa's copy of the conversation emptied
    what = translator.text("privacy.deleted_what", "uk", removed)
    assert telegram_api.texts()[-1] == what
    assert "2" in what and what != translator.text("privacy.deleted_what", "nl", removed)
