"""Telegram's doors against odd input: the webhook answers 400 (never 500) to bodies Telegram
would not send, and the logs of a failing update name no person and quote no text."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer
from telegram_fakes import PERSON, RecordingRequest, message_update

from assistant.privacy.logs import JsonFormatter
from assistant.settings import Settings
from assistant.storage import ButtonStore, ProfileStore
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.telegram.frontend import TelegramFrontend
from bot.web import create_app
from tests.fakes import FakeRasa

SECRET = "s3cret-token_for-tests"
WEBHOOK = "/telegram/webhook"


@pytest.fixture
async def webhook(settings: Settings, gateway: Gateway, buttons: ButtonStore,
                  profiles: ProfileStore, telegram_api: RecordingRequest,
                  translator: Translator) -> AsyncIterator[tuple[TestClient, TelegramFrontend]]:
    """The web server with the real Telegram front end behind its webhook route."""
    settings = replace(settings, telegram_webhook_url="https://assistent.example.nl" + WEBHOOK,
                       telegram_webhook_secret=SECRET)
    frontend = TelegramFrontend(settings, gateway, buttons, profiles, request=telegram_api)
    await frontend.start()
    app = create_app(gateway, translator, settings, telegram_webhook=frontend.handle_webhook)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    yield client, frontend
    await client.close()
    await frontend.stop()


@pytest.mark.parametrize("body", [
    b"[" * 5000 + b"]" * 5000,  # deeper than the JSON parser goes
    b'{"update_id":' * 3000 + b"1" + b"}" * 3000,
    b"\xff\xfe not json",
    b'"just a string"',
], ids=["5000-brackets", "3000-objects", "not-utf8", "not-an-object"])
async def test_a_body_that_is_no_update_is_a_bad_request(webhook, body: bytes) -> None:
    client, frontend = webhook
    response = await client.post(WEBHOOK, data=body,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status == 400
    assert "Traceback" not in await response.text()
    assert frontend.application.update_queue.empty()


@pytest.mark.parametrize("update", [
    {"update_id": "one", "message": 5},
    {"update_id": 1, "message": {"chat": "private"}},
    {"update_id": 1, "callback_query": []},
    {"message": {"text": "hallo"}},
    {"update_id": [1]},
], ids=["message-is-a-number", "chat-is-a-string", "callback-is-a-list", "no-update-id",
        "update-id-is-a-list"])
async def test_an_update_of_the_wrong_shape_is_a_bad_request(webhook, update: dict) -> None:
    client, frontend = webhook
    response = await client.post(WEBHOOK, json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status == 400
    assert frontend.application.update_queue.empty()


async def test_a_secret_header_that_is_not_ascii_is_a_bad_request(webhook) -> None:
    client, frontend = webhook
    response = await client.post(WEBHOOK, json=message_update(1, "hallo"),
                                 headers={"X-Telegram-Bot-Api-Secret-Token":
                                          "s3cret-tökén".encode().decode("latin-1")})
    assert response.status == 400
    wrong = await client.post(WEBHOOK, json=message_update(2, "hallo"),
                              headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
    assert wrong.status == 403
    assert frontend.application.update_queue.empty()


async def test_a_failing_update_is_logged_without_the_person_or_their_text(
        application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    telegram_api.failures["sendMessage"] = {"error_code": 400,
                                            "description": "Bad Request: chat not found"}
    from telegram import Update

    typed = "Ik ben Wilhelmina, mijn adres is Zonnebloemstraat 4"
    await application.process_update(Update.de_json(message_update(10, typed),
                                                     application.bot))

    lines = [JsonFormatter("gateway").format(record) for record in caplog.records]
    assert any(json.loads(line)["level"] == "ERROR" for line in lines)
    for line in lines:
        for private in ("Wilhelmina", "Zonnebloemstraat", PERSON["first_name"],
                        PERSON.get("last_name", PERSON["first_name"]),
                        PERSON.get("username", PERSON["first_name"])):
            assert private not in line, line


async def test_a_bsn_typed_on_telegram_is_replaced_and_the_person_told_once(
        application, fake_rasa: FakeRasa, telegram_api: RecordingRequest,
        translator: Translator) -> None:
    from telegram import Update

    for number, text in enumerate(["mijn bsn is 111222333 en ik wil bijstand",
                                   "bel me op 0612345678"], start=1):
        await application.process_update(Update.de_json(message_update(number, text),
                                                        application.bot))

    assert fake_rasa.messages == ["mijn bsn is […] en ik wil bijstand", "bel me op […]"]
    notice = translator.text("privacy.personal_data_removed", "nl")
    assert telegram_api.texts().count(notice) == 1
    assert "111222333" not in json.dumps(telegram_api.sent("sendMessage"))
