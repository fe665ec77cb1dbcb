"""The Telegram front end end to end: real updates, real gateway, fake Rasa, recorded Bot API."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from telegram import Update
from telegram.ext import Application
from telegram_fakes import BOT_TOKEN, CHAT_ID, RecordingRequest, callback_update, message_update

from assistant.messages import with_appointments_button
from assistant.settings import Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.gateway import MAX_MESSAGE_CHARS, Gateway
from bot.i18n import Translator
from bot.telegram import TelegramFrontend, build_application, split_text
from tests.fakes import FakeRasa, bot_message, closed_port_url

LONG_PAYLOAD = ('/book_appointment{"team":"schuldhulp",'
                '"appointment_time":"2026-12-01T09:30:00+01:00"}')
SLOT_ANSWER = [bot_message("error.no_answer", buttons=[
    {"key": "error.empty_message", "args": {}, "payload": LONG_PAYLOAD}])]
WEBHOOK_SECRET = "s3cret-token_for-tests"


async def process(application: Application, data: dict) -> None:
    await application.process_update(Update.de_json(data, application.bot))


def dutch(translator: Translator, key: str, **args: object) -> str:
    assert translator.has(key, "nl"), f"{key} is missing from the Dutch catalog"
    return translator.text(key, "nl", args)


async def test_start_sends_the_welcome_through_rasa(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator, profiles: ProfileStore) -> None:
    await process(application, message_update(1, "/start"))

    assert len(fake_rasa.received) == 1
    request = fake_rasa.received[0]
    assert request["sender"] == f"telegram:{CHAT_ID}"
    assert request["message"] == "/greet"
    assert len(request["metadata"].pop("turn_id")) == 32
    assert request["metadata"] == {"channel": "telegram", "language": "nl", "role": "resident",
                                   "telegram_language_code": "nl"}
    # first contact: the answer, then the language menu, each language in its own script
    assert telegram_api.texts() == [dutch(translator, "error.no_answer"),
                                    dutch(translator, "language.choose")]
    menu = telegram_api.sent("sendMessage")[1]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in menu][:3] == ["العربية", "English", "فارسی"]
    assert {"chat_id": CHAT_ID, "action": "typing"} in telegram_api.sent("sendChatAction")
    assert "parse_mode" not in telegram_api.sent("sendMessage")[0]
    assert profiles.get(f"telegram:{CHAT_ID}").channel == "telegram"


async def test_help_sends_the_help_payload(application: Application, fake_rasa: FakeRasa) -> None:
    await process(application, message_update(1, "/help"))

    assert [request["message"] for request in fake_rasa.received] == ["/help"]


async def test_stored_language_wins_over_the_telegram_hint(
        application: Application, fake_rasa: FakeRasa, profiles: ProfileStore) -> None:
    profiles.save(f"telegram:{CHAT_ID}", "telegram", language="en", role="employer")

    await process(application, message_update(1, "Ik wil een afspraak"))

    metadata = fake_rasa.received[0]["metadata"]
    assert (metadata["language"], metadata["role"]) == ("en", "employer")
    assert metadata["telegram_language_code"] == "nl"


async def test_text_goes_to_rasa_and_buttons_become_a_small_inline_keyboard(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator) -> None:
    fake_rasa.default_answer = SLOT_ANSWER

    await process(application, message_update(1, "Ik wil een afspraak maken"))

    assert fake_rasa.received[0]["sender"] == f"telegram:{CHAT_ID}"
    assert fake_rasa.received[0]["message"] == "Ik wil een afspraak maken"
    [sent] = telegram_api.sent("sendMessage")
    assert sent["text"] == dutch(translator, "error.no_answer")
    [[button]] = sent["reply_markup"]["inline_keyboard"]
    assert button["text"] == dutch(translator, "error.empty_message")
    assert len(LONG_PAYLOAD.encode()) > 64
    assert button["callback_data"].startswith("b:")
    assert len(button["callback_data"].encode()) <= 64


async def test_pressing_a_button_sends_the_original_payload(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest) -> None:
    fake_rasa.default_answer = SLOT_ANSWER
    await process(application, message_update(1, "Ik wil een afspraak maken"))
    [[button]] = telegram_api.sent("sendMessage")[0]["reply_markup"]["inline_keyboard"]
    fake_rasa.default_answer = [bot_message("error.no_answer")]

    await process(application, callback_update(2, button["callback_data"], message_id=55))

    assert telegram_api.sent("answerCallbackQuery") == [{"callback_query_id": "cbq-2"}]
    [edit] = telegram_api.sent("editMessageReplyMarkup")
    assert (edit["chat_id"], edit["message_id"]) == (CHAT_ID, 55)
    assert "reply_markup" not in edit or not edit["reply_markup"]
    assert fake_rasa.received[-1]["message"] == LONG_PAYLOAD
    assert fake_rasa.received[-1]["sender"] == f"telegram:{CHAT_ID}"


async def test_keyboard_already_gone_is_no_problem(
        application: Application, buttons: ButtonStore, fake_rasa: FakeRasa,
        telegram_api: RecordingRequest) -> None:
    telegram_api.failures["editMessageReplyMarkup"] = {
        "error_code": 400, "description": "Bad Request: message is not modified"}

    fake_rasa.default_answer = SLOT_ANSWER
    await process(application, message_update(1, "Ik wil een afspraak maken"))
    fake_rasa.default_answer = [bot_message("error.no_answer")]
    await process(application, callback_update(2, "b:" + buttons.save(LONG_PAYLOAD)))

    assert fake_rasa.received[-1]["message"] == LONG_PAYLOAD
    assert len(telegram_api.sent("sendMessage")) == 2


@pytest.mark.parametrize("data", ["b:doesnotexist12345678", "old-style-data"])
async def test_unknown_button_is_answered_with_a_notice(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator, data: str) -> None:
    await process(application, callback_update(3, data))

    assert telegram_api.sent("answerCallbackQuery") == [{"callback_query_id": "cbq-3"}]
    assert telegram_api.texts() == [dutch(translator, "error.unknown_button")]
    assert fake_rasa.received == []


@pytest.mark.parametrize("content", [
    {"sticker": {"file_id": "CAACAgIAAxk", "file_unique_id": "AgADsticker", "type": "regular",
                 "width": 512, "height": 512, "is_animated": False, "is_video": False}},
    {"photo": [{"file_id": "AgACAgQAAxk", "file_unique_id": "AQADphoto", "width": 90,
                "height": 60}], "caption": "Kijk, mijn brief"},
    {"voice": {"file_id": "AwACAgQAAxk", "file_unique_id": "AgADvoice", "duration": 3}},
    {"location": {"latitude": 52.84, "longitude": 6.52}},
], ids=["sticker", "photo", "voice", "location"])
async def test_non_text_gets_the_unsupported_notice(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator, content: dict) -> None:
    await process(application, message_update(4, **content))

    assert telegram_api.texts() == [dutch(translator, "error.unsupported_content")]
    assert fake_rasa.received == []


@pytest.mark.parametrize("text", [None, "", "   \n\t "])
async def test_empty_message_gets_a_friendly_reply(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator, text: str | None) -> None:
    await process(application, message_update(5, text))

    assert telegram_api.texts() == [dutch(translator, "error.empty_message")]
    assert fake_rasa.received == []


async def test_very_long_message_gets_a_friendly_reply(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator) -> None:
    await process(application, message_update(6, "schuld " * 715))  # 5,005 characters

    assert telegram_api.texts() == [
        dutch(translator, "error.message_too_long", limit=MAX_MESSAGE_CHARS)]
    assert fake_rasa.received == []


async def test_edited_messages_are_ignored(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest) -> None:
    update = message_update(7, "Toch iets anders")
    update["edited_message"] = {**update.pop("message"), "edit_date": 1}

    await process(application, update)

    assert telegram_api.sent("sendMessage") == []
    assert fake_rasa.received == []


async def test_rasa_down_gives_the_unavailable_text(
        settings: Settings, translator: Translator, buttons: ButtonStore,
        profiles: ProfileStore, telegram_api: RecordingRequest) -> None:
    gateway = Gateway(closed_port_url(), translator, timeout_seconds=5)
    application = build_application(settings, gateway, buttons, profiles, telegram_api)
    await application.initialize()
    try:
        await process(application, message_update(8, "Hallo"))
    finally:
        await application.shutdown()
        await gateway.close()

    assert telegram_api.texts() == [dutch(translator, "error.assistant_unavailable")]


async def test_long_reply_is_split_on_line_breaks(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator) -> None:
    lines = "\n".join(f"Regel {number}: informatie over uw uitkering." for number in range(300))
    fake_rasa.default_answer = [bot_message(
        "error.message_too_long", args={"limit": lines},
        buttons=[{"key": "error.empty_message", "args": {}, "payload": "/greet"}])]

    await process(application, message_update(9, "Vertel alles"))

    sent = telegram_api.sent("sendMessage")
    assert len(sent) > 1
    assert all(len(part["text"]) <= 4096 for part in sent)
    assert "\n".join(part["text"] for part in sent) == dutch(
        translator, "error.message_too_long", limit=lines)
    assert [bool(part.get("reply_markup")) for part in sent] == [False] * (len(sent) - 1) + [True]


def test_split_text_cuts_overlong_lines_and_counts_like_telegram() -> None:
    assert split_text("kort") == ["kort"]
    assert split_text("aaa bbb ccc", limit=7) == ["aaa bbb", "ccc"]
    assert split_text("abcdefghij", limit=4) == ["abcd", "efgh", "ij"]
    emoji = "\U0001f600" * 5  # two UTF-16 code units each
    assert split_text(emoji, limit=4) == [emoji[:2], emoji[2:4], emoji[4:]]


async def test_a_failing_handler_gets_a_friendly_notice_not_a_traceback(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator) -> None:
    fake_rasa.default_answer = [bot_message("error.no_words")]
    telegram_api.failures["sendMessage"] = {"error_code": 400,
                                            "description": "Bad Request: chat not found"}

    await process(application, message_update(10, "Hallo"))

    failed, notice = telegram_api.texts()
    assert failed == dutch(translator, "error.no_words")
    assert notice == dutch(translator, "error.no_answer")


async def test_webhook_checks_the_secret_and_processes_the_update(
        settings: Settings, gateway: Gateway, buttons: ButtonStore, profiles: ProfileStore,
        telegram_api: RecordingRequest, fake_rasa: FakeRasa, translator: Translator) -> None:
    settings = replace(settings, telegram_webhook_url="https://assistent.example.nl/telegram/"
                       "webhook", telegram_webhook_secret=WEBHOOK_SECRET)
    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api)
    await frontend.start()
    try:
        [webhook] = telegram_api.sent("setWebhook")
        assert webhook["url"] == settings.telegram_webhook_url
        assert webhook["secret_token"] == WEBHOOK_SECRET
        assert set(webhook["allowed_updates"]) == set(Update.ALL_TYPES)

        for wrong in (None, "", "wrong-secret", WEBHOOK_SECRET + "x", "geheim€"):
            assert await frontend.handle_webhook(message_update(11, "Hallo"), wrong) is False
        assert frontend.application.update_queue.empty()

        assert await frontend.handle_webhook(message_update(12, "Hallo"), WEBHOOK_SECRET)
        await asyncio.wait_for(frontend.application.update_queue.join(), timeout=10)
    finally:
        await frontend.stop()

    assert [request["message"] for request in fake_rasa.received] == ["Hallo"]
    assert telegram_api.texts() == [dutch(translator, "error.no_answer")]
    assert telegram_api.sent("getUpdates") == []


@pytest.mark.parametrize("secret", ["", "spaties zijn niet toegestaan"])
async def test_webhook_mode_refuses_to_start_without_a_usable_secret(
        settings: Settings, gateway: Gateway, buttons: ButtonStore, profiles: ProfileStore,
        telegram_api: RecordingRequest, secret: str) -> None:
    settings = replace(settings, telegram_webhook_url="https://assistent.example.nl/tg",
                       telegram_webhook_secret=secret)
    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api)

    with pytest.raises(RuntimeError, match="TELEGRAM_WEBHOOK_SECRET is required"):
        await frontend.start()
    assert telegram_api.calls == []


async def test_polling_mode_deletes_the_webhook_and_polls(
        settings: Settings, gateway: Gateway, buttons: ButtonStore, profiles: ProfileStore,
        telegram_api: RecordingRequest) -> None:
    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api)
    await frontend.start()
    try:
        for _ in range(100):
            if telegram_api.sent("getUpdates"):
                break
            await asyncio.sleep(0.01)
    finally:
        await frontend.stop()

    methods = [name for name, _ in telegram_api.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    assert "setWebhook" not in methods
    assert not frontend.application.running


def test_all_buttons_of_a_message_are_stored_together(buttons) -> None:
    payloads = ["/affirm", "/deny", "/affirm", '/book_appointment{"team":"schuldhulp"}']
    tokens = buttons.save_all(payloads)
    assert tokens[0] == tokens[2] and len(set(tokens)) == 3
    assert [buttons.payload(token) for token in tokens] == payloads
    assert buttons.save_all(payloads) == tokens  # saving again changes nothing


async def test_telegram_language_code_is_a_hint_until_the_person_chooses(
        application: Application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator, profiles: ProfileStore) -> None:
    update = message_update(1, "/start")
    update["message"]["from"]["language_code"] = "uk"
    await process(application, update)
    assert fake_rasa.received[0]["metadata"]["language"] == "uk"  # the hint
    assert profiles.get(f"telegram:{CHAT_ID}").language is None  # not a choice

    menu = telegram_api.sent("sendMessage")[-1]["reply_markup"]["inline_keyboard"]
    arabic = next(row[0] for row in menu if row[0]["text"] == "العربية")
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in menu)
    fake_rasa.answers['/choose_language{"language":"ar"}'] = [
        {"custom": {"key": "language.changed", "args": {}, "set_language": "ar"}}]
    await process(application, callback_update(2, arabic["callback_data"]))

    assert fake_rasa.received[-1]["message"] == '/choose_language{"language":"ar"}'
    assert telegram_api.texts()[-1] == translator.directed(
        translator.text("language.changed", "ar"), "ar")
    assert profiles.get(f"telegram:{CHAT_ID}").language == "ar"
    await process(application, message_update(3, "موعد"))
    assert fake_rasa.received[-1]["metadata"]["language"] == "ar"  # the choice wins


async def test_the_command_menu_is_described_in_every_language(
        settings: Settings, gateway: Gateway, buttons: ButtonStore, profiles: ProfileStore,
        telegram_api: RecordingRequest, translator: Translator) -> None:
    settings = replace(settings, telegram_webhook_url="https://assistent.example.nl/telegram/"
                       "webhook", telegram_webhook_secret=WEBHOOK_SECRET)
    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api)
    await frontend.start()
    await frontend.stop()
    menus = {call.get("language_code"): json.loads(call["commands"])
             if isinstance(call["commands"], str) else call["commands"]
             for call in telegram_api.sent("setMyCommands")}
    assert set(menus) == {None, "nl", "en", "ar", "ti", "fa", "tr", "uk"}  # no "fa_AF"
    assert [c["command"] for c in menus["ar"]] == ["start", "help", "taal", "privacy"]
    assert menus["ar"][2]["description"] == translator.text("menu.language", "ar")
    assert menus["ar"][3]["description"] == translator.text("telegram.command.privacy", "ar")
    assert menus[None][0]["description"] == translator.text("telegram.command.start", "nl")


async def test_database_down_gets_a_reply_in_the_persons_language_then_recovers(
        postgres_behind_proxy, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator, locales_dir) -> None:
    url, proxy = postgres_behind_proxy
    settings = Settings(locales_dir=locales_dir, default_language="nl", database_url=url,
                        telegram_token=BOT_TOKEN)
    profiles = ProfileStore(url)
    gateway = Gateway(fake_rasa.url, translator, timeout_seconds=5, profiles=profiles)
    application = build_application(settings, gateway, ButtonStore(url), profiles,
                                    request=telegram_api)
    await application.initialize()
    try:
        proxy.stop()
        update = message_update(1, "Ik wil een afspraak")
        update["message"]["from"]["language_code"] = "tr"
        await process(application, update)
        assert fake_rasa.received == []
        notice = with_appointments_button("error.database_unavailable")
        assert telegram_api.texts() == [translator.text(notice["key"], "tr", notice["args"])]

        proxy.start()
        await process(application, message_update(2, "Ik wil een afspraak"))
        assert fake_rasa.messages == ["Ik wil een afspraak"]
    finally:
        await application.shutdown()
        await gateway.close()
