"""Fakes for the Telegram front-end tests: a recording Bot API and Telegram updates.

Nothing here touches the network: python-telegram-bot talks to ``RecordingRequest`` and the
gateway talks to ``tests.fakes.FakeRasa``, a small aiohttp server on a loopback port.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_TOKEN = "123456789:AAHtestTokenForTheRecordingRequestOnly"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Werk en Inkomen",
            "username": "werk_en_inkomen_test_bot"}
CHAT_ID = 4242
PERSON = {"id": CHAT_ID, "is_bot": False, "first_name": "Fatima", "language_code": "nl"}
PRIVATE_CHAT = {"id": CHAT_ID, "type": "private", "first_name": "Fatima"}


class RecordingRequest(BaseRequest):
    """A Bot API that records every call and answers like Telegram, without a network."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        # Uploaded files per call: (method, {part name: (file name, bytes, MIME type)})
        self.uploads: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[str, dict[str, Any]] = {}  # method -> one error answer
        self.documents: list[tuple[str, bytes]] = []  # sendDocument: (file name, content)
        self._message_ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None,
                         ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        parameters = request_data.parameters if request_data else {}
        self.calls.append((api_method, parameters))
        if request_data is not None and request_data.contains_files:
            self.uploads.append((api_method, {
                name: (part[0], part[1] if isinstance(part[1], bytes) else part[1].read(),
                       part[2] if len(part) > 2 else None)
                for name, part in request_data.multipart_data.items()}))
        if api_method in self.failures:
            error = self.failures.pop(api_method)
            return error["error_code"], json.dumps({"ok": False, **error}).encode()
        if api_method == "getUpdates":
            await asyncio.sleep(0.05)  # a long poll that finds nothing
        result = self._result(api_method, parameters)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, api_method: str, parameters: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return BOT_USER
        if api_method == "getUpdates":
            return []
        if api_method in ("sendMessage", "editMessageReplyMarkup", "sendDocument"):
            message = {"message_id": parameters.get("message_id") or next(self._message_ids),
                       "date": int(time.time()), "from": BOT_USER,
                       "chat": {"id": parameters["chat_id"], "type": "private"},
                       "text": parameters.get("text", "")}
            if api_method == "sendDocument":
                message["document"] = {"file_id": "doc-1", "file_unique_id": "doc-1"}
                message["caption"] = parameters.get("caption", "")
            if parameters.get("reply_markup"):
                message["reply_markup"] = parameters["reply_markup"]
            return message
        return True  # answerCallbackQuery, sendChatAction, setWebhook, deleteWebhook

    def sent(self, api_method: str) -> list[dict[str, Any]]:
        return [parameters for name, parameters in self.calls if name == api_method]

    def texts(self) -> list[str]:
        return [parameters["text"] for parameters in self.sent("sendMessage")]


def message_update(update_id: int, text: str | None = None, **content: Any) -> dict:
    """A private-chat message update as Telegram POSTs it."""
    body: dict[str, Any] = {"message_id": update_id, "date": int(time.time()),
                            "from": dict(PERSON), "chat": dict(PRIVATE_CHAT), **content}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": update_id, "message": body}


def callback_update(update_id: int, data: str, message_id: int = 77) -> dict:
    """A press on an inline button under one of the bot's messages."""
    keyboard = {"inline_keyboard": [[{"text": "Kies", "callback_data": data}]]}
    return {"update_id": update_id, "callback_query": {
        "id": f"cbq-{update_id}", "from": dict(PERSON), "chat_instance": "-98765", "data": data,
        "message": {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                    "chat": PRIVATE_CHAT, "text": "Kies een moment", "reply_markup": keyboard},
    }}
