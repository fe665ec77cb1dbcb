"""Personal data and logs with the real Rasa and action server: a BSN in a question is not
kept (read back from Rasa's tracker store) while the question is still answered, and the
logs of a whole conversation (gateway, Rasa, actions) hold none of what was typed."""

from __future__ import annotations

import json
import logging
import uuid

import aiohttp
import pytest

from assistant.language_data import training_examples
from assistant.privacy.logs import JsonFormatter
from bot.gateway import Conversation, Gateway, Reply
from bot.services import RasaStack

pytestmark = pytest.mark.e2e


def resident(language: str = "nl") -> Conversation:
    return Conversation(sender_id=f"web:{uuid.uuid4().hex}", channel="web", language=language,
                        language_chosen=True)


def texts(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies]


async def tracker_of(stack: RasaStack, rasa_url: str, sender_id: str) -> dict:
    url = f"{rasa_url}/conversations/{sender_id}/tracker"
    async with aiohttp.ClientSession() as session, session.get(
            url, params={"token": stack.api_token}) as response:
        assert response.status == 200
        return await response.json()


@pytest.mark.parametrize(("language", "personal", "found"), [
    ("nl", "mijn bsn is 111222333 en", "111222333"),
    ("nl", "bel me op 06-12345678,", "12345678"),
    ("en", "my IBAN is NL91ABNA0417164300 and", "NL91ABNA0417164300"),
    ("ar", "رقمي ١١١٢٢٢٣٣٣", "١١١٢٢٢٣٣٣"),
    ("uk", "моя пошта olena@ukr.net,", "olena@ukr.net"),
])
async def test_personal_data_is_not_kept_and_the_question_still_answered(
        gateway: Gateway, live_stack: RasaStack, live_settings, language: str, personal: str,
        found: str) -> None:
    question = next(e for e in training_examples(language)["apply_benefit"] if "[" not in e)
    plain = await gateway.handle_text(resident(language), question)
    person = resident(language)

    replies = await gateway.handle_text(person, f"{personal} {question}")

    notice = gateway.notice("privacy.personal_data_removed", person).text
    assert texts(replies) == [notice, *texts(plain)]
    tracker = await tracker_of(live_stack, live_settings.rasa_url, person.sender_id)
    assert found not in json.dumps(tracker, ensure_ascii=False)
    [typed] = [e["text"] for e in tracker["events"] if e.get("event") == "user"]
    assert question in typed


async def test_the_logs_of_a_whole_conversation_hold_none_of_the_typed_text(
        gateway: Gateway, live_stack: RasaStack, live_settings,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    person = resident()
    typed = ["Goedemorgen, ik ben Wilhelmina Zonnebloem",
             "ik wil een afspraak maken over mijn schulden bij Quirijnsen",
             "liever donderdag om 10 uur", "ja graag", "welke afspraken heb ik Wilhelmina",
             "dankjewel, doei Xylofoonstraat"]
    for text in typed:
        replies = await gateway.handle_text(person, text)
        times = [b.payload for r in replies for b in r.buttons if "appointment_time" in b.payload]
        teams = [b.payload for r in replies for b in r.buttons if '"schuldhulp"' in b.payload]
        if teams:
            replies = await gateway.handle_payload(person, teams[0])
        if times and text.startswith("liever"):
            await gateway.handle_payload(person, times[0])
    tracker = await tracker_of(live_stack, live_settings.rasa_url, person.sender_id)
    correlation_ids = {e["metadata"].get("turn_id") for e in tracker["events"]
                       if e.get("event") == "user"}

    gateway_log = "\n".join(JsonFormatter("gateway").format(r) for r in caplog.records)
    server_logs = "\n".join(path.read_text(errors="replace")
                            for path in live_stack.log_dir.glob("*.log"))
    for word in ("Wilhelmina", "Zonnebloem", "Quirijnsen", "Xylofoonstraat", "schulden"):
        assert word not in gateway_log
        assert word not in server_logs
    assert len(correlation_ids) >= len(typed)  # one per turn, kept with the message in Rasa
    assert all(len(value or "") == 32 for value in correlation_ids)
    logged = {json.loads(line).get("correlation_id") for line in gateway_log.splitlines()}
    assert logged - {None} <= correlation_ids  # every gateway line names its turn
    action_lines = [json.loads(line) for path in live_stack.log_dir.glob("actions-*.log")
                    for line in path.read_text(errors="replace").splitlines()
                    if line.startswith("{")]
    followed = {line.get("correlation_id") for line in action_lines
                if line["message"].startswith("running ")}
    assert len(followed & correlation_ids) >= 3  # the turns are followed into the actions
