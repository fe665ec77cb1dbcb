"""With the real Rasa and action server: only the assistant's own calls are accepted (the
internal token, kept out of the process list), Rasa logs JSON lines without what was typed,
and "which data do you have about me?" is answered in any language with the overview."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import aiohttp
import pytest

from assistant.messages import message, msg
from assistant.privacy.overview import DOWNLOAD_PAYLOAD
from assistant.privacy.tokens import authorization
from bot.gateway import Conversation, Gateway
from bot.services import RasaStack

pytestmark = pytest.mark.e2e

# A crafted call that once cancelled another person's appointment without confirmation.
CRAFTED_CANCEL = {"next_action": "action_cancel_appointment", "version": "3.6.2",
                  "tracker": {"sender_id": "web:someone-else", "slots": {"confirmed": True},
                              "latest_message": {}, "events": [], "paused": False,
                              "followup_action": None, "active_loop": {},
                              "latest_action_name": "action_listen"},
                  "domain": {}}


async def status_of(method: str, url: str, headers: dict | None = None,
                    **kwargs: object) -> int:
    async with aiohttp.ClientSession() as session, session.request(
            method, url, headers=headers or {}, **kwargs) as response:
        return response.status


async def test_rasa_and_the_action_server_refuse_calls_without_the_token(
        live_stack: RasaStack, live_settings) -> None:
    rasa, actions = live_settings.rasa_url, live_stack.action_urls[0]
    turn = {"sender": "web:intruder", "message": "hallo"}
    wrong = authorization("0" * 64)

    assert await status_of("POST", f"{rasa}/webhooks/rest/webhook", json=turn) == 401
    assert await status_of("POST", f"{rasa}/webhooks/rest/webhook", wrong, json=turn) == 401
    assert await status_of("GET", f"{rasa}/conversations/web:x/tracker") == 401
    assert await status_of("POST", f"{actions}/webhook", json=CRAFTED_CANCEL) == 401
    assert await status_of("POST", f"{actions}/webhook", wrong, json=CRAFTED_CANCEL) == 401
    assert await status_of("GET", f"{actions}/actions") == 401
    assert await status_of("GET", f"{actions}/health") == 200  # health checks stay open
    token = authorization(live_stack.api_token)
    assert await status_of("POST", f"{rasa}/webhooks/rest/webhook", token, json=turn) == 200


def test_the_token_is_in_no_command_line(live_stack: RasaStack) -> None:
    for name in ("rasa-0", "actions-0"):
        command_line = Path(f"/proc/{live_stack.pid(name)}/cmdline").read_bytes()
        assert live_stack.api_token.encode() not in command_line, name
        assert b"auth-token" not in command_line


async def test_rasas_log_is_json_lines_without_debug_or_what_was_typed(
        gateway: Gateway, live_stack: RasaStack, live_settings) -> None:
    secret_words = f"bijstand aanvragen {uuid.uuid4().hex[:8]}"
    person = Conversation(f"web:{uuid.uuid4().hex}", "web", language="nl",
                          language_chosen=True)
    await gateway.handle_text(person, secret_words)
    log = live_stack.log_dir / f"rasa-{live_settings.rasa_port}.log"

    written = [line for line in log.read_text().splitlines() if line.strip()]
    first = next(number for number, line in enumerate(written) if line.startswith("{"))
    # Before Rasa's logging is set up Python may print its own import-time deprecation
    # notices; from then on every line is one JSON object.
    lines = [json.loads(line) for line in written[first:]]
    assert lines and {line["service"] for line in lines} == {"rasa"}
    assert not [line for line in lines if line["level"] == "DEBUG"]
    assert secret_words not in log.read_text()


@pytest.mark.parametrize(("language", "question"), [
    ("nl", "Welke gegevens hebben jullie eigenlijk van mij?"),
    ("en", "what information do you have on me"),
    ("ar", "ما هي البيانات التي تحفظونها عني؟"),
    ("uk", "Які дані про мене у вас зберігаються?"),
    ("tr", "Benim hakkımda hangi verileri tutuyorsunuz?"),
])
async def test_which_data_do_you_have_about_me_is_answered_with_the_overview(
        gateway: Gateway, language: str, question: str) -> None:
    person = Conversation(f"web:{uuid.uuid4().hex}", "web", language=language,
                          language_chosen=True)
    await gateway.handle_text(person, "ik wil bijstand aanvragen")

    replies = await gateway.handle_text(person, question)

    overview = replies[-1]
    expected = gateway.render(message("privacy.overview", language=msg("language.name"),
                                      appointments=0, messages=1, handovers=0, days=30),
                              language)
    assert overview.text == expected.text  # one message before this one, nothing booked
    assert [b.payload for b in overview.buttons] == [DOWNLOAD_PAYLOAD, "/delete_my_data"]
