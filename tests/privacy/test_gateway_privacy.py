"""Personal data stops at the gateway; only offered buttons pass; log lines carry no text.
A real Gateway against the fake Rasa (tests/e2e/test_privacy_e2e.py runs the real one)."""

from __future__ import annotations

import json
import logging

import pytest

from assistant.privacy.detectors import PLACEHOLDER
from assistant.privacy.logs import JsonFormatter
from bot.gateway import Button, Conversation, Gateway, Reply
from bot.i18n import Translator
from tests.fakes import FakeRasa, bot_message

RESIDENT = Conversation(sender_id="web:" + "b" * 32, channel="web")
LANGUAGES = ["nl", "en", "ar", "ti", "fa", "fa_AF", "tr", "uk"]


def notice(translator: Translator, language: str = "nl") -> str:
    return translator.directed(translator.text("privacy.personal_data_removed", language),
                               language)


async def test_a_bsn_never_reaches_rasa_and_the_person_is_told_once(
        gateway: Gateway, fake_rasa: FakeRasa, translator: Translator) -> None:
    fake_rasa.default_answer = [bot_message("error.no_answer")]
    first = await gateway.handle_text(RESIDENT, "mijn bsn is 111222333 en ik wil bijstand")
    second = await gateway.handle_text(RESIDENT, "mijn iban is NL91ABNA0417164300")

    assert fake_rasa.messages == [f"mijn bsn is {PLACEHOLDER} en ik wil bijstand",
                                  f"mijn iban is {PLACEHOLDER}"]
    assert "111222333" not in json.dumps(fake_rasa.received)
    assert [r.text for r in first] == [notice(translator),
                                       translator.text("error.no_answer", "nl")]
    assert notice(translator) not in [r.text for r in second]  # once per conversation


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_notice_is_in_the_persons_language(
        gateway: Gateway, fake_rasa: FakeRasa, translator: Translator, language: str) -> None:
    conversation = Conversation(sender_id=f"web:{language:0<32}", channel="web",
                                language=language, language_chosen=True)
    replies = await gateway.handle_text(conversation, "06 1234 5678")

    assert fake_rasa.received == []  # nothing left to understand: Rasa is not asked
    assert [r.text for r in replies] == [notice(translator, language)]
    if language != "en":
        assert replies[0].text != notice(translator, "en")


async def test_arabic_digits_are_caught_and_the_hint_ignores_the_placeholder(
        gateway: Gateway, fake_rasa: FakeRasa) -> None:
    await gateway.handle_text(RESIDENT, "رقمي ١١١٢٢٢٣٣٣")
    assert fake_rasa.messages == [f"رقمي {PLACEHOLDER}"]


async def test_references_ages_amounts_and_times_reach_rasa_unchanged(
        gateway: Gateway, fake_rasa: FakeRasa) -> None:
    typed = ["afspraak ABC-DEF verzetten", "ik ben 29", "ik verdien 1250 euro",
             "dinsdag 10 december om 10:00"]
    for text in typed:
        replies = await gateway.handle_text(RESIDENT, text)
        assert len(replies) == 1
    assert fake_rasa.messages == typed


async def test_only_buttons_offered_in_this_conversation_are_forwarded(
        gateway: Gateway, fake_rasa: FakeRasa, translator: Translator) -> None:
    offered = '/inform{"appointment_reference":"ABC-DEF"}'
    fake_rasa.answer("mijn afspraken", "error.no_answer",
                     buttons=[{"key": "error.empty_message", "args": {}, "payload": offered}])
    await gateway.handle_text(RESIDENT, "mijn afspraken")
    someone_else = Conversation(sender_id="web:" + "c" * 32, channel="web")

    refused = [await gateway.handle_payload(someone_else, offered)]
    for payload in ("/restart", "/session_start", "/back", "/action_cancel_appointment",
                    '/inform{"appointment_reference":"XYZ-QRS"}', offered + "\n"):
        refused.append(await gateway.handle_payload(RESIDENT, payload))
    accepted = await gateway.handle_payload(RESIDENT, offered)

    assert fake_rasa.messages == ["mijn afspraken", offered]
    assert all(r.delivered is False and r.text == translator.text("error.unknown_button", "nl")
               for [r] in refused)
    assert accepted[0].delivered is True


async def test_typed_commands_go_to_rasa_as_plain_text(
        gateway: Gateway, fake_rasa: FakeRasa) -> None:
    await gateway.handle_text(RESIDENT, "/restart")
    await gateway.handle_text(RESIDENT, "//session_start")
    assert fake_rasa.messages == ["restart", "session_start"]


async def test_what_is_shown_outside_a_turn_counts_as_offered(gateway: Gateway) -> None:
    gateway.remember_offered(RESIDENT.sender_id, [Reply("?", (Button("x", "/x"),))])
    assert gateway.was_offered(RESIDENT.sender_id, "/x")
    assert not gateway.was_offered("web:" + "d" * 32, "/x")


async def test_log_lines_are_json_without_the_typed_text(
        gateway: Gateway, fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture) -> None:
    fake_rasa.default_answer = []  # an action failed: the turn is logged as an error
    caplog.set_level(logging.DEBUG)
    typed = "Jan de Vries, Dorpsstraat, ik wil mijn afspraak kwijt\nERROR forged line"
    await gateway.handle_text(RESIDENT, typed)

    formatter = JsonFormatter("gateway")
    lines = [formatter.format(record) for record in caplog.records]
    assert any(json.loads(line)["level"] == "ERROR" for line in lines)
    for line in lines:
        assert "\n" not in line
        record = json.loads(line)
        assert record["correlation_id"] == fake_rasa.received[0]["metadata"]["turn_id"]
        assert "Jan" not in line and "Dorpsstraat" not in line and "forged" not in line


async def test_the_web_chat_shows_the_notice_and_sends_rasa_no_iban(
        gateway: Gateway, fake_rasa: FakeRasa, translator: Translator) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from assistant.settings import load_settings
    from bot.web import create_app

    client = TestClient(TestServer(create_app(gateway, translator, load_settings()),
                                   host="127.0.0.1"))
    await client.start_server()
    try:
        response = await client.post("/api/messages", json={
            "text": "mijn rekening is NL91 ABNA 0417 1643 00, wanneer krijg ik geld?"})
        answer = await response.json()
    finally:
        await client.close()
    assert fake_rasa.messages == [f"mijn rekening is {PLACEHOLDER}, wanneer krijg ik geld?"]
    assert answer["messages"][0]["text"] == notice(translator)
    assert answer["delivered"] is True
