"""The gateway's own rules, before anything reaches Rasa: a real Gateway against a fake Rasa."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.gateway import (
    MAX_MESSAGE_CHARS,
    TURN_ID_KEY,
    Conversation,
    Gateway,
    clean_user_text,
)
from bot.i18n import Translator
from tests.fakes import FakeRasa

CONVERSATION = Conversation(sender_id="web:0123456789abcdef", channel="web")


def dutch(translator: Translator, key: str, **args: object) -> str:
    assert translator.has(key, "nl"), f"{key} is missing from the Dutch catalog"
    return translator.text(key, "nl", args)


def test_cleaning_keeps_words_and_joiners_but_drops_control_characters() -> None:
    assert clean_user_text("  hallo\u0000 \u200b daar\n\n") == "hallo daar"
    assert clean_user_text("می\u200cخواهم") == "می\u200cخواهم"  # Persian needs ZWNJ
    assert clean_user_text(None) == ""


@pytest.mark.parametrize(("emoji", "intent"), [
    ("\U0001f44d\U0001f3fd", "/affirm"),  # 👍🏽: thumbs up with a skin tone
    ("\U0001f44e", "/deny"),  # 👎
], ids=["thumbs-up-skin-tone", "thumbs-down"])
async def test_meaningful_emoji_reach_rasa_as_intents(
        gateway: Gateway, fake_rasa: FakeRasa, translator: Translator,
        emoji: str, intent: str) -> None:
    [reply] = await gateway.handle_text(CONVERSATION, emoji)

    assert fake_rasa.messages == [intent]
    assert fake_rasa.received[0]["sender"] == CONVERSATION.sender_id
    assert reply.delivered is True
    assert reply.text == dutch(translator, "error.no_answer")  # Rasa's (default) answer


async def test_other_emoji_do_not_reach_rasa(gateway: Gateway, fake_rasa: FakeRasa,
                                             translator: Translator) -> None:
    [reply] = await gateway.handle_text(CONVERSATION, "\U0001f937")  # 🤷

    assert fake_rasa.received == []
    assert reply.delivered is False
    assert reply.text == dutch(translator, "error.no_words")


@pytest.mark.parametrize(("text", "key"), [
    ("a" * 5000, "error.message_too_long"),
    ("", "error.empty_message"),
], ids=["5000-characters", "empty"])
async def test_unusable_text_does_not_reach_rasa(gateway: Gateway, fake_rasa: FakeRasa,
                                                 translator: Translator, text: str,
                                                 key: str) -> None:
    [reply] = await gateway.handle_text(CONVERSATION, text)

    assert fake_rasa.received == []
    assert reply.delivered is False
    assert reply.text == dutch(translator, key, limit=MAX_MESSAGE_CHARS)


async def test_typed_intent_is_sent_without_its_leading_slash(
        gateway: Gateway, fake_rasa: FakeRasa) -> None:
    [reply] = await gateway.handle_text(CONVERSATION, '/book_appointment{"team": "schuldhulp"}')

    assert fake_rasa.messages == ['book_appointment{"team": "schuldhulp"}']
    assert reply.delivered is True


async def test_payload_without_a_slash_is_refused(gateway: Gateway, fake_rasa: FakeRasa,
                                                  translator: Translator) -> None:
    [reply] = await gateway.handle_payload(CONVERSATION, 'book_appointment{"team": "x"}')

    assert fake_rasa.received == []
    assert reply.delivered is False
    assert reply.text == dutch(translator, "error.unknown_button")


async def test_every_turn_carries_its_own_turn_id_and_a_given_one_is_kept(
        gateway: Gateway, fake_rasa: FakeRasa) -> None:
    await gateway.handle_text(CONVERSATION, "ik wil een afspraak")
    await gateway.handle_text(CONVERSATION, "ik wil een afspraak")
    await gateway.handle_payload(CONVERSATION, "/greet", turn_id="a-retried-turn")

    turn_ids = [body["metadata"][TURN_ID_KEY] for body in fake_rasa.received]
    assert len(turn_ids[0]) == 32 and turn_ids[0] != turn_ids[1]
    assert turn_ids[2] == "a-retried-turn"
    assert fake_rasa.received[0]["metadata"]["channel"] == "web"


@pytest.mark.parametrize("language", ["nl", "uk"])
async def test_a_turn_without_an_answer_in_time_sends_the_person_to_their_appointments(
        fake_rasa: FakeRasa, translator: Translator, language: str) -> None:
    """Rasa got the message but answered too late (asyncio's timeout, not the built-in one
    on Python 3.10): it may have booked, so the person is told to look, not that it failed."""
    fake_rasa.delay_seconds = 2.0
    slow_gateway = Gateway(fake_rasa.url, translator, timeout_seconds=0.5)
    try:
        [reply] = await slow_gateway.handle_text(
            replace(CONVERSATION, language=language, language_chosen=True), "ja")
    finally:
        await slow_gateway.close()

    appointments = translator.text("menu.list_appointments", language)
    assert fake_rasa.messages == ["ja"]
    assert reply.text == translator.directed(
        translator.text("error.outcome_unknown", language,
                        {"appointments": {"type": "msg", "key": "menu.list_appointments"}}),
        language)
    assert appointments in reply.text
    assert [button.payload for button in reply.buttons] == ["/list_appointments"]
    assert reply.buttons[0].title == appointments


async def test_a_failed_action_never_says_nothing_changed(gateway: Gateway, fake_rasa: FakeRasa,
                                                          translator: Translator) -> None:
    """Rasa answers nothing when an action failed, perhaps after it booked: the person is
    sent to their list, never told that their appointments did not change."""
    fake_rasa.answers["ja"] = []
    [reply] = await gateway.handle_text(CONVERSATION, "ja")

    assert reply.delivered is False
    assert "Mijn afspraken" in reply.text and "niets veranderd" not in reply.text
    assert [button.payload for button in reply.buttons] == ["/list_appointments"]
